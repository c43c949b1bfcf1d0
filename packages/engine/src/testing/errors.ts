import { redactUrl } from '../dialects/url.js';
import { StrataError } from '../errors.js';
import { RevisionFailedError } from '../runner/errors.js';

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
      { hint: HINTS[options.step], details: { stream: options.stream, step: options.step, revision }, cause: options.cause },
    );
    this.step = options.step;
    this.revision = revision;
    this.result = options.result;
  }
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
