import type { Connection } from '../dialects/connection.js';
import type { Dialect, DialectName, MigrationLock } from '../dialects/dialect.js';
import { loadDialect } from '../dialects/registry.js';
import { planDowngrade, planStamp, planUpgrade, type Step } from '../revision/plan.js';
import { resolveTarget, targetBranch } from '../revision/resolve-target.js';
import type { RevisionGraph } from '../revision/revision-graph.js';
import type { GuardDifference } from '../inspect/inspector.js';
import { liveSchemaSource, SchemaInspector } from '../inspect/schema-inspector.js';
import { LiveSink, type SqlSink } from './sql-sink.js';
import { cascadeTargets, findAppliedDependents, verifyDependencies, type Workspace } from './dependencies.js';
import { causeChain, ChecksumMismatchError, DdlLockTimeoutError, runTransactionUnsupported, DependentsAppliedError, GuardDifferenceError, LedgerMismatchError, RevisionFailedError, strataCauseOf } from './errors.js';
import { compareLedger } from './ledger-check.js';
import { createMigrationContext, RevisionTouches } from './migration-context.js';
import type { RunEvent, RunListener, RunResult, StepResult } from './events.js';
import { appliedFromHistory, Ledger, recordedFile, type HistoryEntry, type NewHistoryEntry } from './ledger.js';
import { LedgerQueue, type Unrecorded } from './ledger-queue.js';
import { HISTORY_TABLE } from '../dialects/strata-tables.js';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../config/stream-settings.js';
import { commitWith, inTransaction, withConnection } from '../dialects/connection.js';
import { DatabaseFileMissingError, isDatabaseLocked } from '../dialects/errors.js';
import { maskStatementSecrets } from '../dialects/sql-secrets.js';
import { scrubPassword } from '../dialects/url.js';
import type { DdlTimeouts } from '../dialects/safety.js';
import type { DdlSettings, TransactionMode } from '../config/stream-settings.js';
import type { RevisionScope } from '../dialects/revision-scope.js';
import type { Revision } from '../revision/revision.js';

/** Where a stream's ledger lives: the part of the stream settings the runner needs. */
export interface StreamTarget {
  /** The stream's name; its rows in the ledger carry it. */
  readonly name: string;
  readonly dialect: DialectName;
  /** The database URL (never printed unmasked). */
  readonly url: string;
  /** How long to wait for another runner's lock, and on SQLite for another process's lock on the file, in milliseconds (default 60,000). */
  readonly lockTimeoutMs?: number;
  /** The stream's project folder: the ledger records revision files relative to it. */
  readonly projectDir?: string;
  /**
   * The DDL timeouts every revision runs under and how often one that failed on the lock timeout is
   * run again (see {@link DdlSettings}); a revision's own `lockTimeout`/`statementTimeout` win.
   */
  readonly ddl?: DdlSettings;
  /** One transaction per revision (the default) or one for the whole run: see {@link TransactionMode}. */
  readonly transaction?: TransactionMode;
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
  /**
   * Every stream the caller knows (the Nx plugin passes the whole workspace), for the cross-stream checks:
   *
   * - upgrade: before anything is applied, each `stream@rev` in the `dependsOn` of the revisions to apply
   *   must be applied in that stream's ledger (its history rows: the latest `up`/`stamp` row of the
   *   revision not followed by `down`/`unstamp`), else `RUNNER_DEPENDENCY_NOT_APPLIED`. A stream the
   *   workspace does not list is looked for in this run's own database (streams may share one); when that
   *   database has no ledger row of it either, `RUNNER_UNKNOWN_STREAM`. Without a workspace, only that
   *   same-database lookup is possible.
   * - downgrade: reverting a revision that an applied revision of another workspace stream depends on is
   *   refused with `RUNNER_DEPENDENTS_APPLIED`, unless {@link RunOptions.cascade}. Without a workspace the
   *   other streams' revision files are unknown and nothing is checked.
   */
  readonly workspace?: Workspace;
  /**
   * Downgrade only, with a {@link RunOptions.workspace}: first downgrade every workspace stream with applied
   * revisions that depend on something this downgrade reverts, each to just below its first such revision
   * (the parents of that revision; base when it is a base revision), through this same function with
   * `cascade: true`, so their own dependents go before them (reverse dependency order). Their results are
   * in {@link DowngradeResult.cascaded}; their progress events go to the same `onEvent`. Without a
   * workspace it does nothing. The `strata` command alone knows no workspace and so offers no --cascade:
   * the Nx executor passes both.
   */
  readonly cascade?: boolean;
  /**
   * Called once the run holds the lock and has verified the ledger, the checksums and the cross-stream
   * dependencies, before the first revision runs (not for the runs a cascade makes). The `strata`
   * command lists the pending destructive operations here, against the heads the run really starts from.
   */
  readonly beforeRun?: (plan: RunPlan) => Promise<void>;
}

