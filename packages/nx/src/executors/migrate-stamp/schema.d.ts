import type { StreamExecutorOptions } from '../../utils/stream-options';
import type { TenantOptions } from '../../utils/tenants';

/** Options of `@strata/nx:migrate-stamp` (see schema.json). */
export interface MigrateStampExecutorSchema extends StreamExecutorOptions, TenantOptions {
  to?: string | number;
  purge?: boolean;
}
