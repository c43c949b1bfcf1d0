import type { StreamExecutorOptions } from '../../utils/stream-options';

/** Options of `@strata/nx:migrate-history` (see schema.json). */
export interface MigrateHistoryExecutorSchema extends StreamExecutorOptions {
  rev?: string;
  indicateCurrent?: boolean;
  applied?: boolean;
  verbose?: boolean;
}
