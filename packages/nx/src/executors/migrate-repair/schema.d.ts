import type { StreamExecutorOptions } from '../../utils/stream-options';

/** Options of `@strata/nx:migrate-repair` (see schema.json): the stream's options only. */
export type MigrateRepairExecutorSchema = StreamExecutorOptions;