/** What a run is about to do, as {@link RunOptions.beforeRun} is told. */
export interface RunPlan {
  readonly stream: string;
  readonly direction: 'up' | 'down';
  readonly headsBefore: readonly string[];
  /** The revisions to apply or revert, in order. */
  readonly revisions: readonly string[];
}

/** What {@link downgrade} did: the stream's run, and the dependent streams' runs a cascade made first. */
export interface DowngradeResult extends RunResult {
  /** The runs `cascade: true` made on dependent streams, in the order they ran; absent when none ran. */
  readonly cascaded?: readonly RunResult[];
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

/** What {@link repair} takes: the stream and its revision files. */
export interface RepairOptions {
  readonly stream: StreamTarget;
  readonly graph: RevisionGraph;
}

/** An applied revision whose file changed since it was applied (or last repaired). */
export interface RepairedRevision {
  readonly id: string;
  readonly file?: string;
  /** The checksum the history held; null for a row written before checksums were kept. */
  readonly recorded: string | null;
  readonly current: string;
}

/** What {@link repair} recorded. */
export interface RepairResult {
  readonly stream: string;
  /** One `repair` history row each, in the order the revisions apply; empty when nothing changed. */
  readonly repaired: readonly RepairedRevision[];
}

/** Where a stream stands: its rows in the version table. */
export interface CurrentResult {
  readonly stream: string;
  /** The rows of `strata_version`; empty when nothing is applied (or the ledger does not exist yet). */
  readonly heads: readonly string[];
}

/** How {@link current} treats a database that does not exist yet (a SQLite file, a PGlite folder). */
export interface CurrentOptions {
  /**
   * `'error'` (default): throw `DIALECT_DATABASE_FILE_MISSING`, since a read of a mistyped path must
   * not answer "nothing applied". `'empty'`: nothing is applied there; for callers about to create the
   * database anyway (a downgrade's cascade, the migration test's scratch database). Neither creates it.
   */
  readonly ifMissing?: 'error' | 'empty';
}

/** The pause before the first retry of a revision that failed on the DDL lock timeout; it doubles per retry. */
const LOCK_RETRY_BASE_MS = 500;
/** The longest pause between two retries. */
const LOCK_RETRY_MAX_MS = 10_000;
/** The savepoint each revision runs behind where the dialect keeps revisions in one transaction. */
const REVISION_SAVEPOINT = 'strata_revision';

/**
 * Applies the revisions between the stream's current heads and `target`, parents and dependencies
 * first, one transaction per revision where the dialect has transactional DDL. Revisions that depend on
 * another stream's revisions (`dependsOn: ['accounts@3f2a9c1d4e5b']`) are checked against that stream's
 * ledger before anything runs (see {@link RunOptions.workspace}).
 *
 * @example
 * ```ts
 * import { loadRevisions, RevisionGraph, upgrade } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('migrations'));
 * await upgrade({ stream: { name: 'app', dialect: 'sqlite', url: 'file:app.db' }, graph, target: 'head' });
 * ```
 */
export async function upgrade(options: RunOptions): Promise<RunResult> {
  return run(options, 'up', undefined);
}

/**
 * Reverts the applied revisions above `target` (`base`: all of them), dependents first. With a
 * `workspace`, refuses (`RUNNER_DEPENDENTS_APPLIED`) to revert what another stream's applied revisions
 * depend on, or with `cascade: true` downgrades those streams first.
 *
 * @example
 * ```ts
 * import { downgrade, loadRevisions, RevisionGraph } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('migrations'));
 * await downgrade({ stream: { name: 'app', dialect: 'sqlite', url: 'file:app.db' }, graph, target: '-1' });
 * ```
 */
export async function downgrade(options: RunOptions): Promise<DowngradeResult> {
  const cascaded = options.cascade && options.workspace ? await cascadeDependents(options, options.workspace, undefined) : [];
  const result = await run(options, 'down', undefined);
  return cascaded.length > 0 ? { ...result, cascaded } : result;
}

/**
 * Sets the stream's version rows to `targets` without running any revision, and records each
 * revision marked or unmarked in the history. What is marked and unmarked is measured against the
 * history, so a stamp also repairs a ledger whose two tables disagree (`RUNNER_LEDGER_MISMATCH`
 * names the stamp to run).
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
    const { marked, unmarked } = stampChanges(graph, options.purge ? rows : [], plan.heads, await ledger.appliedChecksums());
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
            file: recordedFile(revision?.file, options.stream.projectDir),
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

/**
 * Accepts edited applied revisions (Flyway's `repair`): for every applied revision whose file's
 * checksum differs from the one the history recorded, appends a `repair` history row with the
 * current checksum, so later runs check against it without `--allow-changed`. Nothing is run and
 * the version rows stay as they are; the edit is the user's decision, and the row says who made
 * it and when.
 *
 * @example
 * ```ts
 * import { loadRevisions, repair, RevisionGraph } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('migrations'));
 * const { repaired } = await repair({ stream: { name: 'app', dialect: 'sqlite', url: 'file:app.db' }, graph });
 * ```
 */
export async function repair(options: RepairOptions): Promise<RepairResult> {
  const { graph } = options;
  return withSession(options.stream, { lock: true }, async ({ connection, ledger }) => {
    const heads = await ledger.heads();
    const recorded = await ledger.appliedChecksums();
    const applied = heads.length === 0 ? [] : graph.sortTopologically(graph.ancestors(heads, { inclusive: true }));
    const repaired = applied.flatMap((id): RepairedRevision[] => {
      const revision = graph.get(id);
      const was = recorded.get(id);
      if (was === undefined || revision.checksum === undefined || was === revision.checksum) return [];
      return [{ id, ...fileOf(revision.file), recorded: was, current: revision.checksum }];
    });
    const now = timestamp();
    await inTransaction(connection, async () => {
      for (const entry of repaired) {
        await ledger.record({
          revision: entry.id,
          direction: 'repair',
          message: graph.get(entry.id).message,
          file: recordedFile(graph.get(entry.id).file, options.stream.projectDir),
          checksum: entry.current,
          startedAt: now,
          finishedAt: now,
          durationMs: 0,
        });
      }
    });
    return { stream: options.stream.name, repaired };
  });
}

/**
 * The revisions a stamp marks and unmarks. Measured against what the history records as applied
 * (not only against the old rows), so a stamp also repairs a ledger whose tables disagree (a deleted
 * version row, a dropped history): afterwards the history leaves exactly the new heads and their
 * ancestors applied. On an agreeing ledger this is the plan's own marked/unmarked. Ids no file has, from
 * the history or from the rows `--purge` deletes, are unmarked first.
 */
function stampChanges(
  graph: RevisionGraph,
  purgedRows: readonly string[],
  newHeads: readonly string[],
  recorded: ReadonlyMap<string, string | null>,
): { marked: string[]; unmarked: string[] } {
  const before = [...recorded.keys()];
  const unknown = [...new Set([...purgedRows, ...before].filter((id) => !graph.has(id)))];
  const after = new Set(graph.ancestors(newHeads, { inclusive: true }));
  return {
    marked: graph.sortTopologically([...after].filter((id) => !recorded.has(id))),
    unmarked: [...unknown, ...graph.sortTopologically(before.filter((id) => graph.has(id) && !after.has(id))).reverse()],
  };
}

/**
 * Reads the stream's current heads without locking and without creating the ledger or the database
 * (see {@link CurrentOptions} for a database that does not exist).
 *
 * @example
 * ```ts
 * import { current } from '@strata/engine';
 * const { heads } = await current({ name: 'app', dialect: 'sqlite', url: 'file:app.db' });
 * ```
 */
export async function current(stream: StreamTarget, options: CurrentOptions = {}): Promise<CurrentResult> {
  try {
    return await withSession(stream, { lock: false }, async ({ ledger }) => ({
      stream: stream.name,
      heads: (await ledger.exists()) ? await ledger.heads() : [],
    }));
  } catch (error) {
    if (options.ifMissing === 'empty' && error instanceof DatabaseFileMissingError) return { stream: stream.name, heads: [] };
    throw error;
  }
}

/**
 * Reads the stream's rows of `strata_history`, oldest first (empty when the ledger does not exist;
 * `DIALECT_DATABASE_FILE_MISSING` when the database does not).
 *
 * @example
 * ```ts
 * import { appliedHistory } from '@strata/engine';
 * const rows = await appliedHistory({ name: 'app', dialect: 'sqlite', url: 'file:app.db' });
 * ```
 */
export async function appliedHistory(stream: StreamTarget): Promise<HistoryEntry[]> {
  return withSession(stream, { lock: false }, async ({ connection, dialect, ledger }) =>
    (await dialect.tableExists(connection, HISTORY_TABLE)) ? ledger.history() : [],
  );
}

/** A stream's two ledger tables, read together (see {@link readLedger}). */
export interface LedgerState {
  /** The rows of `strata_version`, sorted. */
  readonly heads: readonly string[];
  /** The rows of `strata_history`, oldest first. */
  readonly history: readonly HistoryEntry[];
}

/**
 * Reads the stream's version rows and history without locking and without creating the ledger (nor
 * the database: `DIALECT_DATABASE_FILE_MISSING`), as one state: every step of a run changes the
 * version rows and appends history in one transaction, so a history read between two equal reads of
 * the rows belongs to them. A run committing meanwhile makes it read again.
 *
 * @example
 * ```ts
 * import { compareLedger, loadRevisions, readLedger, RevisionGraph } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('migrations'));
 * const { heads, history } = await readLedger({ name: 'app', dialect: 'sqlite', url: 'file:app.db' });
 * const disagreement = compareLedger(graph, heads, history);
 * ```
 */
export async function readLedger(stream: StreamTarget): Promise<LedgerState> {
  return withSession(stream, { lock: false }, async ({ connection, dialect, ledger }) => {
    const read = async () => ((await ledger.exists()) ? ledger.heads() : []);
    for (let heads = await read(); ; ) {
      const history = (await dialect.tableExists(connection, HISTORY_TABLE)) ? await ledger.history() : [];
      const again = await read();
      if (again.join() === heads.join()) return { heads, history };
      heads = again;
    }
  });
}

/**
 * The plan from `heads` to the run's target; `fixedTargets` (resolved ids, `[]` for base) replaces
 * `options.target` for the runs a cascade makes.
 */
function planRun(options: RunOptions, direction: 'up' | 'down', heads: readonly string[], fixedTargets: readonly string[] | undefined): Step[] {
  const { graph } = options;
  const targetIds = fixedTargets ?? resolveTarget(graph, options.target, heads, direction === 'up' ? 'upgrade' : 'downgrade');
  const branch = fixedTargets === undefined ? targetBranch(options.target) : undefined;
  return direction === 'up' ? planUpgrade(graph, heads, targetIds) : planDowngrade(graph, heads, targetIds, branch ? { branch } : {});
}

/**
 * `cascade: true`: downgrades, before the stream's own downgrade, each workspace stream whose applied
 * revisions depend on what that downgrade reverts. Planned without the lock (the dependents' runs take
 * their own, and streams sharing a database share one lock); the stream's own run checks again under it.
 * Each dependent's targets are computed just before it runs, since an earlier cascade may already have
 * reverted what it depended on.
 */
async function cascadeDependents(options: RunOptions, workspace: Workspace, fixedTargets: readonly string[] | undefined): Promise<RunResult[]> {
  // A database not created yet has nothing to revert; the downgrade itself creates it, as today.
  const { heads } = await current(options.stream, { ifMissing: 'empty' });
  const reverting = new Set(planRun(options, 'down', heads, fixedTargets).map((step) => step.revision.id));
  if (reverting.size === 0) return [];
  const results: RunResult[] = [];
  for (const [name, entry] of [...workspace].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const dependents = await findAppliedDependents(options.stream.name, reverting, [[name, entry]]);
    if (dependents.length === 0) continue;
    const targets = cascadeTargets(entry.graph, dependents.map((d) => d.revision));
    const dependentOptions: RunOptions = {
      stream: entry.stream,
      graph: entry.graph,
      target: targets.length === 0 ? 'base' : targets.join(' '),
      workspace,
      cascade: true,
      ...(options.allowChanged === undefined ? {} : { allowChanged: options.allowChanged }),
      ...(options.strict === undefined ? {} : { strict: options.strict }),
      ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    };
    results.push(...(await cascadeDependents(dependentOptions, workspace, targets)));
    results.push(await run(dependentOptions, 'down', targets));
  }
  return results;
}

/** Cross-stream checks, under the lock and before anything runs (see {@link RunOptions.workspace}). */
async function verifyCrossStream(options: RunOptions, direction: 'up' | 'down', plan: readonly Step[], headsBefore: readonly string[]): Promise<void> {
  const ids = plan.map((step) => step.revision.id);
  if (ids.length === 0) return;
  if (direction === 'up') {
    const applied = new Set(options.graph.ancestors(headsBefore, { inclusive: true }));
    await verifyDependencies({ stream: options.stream, graph: options.graph, applying: ids, applied, workspace: options.workspace });
  } else if (options.workspace) {
    const dependents = await findAppliedDependents(options.stream.name, new Set(ids), options.workspace);
    if (dependents.length > 0) throw new DependentsAppliedError(options.stream.name, dependents);
  }
}

async function run(options: RunOptions, direction: 'up' | 'down', fixedTargets: readonly string[] | undefined): Promise<RunResult> {
  const { stream, graph } = options;
  const emit = (event: RunEvent) => options.onEvent?.(event);
  return withSession(stream, { lock: true }, async ({ connection, dialect, sink, ledger, lock }) => {
    const headsBefore = await ledger.heads();
    const history = await ledger.latestStates();
    const disagreement = compareLedger(graph, headsBefore, history);
    if (disagreement) throw new LedgerMismatchError(stream.name, disagreement);
    const plan = planRun(options, direction, headsBefore, fixedTargets);
    if (!options.allowChanged) verifyChecksums(graph, appliedFromHistory(history), headsBefore, stream.name);
    await verifyCrossStream(options, direction, plan, headsBefore);
    emit({ type: 'plan', stream: stream.name, direction, revisions: plan.map((s) => s.revision.id) });
    if (fixedTargets === undefined) await options.beforeRun?.({ stream: stream.name, direction, headsBefore, revisions: plan.map((s) => s.revision.id) });
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
    let atomic = false;
    const touches = new RevisionTouches();
    // What the running revision has sent so far, each statement with the table its op named: a retry
    // after a lock timeout is safe on MySQL only when the failing statement was its first, and the
    // error names the table of the op whose statement failed (else of the last op).
    let sent: { readonly sql: string; readonly table: string | undefined }[] = [];
    let lastTable: string | undefined;
    // Statements that return no rows go out together, with the next one that does or at the end of
    // the revision's body (Connection.deferStatement): one round trip where the driver can.
    let deferring = false;
    const ctx = createMigrationContext({
      dialect,
      stream: stream.name,
      sink: {
        offline: false,
        run: (sql, params) => {
          sent.push({ sql, table: lastTable });
          if (deferring && (params === undefined || params.length === 0) && connection.deferStatement?.(sql) === true) return Promise.resolve([]);
          return sink.run(sql, params);
        },
      },
      inspector,
      connection,
      touches,
      onOp: (op) => {
        lastTable = 'table' in op ? op.table : undefined;
        return Promise.resolve();
      },
      onBackfill: (progress) => emit({ type: 'backfill-progress', stream: stream.name, revision: running, ...progress }),
      transaction: () => ({ stream: stream.name, revision: running, atomic }),
    });
    const steps: StepResult[] = [];
    let heads: readonly string[] = headsBefore;
    const requested = stream.transaction ?? 'revision';
    // One transaction for the whole run only where DDL rolls back with it; elsewhere per revision, said out loud.
    const runTransaction = requested === 'run' && dialect.capabilities.transactionalDdl;
    if (requested === 'run' && !runTransaction) emit({ type: 'warning', stream: stream.name, ...runTransactionUnsupported(stream.name, dialect.name) });
    // Per revision on a dialect that keeps consecutive revisions in one transaction, each behind a
    // savepoint (see DialectCapabilities.revisionSavepoints).
    const savepoints = !runTransaction && dialect.capabilities.revisionSavepoints === true;
    // The dialect's preparation around transactions (SQLite: foreign keys off), made once and kept
    // across consecutive transactional revisions; a revision outside a transaction runs without it.
    let prepared: RevisionScope | undefined;
    const prepare = async () => (prepared ??= await dialect.openRevision(connection));
    const unprepare = async () => {
      const scope = prepared;
      prepared = undefined;
      await scope?.close();
    };
    // The run's open transaction (run mode, or savepoints): where its steps start and the heads before it.
    let open: { readonly firstStep: number; readonly heads: readonly string[] } | undefined;
    // The ledger rows of revisions whose bodies sent nothing wait for the next write (see LedgerQueue).
    const queue = new LedgerQueue(ledger, connection, headsBefore);
    // `releasing`: the run's last commit, which also carries the release of a lock held as a row.
    const commitRun = async (releasing?: MigrationLock) => {
      if (open === undefined) return;
      open = undefined;
      const release = releasing?.releaseStatements ?? [];
      try {
        await commitWith(connection, [...queue.take(), ...release]);
      } catch (error) {
        // A failed statement leaves the transaction open, aborted: it ends here, not with the session.
        await connection.rollback().catch(() => undefined);
        throw error;
      }
      queue.committed();
      if (release.length > 0) releasing?.releasedWith?.();
    };
    // The failure of the COMMIT of the run's open transaction, as thrown: the run's, not a revision's.
    let commitFailure: unknown;
    // Commits the run's open transaction. Under --transaction run a failed COMMIT (a deferred
    // constraint) rolled all of it back, and is told as the failure of its last revision (whose COMMIT
    // it was), the others rolled back with it; the rows of revisions committed before it are written.
    // Another process holding the database is no revision's fault: its own error goes as it is.
    const finishRun = async (releasing?: MigrationLock) => {
      const run = open;
      try {
        await commitRun(releasing);
      } catch (error) {
        if (run === undefined || !runTransaction || isDatabaseLocked(error)) {
          commitFailure = error;
          throw error;
        }
        queue.rolledBack(run.firstStep);
        await writeWaiting().catch(() => undefined);
        const count = steps.length - run.firstStep;
        steps.splice(run.firstStep, count, ...steps.slice(run.firstStep).map((done, i): StepResult => ({ ...done, status: i === count - 1 ? 'failed' : 'rolled-back' })));
        heads = run.heads;
        const { revision } = plan[steps.length - 1] as Step;
        commitFailure = new RevisionFailedError({
          stream: stream.name,
          dialect: dialect.name,
          revision: revision.id,
          file: revision.file,
          direction,
          rolledBack: true,
          rolledBackWith: count - 1,
          cause: error,
          result: { stream: stream.name, direction, headsBefore, headsAfter: heads, steps },
        });
        throw commitFailure;
      }
    };
    const writeWaiting = () => queue.writeAlone();
    // After a failure in the open transaction: undoes the failed revision (plan index `failed`) and
    // returns how many revisions before it went back with it. With savepoints only the failed one goes
    // and those before it commit; otherwise (run mode), or when the transaction is already lost (SQLite
    // ends it on some errors), all of the transaction.
    const undo = async (failed: number): Promise<number> => {
      const run = open;
      if (run === undefined) {
        queue.rolledBack(failed);
        return 0;
      }
      if (savepoints) {
        try {
          await connection.query(`ROLLBACK TO SAVEPOINT ${REVISION_SAVEPOINT}`);
          await connection.query(`RELEASE SAVEPOINT ${REVISION_SAVEPOINT}`);
          queue.rolledBack(failed);
          await commitRun();
          return 0;
        } catch {
          // The transaction is gone or cannot commit: what it held is rolled back below and reported so.
        }
      }
      open = undefined;
      queue.rolledBack(run.firstStep);
      await connection.rollback().catch(() => undefined);
      const count = steps.length - run.firstStep;
      steps.splice(run.firstStep, count, ...steps.slice(run.firstStep).map((done): StepResult => ({ ...done, status: 'rolled-back' })));
      heads = run.heads;
      return count;
    };
    // The ledger rows of the revision at plan index `step`, held back to travel with the next statement
    // the connection sent, did not commit, so that statement never ran: the failure is revision
    // `step`'s, as if it had committed on its own. Where DDL is transactional its changes rolled back
    // with its rows; elsewhere its body ran, and a re-run runs it again, its guards skipping what is
    // done. The rows of revisions before it are written.
    const recordingFailed = async ({ step: failed, failure }: Unrecorded): Promise<RevisionFailedError> => {
      inspector.invalidate();
      queue.rolledBack(failed);
      await writeWaiting().catch(() => undefined);
      const { revision } = plan[failed] as Step;
      // Its step is there unless the failure came before the revision itself had finished.
      const done = steps[failed];
      const step: StepResult = done === undefined ? { revision: revision.id, message: revision.message, direction, status: 'failed', durationMs: 0, differences: [], ...fileOf(revision.file) } : { ...done, status: 'failed' };
      steps.splice(failed, steps.length - failed, step);
      const headsAfter = failed === 0 ? headsBefore : (plan[failed - 1] as Step).headsAfter;
      return new RevisionFailedError({
        stream: stream.name,
        dialect: dialect.name,
        revision: revision.id,
        file: revision.file,
        direction,
        rolledBack: revision.transactional && dialect.capabilities.transactionalDdl,
        cause: failure.cause ?? failure,
        result: { stream: stream.name, direction, headsBefore, headsAfter, steps },
      });
    };
    try {
      for (const [index, step] of plan.entries()) {
        const { revision } = step;
        running = revision.id;
        differences = [];
        const base = { stream: stream.name, direction, revision: revision.id, message: revision.message, index, total: plan.length };
        emit({ type: 'revision-start', ...base });
        const startedAt = timestamp();
        const started = performance.now();
        atomic = revision.transactional && dialect.capabilities.transactionalDdl;
        const body = () => (direction === 'up' ? revision.upgrade(ctx) : revision.downgrade(ctx));
        // Queues the revision's ledger row; true when it must be written now, false when the body sent
        // nothing at all and the row may wait.
        const finish = (): boolean => {
          const entry: NewHistoryEntry = {
            revision: revision.id,
            direction,
            message: revision.message,
            file: recordedFile(revision.file, options.stream.projectDir),
            checksum: revision.checksum ?? null,
            startedAt,
            finishedAt: timestamp(),
            durationMs: performance.now() - started,
          };
          queue.add(index, entry, step.headsAfter);
          return sent.length > 0 || touches.tables === undefined;
        };
        // The last revision's commit is flushed to disk, and with it every commit before it; the others
        // need not wait for the disk (PostgreSQL: synchronous_commit off), each atomic all the same.
        const durable = index === plan.length - 1;
        const timeouts = ddlTimeouts(revision, stream.ddl);
        const retries = stream.ddl?.lockRetries ?? 0;
        const once = async () => {
          sent = [];
          lastTable = undefined;
          touches.reset();
          const scope = await dialect.openTimeouts(connection, timeouts, atomic);
          // Atomic where the dialect rolls DDL back; elsewhere the ledger is written only after the
          // revision succeeded, so a failure leaves it unrecorded and a re-run (guards) finishes it.
          try {
            if (atomic) {
              const prep = await prepare();
              // The revision's work; true when its ledger rows must be written in its transaction.
              const revisionBody = async () => {
                await scope.afterBegin();
                await body();
                const mustWrite = finish();
                await prep.beforeCommit(touches.tables, touches.created);
                return mustWrite;
              };
              deferring = true;
              try {
                if (runTransaction || savepoints) {
                  if (open === undefined) {
                    await connection.begin({ withFirstStatement: true });
                    open = { firstStep: steps.length, heads };
                  }
                  // Every row waits for the transaction's COMMIT, which keeps or loses them with their revisions.
                  if (savepoints) await connection.query(`SAVEPOINT ${REVISION_SAVEPOINT}`);
                  await revisionBody();
                  // The revision's deferred statements go now, as one message: a failure is still this revision's.
                  await connection.sendDeferred?.();
                  if (savepoints) await connection.query(`RELEASE SAVEPOINT ${REVISION_SAVEPOINT}`);
                } else {
                  // The ledger rows go with the COMMIT, and with them the revision's deferred statements: one round trip.
                  await inTransaction(connection, async () => ((await revisionBody()) ? queue.take() : []), { durable });
                  queue.committed();
                }
              } finally {
                deferring = false;
              }
            } else {
              // A revision that cannot run in a transaction ends the run's transaction before it.
              await finishRun();
              await unprepare();
              deferring = true;
              try {
                await body();
                // Its deferred statements go now, as one message: a failure is still this revision's.
                await connection.sendDeferred?.();
              } catch (error) {
                // What the body sent before it threw runs, as it would have sent alone; its own error is reported.
                await connection.sendDeferred?.().catch(() => undefined);
                throw error;
              } finally {
                deferring = false;
              }
            }
          } catch (error) {
            // The revision's error is the one to report, not a reset on a connection it broke.
            await scope.close().catch(() => undefined);
            throw error;
          }
          await scope.close();
          // Outside a transaction the rows are written on their own: the run's last revision now, the
          // others with the next statement the connection sends, where it can hold them until then.
          if (!atomic && finish()) await (durable ? queue.writeAlone() : queue.hold());
        };
        for (let attempt = 1; ; attempt++) {
          try {
            await once();
            break;
          } catch (error) {
            // The COMMIT of the run's transaction before this revision failed: the run's failure, not this revision's.
            if (error === commitFailure) throw error;
            const unrecorded = queue.takeUnrecorded();
            if (unrecorded !== undefined) throw await recordingFailed(unrecorded);
            // What the failed revision did is rolled back (or half there, on MySQL): reflect again if the run goes on.
            inspector.invalidate();
            // The revision is undone; in run mode the whole open transaction with it, earlier revisions included.
            const rolledBackWith = await undo(index);
            const lockTimeoutMs = timeouts.lockTimeoutMs;
            // The error as thrown, or wrapped (a Drizzle query's "Failed query" around the driver's or Strata's).
            const chain = causeChain(error);
            const lockTimedOut = lockTimeoutMs !== undefined && chain.some((cause) => dialect.isLockTimeout(cause));
            const failedSql = strataCauseOf(error)?.details['sql'];
            // The last statement of that text (as errors tell it: URL password and statement's passwords masked): should a
            // revision send the same text twice, a retry is then never taken for safe.
            const failed = sent.map(({ sql }) => maskStatementSecrets(scrubPassword(sql, stream.url), dialect.name)).lastIndexOf(failedSql as string);
            const table = failed === -1 ? lastTable : sent[failed]?.table;
            // Run again only what left nothing behind: a rolled-back transaction, or a first statement that
            // never ran (not when the revision also sent statements of its own through the driver or Drizzle).
            const repeatable = rolledBackWith === 0 && (atomic || (failed === -1 ? sent.length <= 1 && touches.tables !== undefined : failed === 0));
            if (lockTimedOut && repeatable && attempt <= retries) {
              const delayMs = Math.min(LOCK_RETRY_BASE_MS * 2 ** (attempt - 1), LOCK_RETRY_MAX_MS);
              emit({ type: 'lock-retry', stream: stream.name, revision: revision.id, ...(table === undefined ? {} : { table }), timeoutMs: lockTimeoutMs, retry: attempt, retries, delayMs });
              differences = [];
              // Between transactions another process may change the schema: the retry prepares afresh (SQLite reads its foreign keys again).
              if (open === undefined) await unprepare();
              await new Promise((resolve) => setTimeout(resolve, delayMs));
              continue;
            }
            // The rows of the revisions that did apply before it are written (another process holding
            // the database would hold up the write as well); the revision's own error is the one to report.
            if (!isDatabaseLocked(error)) await writeWaiting().catch(() => undefined);
            const durationMs = performance.now() - started;
            steps.push({ revision: revision.id, message: revision.message, direction, status: 'failed', durationMs, differences, ...fileOf(revision.file) });
            const result = { stream: stream.name, direction, headsBefore, headsAfter: heads, steps };
            if (lockTimedOut) {
              throw new DdlLockTimeoutError({
                stream: stream.name,
                revision: revision.id,
                file: revision.file,
                table,
                timeoutMs: lockTimeoutMs,
                attempts: attempt,
                repeatable,
                rolledBack: atomic,
                rolledBackWith,
                cause: error,
                result,
              });
            }
            // Another process holding the database past the lock timeout is no fault of the revision
            // (rolled back all the same): the lock's own error and its next step are what to report.
            if (isDatabaseLocked(error)) throw error;
            throw new RevisionFailedError({
              stream: stream.name,
              dialect: dialect.name,
              revision: revision.id,
              file: revision.file,
              direction,
              rolledBack: atomic,
              rolledBackWith,
              cause: error,
              result,
            });
          }
        }
        const durationMs = performance.now() - started;
        heads = step.headsAfter;
        steps.push({ revision: revision.id, message: revision.message, direction, status: 'applied', durationMs, differences, ...fileOf(revision.file) });
        emit({ type: 'revision-done', ...base, durationMs });
      }
      await finishRun(lock);
      await writeWaiting();
    } finally {
      if (open !== undefined) await connection.rollback().catch(() => undefined);
      await unprepare();
    }
    return { stream: stream.name, direction, headsBefore, headsAfter: [...heads].sort(), steps };
  });
}

/** The revision's own timeouts, else the stream's. */
function ddlTimeouts(revision: Revision, stream: DdlSettings | undefined): DdlTimeouts {
  const lockTimeoutMs = revision.lockTimeoutMs ?? stream?.lockTimeoutMs;
  const statementTimeoutMs = revision.statementTimeoutMs ?? stream?.statementTimeoutMs;
  return { ...(lockTimeoutMs === undefined ? {} : { lockTimeoutMs }), ...(statementTimeoutMs === undefined ? {} : { statementTimeoutMs }) };
}

function verifyChecksums(graph: RevisionGraph, recorded: ReadonlyMap<string, string | null>, heads: readonly string[], stream: string): void {
  if (heads.length === 0) return;
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
  /** The migration lock, for writers. */
  readonly lock?: MigrationLock;
}

/**
 * Opens a connection (and, for writers, the lock and the ledger tables), runs `body`, and always
 * cleans up. Readers (no lock) never create the database: a missing one is `DIALECT_DATABASE_FILE_MISSING`.
 */
async function withSession<T>(
  stream: StreamTarget,
  options: { lock: boolean },
  body: (session: Session) => Promise<T>,
): Promise<T> {
  const dialect = await loadDialect(stream.dialect);
  const lockTimeoutMs = stream.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  return withConnection(dialect, stream.url, async (connection) => {
    const sink = new LiveSink(connection);
    const ledger = new Ledger(sink, dialect, stream.name, connection);
    if (!options.lock) return await body({ connection, dialect, sink, ledger });
    const lock = await dialect.acquireLock(connection, { timeoutMs: lockTimeoutMs });
    let result: T;
    try {
      await dialect.ensureLedgerHome?.(connection);
      await ledger.ensureTablesOn(connection);
      result = await body({ connection, dialect, sink, ledger, lock });
    } catch (error) {
      // The body's error is the one to report; a lock that cannot be released on a broken
      // connection is gone with the session anyway.
      await lock.release().catch(() => undefined);
      throw error;
    }
    await lock.release();
    return result;
  }, { lockTimeoutMs, mustExist: !options.lock });
}

/**
 * One revision's transaction, with the dialect's preparation around it (SQLite: foreign keys off
 * outside the transaction so a table recreate keeps rows that reference it, `foreign_key_check`
 * before commit on the tables `touches` names once the body ran, the setting restored after).
 * `strata push` runs its statements in one such transaction too.
 * @internal
 */
export async function inRevisionTransaction(dialect: Dialect, connection: Connection, touches: RevisionTouches, body: () => Promise<void>): Promise<void> {
  const scope = await dialect.openRevision(connection);
  try {
    await inTransaction(connection, async () => {
      await body();
      await scope.beforeCommit(touches.tables, touches.created);
    });
  } finally {
    await scope.close();
  }
}

function fileOf(file: string | undefined): { file?: string } {
  return file ? { file } : {};
}

/** ISO 8601 in UTC with milliseconds: sorts as text, reads the same in every dialect. */
function timestamp(): string {
  return new Date().toISOString();
}
