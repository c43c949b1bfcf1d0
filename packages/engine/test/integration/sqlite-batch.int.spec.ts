// `op.batchAlterTable` on SQLite rebuilds the table once for the whole batch (Alembic's batch mode):
// a batch of several ops that each need a recreate costs one copy of the 100,000 rows, not one per
// op. Two streams share revision 1 (a table made with ops, filled by one INSERT with a recursive
// CTE); revision 2 is the same change written as one batch in one stream and as separate ops in
// the other. The offline script counts the rebuilds; online, both databases must end up equal.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { writeOpsStream, type OpsRevisionSpec } from '../support/schema.js';
import { describeRun, makeTempDir, StreamFixture } from '../support/streams.js';

const ROWS = 100_000;
const R1 = 'a1a1batchbase';
const R2 = 'b2b2batchalter';

const SETUP: OpsRevisionSpec = {
  id: R1,
  upgrade: `
await op.createTable('clients', {
  columns: [
    { name: 'id', type: 'integer', primaryKey: true },
    { name: 'email', type: 'text' },
    { name: 'score', type: 'integer' },
    { name: 'legacy', type: 'text' },
  ],
});
await op.createIndex('ix_clients_legacy', 'clients', ['legacy']);
await op.execute("INSERT INTO clients (id, email, score, legacy) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS}) SELECT i, 'c' || i || '@example.com', i % 500, 'old ' || i FROM n");`,
  downgrade: "await op.dropTable('clients');",
};

/** The change, as [method, arguments] pairs the same for `batch.<method>(...)` and `op.<method>('clients', ...)`. */
const CHANGE: readonly [string, string][] = [
  ['alterColumn', "'email', { nullable: false }"],
  ['addColumn', "{ name: 'status', type: 'text', nullable: false, default: \"'new'\" }"],
  ['createCheckConstraint', "'ck_clients_score', 'score >= 0'"],
  ['createUniqueConstraint', "'uq_clients_email', ['email']"],
  ['dropIndex', "'ix_clients_legacy'"],
  ['dropColumn', "'legacy'"],
  ['createIndex', "'ix_clients_status', ['status', 'score']"],
];

const asBatch: OpsRevisionSpec = {
  id: R2,
  upgrade: `await op.batchAlterTable('clients', (batch) => {\n${CHANGE.map(([method, args]) => `  batch.${method}(${args});`).join('\n')}\n});`,
  downgrade: '',
};

/** Methods whose first argument is the object's name, the table coming second (`op.createIndex(name, table, ...)`). */
const NAMED_FIRST = new Set(['createIndex', 'dropIndex', 'createCheckConstraint', 'createUniqueConstraint']);

const asOps: OpsRevisionSpec = {
  id: R2,
  upgrade: CHANGE.map(([method, args]) => {
    if (!NAMED_FIRST.has(method)) return `await op.${method}('clients', ${args});`;
    const [name, ...rest] = args.split(', ');
    return `await op.${method}(${[name, "'clients'", ...rest].join(', ')});`;
  }).join('\n'),
  downgrade: '',
};

/** The table's catalog and rows, as the two databases must share them. */
function state(path: string): unknown {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare('SELECT * FROM clients ORDER BY id').raw().all();
    return {
      schema: db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE tbl_name = 'clients' ORDER BY type, name").all(),
      columns: db.prepare("SELECT * FROM pragma_table_xinfo('clients')").all(),
      indexes: db.prepare("SELECT name, \"unique\", origin, partial FROM pragma_index_list('clients') ORDER BY name").all(),
      count: rows.length,
      hash: createHash('sha256').update(JSON.stringify(rows)).digest('hex'),
    };
  } finally {
    db.close();
  }
}

/** How many times a script rebuilds `clients`. */
function recreates(script: string): number {
  return script.match(/CREATE TABLE "_strata_new_clients"/g)?.length ?? 0;
}

