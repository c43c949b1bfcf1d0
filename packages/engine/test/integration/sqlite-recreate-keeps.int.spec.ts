// Everything a SQLite table recreate must keep (DESIGN.md rule 2; the 12 steps of
// https://www.sqlite.org/lang_altertable.html#otheralter). Revision 1 builds, with raw SQL, a
// 100,000-row STRICT table `items` carrying every kind of object the model does not follow (column
// collation, AUTOINCREMENT counter, generated columns, checks, unique/partial/expression/collated
// indexes, outgoing and incoming foreign keys, its own triggers, views over it and over those views,
// an INSTEAD OF trigger on a view, another table's trigger naming it) and a 100,000-row WITHOUT
// ROWID table `tags`. Revision 2 makes one column NOT NULL in each, which SQLite can only do by
// rebuilding the table. `strata upgrade` must exit 0 and each test then reads the catalog back
// (sqlite_schema, pragmas) and the rows: equal to before, but for the one column's NOT NULL.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { writeOpsStream } from '../support/schema.js';
import { describeRun, makeTempDir, StreamFixture } from '../support/streams.js';

type SqliteDb = Database.Database;

const ROWS = 100_000;
/** Rows deleted from the top of `items` after loading: AUTOINCREMENT must not hand their ids out again. */
const DELETED = 10;

/** A recursive CTE counting 1..n, to load rows in one statement. */
const numbers = (n: number): string => `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n}) `;

const SETUP = [
  'CREATE TABLE owners (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT',
  `INSERT INTO owners (id, name) ${numbers(50)}SELECT i, 'owner ' || i FROM n`,
  `CREATE TABLE items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_id INTEGER NOT NULL REFERENCES owners (id) ON DELETE CASCADE,
    name TEXT COLLATE NOCASE,
    sku TEXT NOT NULL,
    price INTEGER NOT NULL CHECK (price >= 0),
    price_cents INTEGER GENERATED ALWAYS AS (price * 100) STORED,
    shout TEXT GENERATED ALWAYS AS (upper(name)) VIRTUAL,
    CONSTRAINT ck_items_sku CHECK (length(sku) > 3)
  ) STRICT`,
  `INSERT INTO items (owner_id, name, sku, price) ${numbers(ROWS)}SELECT i % 50 + 1, 'item ' || i, 'sku-' || i, i % 1000 FROM n`,
  `DELETE FROM items WHERE id > ${ROWS - DELETED}`,
  'CREATE UNIQUE INDEX ux_items_sku ON items (sku)',
  'CREATE INDEX ix_items_name ON items (name COLLATE BINARY DESC)',
  'CREATE INDEX ix_items_cheap ON items (price) WHERE price < 10',
  'CREATE INDEX ix_items_lower_sku ON items (lower(sku))',
  'CREATE TABLE audit (id INTEGER PRIMARY KEY, item_id INTEGER, note TEXT) STRICT',
  "CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN INSERT INTO audit (item_id, note) VALUES (new.id, 'insert'); END",
  "CREATE TRIGGER items_au AFTER UPDATE OF price ON items BEGIN INSERT INTO audit (item_id, note) VALUES (new.id, 'price'); END",
  "CREATE TRIGGER audit_touch AFTER INSERT ON audit WHEN new.note = 'touch' BEGIN UPDATE items SET price = price + 1 WHERE id = new.item_id; END",
  'CREATE TABLE order_lines (id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES items (id), qty INTEGER NOT NULL) STRICT',
  `INSERT INTO order_lines (id, item_id, qty) ${numbers(20_000)}SELECT i, i, i % 7 + 1 FROM n`,
  'CREATE INDEX ix_order_lines_item ON order_lines (item_id)',
  'CREATE VIEW items_v AS SELECT id, name, price FROM items WHERE price > 0',
  'CREATE VIEW items_v_count AS SELECT count(*) AS n FROM items_v',
  "CREATE TRIGGER items_v_insert INSTEAD OF INSERT ON items_v BEGIN INSERT INTO items (owner_id, name, sku, price) VALUES (1, new.name, 'via-' || new.name, new.price); END",
  'CREATE TABLE tags (item_id INTEGER NOT NULL, tag TEXT NOT NULL COLLATE NOCASE, label TEXT, PRIMARY KEY (item_id, tag)) WITHOUT ROWID, STRICT',
  `INSERT INTO tags (item_id, tag, label) ${numbers(ROWS)}SELECT i, 'tag' || (i % 10), 'label ' || i FROM n`,
];

