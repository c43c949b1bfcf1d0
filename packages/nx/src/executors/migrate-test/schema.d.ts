import type { StreamExecutorOptions } from '../../utils/stream-options';

/** Options of `@strata/nx:migrate-test` (see schema.json). */
export interface MigrateTestExecutorSchema extends StreamExecutorOptions {
  serverUrl?: string;
}
