import type { StreamExecutorOptions } from '../../utils/stream-options';
import type { TenantOptions } from '../../utils/tenants';

/** Options of `@strata/nx:migrate` (see schema.json). */
export interface MigrateExecutorSchema extends StreamExecutorOptions, TenantOptions {
  to?: string | number;
  sql?: boolean;
  strict?: boolean;
  allowChanged?: boolean;
  /** Print the plan and each destructive operation with the rows it would affect; change nothing. */
  dryRun?: boolean;
  /** Fail before any revision runs when a pending operation locks a live table for long (default: warn). */
  strictSafety?: boolean;
}
