// SQLite's table recreate under the runner, on a table big enough to notice lost rows: 100,000
// clients with two indexes, a CHECK, an outgoing foreign key (clients.owner_id -> owners.id) and an
// incoming one with ON DELETE CASCADE (orders.client_id -> clients.id). Each revision forces a
// recreate (https://www.sqlite.org/lang_altertable.html#otheralter); after each, up and down, every
// row, index, check and foreign key must still be there and enforced, the cascading children must
// have survived the DROP TABLE of their parent, and `PRAGMA foreign_keys` must be back ON
// (Alembic `BatchRoundTripTest`; sqlite-revision-scope.ts).
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Connection } from '../../src/dialects/connection.js';
import type { Dialect } from '../../src/dialects/dialect.js';
import { loadDialect } from '../../src/dialects/registry.js';
import { loadRevisions } from '../../src/revision/load-revisions.js';
import { RevisionGraph } from '../../src/revision/revision-graph.js';
import { RevisionFailedError } from '../../src/runner/errors.js';
import { downgrade, upgrade, type StreamTarget } from '../../src/runner/runner.js';
import type { SchemaModel } from '../../src/schema/model.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { makeTempDir, versionRows } from '../support/streams.js';

type SqliteDb = Database.Database;

const CLIENTS = 100_000;
const OWNERS = 50;
/** Every 10th client has two orders: 20,000 rows that a cascading DROP TABLE would delete. */
const ORDERS = (CLIENTS / 10) * 2;
const STREAM = 'app';

// Revision ids, each with a distinct 4-character prefix.
const R1 = 'a1a1recreate';
const R2 = 'b2b2recreate';
const R3 = 'c3c3recreate';
const R4 = 'd4d4recreate';
const R5 = 'e5e5recreate';

/** The revisions: R1 makes the tables; R2–R4 each force one or more recreates of `clients`; R5 fails after one. */
const REVISIONS: readonly { id: string; parents: string[]; message: string; upgrade: string; downgrade: string }[] = [
  {
    id: R1,
    parents: [],
    message: 'create owners clients orders',
    upgrade: `
    if (!(await inspect.hasTable('owners'))) {
      await op.createTable('owners', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'name', type: 'varchar(100)', nullable: false }] });
    }
    if (!(await inspect.hasTable('clients'))) {
      await op.createTable('clients', {
        columns: [
          { name: 'id', type: 'integer', primaryKey: true },
          { name: 'owner_id', type: 'integer', nullable: false },
          { name: 'email', type: 'varchar(255)', nullable: false },
          { name: 'score', type: 'integer' },
          { name: 'note', type: 'text' },
        ],
        checkConstraints: [{ name: 'ck_clients_score', expression: 'score >= 0' }],
        foreignKeys: [{ name: 'fk_clients_owner', columns: ['owner_id'], referencedTable: 'owners', referencedColumns: ['id'] }],
      });
    }
    if (!(await inspect.hasIndex('clients', 'ix_clients_owner_score'))) await op.createIndex('ix_clients_owner_score', 'clients', ['owner_id', 'score']);
    if (!(await inspect.hasIndex('clients', 'ux_clients_email'))) await op.createIndex('ux_clients_email', 'clients', ['email'], { unique: true });
    if (!(await inspect.hasTable('orders'))) {
      await op.createTable('orders', {
        columns: [
          { name: 'id', type: 'integer', primaryKey: true },
          { name: 'client_id', type: 'integer', nullable: false },
          { name: 'amount', type: 'integer', nullable: false },
        ],
        foreignKeys: [{ name: 'fk_orders_client', columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['id'], onDelete: 'cascade' }],
      });
    }`,
    downgrade: `
    if (await inspect.hasTable('orders')) await op.dropTable('orders');
    if (await inspect.hasTable('clients')) await op.dropTable('clients');
    if (await inspect.hasTable('owners')) await op.dropTable('owners');`,
  },
  {
    id: R2,
    parents: [R1],
    message: 'score bigint not null',
    upgrade: `
    // hasColumn(definition) answers true for a column under another definition: compare the column itself.
    const score = (await inspect.columns('clients')).find((column) => column.name === 'score');
    if (score !== undefined && (score.type !== 'bigint' || score.nullable)) {
      await op.alterColumn('clients', 'score', { type: 'bigint', nullable: false });
    }`,
    downgrade: `
    const score = (await inspect.columns('clients')).find((column) => column.name === 'score');
    if (score !== undefined && (score.type !== 'integer' || !score.nullable)) {
      await op.alterColumn('clients', 'score', { type: 'integer', nullable: true });
    }`,
  },
  {
    id: R3,
    parents: [R2],
    message: 'owner fk restrict',
    upgrade: `
    if (await inspect.hasForeignKey('clients', 'fk_clients_owner')) await op.dropForeignKey('fk_clients_owner', 'clients');
    if (!(await inspect.hasForeignKey('clients', 'fk_clients_owner_restrict'))) {
      await op.createForeignKey('fk_clients_owner_restrict', 'clients', 'owners', ['owner_id'], ['id'], { onDelete: 'restrict' });
    }`,
    downgrade: `
    if (await inspect.hasForeignKey('clients', 'fk_clients_owner_restrict')) await op.dropForeignKey('fk_clients_owner_restrict', 'clients');
    if (!(await inspect.hasForeignKey('clients', 'fk_clients_owner'))) {
      await op.createForeignKey('fk_clients_owner', 'clients', 'owners', ['owner_id'], ['id']);
    }`,
  },
  {
    id: R4,
    parents: [R3],
    message: 'rename score widen email',
    upgrade: `
    if (await inspect.hasColumn('clients', 'score')) {
      await op.batchAlterTable('clients', (batch) => {
        batch.renameColumn('score', 'rating');
        batch.alterColumn('email', { type: 'varchar(320)', nullable: true });
      });
    }`,
    downgrade: `
    if (await inspect.hasColumn('clients', 'rating')) {
      await op.batchAlterTable('clients', (batch) => {
        batch.alterColumn('email', { type: 'varchar(255)', nullable: false });
        batch.renameColumn('rating', 'score');
      });
    }`,
  },
  {
    id: R5,
    parents: [R4],
    message: 'fails after a recreate',
    upgrade: `
    await op.alterColumn('clients', 'note', { type: 'varchar(50)', default: "'none'" });
    await execute('INSERT INTO no_such_table (x) VALUES (1)');`,
    downgrade: ``,
  },
];

