import type { Connection } from '../dialects/connection.js';
import { withConnection } from '../dialects/connection.js';
import type { Dialect, DialectName } from '../dialects/dialect.js';
import { loadDialect } from '../dialects/registry.js';
import { liveSchemaSource, modelSchemaSource, SchemaInspector } from '../inspect/schema-inspector.js';
import { replaySchema } from '../offline/offline-runner.js';
import { LiveSink } from '../runner/sql-sink.js';
import type { Op } from '../ops/op.js';
import type { RevisionGraph } from '../revision/revision-graph.js';
import { Ledger } from '../runner/ledger.js';
import { OpExecutor } from '../runner/op-executor.js';
import { inRevisionTransaction, type StreamTarget } from '../runner/runner.js';
import { RevisionTouches } from '../runner/migration-context.js';
import { DEFAULT_LOCK_TIMEOUT_MS } from '../config/stream-settings.js';
import { readDrizzleSchema } from '../schema/drizzle-adapter.js';
import type { SchemaModel } from '../schema/model.js';
import { diffSchemas, type AmbiguousRename } from './diff.js';
import { PushDestructiveError, PushFailedError, PushMigratedDatabaseError } from './errors.js';
import { addOwned, ownedNames, ownedPart, type OwnedNames } from './owned.js';

/** What {@link pushSchema} compares and where it applies the difference. */
export interface PushOptions {
  /** The stream and its development database (name, dialect, URL, lock timeout). */
  readonly stream: StreamTarget;
  /** The stream's revisions: the tables they build belong to the stream, as in `strata check --db`. */
  readonly graph: RevisionGraph;
  /** The Drizzle schema modules (absolute paths). */
  readonly schemaFiles: readonly string[];
  readonly casing?: 'snake_case' | 'camelCase';
  /** Plan only: read the database, return the plan, change nothing and take no lock (`--dry-run`, `--sql`). */
  readonly dryRun?: boolean;
  /** Accept what push otherwise refuses: destructive operations, and a database the stream's revisions migrated. */
  readonly force?: boolean;
  /** Called with the plan before anything runs (under the lock): the CLI prints the SQL here. */
  readonly onPlan?: (plan: PushPlan) => void;
  /**
   * Asked when the plan needs `force` and it was not given (an interactive terminal: "apply anyway?").
   * Without it, or when it answers false, push throws the refusal.
   */
  readonly confirm?: (plan: PushPlan) => Promise<boolean>;
}

/**
 * What {@link pushSchema} found and would run.
 *
 * @example
 * ```ts
 * import type { PushPlan } from '@strata/engine';
 * declare const plan: PushPlan;
 * if (plan.destructive.length > 0) console.log(plan.destructive.map((d) => d.reason));
 * ```
 */
export interface PushPlan {
  readonly stream: string;
  /** The database URL with its password masked. */
  readonly url: string;
  /** The operations that make the database's schema the Drizzle schema's, in the order they run. */
  readonly operations: readonly Op[];
  /** The SQL they render to on this database, in the order it runs. */
  readonly statements: readonly string[];
  /** The operations that lose data or may fail on existing rows, by position in `operations`. */
  readonly destructive: readonly { readonly index: number; readonly reason: string }[];
  /** Tables (or columns) that disappear while others appear: push drops and adds them, it cannot rename. */
  readonly ambiguous: readonly AmbiguousRename[];
  /** The stream's heads in the database's `strata_version` (empty: not migrated by revisions). */
  readonly ledgerHeads: readonly string[];
  /** Tables of the database that neither the Drizzle schema nor the stream's revisions hold: left alone. */
  readonly untouched: readonly string[];
}

/**
 * The result of {@link pushSchema}: the plan, and whether it ran.
 *
 * @example
 * ```ts
 * import type { PushResult } from '@strata/engine';
 * declare const result: PushResult;
 * console.log(result.applied ? `${result.statements.length} statement(s) run` : 'nothing changed');
 * ```
 */
export interface PushResult extends PushPlan {
  /** True when the statements ran; false for a dry run or an empty plan. */
  readonly applied: boolean;
  readonly dryRun: boolean;
}

/**
 * `strata push`: compares the stream's Drizzle schema with a development database (the comparison
 * `strata check --db` makes, over the objects the stream owns: those of its Drizzle schema and its
 * revisions) and applies the difference directly: no revision file, no row in `strata_version` or
 * `strata_history`. It runs under the migration lock, in one transaction where the dialect's DDL is
 * transactional (PostgreSQL, SQLite). It refuses, before running anything, operations that lose data
 * or may fail on existing rows (what autogenerate marks destructive) and a database where the stream
 * has applied revisions, unless `force` or `confirm` accepts them. Tables the stream does not own are
 * never dropped: they are listed in `untouched`.
 *
 * @example
 * ```ts
 * import { loadRevisions, pushSchema, RevisionGraph } from '@strata/engine';
 * const result = await pushSchema({
 *   stream: { name: 'accounts', dialect: 'postgresql', url: 'postgres://postgres@127.0.0.1/accounts_dev' },
 *   graph: new RevisionGraph(loadRevisions('apps/accounts/migrations')),
 *   schemaFiles: ['/repo/apps/accounts/src/schema.ts'],
 * });
 * console.log(result.statements.join(';\n'));
 * ```
 */
