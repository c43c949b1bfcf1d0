import type { StreamExecutorOptions } from '../../utils/stream-options';

/** Options of `@strata/nx:migrate` (see schema.json). */
export interface MigrateExecutorSchema extends StreamExecutorOptions {
  to?: string | number;
  sql?: boolean;
  strict?: boolean;
  allowChanged?: boolean;
  /** A file listing tenant database URLs, one per line (relative to the workspace root): upgrade each of them. */
  tenantsFile?: string;
  /** A query on the stream's own database whose first column is a tenant URL: upgrade each of them. */
  tenantsSql?: string;
  /** With tenantsFile or tenantsSql: how many tenants at once (default 4). */
  concurrency?: number;
  /** With tenantsFile or tenantsSql: `i/n`, the i-th of n shards of the tenants. */
  shard?: string;
}
