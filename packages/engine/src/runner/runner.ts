import type { Connection } from '../dialects/connection.js';
import type { Dialect, DialectName } from '../dialects/dialect.js';
import { loadDialect } from '../dialects/registry.js';
import { planDowngrade, planStamp, planUpgrade } from '../revision/plan.js';
import { resolveTarget, targetBranch } from '../revision/resolve-target.js';
import type { RevisionGraph } from '../revision/revision-graph.js';
import type { GuardDifference } from '../inspect/inspector.js';
import { liveSchemaSource, SchemaInspector } from '../inspect/schema-inspector.js';
import { LiveSink, type SqlSink } from '../offline/sql-sink.js';
import { ChecksumMismatchError, GuardDifferenceError, RevisionFailedError } from './errors.js';
import { createMigrationContext } from './migration-context.js';
import type { RunEvent, RunListener, RunResult, StepResult } from './events.js';
import { Ledger, type HistoryEntry } from './ledger.js';

/** Where a stream's ledger lives: the part of the stream settings the runner needs. */
export interface StreamTarget {
  /** The stream's name; its rows in the ledger carry it. */
  readonly name: string;
  readonly dialect: DialectName;
  /** The database URL (never printed unmasked). */
  readonly url: string;
  /** How long to wait for another runner's lock, in milliseconds (default 60,000). */
  readonly lockTimeoutMs?: number;
}

/** Options shared by upgrade and downgrade. */
export interface RunOptions {
  readonly stream: StreamTarget;
  readonly graph: RevisionGraph;
  /** A target as the CLI takes it: `head`, `heads`, `base`, an id or prefix, `label@head`, `+2`, `-1`, `rev+1`... */
  readonly target: string;
  /** Run even if an applied revision's file changed since it was applied. */
  readonly allowChanged?: boolean;
  /** Progress events, one pair per revision, plus one per guard difference. */
  readonly onEvent?: RunListener;
  /** Fail a revision whose guard finds its object under another definition (default: warn). */
  readonly strict?: boolean;
}

/** Options of {@link stamp}. */
export interface StampOptions {
  readonly stream: StreamTarget;
  readonly graph: RevisionGraph;
  /** One or more targets; `base` clears the stream's rows. */
  readonly targets: readonly string[];
  /** Delete the stream's rows first, even ones naming revisions no file holds any more (Alembic's `--purge`). */
  readonly purge?: boolean;
}

/** What {@link stamp} changed. */
export interface StampResult {
  readonly stream: string;
  readonly headsBefore: readonly string[];
  readonly headsAfter: readonly string[];
  /** Revisions now marked applied without running. */
  readonly marked: readonly string[];
  /** Revisions no longer marked applied, without running their downgrade. */
  readonly unmarked: readonly string[];
}

/** Where a stream stands: its rows in the version table. */
export interface CurrentResult {
  readonly stream: string;
  /** The rows of `strata_version`; empty when nothing is applied (or the ledger does not exist yet). */
  readonly heads: readonly string[];
}

const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

/**
 * Applies the revisions between the stream's current heads and `target`, parents and dependencies
 * first, one transaction per revision where the dialect has transactional DDL.
 *
 * @example
 * ```ts
 * import { loadRevisions, RevisionGraph, upgrade } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('migrations'));
 * await upgrade({ stream: { name: 'app', dialect: 'sqlite', url: 'file:app.db' }, graph, target: 'head' });
 * ```
 */
export async function upgrade(options: RunOptions): Promise<RunResult> {
  return run(options, 'up');
}

/**
 * Reverts the applied revisions above `target` (`base`: all of them), dependents first.
 *
 * @example
 * ```ts
 * import { downgrade, loadRevisions, RevisionGraph } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('migrations'));
 * await downgrade({ stream: { name: 'app', dialect: 'sqlite', url: 'file:app.db' }, graph, target: '-1' });
 * ```
 */
export async function downgrade(options: RunOptions): Promise<RunResult> {
  return run(options, 'down');
}

/**
 * Sets the stream's version rows to `targets` without running any revision, and records each
 * revision marked or unmarked in the history.
 *
 * @example
 * ```ts
 * import { loadRevisions, RevisionGraph, stamp } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('migrations'));
 * await stamp({ stream: { name: 'app', dialect: 'sqlite', url: 'file:app.db' }, graph, targets: ['head'] });
 * ```
 */
