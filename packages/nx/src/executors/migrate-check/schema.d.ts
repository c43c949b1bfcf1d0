import type { StreamExecutorOptions } from '../../utils/stream-options';

/** Options of `@strata/nx:migrate-check` (see schema.json). */
export interface MigrateCheckExecutorSchema extends StreamExecutorOptions {
  db?: boolean;
  strictSafety?: boolean;
}
