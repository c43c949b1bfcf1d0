import type { StreamExecutorOptions } from '../../utils/stream-options';

/** Options of `@strata/nx:migrate-down` (see schema.json). */
export interface MigrateDownExecutorSchema extends StreamExecutorOptions {
  to?: string | number;
  sql?: boolean;
  strict?: boolean;
  allowChanged?: boolean;
  cascade?: boolean;
}
