import { diffSchemas } from '../autogenerate/diff.js';
import type { Dialect } from '../dialects/dialect.js';
import { loadDialect } from '../dialects/registry.js';
import type { Op } from '../ops/op.js';
import type { RevisionGraph } from '../revision/revision-graph.js';
import type { Workspace } from '../runner/dependencies.js';
import { current, downgrade, stamp, upgrade, type RunOptions, type StreamTarget } from '../runner/runner.js';
import { readDrizzleSchema, type DrizzleCasing } from '../schema/drizzle-adapter.js';
import type { SchemaModel } from '../schema/model.js';
import { MigrationTestError, type MigrationTestResult, type MigrationTestStep, type MigrationTestStepResult } from './errors.js';
import { withConnection } from '../dialects/connection.js';

/** What the head is compared with: a Drizzle schema (read as `strata check` reads it), or a model. */
export type DriftSource = { readonly schemaFiles: readonly string[]; readonly casing?: DrizzleCasing } | { readonly model: SchemaModel };

/** What {@link testMigrations} tests, and where. */
export interface TestMigrationsOptions {
  /** The stream, on a database the test may change: its ledger holds no row of the stream yet. */
  readonly stream: StreamTarget;
  readonly graph: RevisionGraph;
  /**
   * The other streams, for the cross-stream `dependsOn` checks. The streams this one depends on
   * (transitively) are upgraded to their heads first, in the databases their `stream` names: point those
   * at the test database (or throwaway ones), never at a database to keep.
   */
  readonly workspace?: Workspace;
  /** Compare the schema at head with this one (no drift allowed); skipped when absent. */
  readonly drift?: DriftSource;
  /** Told of each step as it passes (the CLI prints them). */
  readonly onStep?: (step: MigrationTestStepResult) => void;
}

/**
 * Tests a stream's revisions on a real database, Alembic's `test_migrations_up_and_down` made thorough:
 *
 * 1. `setup`: the stream has at most one head and nothing applied; the streams it depends on are
 *    upgraded (see {@link TestMigrationsOptions.workspace}); the schema is read as the baseline.
 * 2. For each revision, from base, in the order an upgrade applies them:
 *    - `upgrade`: it alone is applied;
 *    - `downgrade` (stairway): the stream goes down one (to the revision's first parent, or base) and the
 *      schema must be what it was before the upgrade (compared when the downgrade reverted that revision
 *      alone, always the case on a linear stream);
 *    - `upgrade` again, to the heads the first upgrade left: the schema must be the same as after it;
 *    - `re-run` (idempotency): the stream is stamped down one, without running anything, and the upgrade
 *      runs a second time on the schema it already made: it must succeed and change nothing.
 * 3. `drift` (with `drift`): the schema at head, read back through `dialect.readSchema`, equals the
 *    Drizzle schema (`diffSchemas` finds no operation). Tables and enums the baseline held (other
 *    streams' objects in a shared database) are left out unless the Drizzle schema declares them.
 * 4. `base`: a downgrade to base leaves the schema as the baseline (on an empty database: nothing but
 *    the ledger tables).
 *
 * Schemas are compared as models (`diffSchemas`), never through drizzle-kit's push planner.
 *
 * @throws MigrationTestError (`TESTING_STEP_FAILED`) naming the revision and the step, with the cause and
 *   the steps that passed
 *
 * @example
 * ```ts
 * import { loadRevisions, RevisionGraph } from '@strata/engine';
 * import { testMigrations, withThrowawayDatabase } from '@strata/engine/testing';
 * const graph = new RevisionGraph(loadRevisions('apps/billing/migrations'));
 * await withThrowawayDatabase('postgres://postgres@127.0.0.1:5432/postgres', (db) =>
 *   testMigrations({
 *     stream: { name: 'billing', dialect: db.dialect, url: db.url },
 *     graph,
 *     drift: { schemaFiles: ['/repo/apps/billing/src/schema.ts'], casing: 'snake_case' },
 *   }),
 * );
 * ```
 */
