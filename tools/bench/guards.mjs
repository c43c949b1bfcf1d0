// The guard rows of the bench: what `inspect.has*` guards cost. Two measurements per dialect (see
// README.md): the round trips of one revision of 100 guarded operations on a 200-table database,
// counted at the driver (statement-log.mjs), and a 500-revision guarded chain, applied on a fresh
// database and then again after `stamp base`, when every guard finds its object and skips.
import { downgrade, revision, RevisionGraph, stamp, upgrade } from '../../packages/engine/dist/index.js';
import { withDriver } from './drivers.mjs';
import { withStatementLog } from './statement-log.mjs';

/** Tables already in the database when the guarded revision runs. */
export const SEEDED_TABLES = 200;
/** Guarded operations in that revision (a third each of createTable, addColumn, createIndex). */
export const GUARDED_OPS = 100;

/**
 * The operation DDL statements one driver call carries (the ledger's excluded): one, or several when
 * it travels with others: PostgreSQL sends a revision's statements with its BEGIN, ledger rows and
 * COMMIT as one message (`BEGIN; CREATE …; CREATE …; UPDATE strata_version …; COMMIT`), MySQL a
 * revision's first statement behind the previous revision's ledger transaction (`START TRANSACTION;
 * …; COMMIT; SET @strata_held = n; CREATE …`). Split at semicolons: the bench's statements hold none
 * in literals.
 */
export const opDdlStatements = (sql) => sql.split(/;\s*/).filter((statement) => /^\s*(?:create|alter|drop)\b/i.test(statement) && !/strata_/i.test(statement));

/** How many operation DDL statements one driver call carries (see {@link opDdlStatements}). */
export const opDdlIn = (sql) => opDdlStatements(sql).length;

/** The plain DDL of chain revision `n`, spelled as the engine renders its three operations. */
export function guardedChainSql(n) {
  return [
    `CREATE TABLE t_${n} (id integer NOT NULL, name varchar(100), PRIMARY KEY (id))`,
    `CREATE INDEX ix_t_${n}_name ON t_${n} (name)`,
    `ALTER TABLE t_${n} ADD COLUMN extra integer`,
  ];
}

/**
 * The same DDL, guarded by the database itself (`IF NOT EXISTS`): the peer of the idempotent
 * re-run. PostgreSQL and MariaDB have all three forms; MySQL and SQLite lack `ADD COLUMN IF NOT
 * EXISTS`, so they get none (the row's floor prints —).
 */
function idempotentChainSql(n) {
  return [
    `CREATE TABLE IF NOT EXISTS t_${n} (id integer NOT NULL, name varchar(100), PRIMARY KEY (id))`,
    `CREATE INDEX IF NOT EXISTS ix_t_${n}_name ON t_${n} (name)`,
    `ALTER TABLE t_${n} ADD COLUMN IF NOT EXISTS extra integer`,
  ];
}

/** The body of chain revision `n` as a revision file writes it: three guarded operations. */
export function guardedRevisionBody(n) {
  const table = `t_${n}`;
  return {
    upgrade: [
      `if (!(await inspect.hasTable('${table}'))) {`,
      `  await op.createTable('${table}', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'name', type: 'varchar(100)' }] });`,
      '}',
      `if (!(await inspect.hasIndex('${table}', 'ix_${table}_name'))) await op.createIndex('ix_${table}_name', '${table}', ['name']);`,
      `if (!(await inspect.hasColumn('${table}', 'extra'))) await op.addColumn('${table}', { name: 'extra', type: 'integer' });`,
    ],
    downgrade: [`if (await inspect.hasTable('${table}')) await op.dropTable('${table}');`],
    parameters: '{ op, inspect }',
  };
}

/** The 200 tables the guarded revision finds: the raw chain's shape, one index each. */
function seedScript() {
  const statements = [];
  for (let n = 1; n <= SEEDED_TABLES; n++) {
    statements.push(`CREATE TABLE t_${n} (id integer NOT NULL, name varchar(100), PRIMARY KEY (id))`, `CREATE INDEX ix_t_${n}_name ON t_${n} (name)`);
  }
  return statements.join(';\n');
}

/**
 * The revision's 100 guarded operations, interleaved: a new table g_<k>, a column `extra` on an
 * existing table, an index on an existing table. Every guard answers false, so every op runs.
 */