describe('batchAlterTable on SQLite: one recreate per batch (100,000 rows)', () => {
  const temp = makeTempDir('sqlite-batch');
  let batchDb: TestDatabase;
  let opsDb: TestDatabase;
  let batch: StreamFixture;
  let ops: StreamFixture;

  beforeAll(async () => {
    batchDb = await createTestDatabase('sqlite', 'batch_one');
    opsDb = await createTestDatabase('sqlite', 'batch_ops');
    batch = new StreamFixture(temp.path, 'batched', batchDb.url);
    ops = new StreamFixture(temp.path, 'separate', opsDb.url);
    writeOpsStream(batch.dir, [SETUP, asBatch]);
    writeOpsStream(ops.dir, [SETUP, asOps]);
  });

  afterAll(async () => {
    await batchDb?.drop();
    await opsDb?.drop();
    temp.remove();
  });

  it('the offline script of the batch rebuilds the table once; the same ops one by one rebuild it once each', async () => {
    const script = async (fixture: StreamFixture): Promise<string> => {
      const run = await fixture.cli('upgrade', '--sql', `${R1}:${R2}`, '--dialect', 'sqlite');
      expect(run.code, describeRun(run)).toBe(0);
      return run.stdout;
    };
    expect(recreates(await script(batch))).toBe(1);
    // alterColumn, the check and the unique constraint each rebuild the table; the column with a
    // constant default, the index and the (by then unindexed) column's drop are native ALTERs.
    expect(recreates(await script(ops))).toBe(3);
  });

  it('online, the batch leaves the table, its indexes and its rows exactly as the ops one by one do', async () => {
    const took: string[] = [];
    for (const fixture of [batch, ops]) {
      const started = performance.now();
      const run = await fixture.cli('upgrade', 'head');
      took.push(`${fixture.name}: ${Math.round(performance.now() - started)} ms`);
      expect(run.code, describeRun(run)).toBe(0);
    }
    console.log(`sqlite-batch upgrade wall times (setup + change): ${took.join(', ')}`);
    const batched = state(batchDb.name) as { count: number; columns: { name: string }[] };
    expect(batched).toEqual(state(opsDb.name));
    expect(batched.count).toBe(ROWS);
    expect(batched.columns.map((column) => column.name)).toEqual(['id', 'email', 'score', 'status']);
  });
});

describe('batchAlterTable on SQLite renaming a column that a trigger and a view name', () => {
  const temp = makeTempDir('sqlite-batch-rename');
  let database: TestDatabase;
  let fixture: StreamFixture;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite', 'batch_rename');
    fixture = new StreamFixture(temp.path, 'app', database.url);
    writeOpsStream(fixture.dir, [
      {
        id: R1,
        upgrade: `
await op.createTable('items', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'title', type: 'text' }, { name: 'price', type: 'integer' }] });
await op.execute("INSERT INTO items (id, title, price) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS}) SELECT i, 'item ' || i, i % 100 FROM n");
await op.execute('CREATE TABLE audit (item_id integer, title text)');
await op.execute('CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN INSERT INTO audit VALUES (new.id, new.title); END');
await op.execute('CREATE VIEW cheap_items AS SELECT id, title FROM items WHERE price < 10');`,
        downgrade: '',
      },
      {
        id: R2,
        // The rename runs natively (SQLite rewrites the trigger and the view); the model is read
        // again, so the recreate after it re-creates them with the new name.
        upgrade: `await op.batchAlterTable('items', (batch) => {
  batch.renameColumn('title', 'name');
  batch.alterColumn('name', { nullable: false });
  batch.createCheckConstraint('ck_items_price', 'price >= 0');
});`,
        downgrade: '',
      },
    ]);
  });

  afterAll(async () => {
    await database?.drop();
    temp.remove();
  });

  it('rebuilds the table once after the rename, and the trigger and the view follow the new name', async () => {
    const script = await fixture.cli('upgrade', '--sql', `${R1}:${R2}`, '--dialect', 'sqlite');
    expect(script.code, describeRun(script)).toBe(0);
    expect(recreates(script.stdout.replaceAll('_strata_new_items', '_strata_new_clients'))).toBe(1);
    const run = await fixture.cli('upgrade', 'head');
    expect(run.code, describeRun(run)).toBe(0);
    const db = new Database(database.name);
    try {
      expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name IN ('items_ai', 'cheap_items') ORDER BY name").pluck().all()).toEqual([
        'CREATE VIEW cheap_items AS SELECT id, "name" FROM items WHERE price < 10',
        'CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN INSERT INTO audit VALUES (new.id, new."name"); END',
      ]);
      expect(db.prepare('SELECT count(*) FROM items').pluck().get()).toBe(ROWS);
      db.prepare("INSERT INTO items (id, name, price) VALUES (0, 'zero', 1)").run();
      expect(db.prepare('SELECT title FROM audit WHERE item_id = 0').pluck().get()).toBe('zero');
      expect(db.prepare('SELECT count(*) FROM cheap_items').pluck().get()).toBe(ROWS / 10 + 1);
    } finally {
      db.close();
    }
  });
});