export async function testMigrations(options: TestMigrationsOptions): Promise<MigrationTestResult> {
  const { stream, graph } = options;
  const dialect = await loadDialect(stream.dialect);
  const heads = graph.heads();
  const head = heads.length === 1 ? heads[0] : undefined;
  const revisions = graph.revisions.map((r) => r.id);
  const steps: MigrationTestStepResult[] = [];
  const result = (): MigrationTestResult => ({ stream: stream.name, head, revisions, steps: [...steps] });

  /** Runs one step, records it, and turns its failure into a MigrationTestError. */
  async function step<T>(name: MigrationTestStep, revision: string | undefined, body: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let value: T;
    try {
      value = await body();
    } catch (cause) {
      throw new MigrationTestError({ stream: stream.name, step: name, revision, cause, result: result() });
    }
    const done: MigrationTestStepResult = { step: name, revision, durationMs: performance.now() - started };
    steps.push(done);
    options.onStep?.(done);
    return value;
  }

  const run = (target: string): RunOptions => ({ stream, graph, target, ...(options.workspace ? { workspace: options.workspace } : {}) });
  const read = (): Promise<SchemaModel> => readSchema(dialect, stream.url);
  const expectSame = async (expected: SchemaModel, what: string): Promise<SchemaModel> => {
    const actual = await read();
    const ops = difference(dialect, actual, expected);
    if (ops.length > 0) throw new Error(`${what} (to get back: ${ops.map(describeOp).join(', ')})`);
    return actual;
  };

  const baseline = await step('setup', undefined, async () => {
    if (heads.length > 1) throw new Error(`the stream has ${heads.length} heads (${heads.join(', ')}); a migration test needs one: join them with \`strata merge\``);
    const applied = (await current(stream, { ifMissing: 'empty' })).heads;
    if (applied.length > 0) {
      throw new Error(`the database already has revisions of the stream applied (${applied.join(', ')}); the test starts from base on a database it may change`);
    }
    if (options.workspace) await upgradeDependencies(graph, options.workspace, new Set([stream.name]));
    return read();
  });

  let before = baseline;
  for (const id of revisions) {
    const below = graph.get(id).parents[0] ?? 'base';
    await step('upgrade', id, () => upgrade(run(id)));
    const after = await read();
    const upHeads = (await current(stream)).heads;
    await step('downgrade', id, async () => {
      const reverted = await downgrade(run(below));
      if (reverted.steps.length === 1) await expectSame(before, 'after its downgrade the schema is not what it was before its upgrade');
    });
    const upAgain = async (): Promise<void> => {
      for (const target of upHeads) await upgrade(run(target));
    };
    await step('upgrade', id, async () => {
      await upAgain();
      await expectSame(after, 'upgraded again after its downgrade, the schema differs from the first upgrade');
    });
    await step('re-run', id, async () => {
      await stamp({ stream, graph, targets: [below] });
      await upAgain();
      await expectSame(after, 'applied a second time, it changes the schema');
    });
    before = after;
  }

  const drift = options.drift;
  if (drift) {
    await step('drift', head, async () => {
      const expected =
        'model' in drift
          ? drift.model
          : await readDrizzleSchema({ dialect, schemaFiles: drift.schemaFiles, ...(drift.casing ? { casing: drift.casing } : {}) });
      const live = withoutBaseline(await read(), baseline, expected);
      // Roles are cluster-wide: only those the Drizzle schema names are read, and compared.
      const roles = await withConnection(dialect, stream.url, async (connection) => (await dialect.readRoles?.(connection, [...(expected.roles?.keys() ?? [])])) ?? new Map());
      const ops = difference(dialect, roles.size === 0 ? live : { ...live, roles }, expected);
      if (ops.length > 0) throw new Error(`the schema at head differs from the Drizzle schema; it would take: ${ops.map(describeOp).join(', ')}`);
    });
  }

  await step('base', undefined, async () => {
    await downgrade(run('base'));
    await expectSame(baseline, 'after a downgrade to base the schema is not what it was before the first upgrade');
  });
  return result();
}

/**
 * Upgrades, dependencies first, every workspace stream that `graph`'s revisions name in `dependsOn`, to
 * its heads. Streams the workspace does not list are left to the runner's own check.
 */
async function upgradeDependencies(graph: RevisionGraph, workspace: Workspace, done: Set<string>): Promise<void> {
  const named = new Set(graph.revisions.flatMap((r) => graph.externalDependencies(r.id).map((d) => d.stream)));
  for (const name of [...named].sort()) {
    const entry = workspace.get(name);
    if (entry === undefined || done.has(name)) continue;
    done.add(name);
    await upgradeDependencies(entry.graph, workspace, done);
    await upgrade({ stream: entry.stream, graph: entry.graph, target: 'heads', workspace });
  }
}

async function readSchema(dialect: Dialect, url: string): Promise<SchemaModel> {
  return withConnection(dialect, url, (connection) => dialect.readSchema(connection));
}

/** The operations that turn `actual` into `expected`: none when they are the same schema. */
function difference(dialect: Dialect, actual: SchemaModel, expected: SchemaModel): readonly Op[] {
  return diffSchemas(actual, expected, { capabilities: { enums: dialect.capabilities.enums } }).ops;
}

/** `live` without the baseline's tables and enums that `expected` does not declare. */
function withoutBaseline(live: SchemaModel, baseline: SchemaModel, expected: SchemaModel): SchemaModel {
  const keep = <T>(map: ReadonlyMap<string, T>, base: ReadonlyMap<string, unknown>, declared: ReadonlyMap<string, unknown>): Map<string, T> =>
    new Map([...map].filter(([name]) => !base.has(name) || declared.has(name)));
  const sequences = keep(live.sequences ?? new Map(), baseline.sequences ?? new Map(), expected.sequences ?? new Map());
  const views = keep(live.views ?? new Map(), baseline.views ?? new Map(), expected.views ?? new Map());
  const schemas = (live.schemas ?? []).filter((name) => !(baseline.schemas ?? []).includes(name) || (expected.schemas ?? []).includes(name));
  return {
    tables: keep(live.tables, baseline.tables, expected.tables),
    enums: keep(live.enums, baseline.enums, expected.enums),
    ...(sequences.size > 0 ? { sequences } : {}),
    ...(views.size > 0 ? { views } : {}),
    ...(schemas.length > 0 ? { schemas } : {}),
  };
}

/** `addColumn invoices.total`, `dropTable t_orders`, for messages. */
function describeOp(op: Op): string {
  if (op.kind === 'execute') return `execute ${op.sql}`;
  const table = 'table' in op ? op.table : undefined;
  const object = 'column' in op ? (typeof op.column === 'string' ? op.column : op.column.name) : 'name' in op ? op.name : undefined;
  return `${op.kind} ${[table, object].filter((part) => part !== undefined).join('.')}`;
}
