import type { StreamExecutorOptions } from '../../utils/stream-options';
import type { TenantOptions } from '../../utils/tenants';

/** Options of `@strata/nx:migrate-status` (see schema.json). */
export interface MigrateStatusExecutorSchema extends StreamExecutorOptions, TenantOptions {
  /** Leave out heads that another revision lists in dependsOn (as `strata heads --resolve-dependencies`). */
  resolveDependencies?: boolean;
}
