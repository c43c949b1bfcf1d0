/**
 * `@strata/engine/testing`: migration tests for a stream on a real database (the stairway, idempotency,
 * drift against the Drizzle schema), and throwaway databases to run them in. What `strata test` and the
 * Nx `migrate-test` target run.
 *
 * @packageDocumentation
 */
export { testMigrations, type TestMigrationsOptions, type DriftSource } from './test-migrations.js';
export { embeddedThrowawayServer, withThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.js';
export {
  MigrationTestError,
  ThrowawayServerUrlError,
  TestingNeedsServerError,
  TestingNeedsDialectError,
  TestingServerDialectError,
  type MigrationTestStep,
  type MigrationTestStepResult,
  type MigrationTestResult,
} from './errors.js';
