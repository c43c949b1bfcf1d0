/**
 * `@strata/nx`: the Nx face of Strata. Generators (`init`, `migration`, `merge`, `stream`), executors (one per
 * `migrate*` target) and the plugin (`@strata/nx/plugin`: inferred targets and cross-stream edges).
 *
 * @packageDocumentation
 */
export { initGenerator, initGeneratorInternal } from './generators/init/init';
export type { InitGeneratorSchema } from './generators/init/schema';
export { migrationGenerator } from './generators/migration/migration';
export type { MigrationGeneratorSchema } from './generators/migration/schema';
export { mergeGenerator } from './generators/merge/merge';
export type { MergeGeneratorSchema } from './generators/merge/schema';
export { streamGenerator } from './generators/stream/stream';
export type { StreamGeneratorSchema } from './generators/stream/schema';

export { default as migrateExecutor } from './executors/migrate/migrate.impl';
export { default as migrateDownExecutor } from './executors/migrate-down/migrate-down.impl';
export { default as migrateStampExecutor } from './executors/migrate-stamp/migrate-stamp.impl';
export { default as migrateRepairExecutor } from './executors/migrate-repair/migrate-repair.impl';
export { default as migrateMergeExecutor } from './executors/migrate-merge/migrate-merge.impl';
export { default as migrateStatusExecutor } from './executors/migrate-status/migrate-status.impl';
export { default as migrateHistoryExecutor } from './executors/migrate-history/migrate-history.impl';
export { default as migrateCheckExecutor } from './executors/migrate-check/migrate-check.impl';
export { default as migrateTestExecutor } from './executors/migrate-test/migrate-test.impl';
export type { StreamExecutorOptions } from './utils/stream-options';

export { createNodes, createNodesV2, type StrataPluginOptions, type StreamMetadata } from './plugins/plugin';
export { createDependencies } from './plugins/dependencies';
