import type { StreamExecutorOptions } from '../../utils/stream-options';

/** Options of `@strata/nx:migrate-status` (see schema.json). */
export interface MigrateStatusExecutorSchema extends StreamExecutorOptions {
  /** Leave out heads that another revision lists in dependsOn (as `strata heads --resolve-dependencies`). */
  resolveDependencies?: boolean;
}