function revisionSource(spec: (typeof REVISIONS)[number]): string {
  return [
    "import { revision } from '@strata/engine';",
    '',
    'export default revision({',
    `  id: ${JSON.stringify(spec.id)},`,
    `  parents: ${JSON.stringify(spec.parents)},`,
    `  message: ${JSON.stringify(spec.message)},`,
    `  async upgrade({ op, inspect, execute }) {${spec.upgrade}\n  },`,
    `  async downgrade({ op, inspect, execute }) {${spec.downgrade}\n  },`,
    '});',
    '',
  ].join('\n');
}

/** The shape of `clients` a check expects: what its columns are called, and the name of its foreign key to owners. */
interface Shape {
  readonly score: 'score' | 'rating';
  readonly ownerFk: { readonly name: string; readonly onDelete: string };
  /** `score`'s declared type and whether it is NOT NULL, as `PRAGMA table_info` reports them. */
  readonly scoreType: string;
  readonly scoreNotNull: boolean;
  readonly email: { readonly type: string; readonly notNull: boolean };
}

const SHAPE_R1: Shape = {
  score: 'score',
  ownerFk: { name: 'fk_clients_owner', onDelete: 'NO ACTION' },
  scoreType: 'integer',
  scoreNotNull: false,
  email: { type: 'varchar(255)', notNull: true },
};
const SHAPE_R2: Shape = { ...SHAPE_R1, scoreType: 'bigint', scoreNotNull: true };
const SHAPE_R3: Shape = { ...SHAPE_R2, ownerFk: { name: 'fk_clients_owner_restrict', onDelete: 'RESTRICT' } };
const SHAPE_R4: Shape = { ...SHAPE_R3, score: 'rating', email: { type: 'varchar(320)', notNull: false } };

/** Count and sha256 of every row of a table, by column position (renames do not change it). */
interface TableDigest {
  readonly count: number;
  readonly sha256: string;
}

function digest(db: SqliteDb, table: string): TableDigest {
  const hash = createHash('sha256');
  let count = 0;
  for (const row of db.prepare(`SELECT * FROM "${table}" ORDER BY id`).raw().iterate()) {
    hash.update(JSON.stringify(row));
    hash.update('\n');
    count++;
  }
  return { count, sha256: hash.digest('hex') };
}

