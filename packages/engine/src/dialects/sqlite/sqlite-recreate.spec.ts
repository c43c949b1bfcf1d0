import { describe, expect, it } from 'vitest';
import type { StoredObject, TableModel } from '../../schema/model.js';
import { UnsupportedOperationError } from '../errors.js';
import { SqliteDialect } from './sqlite-dialect.js';

const renderer = new SqliteDialect().renderer;

/** `items (id integer primary key, name text collate nocase, price integer)` with one index, as the model holds it. */
const ITEMS: TableModel = {
  name: 'items',
  columns: [
    { name: 'id', type: 'integer', nullable: false },
    { name: 'name', type: 'text', nullable: true },
    { name: 'price', type: 'integer', nullable: true },
  ],
  primaryKey: { columns: ['id'] },
  indexes: [{ name: 'ix_items_name', parts: [{ column: 'name', order: 'desc' }], unique: false }],
  foreignKeys: [],
  uniqueConstraints: [],
  checkConstraints: [],
};

/** sqlite_schema as a live read gives it: the table, its index, its trigger, a view over it, a view over that view, and other tables'. */
const STORED: readonly StoredObject[] = [
  { type: 'table', name: 'items', table: 'items', sql: 'CREATE TABLE items (id INTEGER PRIMARY KEY, "name" TEXT COLLATE NOCASE, price INTEGER CHECK (price <> \'\' COLLATE RTRIM)) STRICT, WITHOUT ROWID' },
  { type: 'index', name: 'ix_items_name', table: 'items', sql: 'CREATE INDEX ix_items_name ON items (name COLLATE BINARY DESC)' },
  { type: 'table', name: 'audit', table: 'audit', sql: 'CREATE TABLE audit (item_id INTEGER, note TEXT)' },
  { type: 'trigger', name: 'items_ai', table: 'items', sql: "CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN INSERT INTO audit VALUES (new.id, 'i'); END" },
  { type: 'view', name: 'items_v', table: 'items_v', sql: 'CREATE VIEW items_v AS SELECT id, name FROM items' },
  { type: 'view', name: 'items_v2', table: 'items_v2', sql: 'CREATE VIEW items_v2 AS SELECT count(*) AS n FROM items_v' },
  { type: 'view', name: 'audit_v', table: 'audit_v', sql: 'CREATE VIEW audit_v AS SELECT * FROM audit' },
  { type: 'trigger', name: 'audit_ai', table: 'audit', sql: 'CREATE TRIGGER audit_ai AFTER INSERT ON audit BEGIN UPDATE items SET price = price WHERE id = new.item_id; END' },
  { type: 'trigger', name: 'items_v_ins', table: 'items_v', sql: 'CREATE TRIGGER items_v_ins INSTEAD OF INSERT ON items_v BEGIN SELECT 1; END' },
];

function render(ops: Parameters<typeof renderer.render>[0][], stored: readonly StoredObject[] = STORED): string[] {
  const schema = { tables: new Map([['items', ITEMS]]), enums: new Map(), stored };
  const [first] = ops;
  if (first === undefined) return [];
  return ops.length === 1 ? renderer.render(first, { schema, table: ITEMS }) : (renderer.renderBatch?.(ops, { schema, table: ITEMS }) ?? []);
}

describe('planRecreate with the stored definitions (SchemaModel.stored)', () => {
  it('drops what names the table first, rebuilds with collations and options, re-creates index, views and triggers from their text', () => {
    expect(render([{ kind: 'alterColumn', table: 'items', column: 'price', nullable: false }])).toEqual([
      'DROP TRIGGER "audit_ai"',
      'DROP TRIGGER "items_v_ins"',
      'DROP VIEW "items_v"',
      'DROP VIEW "items_v2"',
      'CREATE TABLE "_strata_new_items" (\n  "id" integer NOT NULL,\n  "name" text COLLATE NOCASE,\n  "price" integer NOT NULL,\n  PRIMARY KEY ("id")\n) WITHOUT ROWID, STRICT',
      'INSERT INTO "_strata_new_items" ("id", "name", "price") SELECT "id", "name", "price" FROM "items"',
      'DROP TABLE "items"',
      'ALTER TABLE "_strata_new_items" RENAME TO "items"',
      'CREATE INDEX ix_items_name ON items (name COLLATE BINARY DESC)',
      'CREATE VIEW items_v AS SELECT id, name FROM items',
      'CREATE VIEW items_v2 AS SELECT count(*) AS n FROM items_v',
      "CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN INSERT INTO audit VALUES (new.id, 'i'); END",
      'CREATE TRIGGER audit_ai AFTER INSERT ON audit BEGIN UPDATE items SET price = price WHERE id = new.item_id; END',
      'CREATE TRIGGER items_v_ins INSTEAD OF INSERT ON items_v BEGIN SELECT 1; END',
    ]);
  });

  it('renders an index the changes touch from the model, not from its old text', () => {
    const sql = render([
      { kind: 'dropIndex', table: 'items', name: 'ix_items_name' },
      { kind: 'createIndex', table: 'items', name: 'ix_items_name', columns: ['name', 'price'] },
      { kind: 'alterColumn', table: 'items', column: 'price', nullable: false },
    ]);
    expect(sql.filter((statement) => statement.includes('ix_items_name'))).toEqual(['CREATE INDEX "ix_items_name" ON "items" ("name", "price")']);
  });

  it('refuses a column rename inside a recreate while triggers or views name the table', () => {
    expect(() =>
      render([
        { kind: 'renameColumn', table: 'items', column: 'name', to: 'title' },
        { kind: 'alterColumn', table: 'items', column: 'price', nullable: false },
      ]),
    ).toThrow(UnsupportedOperationError);
  });

  it('without stored definitions (offline), plans from the model alone', () => {
    const sql = render([{ kind: 'alterColumn', table: 'items', column: 'price', nullable: false }], []);
    expect(sql[0]).toBe('CREATE TABLE "_strata_new_items" (\n  "id" integer NOT NULL,\n  "name" text,\n  "price" integer NOT NULL,\n  PRIMARY KEY ("id")\n)');
    expect(sql.at(-1)).toBe('CREATE INDEX "ix_items_name" ON "items" ("name" DESC)');
  });

  it('a batch with no op that needs a recreate renders each op natively', () => {
    expect(
      render([
        { kind: 'addColumn', table: 'items', column: { name: 'note', type: 'text' } },
        { kind: 'createIndex', table: 'items', name: 'ix_items_note', columns: ['note'] },
      ]),
    ).toEqual(['ALTER TABLE "items" ADD COLUMN "note" text', 'CREATE INDEX "ix_items_note" ON "items" ("note")']);
  });
});
