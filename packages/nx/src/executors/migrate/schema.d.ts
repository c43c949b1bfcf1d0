import type { StreamExecutorOptions } from '../../utils/stream-options';
import type { TenantOptions } from '../../utils/tenants';

/** Options of `@strata/nx:migrate` (see schema.json). */
export interface MigrateExecutorSchema extends StreamExecutorOptions, TenantOptions {
  to?: string | number;
  sql?: boolean;
  strict?: boolean;
  allowChanged?: boolean;
}