describe('SQLite table recreate through the runner (100,000 rows)', () => {
  const temp = makeTempDir('sqlite-recreate');
  let database: TestDatabase;
  let dialect: Dialect;
  let graph: RevisionGraph;
  let stream: StreamTarget;
  /** The data as it was loaded; every later state must equal it. */
  let clientsAtStart: TableDigest;
  let ordersAtStart: TableDigest;
  let ownersAtStart: TableDigest;
  /** The schema R1 made, with the data loaded. */
  let schemaAtR1: SchemaModel;
  /** `PRAGMA foreign_keys` on each runner connection just before it closed. */
  let foreignKeysAtClose: number[] = [];
  const timings: string[] = [];

  /** Opens the file with better-sqlite3 directly, foreign keys enforced as an application would have them. */
  function open(): SqliteDb {
    const db = new Database(database.name);
    db.pragma('foreign_keys = ON');
    return db;
  }

  async function timed<T>(label: string, body: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await body();
    } finally {
      timings.push(`${label}: ${Math.round(performance.now() - started)} ms`);
    }
  }

  async function run(direction: 'up' | 'down', target: string): Promise<void> {
    foreignKeysAtClose = [];
    const result = await timed(`${direction} ${target}`, () => (direction === 'up' ? upgrade : downgrade)({ stream, graph, target }));
    expect(result.steps.map((step) => step.status)).toEqual(['applied']);
    expect(foreignKeysAtClose, 'PRAGMA foreign_keys when the runner let go of the connection').toEqual([1]);
  }

  async function schema(): Promise<SchemaModel> {
    const connection = await dialect.connect(database.url);
    try {
      return await dialect.readSchema(connection);
    } finally {
      await connection.close();
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase('sqlite', 'recreate');
    dialect = await loadDialect('sqlite');
    // Every runner connection reports `PRAGMA foreign_keys` as it closes: the revision scope must
    // have turned it back ON, whether the revision committed or rolled back.
    const connect = dialect.connect.bind(dialect);
    vi.spyOn(dialect, 'connect').mockImplementation(async (url: string): Promise<Connection> => {
      const connection = await connect(url);
      const close = connection.close.bind(connection);
      connection.close = async () => {
        const [row] = await connection.query('PRAGMA foreign_keys');
        foreignKeysAtClose.push(Number(row?.['foreign_keys']));
        await close();
      };
      return connection;
    });
    const dir = join(temp.path, 'migrations');
    mkdirSync(dir, { recursive: true });
    REVISIONS.forEach((spec, n) => writeFileSync(join(dir, `20240101_00${String(n).padStart(2, '0')}_${spec.message.replace(/\W+/g, '_')}.ts`), revisionSource(spec)));
    graph = new RevisionGraph(loadRevisions(dir));
    stream = { name: STREAM, dialect: 'sqlite', url: database.url };

    await run('up', R1);
    const db = open();
    try {
      await timed(`insert ${CLIENTS} clients + ${ORDERS} orders`, async () => {
        const owner = db.prepare('INSERT INTO owners (id, name) VALUES (?, ?)');
        const client = db.prepare('INSERT INTO clients (id, owner_id, email, score, note) VALUES (?, ?, ?, ?, ?)');
        const order = db.prepare('INSERT INTO orders (id, client_id, amount) VALUES (?, ?, ?)');
        db.transaction(() => {
          for (let id = 1; id <= OWNERS; id++) owner.run(id, `owner ${id}`);
          let orderId = 1;
          for (let id = 1; id <= CLIENTS; id++) {
            client.run(id, (id % OWNERS) + 1, `client${id}@example.com`, (id * 7919) % 1000, id % 3 === 0 ? null : `note ${id} é '"`);
            if (id % 10 === 0) {
              order.run(orderId++, id, id % 97);
              order.run(orderId++, id, (id % 89) + 1);
            }
          }
        })();
      });
      clientsAtStart = digest(db, 'clients');
      ordersAtStart = digest(db, 'orders');
      ownersAtStart = digest(db, 'owners');
    } finally {
      db.close();
    }
    schemaAtR1 = await schema();
    expect(clientsAtStart.count).toBe(CLIENTS);
    expect(ordersAtStart.count).toBe(ORDERS);
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await database?.drop();
    temp.remove();
    console.log(`\nsqlite-recreate wall times:\n  ${timings.join('\n  ')}\n`);
  });

  /** Everything a recreate must keep, checked on the file with a fresh connection. */
  function expectIntact(shape: Shape): void {
    const db = open();
    try {
      expect(db.pragma('foreign_keys', { simple: true }), 'foreign_keys on a new connection').toBe(1);

      // Every row, every value.
      expect(digest(db, 'clients'), 'clients rows').toEqual(clientsAtStart);
      expect(digest(db, 'orders'), 'orders rows (ON DELETE CASCADE children of clients)').toEqual(ordersAtStart);
      expect(digest(db, 'owners'), 'owners rows').toEqual(ownersAtStart);
      expect(db.prepare('PRAGMA foreign_key_check').all(), 'foreign_key_check').toEqual([]);
      expect(db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');

      // Columns as the revision left them.
      const columns = db.prepare('PRAGMA table_info(clients)').all() as { name: string; type: string; notnull: number }[];
      expect(columns.map((c) => c.name)).toEqual(['id', 'owner_id', 'email', shape.score, 'note']);
      const byName = new Map(columns.map((c) => [c.name, c]));
      const declared = (name: string) => ({ type: byName.get(name)?.type.toLowerCase(), notnull: byName.get(name)?.notnull });
      expect(declared(shape.score)).toEqual({ type: shape.scoreType, notnull: shape.scoreNotNull ? 1 : 0 });
      expect(declared('email')).toEqual({ type: shape.email.type, notnull: shape.email.notNull ? 1 : 0 });

      // Both indexes, on the right columns (the unique one still unique).
      const indexes = (db.prepare('PRAGMA index_list(clients)').all() as { name: string; unique: number; origin: string }[])
        .filter((index) => index.origin === 'c')
        .map((index) => ({
          name: index.name,
          unique: index.unique,
          columns: (db.prepare(`PRAGMA index_info("${index.name}")`).all() as { name: string }[]).map((c) => c.name),
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
      expect(indexes).toEqual([
        { name: 'ix_clients_owner_score', unique: 0, columns: ['owner_id', shape.score] },
        { name: 'ux_clients_email', unique: 1, columns: ['email'] },
      ]);
      // The planner really uses them (an index SQLite ignores would be no index at all).
      const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
      expect(plan(`SELECT id FROM clients WHERE email = 'client5@example.com'`)).toContain('ux_clients_email');
      expect(plan(`SELECT id FROM clients WHERE owner_id = 3 AND ${shape.score} = 7`)).toContain('ix_clients_owner_score');

      // Both foreign keys, with their actions.
      const keys = (table: string) =>
        (db.prepare(`PRAGMA foreign_key_list(${table})`).all() as { table: string; from: string; to: string; on_delete: string }[]).map((k) => ({
          table: k.table,
          from: k.from,
          to: k.to,
          onDelete: k.on_delete,
        }));
      expect(keys('clients')).toEqual([{ table: 'owners', from: 'owner_id', to: 'id', onDelete: shape.ownerFk.onDelete }]);
      expect(keys('orders')).toEqual([{ table: 'clients', from: 'client_id', to: 'id', onDelete: 'CASCADE' }]);
      // The recreated CREATE TABLE still names the outgoing key, and orders still points at "clients", not "_strata_new_clients".
      const ddl = (name: string) => String(db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`).pluck().get(name));
      expect(ddl('clients')).toContain(shape.ownerFk.name);
      expect(ddl('orders')).not.toContain('_strata_new_');
      expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name LIKE '_strata_new_%'`).pluck().get()).toBe(0);

      // The CHECK, the NOT NULL, the unique index and both keys reject bad rows.
      const insertClient = db.prepare(`INSERT INTO clients (id, owner_id, email, ${shape.score}) VALUES (?, ?, ?, ?)`);
      expect(() => insertClient.run(CLIENTS + 1, 1, 'bad-score@example.com', -1)).toThrow(/CHECK constraint failed/);
      expect(() => insertClient.run(CLIENTS + 1, 1, 'client1@example.com', 1)).toThrow(/UNIQUE constraint failed: clients\.email/);
      expect(() => insertClient.run(CLIENTS + 1, OWNERS + 1, 'no-owner@example.com', 1)).toThrow(/FOREIGN KEY constraint failed/);
      if (shape.scoreNotNull) expect(() => insertClient.run(CLIENTS + 1, 1, 'null-score@example.com', null)).toThrow(/NOT NULL constraint failed/);
      expect(() => db.prepare('INSERT INTO orders (id, client_id, amount) VALUES (?, ?, ?)').run(ORDERS + 1, CLIENTS + 1, 1)).toThrow(/FOREIGN KEY constraint failed/);
      // RESTRICT (R3) refuses to delete a referenced owner; NO ACTION refuses too, at statement end.
      expect(() => db.prepare('DELETE FROM owners WHERE id = 1').run()).toThrow(/FOREIGN KEY constraint failed/);

      // The cascade still fires (inside a transaction rolled back, so the data stays as loaded).
      db.exec('BEGIN');
      try {
        expect(db.prepare('DELETE FROM clients WHERE id = 10').run().changes).toBe(1);
        expect(db.prepare('SELECT count(*) FROM orders WHERE client_id = 10').pluck().get()).toBe(0);
        expect(db.prepare('SELECT count(*) FROM orders').pluck().get()).toBe(ORDERS - 2);
      } finally {
        db.exec('ROLLBACK');
      }
      expect(db.prepare('SELECT count(*) FROM clients').pluck().get()).toBe(CLIENTS);
    } finally {
      db.close();
    }
  }

  it('loads the fixture: the checks hold before any recreate', () => {
    expectIntact(SHAPE_R1);
  });

  it('alterColumn (type and nullability) keeps rows, indexes, check and both foreign keys', async () => {
    await run('up', R2);
    expect(await versionRows(dialect, database.url, STREAM)).toEqual([R2]);
    expectIntact(SHAPE_R2);
  });

  it('dropForeignKey + createForeignKey on clients keep them all', async () => {
    await run('up', R3);
    expect(await versionRows(dialect, database.url, STREAM)).toEqual([R3]);
    expectIntact(SHAPE_R3);
  });

  it('batchAlterTable (renameColumn + alterColumn) keeps them all, the index and check following the rename', async () => {
    await run('up', R4);
    expect(await versionRows(dialect, database.url, STREAM)).toEqual([R4]);
    expectIntact(SHAPE_R4);
    const db = open();
    try {
      const ddl = String(db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'clients'`).pluck().get());
      expect(ddl).toMatch(/CHECK \(\s*"?rating"? >= 0\s*\)/);
      expect(ddl).not.toMatch(/\bscore\b/);
    } finally {
      db.close();
    }
  });

  it('a revision failing after a recreate rolls back: rows, schema, ledger as before', async () => {
    const before = await schema();
    foreignKeysAtClose = [];
    const failure = await upgrade({ stream, graph, target: R5 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RevisionFailedError);
    const failed = failure as RevisionFailedError;
    expect(failed.code).toBe('RUNNER_REVISION_FAILED');
    expect(failed.details).toMatchObject({ revision: R5, rolledBack: true });
    expect(failed.message).toMatch(/no such table: no_such_table/);
    expect(foreignKeysAtClose, 'PRAGMA foreign_keys after the rollback').toEqual([1]);
    expect(await versionRows(dialect, database.url, STREAM)).toEqual([R4]);
    expect(await schema()).toStrictEqual(before);
    // `note` is still nullable text: the recreate that ran before the failure is gone.
    expect(before.tables.get('clients')?.columns.find((c) => c.name === 'note')).toMatchObject({ type: 'text', nullable: true });
    expectIntact(SHAPE_R4);
  });

  it('downgrade R4 (batch back) keeps them all', async () => {
    await run('down', R3);
    expect(await versionRows(dialect, database.url, STREAM)).toEqual([R3]);
    expectIntact(SHAPE_R3);
  });

  it('downgrade R3 (foreign key back) keeps them all', async () => {
    await run('down', R2);
    expect(await versionRows(dialect, database.url, STREAM)).toEqual([R2]);
    expectIntact(SHAPE_R2);
  });

  it('downgrade R2 (column back) keeps them all, and the schema is the one R1 made', async () => {
    await run('down', R1);
    expect(await versionRows(dialect, database.url, STREAM)).toEqual([R1]);
    expectIntact(SHAPE_R1);
    expect(await schema()).toStrictEqual(schemaAtR1);
  });
});
