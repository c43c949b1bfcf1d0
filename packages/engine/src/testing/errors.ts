import type { DialectName } from '../dialects/dialect.js';
import { SCRATCH_SERVERS } from '../dialects/scratch.js';
import { redactUrl } from '../dialects/url.js';
import { StrataError } from '../errors.js';
import { RevisionFailedError, UnknownStreamError } from '../runner/errors.js';

/** A step of {@link testMigrations}, in the order they run for each revision. */
export type MigrationTestStep = 'setup' | 'upgrade' | 'downgrade' | 're-run' | 'drift' | 'base';

/** One step {@link testMigrations} finished. */
export interface MigrationTestStepResult {
  readonly step: MigrationTestStep;
  /** The revision the step is about (the head for `drift`); undefined for `setup` and `base`. */
  readonly revision: string | undefined;
  readonly durationMs: number;
}

/** What {@link testMigrations} did. */
export interface MigrationTestResult {
  readonly stream: string;
  /** The stream's head, or undefined for a stream without revisions. */
  readonly head: string | undefined;
  /** The revisions tested, in the order they were applied. */
  readonly revisions: readonly string[];
  /** Every step that passed, in order. */
  readonly steps: readonly MigrationTestStepResult[];
}

const HINTS: Record<MigrationTestStep, string> = {
  setup: 'Give testMigrations an empty database (`strata test --server URL` makes a throwaway one) and a stream with one head (`strata merge`).',
  upgrade:
    'Fix the revision\'s upgrade so that it runs on the schema its parents leave; `strata upgrade <rev>` on a scratch database reproduces it. ' +
    'If it references a table another stream creates, the revision must depend on that stream (`dependsOn: [\'<stream>@<rev>\']`; `nx run <project>:migrate-check` names it), so that the test migrates that stream first.',
  downgrade: 'Make the revision\'s downgrade run and undo exactly what its upgrade did, so that down and up again (the stairway) works.',
  're-run':
    'The revision is not idempotent: applied a second time it fails or changes the schema. Guard each operation (check, then act: ' +
    '`if (!(await inspect.hasTable(\'t\')))`); `strata check` lists unguarded ones.',
  drift: 'The schema the revisions build differs from the Drizzle schema: generate the missing revision (`strata revision --autogenerate -m "..."`) or fix the schema.',
  base: 'Downgrading every revision must leave the database as it was before the first: complete the downgrades that leave objects behind.',
};

/**
 * A step of {@link testMigrations} failed. `revision` and `step` say where; `cause` says why (for a
 * failing upgrade or downgrade, the runner's `RUNNER_REVISION_FAILED` error, whose revision is the one
 * named here); `result` lists the steps that passed before it.
 *
 * @example
 * ```ts
 * import { MigrationTestError, testMigrations } from '@strata/engine/testing';
 * import type { RevisionGraph, StreamTarget } from '@strata/engine';
 * declare const stream: StreamTarget;
 * declare const graph: RevisionGraph;
 * try {
 *   await testMigrations({ stream, graph });
 * } catch (error) {
 *   if (error instanceof MigrationTestError) console.error(error.revision, error.step);
 * }
 * ```
 */
export class MigrationTestError extends StrataError {
  static readonly CODE = 'TESTING_STEP_FAILED';
  readonly step: MigrationTestStep;
  readonly revision: string | undefined;
  readonly result: MigrationTestResult;

  constructor(options: { stream: string; step: MigrationTestStep; revision: string | undefined; cause: unknown; result: MigrationTestResult }) {
    // A failed run names the revision that failed, which may be another than the step's (a base
    // downgrade, a downgrade that also reverts a sibling branch).
    const revision = options.cause instanceof RevisionFailedError ? String(options.cause.details['revision']) : options.revision;
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      MigrationTestError.CODE,
      `Stream "${options.stream}": migration test failed ${revision === undefined ? '' : `at revision ${revision}, `}step "${options.step}": ${reason}`,
      { hint: hintFor(options.stream, options.step, options.cause), details: { stream: options.stream, step: options.step, revision }, cause: options.cause },
    );
    this.step = options.step;
    this.revision = revision;
    this.result = options.result;
  }
}