export async function stamp(options: StampOptions): Promise<StampResult> {
  const { graph } = options;
  return withSession(options.stream, { lock: true }, async ({ connection, ledger }) => {
    const rows = await ledger.heads();
    // --purge starts from no rows, so rows naming revisions no file holds any more stop nothing.
    const from = options.purge ? [] : rows;
    const targetIds = [...new Set(options.targets.flatMap((t) => resolveTarget(graph, t, from, 'stamp')))];
    const branch = options.targets.length === 1 ? targetBranch(options.targets[0] as string) : undefined;
    const plan = planStamp(graph, from, targetIds, branch ? { branch } : {});
    // What --purge takes away is still recorded: every revision the old rows implied, and the unknown rows themselves.
    const { marked, unmarked } = options.purge ? purgedChanges(graph, rows, plan.heads) : plan;
    const now = timestamp();
    await inTransaction(connection, async () => {
      if (options.purge) await ledger.purgeHeads();
      await ledger.moveHeads(from, plan.heads);
      for (const [ids, direction] of [[unmarked, 'unstamp'], [marked, 'stamp']] as const) {
        for (const id of ids) {
          const revision = graph.has(id) ? graph.get(id) : undefined;
          await ledger.record({
            revision: id,
            direction,
            message: revision?.message ?? '(no revision file has this id)',
            file: revision?.file ?? null,
            checksum: revision?.checksum ?? null,
            startedAt: now,
            finishedAt: now,
            durationMs: 0,
          });
        }
      }
    });
    return { stream: options.stream.name, headsBefore: rows, headsAfter: [...plan.heads].sort(), marked, unmarked };
  });
}

/** The revisions a purging stamp marks and unmarks, comparing what the old rows implied with the new rows. */
function purgedChanges(graph: RevisionGraph, oldRows: readonly string[], newHeads: readonly string[]): { marked: string[]; unmarked: string[] } {
  const unknown = oldRows.filter((id) => !graph.has(id));
  const before = new Set(graph.ancestors(oldRows.filter((id) => graph.has(id)), { inclusive: true }));
  const after = new Set(graph.ancestors(newHeads, { inclusive: true }));
  return {
    marked: graph.sortTopologically([...after].filter((id) => !before.has(id))),
    unmarked: [...unknown, ...graph.sortTopologically([...before].filter((id) => !after.has(id))).reverse()],
  };
}

/**
 * Reads the stream's current heads without locking and without creating the ledger.
 *
 * @example
 * ```ts
 * import { current } from '@strata/engine';
 * const { heads } = await current({ name: 'app', dialect: 'sqlite', url: 'file:app.db' });
 * ```
 */
export async function current(stream: StreamTarget): Promise<CurrentResult> {
  return withSession(stream, { lock: false }, async ({ ledger }) => ({
    stream: stream.name,
    heads: (await ledger.exists()) ? await ledger.heads() : [],
  }));
}

/**
 * Reads the stream's rows of `strata_history`, oldest first (empty when the ledger does not exist).
 *
 * @example
 * ```ts
 * import { appliedHistory } from '@strata/engine';
 * const rows = await appliedHistory({ name: 'app', dialect: 'sqlite', url: 'file:app.db' });
 * ```
 */
export async function appliedHistory(stream: StreamTarget): Promise<HistoryEntry[]> {
  return withSession(stream, { lock: false }, async ({ ledger }) => ((await ledger.exists()) ? ledger.history() : []));
}

async function run(options: RunOptions, direction: 'up' | 'down'): Promise<RunResult> {
  const { stream, graph } = options;
  const emit = (event: RunEvent) => options.onEvent?.(event);
  return withSession(stream, { lock: true }, async ({ connection, dialect, sink, ledger }) => {
    const headsBefore = await ledger.heads();
    const targetIds = resolveTarget(graph, options.target, headsBefore, direction === 'up' ? 'upgrade' : 'downgrade');
    const branch = targetBranch(options.target);
    const plan =
      direction === 'up' ? planUpgrade(graph, headsBefore, targetIds) : planDowngrade(graph, headsBefore, targetIds, branch ? { branch } : {});
    if (!options.allowChanged) await verifyChecksums(graph, ledger, headsBefore, stream.name);
    emit({ type: 'plan', stream: stream.name, direction, revisions: plan.map((s) => s.revision.id) });
    // One inspector for the whole run: the schema is reflected once, then kept current by the ops.
    let differences: GuardDifference[] = [];
    let running = '';
    const inspector = new SchemaInspector(liveSchemaSource(dialect, connection), {
      normalizer: dialect.normalizer,
      onDifference: (difference) => {
        if (options.strict) throw new GuardDifferenceError(stream.name, running, difference);
        differences.push(difference);
        emit({ type: 'guard-difference', stream: stream.name, revision: running, difference });
      },
    });
    const ctx = createMigrationContext({ dialect, stream: stream.name, sink, inspector, connection });
    const steps: StepResult[] = [];
    let heads: readonly string[] = headsBefore;
    for (const [index, step] of plan.entries()) {
      const { revision } = step;
      running = revision.id;
      differences = [];
      const base = { stream: stream.name, direction, revision: revision.id, message: revision.message, index, total: plan.length };
      emit({ type: 'revision-start', ...base });
      const startedAt = timestamp();
      const started = performance.now();
      const atomic = revision.transactional && dialect.capabilities.transactionalDdl;
      const body = () => (direction === 'up' ? revision.upgrade(ctx) : revision.downgrade(ctx));
      const record = async () => {
        await ledger.moveHeads(step.headsBefore, step.headsAfter);
        await ledger.record({
          revision: revision.id,
          direction,
          message: revision.message,
          file: revision.file ?? null,
          checksum: revision.checksum ?? null,
          startedAt,
          finishedAt: timestamp(),
          durationMs: performance.now() - started,
        });
      };
      try {
        // Atomic where the dialect rolls DDL back; elsewhere the ledger is written only after the
        // revision succeeded, so a failure leaves it unrecorded and a re-run (guards) finishes it.
        if (atomic) {
          await inRevisionTransaction(dialect, connection, async () => {
            await body();
            await record();
          });
        } else {
          await body();
          await inRevisionTransaction(dialect, connection, record);
        }
      } catch (error) {
        // What the failed revision did is rolled back (or half there, on MySQL): reflect again if the run goes on.
        inspector.invalidate();
        const durationMs = performance.now() - started;
        steps.push({ revision: revision.id, message: revision.message, direction, status: 'failed', durationMs, differences, ...fileOf(revision.file) });
        throw new RevisionFailedError({
          stream: stream.name,
          revision: revision.id,
          file: revision.file,
          direction,
          rolledBack: atomic,
          cause: error,
          result: { stream: stream.name, direction, headsBefore, headsAfter: heads, steps },
        });
      }
      const durationMs = performance.now() - started;
      heads = step.headsAfter;
      steps.push({ revision: revision.id, message: revision.message, direction, status: 'applied', durationMs, differences, ...fileOf(revision.file) });
      emit({ type: 'revision-done', ...base, durationMs });
    }
    return { stream: stream.name, direction, headsBefore, headsAfter: [...heads].sort(), steps };
  });
}

