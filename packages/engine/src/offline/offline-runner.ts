import type { Dialect, DialectName } from '../dialects/dialect.js';
import { loadDialect } from '../dialects/registry.js';
import { maskStatementSecrets } from '../dialects/sql-secrets.js';
import { StrataError } from '../errors.js';
import { modelSchemaSource, SchemaInspector } from '../inspect/schema-inspector.js';
import { planDowngrade, planUpgrade, type Step } from '../revision/plan.js';
import { resolveTarget, targetBranch } from '../revision/resolve-target.js';
import type { RevisionGraph } from '../revision/revision-graph.js';
import { Ledger, recordedFile } from '../runner/ledger.js';
import { createMigrationContext } from '../runner/migration-context.js';
import type { Op } from '../ops/op.js';
import { emptySchema, type ColumnModel, type SchemaModel, type TableModel } from '../schema/model.js';
import { ScriptSink } from '../runner/sql-sink.js';

/** `--sql` was given a range it cannot use. */
export class OfflineRangeError extends StrataError {
  static readonly CODE = 'OFFLINE_INVALID_RANGE';
  constructor(range: string, problem: string, hint: string) {
    super(OfflineRangeError.CODE, `Cannot write an offline script for "${range}": ${problem}.`, { hint, details: { range } });
  }
}

/** The model replayed up to FROM broke down: raw SQL it could not follow, then a revision that needed its effect. */
export class OfflineBlindReplayError extends StrataError {
  static readonly CODE = 'OFFLINE_BLIND_REPLAY';
  constructor(stream: string, blind: readonly { readonly revision: string; readonly sql: string }[], stoppedAt: { readonly revision: string; readonly error: unknown }) {
    const reason = stoppedAt.error instanceof Error ? stoppedAt.error.message : String(stoppedAt.error);
    super(
      OfflineBlindReplayError.CODE,
      `Stream "${stream}": the schema model cannot follow the raw SQL of revision(s) ${[...new Set(blind.map((b) => b.revision))].join(', ')}, ` +
        `and revision ${stoppedAt.revision} failed against it: ${reason}`,
      {
        hint: 'Express the raw SQL with `op.*` operations so the model can follow it, or run the upgrade online.',
        details: { stream, blind: [...blind], revision: stoppedAt.revision },
        cause: stoppedAt.error,
      },
    );
  }
}

/** What {@link renderOfflineScript} needs: no connection. */
export interface OfflineOptions {
  /**
   * The stream; with `projectDir`, the script's ledger rows name revision files relative to it. Its
   * `url`, when given, is never connected to: it only says where the script's statements go (a
   * PostgreSQL `?schema=` URL makes the script create that schema and set the search path to it first).
   */
  readonly stream: { readonly name: string; readonly dialect: DialectName; readonly projectDir?: string; readonly url?: string };
  readonly graph: RevisionGraph;
  readonly direction: 'up' | 'down';
  /**
   * `TO` (upgrade from base) or `FROM:TO`. FROM is where the database is assumed to be; the guards
   * answer from the schema the stream's revisions build up to it.
   */
  readonly range: string;
}

/** The script and what the reader must know about it. */
export interface OfflineResult {
  readonly script: string;
  /** Revisions in the script, in order. */
  readonly revisions: readonly string[];
  /** Raw SQL the replayed model could not follow: guards after it may answer wrongly. */
  readonly warnings: readonly string[];
}

/**
 * Renders an upgrade or downgrade as an SQL script, without a database (Alembic's `--sql`). The model
 * is replayed from base up to FROM; then each revision of the plan runs against that model, its
 * statements and the ledger's appended to the script, inside BEGIN/COMMIT where the dialect rolls DDL
 * back (on SQLite with foreign keys off around it, as online). Guards are decided while the script is written, so the script fits a database at FROM.
 *
 * @example
 * ```ts
 * import { loadRevisions, RevisionGraph, renderOfflineScript } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('migrations'));
 * const { script } = await renderOfflineScript({ stream: { name: 'app', dialect: 'postgresql' }, graph, direction: 'up', range: 'head' });
 * ```
 */