function guardedOperations() {
  const operations = [];
  for (let k = 0; k < GUARDED_OPS; k++) {
    const n = Math.floor(k / 3) + 1;
    if (k % 3 === 0) {
      operations.push({
        check: (inspect) => inspect.hasTable(`g_${n}`),
        act: (op) => op.createTable(`g_${n}`, { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'label', type: 'varchar(50)' }] }),
      });
    } else if (k % 3 === 1) {
      operations.push({
        check: (inspect) => inspect.hasColumn(`t_${n}`, 'extra'),
        act: (op) => op.addColumn(`t_${n}`, { name: 'extra', type: 'integer' }),
      });
    } else {
      const table = `t_${100 + n}`;
      operations.push({
        check: (inspect) => inspect.hasIndex(table, `ix_${table}_name_id`),
        act: (op) => op.createIndex(`ix_${table}_name_id`, table, ['name', 'id']),
      });
    }
  }
  return operations;
}

/**
 * One revision running the guarded operations, tallying the driver calls made while its body ran:
 * those carrying an op's DDL (none where the connection defers it to the COMMIT), those of the guard
 * that caused the first reflection, and the rest (guard round trips: 0 when the cached model answers
 * every later guard).
 */
function guardedRevision(log, tally) {
  const operations = guardedOperations();
  return revision({
    id: 'bench_guarded_ops',
    parents: [],
    message: `${GUARDED_OPS} guarded operations on ${SEEDED_TABLES} tables`,
    async upgrade({ op, inspect }) {
      const start = log.count;
      for (const { check, act } of operations) {
        const loadsBefore = inspect.loads;
        const beforeGuard = log.count;
        const guardStarted = performance.now();
        if (await check(inspect)) throw new Error('a guard of the bench revision found its object: the seeded database is not as expected');
        if (loadsBefore === 0 && inspect.loads > 0) {
          tally.reflectionQueries = log.count - beforeGuard;
          tally.reflectionMs = performance.now() - guardStarted;
        }
        const beforeOp = log.count;
        await act(op);
        tally.ddlCalls += log.since(beforeOp).filter((sql) => opDdlIn(sql) > 0).length;
      }
      tally.bodyStatements = log.count - start;
      tally.loads = inspect.loads;
    },
    async downgrade() {},
  });
}

/**
 * Round trips per guarded operation: `runs` times, a fresh database seeded with 200 tables gets the
 * revision through `upgrade` (timed, statements counted), and a twin seeded database gets the same
 * DDL (as the driver saw it in the engine's run) as one plain script.
 */
export async function guardRoundTripRows(target, h) {
  const stream = { name: 'bench_guards', dialect: target.dialect };
  const seed = seedScript();
  const ours = [];
  const floor = [];
  const reflection = [];
  let tally;
  for (let i = 0; i < h.runs; i++) {
    const database = await h.createDatabase(target);
    await withDriver(target.dialect, database.url, (session) => session.script(seed));
    tally = { ddl: [], ddlCalls: 0, reflectionQueries: 0, reflectionMs: 0, bodyStatements: 0, loads: 0 };
    const runTally = tally;
    ours.push(
      await withStatementLog(target.dialect, async (log) => {
        const ms = await h.timed(async () => {
          const graph = new RevisionGraph([guardedRevision(log, runTally)]);
          const result = await upgrade({ stream: { ...stream, url: database.url }, graph, target: 'head' });
          if (result.steps.length !== 1) throw new Error(`guarded revision: expected 1 step, got ${result.steps.length}`);
        });
        runTally.ddl = log.statements.flatMap(opDdlStatements);
        return ms;
      }),
    );
    reflection.push(tally.reflectionMs);
    await h.dropDatabase(database);

    const twin = await h.createDatabase(target);
    await withDriver(target.dialect, twin.url, (session) => session.script(seed));
    const ddlScript = tally.ddl.join(';\n');
    floor.push(await h.timed(() => withDriver(target.dialect, twin.url, (session) => session.script(ddlScript))));
    await h.dropDatabase(twin);
  }
  if (tally.loads !== 1) console.warn(`note: ${target.title}: the guarded revision reflected the schema ${tally.loads} times`);
  const guardRoundTrips = tally.bodyStatements - tally.reflectionQueries - tally.ddlCalls;
  return [
    {
      metric: `${GUARDED_OPS} guarded ops on ${SEEDED_TABLES} tables, one revision (floor: its DDL as one script)`,
      ours: h.median(ours),
      floor: h.median(floor),
    },
    { metric: '  of which the first guard (the reflection of the 200 tables)', ours: h.median(reflection) },
    { metric: `  reflection queries (${tally.loads} reflection${tally.loads === 1 ? '' : 's'}, at the first guard)`, ours: tally.reflectionQueries, unit: 'count' },
    { metric: '  guard round trips per op, after the first reflection', ours: guardRoundTrips / GUARDED_OPS, floor: 0, unit: 'count' },
    { metric: '  DDL statements per op', ours: tally.ddl.length / GUARDED_OPS, floor: 1, unit: 'count' },
  ];
}

