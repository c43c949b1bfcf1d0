import type { GuardDifference } from '../inspect/inspector.js';
import { StrataError } from '../errors.js';
import { DIALECT_NAMES, type DialectName } from '../dialects/dialect.js';
import { maskQuotedSecrets, maskStatementSecrets } from '../dialects/sql-secrets.js';
import type { RunResult } from './events.js';
import { describeDisagreement, repairCommand, type LedgerDisagreement } from './ledger-check.js';

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
          'If the edit is intended and the database already matches it, record the new checksums with `strata repair` (Nx: `migrate-repair`); ' +
          'to let one run through without recording them, re-run with --allow-changed.',
        details: { stream, changed },
      },
    );
  }
}

/**
 * The stream's version rows and its history disagree (see `compareLedger`): a ledger table was
 * edited, emptied or dropped by hand. Nothing ran; `strata stamp` with the named targets repairs it.
 */
export class LedgerMismatchError extends StrataError {
  static readonly CODE = 'RUNNER_LEDGER_MISMATCH';
  constructor(stream: string, disagreement: LedgerDisagreement) {
    const repair = repairCommand(disagreement);
    super(
      LedgerMismatchError.CODE,
      `Stream "${stream}": the ledger disagrees with itself: ${describeDisagreement(disagreement).join('; ')}. Nothing was run.`,
      {
        hint:
          `If the schema holds every revision either table calls applied, run \`${repair}\`: it sets the version rows and records the missing history rows ` +
          `(with the files' checksums as they are now). If the database is somewhere else, stamp that revision instead (\`strata stamp <revision>\`).`,
        details: { stream, ...disagreement, repair },
      },
    );
  }
}

/** A revision's upgrade or downgrade threw; the run stopped there. */
/**
 * The first Strata error in `error`'s chain of causes, itself included: what a library wrapping the
 * failure (Drizzle's "Failed query") or the revision's own error wrapping it still knows about it (the
 * statement that failed, its code, the next step).
 */
export function strataCauseOf(error: unknown): StrataError | undefined {
  return causeChain(error).find((cause): cause is StrataError => cause instanceof StrataError);
}

/** `error` and the errors it wraps (`cause`, when that is an error too), outermost first. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [error];
  for (let current: unknown = error; current instanceof Error && current.cause instanceof Error && !chain.includes(current.cause); current = current.cause) chain.push(current.cause);
  return chain;
}

/**
 * The query of a library's wrapper around a failed query (Drizzle's "Failed query: … params: …"), whose
 * own message holds the query's parameters; undefined for any other error.
 */
function wrappedQuery(error: unknown): string | undefined {
  const query = (error as { query?: unknown } | null)?.query;
  return error instanceof Error && !(error instanceof StrataError) && 'params' in error && typeof query === 'string' ? query : undefined;
}

/**
 * What a failure says: the outermost error's words (a query wrapper's query, never its parameters),
 * then in parentheses the Strata error inside it, else the driver's error at the bottom, unless the
 * words say it already. A query wrapper around a Strata error is left out: its query did not fail,
 * a statement deferred before it did.
 */
function reasonOf(error: unknown, dialect: DialectName | undefined): string {
  const chain = causeChain(error);
  const inner = chain.find((cause) => cause instanceof StrataError) ?? chain.at(-1);
  // The statements the errors name (a wrapper's query, mysql2's `sql`): the passwords they write are masked in every message,
  // read as the dialect reads them (as a Strata error inside says, when the caller does not).
  const statements = chain.flatMap((cause) => [wrappedQuery(cause), (cause as { sql?: unknown } | null | undefined)?.sql].filter((sql): sql is string => typeof sql === 'string'));
  const told = dialect ?? dialectOf(chain);
  const text = (cause: unknown): string => {
    const query = wrappedQuery(cause);
    const words = query === undefined ? maskQuotedSecrets(cause instanceof Error ? cause.message : String(cause), statements, told) : `Failed query: ${maskStatementSecrets(query, told)}`;
    return words.trim().replace(/\.$/, '');
  };
  const outer = chain[0];
  if (outer === inner || (inner instanceof StrataError && wrappedQuery(outer) !== undefined)) return text(inner);
  const said = text(outer);
  return said.includes(text(inner)) ? said : `${said} (${text(inner)})`;
}

