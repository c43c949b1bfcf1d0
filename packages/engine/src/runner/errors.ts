import type { GuardDifference } from '../inspect/inspector.js';
import { StrataError } from '../errors.js';
import type { RunResult } from './events.js';

/** An applied revision's file changed since it was applied. */
export class ChecksumMismatchError extends StrataError {
  static readonly CODE = 'RUNNER_CHECKSUM_MISMATCH';
  constructor(stream: string, changed: readonly { id: string; file: string | undefined; recorded: string; current: string | undefined }[]) {
    const list = changed.map((c) => `${c.id} (${c.file ?? 'no file'})`).join(', ');
    super(
      ChecksumMismatchError.CODE,
      `Stream "${stream}": ${changed.length === 1 ? 'the applied revision' : 'applied revisions'} ${list} changed since ${changed.length === 1 ? 'it was' : 'they were'} applied.`,
      {
        hint:
          'Applied revisions are frozen: restore the file(s) from version control and put the change in a new revision (`strata revision -m "..."`). ' +
          'If the edit is harmless (a comment, formatting), re-run with --allow-changed.',
        details: { stream, changed },
      },
    );
  }
}

/** A revision's upgrade or downgrade threw; the run stopped there. */
export class RevisionFailedError extends StrataError {
  static readonly CODE = 'RUNNER_REVISION_FAILED';
  /** What happened before the failure: revisions applied, the one that failed. */
  readonly result: RunResult;
  constructor(options: {
    stream: string;
    revision: string;
    file: string | undefined;
    direction: 'up' | 'down';
    rolledBack: boolean;
    cause: unknown;
    result: RunResult;
  }) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    const where = options.file ? ` (${options.file})` : '';
    const after = options.rolledBack
      ? 'Its changes and its ledger update were rolled back; the database is as before it.'
      : `This database cannot roll DDL back: statements before the failing one stay done and the ledger still shows the revision as ${
          options.direction === 'up' ? 'not applied' : 'applied'
        }; the revision's guards let a re-run finish it.`;
    super(
      RevisionFailedError.CODE,
      `Stream "${options.stream}": ${options.direction === 'up' ? 'upgrade' : 'downgrade'} of revision ${options.revision}${where} failed: ${reason}. ${after}`,
      {
        hint: `Fix the revision or the database, then run the same command again; \`strata current\` shows where the stream stands.`,
        details: { stream: options.stream, revision: options.revision, file: options.file, direction: options.direction, rolledBack: options.rolledBack },
        cause: options.cause,
      },
    );
    this.result = options.result;
  }
}

/** Under `--strict`, a guard found its object under another definition than the revision's. */
export class GuardDifferenceError extends StrataError {
  static readonly CODE = 'RUNNER_GUARD_DIFFERENCE';
  constructor(stream: string, revision: string, difference: GuardDifference) {
    const where = difference.table ? `${difference.table}.` : '';
    super(
      GuardDifferenceError.CODE,
      `Stream "${stream}", revision ${revision}: ${difference.object} ${where}${difference.name} exists but differs from what the revision creates ` +
        `(expected ${difference.expected}; found ${difference.actual}).`,
      {
        hint: 'Bring the database in line with the revision (or the revision with the database), or run without --strict to only warn.',
        details: { stream, revision, ...difference },
      },
    );
  }
}