/**
 * The guarded chain: `upgrade head` on a fresh database against the same DDL as one plain script,
 * then, on the last upgraded database, `stamp base` (untimed) and `upgrade head` again, every guard
 * skipping, against the `IF NOT EXISTS` script on the last floor database where the dialect has one;
 * each upgraded database is then taken back by `downgrade base`, against its floor database's DROPs
 * as one script.
 */
export async function guardedChainRows(target, version, graph, count, h) {
  const stream = { name: 'bench_guarded', dialect: target.dialect };
  const range = Array.from({ length: count }, (_, i) => i + 1);
  const script = range.flatMap(guardedChainSql).join(';\n');
  const hasIdempotentScript = target.dialect === 'postgresql' || (target.dialect === 'mysql' && /mariadb/i.test(version));
  const idempotentScript = hasIdempotentScript ? range.flatMap(idempotentChainSql).join(';\n') : undefined;

  const dropScript = [...range].reverse().map((n) => `DROP TABLE t_${n}`).join(';\n');
  const down = [];
  const downFloor = [];
  // Takes an upgraded database and its floor twin back to base, timed, then drops both.
  const revert = async (database, floorDatabase) => {
    down.push(await h.timed(async () => h.expectSteps(await downgrade({ stream: { ...stream, url: database.url }, graph, target: 'base' }), count, 'guarded chain downgrade')));
    downFloor.push(await h.timed(() => withDriver(target.dialect, floorDatabase.url, (session) => session.script(dropScript))));
    await h.dropDatabase(database);
    await h.dropDatabase(floorDatabase);
  };

  const full = [];
  const fullFloor = [];
  let fullStatements;
  let applied;
  let floorApplied;
  for (let i = 0; i < h.runs; i++) {
    const ours = await h.createDatabase(target);
    full.push(
      await withStatementLog(target.dialect, (log) =>
        h.timed(async () => {
          const result = await upgrade({ stream: { ...stream, url: ours.url }, graph, target: 'head' });
          h.expectSteps(result, count, 'guarded chain upgrade');
          fullStatements = log.statements;
        }),
      ),
    );
    const floor = await h.createDatabase(target);
    fullFloor.push(await h.timed(() => withDriver(target.dialect, floor.url, (session) => session.script(script))));
    if (applied) await revert(applied, floorApplied);
    applied = ours;
    floorApplied = floor;
  }

  const rerun = [];
  const rerunFloor = [];
  let rerunStatements;
  for (let i = 0; i < h.runs; i++) {
    const { unmarked } = await stamp({ stream: { ...stream, url: applied.url }, graph, targets: ['base'] });
    if (unmarked.length !== count) throw new Error(`stamp base: expected ${count} revisions unmarked, got ${unmarked.length}`);
    rerun.push(
      await withStatementLog(target.dialect, (log) =>
        h.timed(async () => {
          const result = await upgrade({ stream: { ...stream, url: applied.url }, graph, target: 'head' });
          h.expectSteps(result, count, 'guarded chain re-run');
          rerunStatements = log.statements;
        }),
      ),
    );
    if (idempotentScript !== undefined) {
      rerunFloor.push(await h.timed(() => withDriver(target.dialect, floorApplied.url, (session) => session.script(idempotentScript))));
    }
  }
  await revert(applied, floorApplied);

  const fullDdl = fullStatements.reduce((sum, sql) => sum + opDdlIn(sql), 0);
  if (fullDdl !== 3 * count) throw new Error(`guarded chain: expected ${3 * count} DDL statements, the driver saw ${fullDdl}`);
  const fullBeyond = fullStatements.filter((sql) => opDdlIn(sql) === 0).length;
  const rerunDdl = rerunStatements.reduce((sum, sql) => sum + opDdlIn(sql), 0);
  if (rerunDdl !== 0) throw new Error(`guarded chain re-run: expected no DDL, the driver saw ${rerunDdl} statements`);
  return [
    { metric: `upgrade head, ${count} guarded revisions (floor: the same DDL as one script)`, ours: h.median(full), floor: h.median(fullFloor) },
    { metric: '  per revision', ours: h.median(full) / count, floor: h.median(fullFloor) / count },
    { metric: '  round trips per revision besides those carrying its 3 DDL statements', ours: fullBeyond / count, unit: 'count' },
    {
      metric: `re-run after stamp base, every guard skips (floor: IF NOT EXISTS script)`,
      ours: h.median(rerun),
      floor: rerunFloor.length > 0 ? h.median(rerunFloor) : undefined,
    },
    { metric: '  round trips per revision', ours: rerunStatements.length / count, unit: 'count' },
    { metric: `downgrade base, ${count} guarded revisions (floor: the DROPs as one script)`, ours: h.median(down), floor: h.median(downFloor) },
  ];
}