/** The dialect a Strata error of `chain` names in its details, if one does. */
function dialectOf(chain: readonly unknown[]): DialectName | undefined {
  const named = chain.map((cause) => (cause instanceof StrataError ? cause.details['dialect'] : undefined)).find((dialect) => typeof dialect === 'string');
  return DIALECT_NAMES.find((name) => name === named);
}

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
    /** The earlier revisions of the run rolled back with it (one transaction per run); 0 or absent: none. */
    rolledBackWith?: number;
    cause: unknown;
    result: RunResult;
    /** The stream's dialect: how the statements the cause quotes write their literals (to mask passwords in them). */
    dialect?: DialectName;
  }) {
    const told = strataCauseOf(options.cause);
    // The cause's own sentence may end with a period already: one full stop, not two.
    const reason = reasonOf(options.cause, options.dialect).replace(/\.\s*$/, '');
    const where = options.file ? ` (${options.file})` : '';
    const causeHint = told?.hint;
    const earlier = options.rolledBackWith ?? 0;
    const after = earlier > 0
      ? runRolledBack(earlier)
      : options.rolledBack
      ? 'Its changes and its ledger update were rolled back; the database is as before it.'
      : `This database cannot roll DDL back: statements before the failing one stay done and the ledger still shows the revision as ${
          options.direction === 'up' ? 'not applied' : 'applied'
        }; the revision's guards let a re-run finish it.`;
    super(
      RevisionFailedError.CODE,
      `Stream "${options.stream}": ${options.direction === 'up' ? 'upgrade' : 'downgrade'} of revision ${options.revision}${where} failed: ${reason}. ${after}`,
      {
        // A coded cause (a missing privilege, a lost connection) knows the next step better than the runner.
        hint: `${causeHint === undefined ? 'Fix the revision or the database' : causeHint.replace(/\.\s*$/, '')}, then run the same command again; \`strata current\` shows where the stream stands.`,
        details: {
          stream: options.stream,
          revision: options.revision,
          file: options.file,
          direction: options.direction,
          rolledBack: options.rolledBack,
          ...(earlier > 0 ? { rolledBackWith: earlier } : {}),
          ...(told === undefined ? {} : { causeCode: told.code }),
        },
        cause: options.cause,
      },
    );
    this.result = options.result;
  }
}

/** What a failure in a run's one transaction undid, as the errors say it. */
function runRolledBack(earlier: number): string {
  return `Its changes were rolled back, and with them the ${earlier} earlier revision(s) of this run (one transaction per run): the database and the ledger are as before the run.`;
}

/** The code of the warning a run gives when it cannot keep one transaction for the run. */
export const RUN_TRANSACTION_UNSUPPORTED = 'RUNNER_RUN_TRANSACTION_UNSUPPORTED';

/**
 * The warning (code and message) for `transaction: 'run'` on a database whose DDL commits by itself
 * (MySQL/MariaDB): the run goes on one transaction per revision. @internal
 */
