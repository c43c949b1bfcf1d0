import type { StreamExecutorOptions } from '../../utils/stream-options';

/** Options of `@strata/nx:migrate-merge` (see schema.json). */
export interface MigrateMergeExecutorSchema extends StreamExecutorOptions {
  message?: string;
  revisions?: string;
  revId?: string;
}
