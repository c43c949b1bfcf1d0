import type { StreamExecutorOptions } from '../../utils/stream-options';

/** Options of `@strata/nx:migrate` (see schema.json). */
export interface MigrateExecutorSchema extends StreamExecutorOptions {
  to?: string | number;
  sql?: boolean;
  strict?: boolean;
  allowChanged?: boolean;
}
