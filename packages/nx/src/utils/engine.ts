/**
 * The engine is an ES module and this plugin is CommonJS (Nx loads plugins with `require`), so it is
 * reached only through a dynamic `import()` (kept as is by TypeScript's NodeNext output for CommonJS
 * files) from async code, and only when a target, generator or cache miss needs it.
 */
export type Engine = typeof import('@strata/engine');

/** `@strata/engine/testing`: `testMigrations` and `withThrowawayDatabase`, for the `migrate-test` executor. */
export type EngineTesting = typeof import('@strata/engine/testing');

/** One step of a migration test, as `onStep` reports it. */
export type MigrationTestStepResult = import('@strata/engine/testing').MigrationTestStepResult;

let engine: Promise<Engine> | undefined;
let testing: Promise<EngineTesting> | undefined;

/** Loads `@strata/engine` once per process. */
export function loadEngine(): Promise<Engine> {
  engine ??= import('@strata/engine');
  return engine;
}

/** Loads `@strata/engine/testing` once per process. */
export function loadEngineTesting(): Promise<EngineTesting> {
  testing ??= import('@strata/engine/testing');
  return testing;
}
