import type { StreamExecutorOptions } from '../../utils/stream-options';

/** Options of `@strata/nx:migrate-stamp` (see schema.json). */
export interface MigrateStampExecutorSchema extends StreamExecutorOptions {
  to?: string | number;
  purge?: boolean;
}