export function runTransactionUnsupported(stream: string, dialect: string): { readonly code: string; readonly message: string } {
  return {
    code: RUN_TRANSACTION_UNSUPPORTED,
    message:
      `Stream "${stream}": transaction "run" asks for one transaction around the whole run, but ${dialect} commits each DDL statement by itself, ` +
      'so the revisions run one transaction each (as with transaction "revision"). Set transaction "revision" for this stream to silence this.',
  };
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

/** A `stream@revision` entry of `dependsOn`, with the revision of this stream that declares it. */
export interface CrossStreamReference {
  /** The stream whose revision declares the dependency. */
  readonly stream: string;
  /** The declaring revision. */
  readonly revision: string;
  /** The stream the dependency names. */
  readonly dependsOnStream: string;
  /** The revision it names, as written in `dependsOn`. */
  readonly dependsOnRevision: string;
}

function listReferences(references: readonly CrossStreamReference[]): string {
  return references.map((r) => `${r.stream} ${r.revision} -> ${r.dependsOnStream}@${r.dependsOnRevision}`).join('; ');
}

function streamsOf(references: readonly CrossStreamReference[], key: 'stream' | 'dependsOnStream'): string[] {
  return [...new Set(references.map((r) => r[key]))].sort();
}

/**
 * An upgrade would apply a revision whose `dependsOn` names a revision of another stream that the other
 * stream's ledger does not record as applied. Nothing was applied.
 */
export class DependencyNotAppliedError extends StrataError {
  static readonly CODE = 'RUNNER_DEPENDENCY_NOT_APPLIED';
  constructor(stream: string, missing: readonly CrossStreamReference[]) {
    const others = streamsOf(missing, 'dependsOnStream');
    super(
      DependencyNotAppliedError.CODE,
      `Stream "${stream}": ${missing
        .map((m) => `revision ${m.revision} depends on ${m.dependsOnStream}@${m.dependsOnRevision}, which is not applied in stream "${m.dependsOnStream}"`)
        .join('; ')}. Nothing was applied.`,
      {
        hint:
          `Upgrade ${others.map((s) => `"${s}"`).join(', ')} first: \`strata upgrade\` in ${others.length === 1 ? 'its' : 'their'} project, ` +
          `or \`nx run ${stream}:migrate\`, which migrates ${others.join(', ')} first. If the id is wrong, fix the revision's dependsOn.`,
        details: { stream, missing },
      },
    );
  }
}

/**
 * A revision's `dependsOn` names a stream the runner does not know: it is not in the workspace
 * passed to the run, and the run's database holds no ledger rows for it. Nothing was applied.
 */
export class UnknownStreamError extends StrataError {
  static readonly CODE = 'RUNNER_UNKNOWN_STREAM';
  /** The streams named by `dependsOn` that the run does not know, sorted. */
  readonly unknownStreams: readonly string[];
  constructor(stream: string, references: readonly CrossStreamReference[], known: readonly string[]) {
    const unknown = streamsOf(references, 'dependsOnStream');
    super(
      UnknownStreamError.CODE,
      `Stream "${stream}": ${references
        .map((r) => `revision ${r.revision} depends on ${r.dependsOnStream}@${r.dependsOnRevision}, but stream "${r.dependsOnStream}" is unknown`)
        .join('; ')} (${known.length ? `the workspace lists ${known.join(', ')}` : 'no workspace was given'}, and this database has no ledger rows for it). Nothing was applied.`,
      {
        hint:
          `If ${unknown.join(', ')} shares this database, run \`strata upgrade\` in its project first; otherwise run through the Nx plugin ` +
          `(\`nx run ${stream}:migrate\`), which knows every stream of the workspace. If the name is wrong, fix the revision's dependsOn.`,
        details: { stream, references, known },
      },
    );
    this.unknownStreams = unknown;
  }
}

/**
 * A downgrade would revert revisions that applied revisions of other streams depend on (`dependsOn:
 * ['stream@rev']`). Nothing was reverted.
 */
export class DependentsAppliedError extends StrataError {
  static readonly CODE = 'RUNNER_DEPENDENTS_APPLIED';
  constructor(stream: string, dependents: readonly CrossStreamReference[]) {
    const others = streamsOf(dependents, 'stream');
    super(
      DependentsAppliedError.CODE,
      `Stream "${stream}": the downgrade would revert revisions that applied revisions of ${others.map((s) => `"${s}"`).join(', ')} depend on ` +
        `(${listReferences(dependents)}). Nothing was reverted.`,
      {
        hint:
          `Downgrade ${others.join(', ')} first (\`strata downgrade\` in ${others.length === 1 ? 'its' : 'their'} project, or ${others.map((o) => `\`nx run ${o}:migrate-down\``).join(', ')}), ` +
          `or cascade: pass \`cascade: true\` to downgrade() or --cascade to the Nx executor, which downgrades them first.`,
        details: { stream, dependents },
      },
    );
  }
}

/**
 * A transactional revision asked for `CREATE INDEX CONCURRENTLY` or `DROP INDEX CONCURRENTLY`, which
 * PostgreSQL refuses inside a transaction block
 * (https://www.postgresql.org/docs/15/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY).
 * Raised before the statement is sent, so the message names the revision setting to change.
 */
export class ConcurrentIndexInTransactionError extends StrataError {
  static readonly CODE = 'RUNNER_CONCURRENT_INDEX_IN_TRANSACTION';
  constructor(stream: string, revision: string, table: string, index: string, verb: 'create' | 'drop' = 'create') {
    super(
      ConcurrentIndexInTransactionError.CODE,
      `Stream "${stream}": revision ${revision} ${verb}s index ${index} on ${table} concurrently, but the revision runs in a transaction, where ${verb.toUpperCase()} INDEX CONCURRENTLY cannot run.`,
      {
        hint: `Set \`transactional: false\` on revision ${revision} (its guards make a re-run finish what a failure left), or drop \`concurrently\` from the index.`,
        details: { stream, revision, table, index, verb },
      },
    );
  }
}