export async function renderOfflineScript(options: OfflineOptions): Promise<OfflineResult> {
  const { graph, stream } = options;
  const dialect = await loadDialect(stream.dialect);
  const [from, to] = splitRange(options);
  const fromHeads = from === 'base' ? [] : [...resolveTarget(graph, from, [], 'stamp')];
  const replay = await replayIntoModel(dialect, graph, stream.name, fromHeads);
  const { inspector, warnings } = replay;
  if (replay.stoppedAt) throw new OfflineBlindReplayError(stream.name, replay.blind, replay.stoppedAt);

  const toIds = to === 'base' ? [] : [...resolveTarget(graph, to, fromHeads, options.direction === 'up' ? 'upgrade' : 'downgrade')];
  const branch = targetBranch(to);
  const plan: Step[] =
    options.direction === 'up' ? planUpgrade(graph, fromHeads, toIds) : planDowngrade(graph, fromHeads, toIds, branch ? { branch } : {});

  const sink = scriptSink(dialect);
  let atomic = false;
  const ctx = createMigrationContext({
    dialect,
    stream: stream.name,
    sink,
    inspector,
    connection: undefined,
    onBlindSql: replay.onBlindSql,
    transaction: () => ({ stream: stream.name, revision: replay.running, atomic }),
  });
  const ledger = new Ledger(sink, dialect, stream.name);
  sink.comment(
    `Strata offline ${options.direction === 'up' ? 'upgrade' : 'downgrade'} of stream "${stream.name}" (${dialect.name}), ${from} -> ${to}.\n` +
      `Guards were decided when this script was written, against the schema the revisions build up to ${from}:\n` +
      `run it on a database at ${from}, once. Statements are not guarded against a second run.`,
  );
  for (const sql of stream.url === undefined ? [] : (dialect.offlinePreamble?.(stream.url) ?? [])) await sink.run(sql);
  await ledger.ensureTables();
  const transactional = dialect.capabilities.transactionalDdl;
  const scope = dialect.offlineRevisionScope;
  for (const step of plan) {
    const { revision } = step;
    replay.running = revision.id;
    const arrow = options.direction === 'up' ? `${revision.parents.join(', ') || '<base>'} -> ${revision.id}` : `${revision.id} -> ${revision.parents.join(', ') || '<base>'}`;
    sink.comment(`Running ${options.direction === 'up' ? 'upgrade' : 'downgrade'} ${arrow}, ${revision.message}`);
    atomic = transactional && revision.transactional;
    if (atomic) {
      for (const sql of scope.before) await sink.run(sql);
      await sink.run('BEGIN');
    }
    try {
      await (options.direction === 'up' ? revision.upgrade(ctx) : revision.downgrade(ctx));
    } catch (error) {
      if (replay.blind.length === 0) throw error;
      throw new OfflineBlindReplayError(stream.name, replay.blind, { revision: revision.id, error });
    }
    await ledger.moveHeads(step.headsBefore, step.headsAfter);
    await ledger.record({
      revision: revision.id,
      direction: options.direction,
      message: revision.message,
      file: recordedFile(revision.file, stream.projectDir),
      checksum: revision.checksum ?? null,
      startedAt: '',
      finishedAt: '',
      durationMs: 0,
    });
    if (atomic) {
      await sink.run('COMMIT');
      for (const sql of scope.after) await sink.run(sql);
    }
  }
  if (warnings.length > 0) sink.comment(`Warnings:\n${warnings.join('\n')}`);
  return { script: sink.script(), revisions: plan.map((s) => s.revision.id), warnings };
}