export async function pushSchema(options: PushOptions): Promise<PushResult> {
  const { stream } = options;
  const dialect = await loadDialect(stream.dialect);
  const drizzle = await readDrizzleSchema({
    dialect,
    schemaFiles: options.schemaFiles,
    ...(options.casing ? { casing: options.casing } : {}),
  });
  const owned = await ownedByStream(stream.dialect, stream.name, options.graph, drizzle);
  const lockTimeoutMs = stream.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  return withConnection(
    dialect,
    stream.url,
    async (connection) => {
      if (options.dryRun === true) return { ...(await planPush(dialect, connection, stream.name, drizzle, owned)), applied: false, dryRun: true };
      const lock = await dialect.acquireLock(connection, { timeoutMs: lockTimeoutMs });
      try {
        // A `?schema=` URL's schema is where the pushed objects go: made when missing, as a writer does.
        await dialect.ensureLedgerHome?.(connection);
        const plan = await planPush(dialect, connection, stream.name, drizzle, owned);
        if (plan.operations.length === 0) return { ...plan, applied: false, dryRun: false };
        options.onPlan?.(plan);
        if (needsForce(plan) && options.force !== true && !(await options.confirm?.(plan))) throw refusal(plan);
        await apply(dialect, connection, plan);
        return { ...plan, applied: true, dryRun: false };
      } finally {
        // An error above is the one to report; a lock on a broken connection goes with the session.
        await lock.release().catch(() => undefined);
      }
    },
    // A dry run only reads: a database file that is not there yet is an error, not made.
    { lockTimeoutMs, mustExist: options.dryRun === true },
  );
}

/** Whether the plan holds something push runs only when accepted. */
function needsForce(plan: PushPlan): boolean {
  return plan.destructive.length > 0 || plan.ledgerHeads.length > 0;
}

/** The error that says why push stopped: the ledger first, since forcing it accepts the drops too. */
function refusal(plan: PushPlan): Error {
  if (plan.ledgerHeads.length > 0) return new PushMigratedDatabaseError(plan.stream, plan.url, plan.ledgerHeads);
  return new PushDestructiveError(plan.stream, plan.url, plan.destructive.map((d) => d.reason), plan.ambiguous.map(describeAmbiguous));
}

/**
 * The objects the stream owns: its Drizzle schema's and those its revisions build (replayed into the
 * model to every head), as `strata check --db` counts them.
 */
async function ownedByStream(dialectName: DialectName, stream: string, graph: RevisionGraph, drizzle: SchemaModel): Promise<OwnedNames> {
  const owned = ownedNames(drizzle);
  if (graph.revisions.length > 0) addOwned(owned, (await replaySchema({ dialect: dialectName, graph, to: 'heads', stream })).model);
  return owned;
}

/**
 * Reads the database and renders the difference. The SQL is rendered against the whole live schema
 * (SQLite's table recreate needs the server's own definitions and the foreign keys of other tables),
 * through the runner's executor into a list, so what is printed is what runs.
 */
async function planPush(dialect: Dialect, connection: Connection, stream: string, drizzle: SchemaModel, owned: OwnedNames): Promise<PushPlan> {
  const ledger = new Ledger(new LiveSink(connection), dialect, stream, connection);
  const ledgerHeads = (await ledger.exists()) ? await ledger.heads() : [];
  const whole = await liveSchemaSource(dialect, connection).load();
  const roles = (await dialect.readRoles?.(connection, [...owned.roles])) ?? new Map();
  const live = roles.size === 0 ? ownedPart(whole, owned) : { ...ownedPart(whole, owned), roles };
  const diff = diffSchemas(live, drizzle, { capabilities: { enums: dialect.capabilities.enums } });
  const statements: string[] = [];
  const sink = { offline: true, run: async (sql: string) => (statements.push(sql), []) };
  const inspector = new SchemaInspector(modelSchemaSource(roles.size === 0 ? whole : { ...whole, roles }), { normalizer: dialect.normalizer });
  const executor = new OpExecutor(dialect, sink, inspector, () => undefined, () => ({ stream, revision: 'push', atomic: dialect.capabilities.transactionalDdl }));
  for (const op of diff.ops) await executor.run(op);
  return {
    stream,
    url: connection.redactedUrl,
    operations: diff.ops,
    statements,
    destructive: diff.destructive,
    ambiguous: diff.ambiguous,
    ledgerHeads,
    untouched: [...whole.tables.keys()].filter((name) => !owned.tables.has(name)).sort(),
  };
}

/**
 * Runs the statements: in one transaction where DDL is transactional, else one by one (MySQL commits
 * each). A failing statement becomes {@link PushFailedError}, which says how far the push got.
 */
async function apply(dialect: Dialect, connection: Connection, plan: PushPlan): Promise<void> {
  const atomic = dialect.capabilities.transactionalDdl;
  let done = 0;
  const run = async () => {
    for (const sql of plan.statements) {
      await connection.query(sql);
      done += 1;
    }
  };
  try {
    if (!atomic) return await run();
    const touches = new RevisionTouches();
    for (const op of plan.operations) touches.record(op);
    await inRevisionTransaction(dialect, connection, touches, run);
  } catch (error) {
    throw new PushFailedError(plan.stream, plan.url, Math.min(done + 1, plan.statements.length), plan.statements.length, atomic, error);
  }
}

/**
 * One line for a possible rename push treats as a drop and an add.
 *
 * @example
 * ```ts
 * import { describeAmbiguous } from '@strata/engine';
 * describeAmbiguous({ kind: 'column', table: 'users', dropped: ['name'], added: ['full_name'] });
 * // 'users: column(s) name dropped and full_name added; if renamed, that needs a revision'
 * ```
 */
export function describeAmbiguous(rename: AmbiguousRename): string {
  const where = rename.kind === 'column' ? `${rename.table}: column(s)` : 'table(s)';
  return `${where} ${rename.dropped.join(', ')} dropped and ${rename.added.join(', ')} added; if renamed, that needs a revision`;
}