/** Everything the catalog says about the schema, in a stable order. */
interface Catalog {
  /** Every sqlite_schema row but the two rebuilt tables' own CREATE TABLE texts. */
  readonly master: unknown[];
  readonly tables: Record<string, unknown>;
  readonly sequence: unknown[];
}

function catalog(db: SqliteDb): Catalog {
  const rebuilt = ['items', 'tags'];
  const master = db
    .prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE NOT (type = 'table' AND name IN ('items', 'tags')) AND name NOT LIKE 'strata%' ORDER BY type, name")
    .all();
  const tables: Record<string, unknown> = {};
  for (const table of [...rebuilt, 'order_lines', 'audit', 'owners']) {
    const indexes = db.prepare('SELECT name, "unique", origin, partial FROM pragma_index_list(?) ORDER BY name').all(table) as { name: string }[];
    tables[table] = {
      columns: db.prepare('SELECT * FROM pragma_table_xinfo(?) ORDER BY cid').all(table),
      list: db.prepare('SELECT type, ncol, wr, strict FROM pragma_table_list(?)').all(table),
      foreignKeys: db.prepare('SELECT * FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(table),
      indexes: indexes.map((index) => ({ ...index, parts: db.prepare('SELECT * FROM pragma_index_xinfo(?) ORDER BY seqno').all(index.name) })),
    };
  }
  return { master, tables, sequence: db.prepare("SELECT name, seq FROM sqlite_sequence WHERE name NOT LIKE 'strata%' ORDER BY name").all() };
}

/** The row count and a hash of every row, in key order. */
function digest(db: SqliteDb, sql: string): { count: number; hash: string } {
  const rows = db.prepare(sql).raw().all();
  return { count: rows.length, hash: createHash('sha256').update(JSON.stringify(rows)).digest('hex') };
}

describe('SQLite table recreate keeps what the table has (100,000 rows)', () => {
  const temp = makeTempDir('sqlite-recreate-keeps');
  let database: TestDatabase;
  let before: Catalog;
  let itemsBefore: { count: number; hash: string };
  let tagsBefore: { count: number; hash: string };
  let createItemsBefore: string;

  function open(): SqliteDb {
    const db = new Database(database.name);
    db.pragma('foreign_keys = ON');
    return db;
  }

  /** Runs `body` on a fresh connection, inside a transaction that is rolled back: each test leaves the file as it found it. */
  function probe<T>(body: (db: SqliteDb) => T): T {
    const db = open();
    try {
      db.exec('BEGIN');
      try {
        return body(db);
      } finally {
        db.exec('ROLLBACK');
      }
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase('sqlite', 'recreate_keeps');
    const fixture = new StreamFixture(temp.path, 'app', database.url);
    writeOpsStream(fixture.dir, [
      {
        id: 'a1a1keepsetup',
        upgrade: SETUP.map((sql) => `await op.execute(${JSON.stringify(sql)});`).join('\n'),
        downgrade: '',
      },
      {
        id: 'b2b2keepalter',
        upgrade: "await op.alterColumn('items', 'name', { nullable: false });\nawait op.alterColumn('tags', 'label', { nullable: false });",
        downgrade: "await op.alterColumn('tags', 'label', { nullable: true });\nawait op.alterColumn('items', 'name', { nullable: true });",
      },
    ]);
    const setup = await fixture.cli('upgrade', 'a1a1keepsetup');
    expect(setup.code, describeRun(setup)).toBe(0);
    const db = open();
    try {
      before = catalog(db);
      itemsBefore = digest(db, 'SELECT * FROM items ORDER BY id');
      tagsBefore = digest(db, 'SELECT * FROM tags ORDER BY item_id, tag');
      createItemsBefore = String(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'items'").pluck().get());
    } finally {
      db.close();
    }
    expect(itemsBefore.count).toBe(ROWS - DELETED);
    const run = await fixture.cli('upgrade', 'head');
    expect(run.code, describeRun(run)).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await database?.drop();
    temp.remove();
  });

  /**
   * The catalog as it was, with `items.name` and `tags.label` NOT NULL; and `items.id`, a rowid alias,
   * now declared NOT NULL, which it already was in effect (https://www.sqlite.org/lang_createtable.html#rowid).
   */
  function expectedAfter(): Catalog {
    const tables = structuredClone(before.tables) as Record<string, { columns: { name: string; notnull: number }[] }>;
    for (const [table, column] of [['items', 'name'], ['tags', 'label'], ['items', 'id']] as const) {
      const entry = tables[table]?.columns.find((c) => c.name === column);
      if (entry === undefined) throw new Error(`no column ${table}.${column} before the recreate`);
      entry.notnull = 1;
    }
    return { ...before, tables };
  }

  it('keeps the rows of both tables, value for value', () => {
    const db = open();
    try {
      expect(digest(db, 'SELECT * FROM items ORDER BY id')).toEqual(itemsBefore);
      expect(digest(db, 'SELECT * FROM tags ORDER BY item_id, tag')).toEqual(tagsBefore);
      expect(db.prepare('SELECT count(*) FROM order_lines').pluck().get()).toBe(20_000);
    } finally {
      db.close();
    }
  });

  it('changes nothing in the catalog but the NOT NULL it was asked for', () => {
    const db = open();
    try {
      expect(catalog(db)).toEqual(expectedAfter());
      expect(db.prepare("SELECT \"notnull\" FROM pragma_table_info('items') WHERE name = 'name'").pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  });

  it('keeps the table triggers, which fire afterwards', () => {
    probe((db) => {
      const triggers = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name").all();
      expect(triggers).toEqual(before.master.filter((row) => (row as { type: string }).type === 'trigger').map((row) => ({ name: (row as { name: string }).name, sql: (row as { sql: string }).sql })));
      expect(triggers.map((t) => (t as { name: string }).name)).toEqual(['audit_touch', 'items_ai', 'items_au', 'items_v_insert']);
      const id = Number(db.prepare("INSERT INTO items (owner_id, name, sku, price) VALUES (1, 'new', 'sku-new', 5)").run().lastInsertRowid);
      expect(db.prepare('SELECT note FROM audit WHERE item_id = ?').pluck().all(id)).toEqual(['insert']);
      db.prepare("INSERT INTO audit (item_id, note) VALUES (7, 'touch')").run();
      expect(db.prepare('SELECT note FROM audit WHERE item_id = 7 ORDER BY id').pluck().all()).toEqual(['touch', 'price']);
    });
  });

  it('keeps the views over the table and over those views, and the INSTEAD OF trigger on one', () => {
    probe((db) => {
      expect(db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'view' ORDER BY name").all()).toEqual(
        before.master.filter((row) => (row as { type: string }).type === 'view').map((row) => ({ name: (row as { name: string }).name, sql: (row as { sql: string }).sql })),
      );
      const positive = Number(db.prepare('SELECT count(*) FROM items WHERE price > 0').pluck().get());
      expect(db.prepare('SELECT n FROM items_v_count').pluck().get()).toBe(positive);
      db.prepare("INSERT INTO items_v (name, price) VALUES ('through the view', 3)").run();
      expect(db.prepare("SELECT sku FROM items WHERE name = 'through the view'").pluck().get()).toBe('via-through the view');
    });
  });

  it('keeps unique, partial, expression and collated indexes, from their own text', () => {
    probe((db) => {
      const indexes = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'items' ORDER BY name").all();
      expect(indexes).toEqual(
        before.master
          .filter((row) => (row as { type: string; tbl_name: string }).type === 'index' && (row as { tbl_name: string }).tbl_name === 'items')
          .map((row) => ({ name: (row as { name: string }).name, sql: (row as { sql: string }).sql })),
      );
      expect(() => db.prepare("INSERT INTO items (owner_id, name, sku, price) VALUES (1, 'dup', 'sku-1', 1)").run()).toThrow(/UNIQUE constraint failed: items.sku/);
      const plan = db.prepare('EXPLAIN QUERY PLAN SELECT id FROM items WHERE price < 10').all() as { detail: string }[];
      expect(plan.map((step) => step.detail).join(' ')).toMatch(/ix_items_cheap/);
    });
  });

  it('keeps the checks, enforced', () => {
    probe((db) => {
      expect(() => db.prepare("INSERT INTO items (owner_id, name, sku, price) VALUES (1, 'neg', 'sku-neg', -1)").run()).toThrow(/CHECK constraint failed/);
      expect(() => db.prepare("INSERT INTO items (owner_id, name, sku, price) VALUES (1, 'short', 'ab', 1)").run()).toThrow(/CHECK constraint failed: ck_items_sku/);
    });
  });

  it('keeps the foreign keys both ways: foreign_key_check clean, both still enforced, the cascade intact', () => {
    probe((db) => {
      expect(db.prepare("SELECT * FROM pragma_foreign_key_check('order_lines')").all()).toEqual([]);
      expect(db.prepare("SELECT * FROM pragma_foreign_key_check('items')").all()).toEqual([]);
      expect(() => db.prepare('INSERT INTO order_lines (id, item_id, qty) VALUES (999999, 999999, 1)').run()).toThrow(/FOREIGN KEY constraint failed/);
      expect(() => db.prepare("INSERT INTO items (owner_id, name, sku, price) VALUES (999, 'orphan', 'sku-orphan', 1)").run()).toThrow(/FOREIGN KEY constraint failed/);
      db.prepare('DELETE FROM order_lines WHERE item_id IN (SELECT id FROM items WHERE owner_id = 2)').run();
      db.prepare('DELETE FROM owners WHERE id = 2').run();
      expect(db.prepare('SELECT count(*) FROM items WHERE owner_id = 2').pluck().get()).toBe(0);
    });
  });

  it('keeps the AUTOINCREMENT counter: the next id continues after the deleted ones', () => {
    probe((db) => {
      expect(db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'items'").pluck().get()).toBe(ROWS);
      const id = db.prepare("INSERT INTO items (owner_id, name, sku, price) VALUES (1, 'next', 'sku-next', 1)").run().lastInsertRowid;
      expect(Number(id)).toBe(ROWS + 1);
    });
  });

  it('keeps STRICT and WITHOUT ROWID', () => {
    probe((db) => {
      expect(db.prepare("SELECT name, wr, strict FROM pragma_table_list WHERE name IN ('items', 'tags') ORDER BY name").all()).toEqual([
        { name: 'items', wr: 0, strict: 1 },
        { name: 'tags', wr: 1, strict: 1 },
      ]);
      expect(() => db.prepare("INSERT INTO items (owner_id, name, sku, price) VALUES (1, 'strict', 'sku-strict', 'not a number')").run()).toThrow(/cannot store TEXT value in INTEGER column/);
    });
  });

  it('keeps the generated columns, stored and virtual, computed', () => {
    probe((db) => {
      const row = db.prepare('SELECT price, price_cents, shout FROM items WHERE id = 1234').get();
      expect(row).toEqual({ price: 234, price_cents: 23_400, shout: 'ITEM 1234' });
      expect(db.prepare("SELECT name, hidden FROM pragma_table_xinfo('items') WHERE hidden <> 0 ORDER BY name").all()).toEqual([
        { name: 'price_cents', hidden: 3 },
        { name: 'shout', hidden: 2 },
      ]);
    });
  });

  it('keeps the column collations', () => {
    probe((db) => {
      const created = String(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'items'").pluck().get());
      expect(createItemsBefore).toMatch(/name TEXT COLLATE NOCASE/);
      expect(created).toMatch(/"name" text COLLATE NOCASE NOT NULL/);
      expect(db.prepare("SELECT count(*) FROM items WHERE name = 'ITEM 77'").pluck().get()).toBe(1);
      expect(db.prepare("SELECT count(*) FROM tags WHERE tag = 'TAG3'").pluck().get()).toBe(ROWS / 10);
    });
  });
});