/** The model a stream's revisions build, with what it could not follow. */
export interface ReplayResult {
  readonly model: SchemaModel;
  /** Raw SQL the model could not follow, and guard differences met on the way. */
  readonly warnings: readonly string[];
  /** The revisions whose raw SQL may change the schema where the model cannot see it. */
  readonly blindRevisions: readonly { readonly revision: string; readonly sql: string }[];
  /**
   * Set when, after raw SQL the model could not follow, a later revision failed against the model:
   * the replay stopped there and `model` is the schema up to the revision before it.
   */
  readonly stoppedAt?: { readonly revision: string; readonly error: unknown };
}

/**
 * Replays a stream's revisions from base up to `to` (a target: `head`, an id, `label@head`...) into the
 * in-memory schema model, without a database: the stream's schema as its revisions build it. Guards
 * answer from the model as it grows; statements are discarded.
 *
 * @example
 * ```ts
 * import { loadRevisions, replaySchema, RevisionGraph } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('migrations'));
 * const { model } = await replaySchema({ dialect: 'sqlite', graph, to: 'head' });
 * console.log([...model.tables.keys()]);
 * ```
 */
export async function replaySchema(options: {
  readonly dialect: DialectName;
  readonly graph: RevisionGraph;
  readonly to: string;
  readonly stream?: string;
  /** Called after each revision with the model as it is then (a check that needs to know which revision made what). */
  readonly onRevision?: (revision: string, model: SchemaModel) => void;
}): Promise<ReplayResult> {
  const dialect = await loadDialect(options.dialect);
  const heads = options.to === 'base' ? [] : [...resolveTarget(options.graph, options.to, [], 'stamp')];
  const replay = await replayIntoModel(dialect, options.graph, options.stream ?? 'replay', heads, options.onRevision);
  return {
    model: await replay.inspector.model(),
    warnings: replay.warnings,
    blindRevisions: replay.blind,
    ...(replay.stoppedAt ? { stoppedAt: replay.stoppedAt } : {}),
  };
}

/** One operation a revision would run, with the table and the column it changes as the model held them before. */
export interface RecordedOperation {
  readonly op: Op;
  readonly column?: ColumnModel;
  readonly table?: TableModel;
}

/** The operations one revision's upgrade would run, or why they could not be listed. */
export interface RecordedRevision {
  readonly revision: string;
  readonly operations: readonly RecordedOperation[];
  /** Set when the upgrade failed against the model (it reads `ctx.connection`, say): `operations` holds what ran before. */
  readonly error?: string;
}

/**
 * Lists the operations the upgrades of `revisions` (in plan order) would run on a database at `from`,
 * without a database: the stream's revisions are replayed into the schema model up to `from`, then
 * each revision runs against that model, its guards answered by it, and every operation its guards
 * let through is recorded instead of executed.
 *
 * @example
 * ```ts
 * import { loadRevisions, recordOperations, RevisionGraph } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('migrations'));
 * const recorded = await recordOperations({ dialect: 'sqlite', graph, stream: 'app', from: [], revisions: graph.sortTopologically(graph.heads()) });
 * ```
 */
