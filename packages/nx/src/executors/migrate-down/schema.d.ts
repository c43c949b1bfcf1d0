import type { StreamExecutorOptions } from '../../utils/stream-options';
import type { TenantOptions } from '../../utils/tenants';

/** Options of `@strata/nx:migrate-down` (see schema.json). */
export interface MigrateDownExecutorSchema extends StreamExecutorOptions, TenantOptions {
  to?: string | number;
  sql?: boolean;
  strict?: boolean;
  allowChanged?: boolean;
  cascade?: boolean;
}