/**
 * A revision's statement was not granted a table lock within the DDL lock timeout, on every try the
 * retries allowed (or on a try that could not be repeated: MySQL had already committed a statement).
 *
 * @example
 * ```ts
 * import { DdlLockTimeoutError } from '@strata/engine';
 * new DdlLockTimeoutError({ stream: 'app', revision: '3f2a9c1d4e5b', table: 'orders', timeoutMs: 2000, attempts: 4, repeatable: true, rolledBack: true, cause: undefined, result: { stream: 'app', direction: 'up', headsBefore: [], headsAfter: [], steps: [] } });
 * ```
 */
export class DdlLockTimeoutError extends StrataError {
  static readonly CODE = 'RUNNER_DDL_LOCK_TIMEOUT';
  /** What happened before the failure: revisions applied, the one that failed. */
  readonly result: RunResult;
  constructor(options: {
    stream: string;
    revision: string;
    file?: string | undefined;
    table: string | undefined;
    timeoutMs: number;
    /** How many times the revision ran. */
    attempts: number;
    /** Whether the revision could run again from its start: rolled back, or stopped at its first statement. */
    repeatable: boolean;
    rolledBack: boolean;
    /** The earlier revisions of the run rolled back with it (one transaction per run), which is why it was not retried. */
    rolledBackWith?: number;
    cause: unknown;
    result: RunResult;
  }) {
    const on = options.table === undefined ? 'a table lock' : `the lock on ${options.table}`;
    const tries = options.attempts === 1 ? 'once' : `${options.attempts} times`;
    const earlier = options.rolledBackWith ?? 0;
    const after = earlier > 0
      ? `${runRolledBack(earlier)} Not retried: a retry would run them again.`
      : options.rolledBack
      ? 'Each try was rolled back; the database is as before the revision.'
      : options.repeatable
        ? 'The failing statement was the revision\'s first, so nothing of it was done.'
        : 'An earlier statement of the revision was already committed (MySQL has no transactional DDL), so it was not retried; its guards let a re-run finish it.';
    super(
      DdlLockTimeoutError.CODE,
      `Stream "${options.stream}": revision ${options.revision}${options.file ? ` (${options.file})` : ''} waited ${options.timeoutMs} ms for ${on} and gave up (tried ${tries}). ${after}`,
      {
        hint:
          `Another session holds ${options.table ?? 'the table'}: find it (PostgreSQL pg_locks/pg_stat_activity, MySQL SHOW PROCESSLIST) and let it finish, ` +
          'then run the same command again; or retry more often (--ddl-lock-retries) or wait longer (--ddl-lock-timeout). ' +
          'This is the server\'s lock on a table, not the migration lock between runners (--lock-timeout).',
        details: {
          stream: options.stream,
          revision: options.revision,
          file: options.file,
          table: options.table,
          timeoutMs: options.timeoutMs,
          attempts: options.attempts,
          repeatable: options.repeatable,
          rolledBack: options.rolledBack,
          ...(earlier > 0 ? { rolledBackWith: earlier } : {}),
        },
        cause: options.cause,
      },
    );
    this.result = options.result;
  }
}

/**
 * `ctx.backfill` keys its batches by the table's primary key, which must be one column: the table
 * has none, several, or does not exist.
 */
export class BackfillNeedsKeyError extends StrataError {
  static readonly CODE = 'RUNNER_BACKFILL_NEEDS_KEY';
  constructor(stream: string, table: string, key: readonly string[] | undefined) {
    super(
      BackfillNeedsKeyError.CODE,
      `Stream "${stream}": ctx.backfill(${table}) needs a one-column primary key to key its batches by; ${key === undefined ? `${table} has none (or does not exist)` : `${table}'s primary key is (${key.join(', ')})`}.`,
      {
        hint: 'Give the table a one-column primary key, or update it with ctx.execute in batches of your own.',
        details: { stream, table, key: key ?? null },
      },
    );
  }
}