export async function recordOperations(options: {
  readonly dialect: DialectName;
  readonly graph: RevisionGraph;
  readonly stream: string;
  readonly from: readonly string[];
  readonly revisions: readonly string[];
}): Promise<RecordedRevision[]> {
  const dialect = await loadDialect(options.dialect);
  const replay = await replayIntoModel(dialect, options.graph, options.stream, options.from);
  if (replay.stoppedAt) throw new OfflineBlindReplayError(options.stream, replay.blind, replay.stoppedAt);
  let operations: RecordedOperation[] = [];
  const ctx = createMigrationContext({
    dialect,
    stream: options.stream,
    sink: scriptSink(dialect),
    inspector: replay.inspector,
    connection: undefined,
    onBlindSql: replay.onBlindSql,
    onOp: async (op) => {
      const table = 'table' in op ? (await replay.inspector.model()).tables.get(op.table) : undefined;
      const column = op.kind === 'alterColumn' || op.kind === 'dropColumn' ? table?.columns.find((c) => c.name === op.column) : undefined;
      operations.push({ op, ...(column ? { column } : {}), ...(table ? { table } : {}) });
    },
    transaction: () => ({ stream: options.stream, revision: replay.running, atomic: false }),
  });
  const recorded: RecordedRevision[] = [];
  for (const id of options.revisions) {
    replay.running = id;
    operations = [];
    try {
      await options.graph.get(id).upgrade(ctx);
      recorded.push({ revision: id, operations });
    } catch (error) {
      recorded.push({ revision: id, operations, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return recorded;
}

interface Replay {
  readonly inspector: SchemaInspector;
  readonly warnings: string[];
  readonly blind: { revision: string; sql: string }[];
  /** The revision running now, named in warnings. */
  running: string;
  /** The revision that failed against the model after raw SQL it could not follow. */
  stoppedAt?: { readonly revision: string; readonly error: unknown };
  readonly onBlindSql: (sql: string) => void;
}

/** Runs the upgrades from base to `heads` against a model inspector; the statements are thrown away. */
async function replayIntoModel(
  dialect: Dialect,
  graph: RevisionGraph,
  stream: string,
  heads: readonly string[],
  onRevision?: (revision: string, model: SchemaModel) => void,
): Promise<Replay> {
  const warnings: string[] = [];
  const blind: { revision: string; sql: string }[] = [];
  const replay: Replay = {
    warnings,
    blind,
    running: '',
    onBlindSql: (written) => {
      // Told in warnings, findings and errors: the passwords it writes are masked.
      const sql = maskStatementSecrets(written, dialect.name);
      blind.push({ revision: replay.running, sql });
      warnings.push(`revision ${replay.running}: raw SQL the model cannot follow, guards after it may be wrong: ${sql.split('\n')[0]}`);
    },
    inspector: new SchemaInspector(modelSchemaSource(emptySchema()), {
      normalizer: dialect.normalizer,
      onDifference: (d) => warnings.push(`revision ${replay.running}: ${d.object} ${d.table ? `${d.table}.` : ''}${d.name} differs (expected ${d.expected}; found ${d.actual})`),
    }),
  };
  // Replaying into the model runs no statement, so no transaction can refuse one.
  const ctx = createMigrationContext({
    dialect,
    stream,
    sink: scriptSink(dialect),
    inspector: replay.inspector,
    connection: undefined,
    onBlindSql: replay.onBlindSql,
    transaction: () => ({ stream, revision: replay.running, atomic: false }),
  });
  for (const step of planUpgrade(graph, [], heads)) {
    replay.running = step.revision.id;
    try {
      await step.revision.upgrade(ctx);
      onRevision?.(step.revision.id, await replay.inspector.model());
    } catch (error) {
      // Without blind raw SQL before it, a failure is the revision's own: report it as it is.
      if (blind.length === 0) throw error;
      replay.stoppedAt = { revision: step.revision.id, error };
      break;
    }
  }
  return replay;
}

function scriptSink(dialect: Dialect): ScriptSink {
  return new ScriptSink({ formatLiteral: (value) => dialect.formatLiteral(value), numberedPlaceholders: dialect.placeholder(1) === '$1' });
}

function splitRange(options: OfflineOptions): [string, string] {
  const parts = options.range.split(':');
  if (parts.length === 1) {
    if (options.direction === 'down') {
      throw new OfflineRangeError(options.range, 'a downgrade script needs to know where the database starts', 'Give FROM:TO, for example `strata downgrade --sql head:base`.');
    }
    return ['base', parts[0] as string];
  }
  const [from = '', to = ''] = parts;
  if (parts.length > 2 || from === '' || to === '') {
    throw new OfflineRangeError(options.range, 'a range is FROM:TO with both sides given', 'For example `strata upgrade --sql base:head` or `strata downgrade --sql head:-1`.');
  }
  return [from, to];
}