/**
 * What to do about a failed step: the step's own advice, unless the revisions depend on streams the
 * test was not given (`strata test` runs one stream; the Nx target migrates the streams it depends on first).
 */
function hintFor(stream: string, step: MigrationTestStep, cause: unknown): string {
  if (!(cause instanceof UnknownStreamError)) return HINTS[step];
  const others = cause.unknownStreams.join(', ');
  return (
    `The revisions depend on ${others}, which a one-stream test does not have: run \`nx run <project>:migrate-test\` for stream "${stream}", ` +
    `which migrates ${others} first on the same throwaway database.`
  );
}

/** {@link withThrowawayDatabase} was given something that names neither a server nor SQLite. */
export class ThrowawayServerUrlError extends StrataError {
  static readonly CODE = 'TESTING_INVALID_SERVER_URL';
  constructor(given: string) {
    const shown = redactUrl(given);
    super(ThrowawayServerUrlError.CODE, `Cannot make a throwaway database on "${shown}": it is neither a postgres:// or mysql:// server URL nor "sqlite".`, {
      hint: 'Give the URL of a server you may create databases on, for example postgres://postgres@127.0.0.1:5432/postgres or mysql://root@127.0.0.1:3306/, or "sqlite" for a temp file.',
      details: { given: shown },
    });
  }
}

/**
 * A migration test whose dialect has no embedded server, with no server named to make its throwaway
 * database on (MySQL without `--server`).
 *
 * @example
 * ```ts
 * import { TestingNeedsServerError } from '@strata/engine/testing';
 * new TestingNeedsServerError('billing', 'mysql', false).code; // TESTING_NEEDS_SERVER
 * ```
 */
export class TestingNeedsServerError extends StrataError {
  static readonly CODE = 'TESTING_NEEDS_SERVER';
  /** `configuredServer`: whether a URL configured for the stream (drizzle.config, STRATA_DATABASE_URL) would have served. */
  constructor(stream: string, dialect: DialectName, configuredServer: boolean) {
    const example = SCRATCH_SERVERS[dialect].example;
    super(
      TestingNeedsServerError.CODE,
      `Stream "${stream}": the migration test needs a ${dialect} server to make its throwaway database on, and ${dialect} has no embedded one` +
        `${configuredServer ? ' (no URL is configured for the stream)' : ''}.`,
      {
        hint:
          `Pass --server ${example} (a throwaway database is created there and dropped after)` +
          (configuredServer ? ', or set the URL in drizzle.config or STRATA_DATABASE_URL.' : ', or --url URL of an empty database the test may change.'),
        details: { stream, dialect },
      },
    );
  }
}

/**
 * A migration test on a stream whose dialect is not known: not configured, and no server URL names it.
 *
 * @example
 * ```ts
 * import { TestingNeedsDialectError } from '@strata/engine/testing';
 * new TestingNeedsDialectError('billing').code; // TESTING_NEEDS_DIALECT
 * ```
 */
export class TestingNeedsDialectError extends StrataError {
  static readonly CODE = 'TESTING_NEEDS_DIALECT';
  constructor(stream: string) {
    super(TestingNeedsDialectError.CODE, `Stream "${stream}": the migration test needs the stream's dialect, which is not configured.`, {
      hint: 'Configure the stream (drizzle.config or strata.config), or pass --dialect postgresql|mysql|sqlite.',
      details: { stream },
    });
  }
}

/**
 * The server named for the throwaway database is of another dialect than the stream's.
 *
 * @example
 * ```ts
 * import { TestingServerDialectError } from '@strata/engine/testing';
 * new TestingServerDialectError('billing', 'mysql', 'postgresql').code; // TESTING_SERVER_DIALECT_MISMATCH
 * ```
 */
export class TestingServerDialectError extends StrataError {
  static readonly CODE = 'TESTING_SERVER_DIALECT_MISMATCH';
  constructor(stream: string, server: string, configured: string) {
    super(TestingServerDialectError.CODE, `--server names a ${server} server, but stream "${stream}" is configured for ${configured}.`, {
      hint: `Give a ${configured} server URL (or --dialect ${server} to test the revisions on ${server}).`,
      details: { stream, server, configured },
    });
  }
}