async function verifyChecksums(graph: RevisionGraph, ledger: Ledger, heads: readonly string[], stream: string): Promise<void> {
  if (heads.length === 0) return;
  const recorded = await ledger.appliedChecksums();
  const applied = graph.ancestors(heads, { inclusive: true });
  const changed = [...applied]
    .map((id) => graph.get(id))
    .filter((r) => {
      const was = recorded.get(r.id);
      return was !== undefined && was !== null && r.checksum !== undefined && was !== r.checksum;
    })
    .map((r) => ({ id: r.id, file: r.file, recorded: recorded.get(r.id) as string, current: r.checksum }));
  if (changed.length > 0) throw new ChecksumMismatchError(stream, changed);
}

interface Session {
  readonly connection: Connection;
  readonly dialect: Dialect;
  readonly sink: SqlSink;
  readonly ledger: Ledger;
}

/** Opens a connection (and, for writers, the lock and the ledger tables), runs `body`, and always cleans up. */
async function withSession<T>(
  stream: StreamTarget,
  options: { lock: boolean },
  body: (session: Session) => Promise<T>,
): Promise<T> {
  const dialect = await loadDialect(stream.dialect);
  const connection = await dialect.connect(stream.url);
  try {
    const sink = new LiveSink(connection);
    const ledger = new Ledger(sink, dialect, stream.name, connection);
    if (!options.lock) return await body({ connection, dialect, sink, ledger });
    const lock = await dialect.acquireLock(connection, { timeoutMs: stream.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS });
    let result: T;
    try {
      await ledger.ensureTables();
      result = await body({ connection, dialect, sink, ledger });
    } catch (error) {
      // The body's error is the one to report; a lock that cannot be released on a broken
      // connection is gone with the session anyway.
      await lock.release().catch(() => undefined);
      throw error;
    }
    await lock.release();
    return result;
  } finally {
    await connection.close();
  }
}

/**
 * One revision's transaction, with the dialect's preparation around it (SQLite: foreign keys off
 * outside the transaction so a table recreate keeps rows that reference it, `foreign_key_check`
 * before commit, the setting restored after).
 */
async function inRevisionTransaction(dialect: Dialect, connection: Connection, body: () => Promise<void>): Promise<void> {
  const scope = await dialect.openRevision(connection);
  try {
    await inTransaction(connection, async () => {
      await body();
      await scope.beforeCommit();
    });
  } finally {
    await scope.close();
  }
}

async function inTransaction(connection: Connection, body: () => Promise<void>): Promise<void> {
  await connection.begin();
  try {
    await body();
    await connection.commit();
  } catch (error) {
    // Report the statement's error, not a rollback that fails because the connection broke.
    await connection.rollback().catch(() => undefined);
    throw error;
  }
}

function fileOf(file: string | undefined): { file?: string } {
  return file ? { file } : {};
}

/** ISO 8601 in UTC with milliseconds: sorts as text, reads the same in every dialect. */
function timestamp(): string {
  return new Date().toISOString();
}
