// SQLite runs each revision with foreign keys off and checks them before commit (a table recreate
// drops and renames tables others reference). The check covers what the revision can have broken:
// the tables its operations named and the tables referencing them, or the whole database after raw
// SQL (other than a lone CREATE, DROP VIEW, DROP TRIGGER or DROP TABLE) or Drizzle. Rows already orphaned in a table no revision touches stop nothing; orphans a
// revision makes still roll it back.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RevisionFailedError } from '../../src/runner/errors.js';
import { loadDialect } from '../../src/dialects/registry.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { ApiStream, writeOpsRevision } from '../support/schema.js';
import { makeTempDir } from '../support/streams.js';

const temp = makeTempDir('sqlite-fk-check');
let db: TestDatabase;
let s: ApiStream;

beforeAll(async () => {
  db = await createTestDatabase('sqlite', 'fk_check');
  s = new ApiStream(await loadDialect('sqlite'), db.url, join(temp.path, 'migrations'));
  writeOpsRevision(s.dir, {
    id: 'fk0000000001',
    message: 'customers, orders, audit',
    upgrade: `
await op.createTable('customers', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'name', type: 'text' }] });
await op.createTable('orders', {
  columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'customer_id', type: 'integer' }],
  foreignKeys: [{ name: 'fk_orders_customer', columns: ['customer_id'], referencedTable: 'customers', referencedColumns: ['id'] }],
});
await op.createTable('notes', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'body', type: 'text' }] });
await op.createTable('note_links', {
  columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'note_id', type: 'integer' }],
  foreignKeys: [{ name: 'fk_links_note', columns: ['note_id'], referencedTable: 'notes', referencedColumns: ['id'] }],
});`,
    downgrade: '',
  });
  await s.upgrade();
  // Rows orphaned before Strata (written with foreign keys off): a link to a note that is not there.
  await s.script(`PRAGMA foreign_keys = OFF; INSERT INTO customers VALUES (1, 'Ada'); INSERT INTO orders VALUES (10, 1); INSERT INTO note_links VALUES (1, 999);`);
});

afterAll(async () => {
  await db.drop();
  temp.remove();
});

/** The stream as its files are now (each test adds a revision). */
const stream = (): ApiStream => new ApiStream(s.dialect, s.url, s.dir);

/** The foreign key violations a failed run reports, as `table -> parent`. */
function violationsOf(error: unknown): string[] {
  expect(error).toBeInstanceOf(RevisionFailedError);
  const cause = (error as RevisionFailedError).cause as { code?: string; details?: { violations?: { table: string; parent: string }[] } };
  expect(cause.code).toBe('DIALECT_FOREIGN_KEY_VIOLATION');
  return (cause.details?.violations ?? []).map((v) => `${v.table} -> ${v.parent}`);
}

it('a revision of operations on other tables runs beside rows already orphaned elsewhere', async () => {
  writeOpsRevision(s.dir, {
    id: 'fk0000000002',
    parents: ['fk0000000001'],
    message: 'recreate orders',
    upgrade: "await op.alterColumn('orders', 'customer_id', { nullable: false });",
    downgrade: '',
  });
  await stream().upgrade();
  expect(await s.heads()).toEqual(['fk0000000002']);
  expect((await s.table('orders')).columns.find((c) => c.name === 'customer_id')?.nullable).toBe(false);
  expect(await s.query('SELECT id, customer_id FROM orders')).toEqual([{ id: 10, customer_id: 1 }]);
});

it('an operation on a parent table checks the tables referencing it', async () => {
  // An order whose customer is gone, then a revision that recreates customers: orders is checked.
  await s.script('PRAGMA foreign_keys = OFF; INSERT INTO orders VALUES (11, 2);');
  writeOpsRevision(s.dir, {
    id: 'fk0000000003',
    parents: ['fk0000000002'],
    message: 'recreate customers',
    upgrade: "await op.alterColumn('customers', 'name', { nullable: false });",
    downgrade: '',
  });
  expect(violationsOf(await stream().upgrade().catch((e: unknown) => e))).toEqual(['orders -> customers']);
  expect(await s.heads()).toEqual(['fk0000000002']);
  expect((await s.table('customers')).columns.find((c) => c.name === 'name')?.nullable).toBe(true);
  await s.script('DELETE FROM orders WHERE id = 11;');
});

it('after raw SQL the check covers the whole database, orphans made elsewhere included', async () => {
  writeOpsRevision(s.dir, {
    id: 'fk0000000004',
    parents: ['fk0000000002'],
    message: 'raw update',
    upgrade: "await execute(\"UPDATE customers SET name = 'Ada L.' WHERE id = 1\");",
    downgrade: '',
  });
  expect(violationsOf(await stream().upgrade('fk0000000004').catch((e: unknown) => e))).toEqual(['note_links -> notes']);
  expect(await s.query('SELECT name FROM customers')).toEqual([{ name: 'Ada' }]);
  expect(await s.heads()).toEqual(['fk0000000002']);
});

it('a table whose definition spells the parent in another case, bracketed, is still found and checked', async () => {
  await s.script('PRAGMA foreign_keys = OFF; CREATE TABLE "Line_Items" (id integer PRIMARY KEY, order_id integer REFERENCES [ORDERS] (id)); INSERT INTO "Line_Items" VALUES (1, 77);');
  writeOpsRevision(s.dir, {
    id: 'fk0000000005',
    parents: ['fk0000000002'],
    message: 'recreate orders again',
    upgrade: "await op.alterColumn('orders', 'customer_id', { nullable: true });",
    downgrade: '',
  });
  expect(violationsOf(await stream().upgrade('fk0000000005').catch((e: unknown) => e))).toEqual(['Line_Items -> ORDERS']);
  expect(await s.heads()).toEqual(['fk0000000002']);
  await s.script('DELETE FROM "Line_Items";');
  await stream().upgrade('fk0000000005');
  expect(await s.heads()).toEqual(['fk0000000005']);
});

it('raw CREATE statements change no existing row: they run beside orphans elsewhere, and the next raw statement checks again', async () => {
  writeOpsRevision(s.dir, {
    id: 'fk0000000006',
    parents: ['fk0000000005'],
    message: 'raw creates',
    upgrade: `
await execute('CREATE TABLE refunds (id integer PRIMARY KEY, order_id integer REFERENCES orders (id))');
await execute('CREATE INDEX ix_refunds_order ON refunds (order_id);');
await execute('create view order_ids as select id from orders');`,
    downgrade: '',
  });
  await stream().upgrade('fk0000000006');
  expect(await s.heads()).toEqual(['fk0000000006']);
  // An INSERT may break a foreign key: the whole database is checked again, and the revision rolls back.
  writeOpsRevision(s.dir, {
    id: 'fk0000000007',
    parents: ['fk0000000006'],
    message: 'raw create, then an insert',
    upgrade: `
await execute('CREATE TABLE refund_notes (id integer PRIMARY KEY)');
await execute("INSERT INTO refunds VALUES (1, 10)");`,
    downgrade: '',
  });
  expect(violationsOf(await stream().upgrade('fk0000000007').catch((e: unknown) => e))).toEqual(['note_links -> notes']);
  expect(await s.heads()).toEqual(['fk0000000006']);
  expect(await s.query("SELECT name FROM sqlite_master WHERE name IN ('refunds', 'refund_notes') ORDER BY name")).toEqual([{ name: 'refunds' }]);
});

it('a table the revision creates is new: rows that pointed at nothing before it stop nothing', async () => {
  // Rows written before Strata against a table that does not exist yet (foreign keys off).
  await s.script('PRAGMA foreign_keys = OFF; CREATE TABLE legacy_links (id integer PRIMARY KEY, archive_id integer REFERENCES archive (id)); INSERT INTO legacy_links VALUES (1, 5);');
  writeOpsRevision(s.dir, {
    id: 'fk0000000008',
    parents: ['fk0000000006'],
    message: 'create archive',
    upgrade: "await op.createTable('archive', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });",
    downgrade: '',
  });
  await stream().upgrade('fk0000000008');
  expect(await s.heads()).toEqual(['fk0000000008']);
  // A name made free in the same revision is not new: the tables that pointed at it are checked. An
  // orphan in one (a link to archive row 6) rolls the revision back.
  await s.script('PRAGMA foreign_keys = OFF; CREATE TABLE archive_links (id integer PRIMARY KEY, archive_id integer REFERENCES archive (id)); INSERT INTO archive_links VALUES (1, 6);');
  writeOpsRevision(s.dir, {
    id: 'fk0000000009',
    parents: ['fk0000000008'],
    message: 'archive anew',
    upgrade: `
await op.renameTable('archive', 'archive_old');
await op.createTable('archive', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });`,
    downgrade: '',
  });
  expect(violationsOf(await stream().upgrade('fk0000000009').catch((e: unknown) => e)).sort()).toEqual(['archive_links -> archive_old', 'legacy_links -> archive_old']);
  expect(await s.heads()).toEqual(['fk0000000008']);
});

it('a name the revision created, freed and then gave an older table is that table\'s: the tables referencing it are checked', async () => {
  await s.script('PRAGMA foreign_keys = OFF; INSERT INTO orders VALUES (12, 3);');
  writeOpsRevision(s.dir, {
    id: 'fk0000000010',
    parents: ['fk0000000008'],
    message: 'customers take a freed name',
    upgrade: `
await op.createTable('customers_v2', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });
await op.dropTable('customers_v2');
await op.renameTable('customers', 'customers_v2');
await op.alterColumn('customers_v2', 'name', { nullable: false });`,
    downgrade: '',
  });
  expect(violationsOf(await stream().upgrade('fk0000000010').catch((e: unknown) => e))).toEqual(['orders -> customers_v2']);
  expect(await s.heads()).toEqual(['fk0000000008']);
});

it('a raw DROP TABLE counts as the op: an unrelated table goes beside orphans elsewhere, a parent of rows does not', async () => {
  await s.script('CREATE TABLE scratch (id integer PRIMARY KEY);');
  writeOpsRevision(s.dir, {
    id: 'fk0000000011',
    parents: ['fk0000000008'],
    message: 'raw drops of a view and an unrelated table',
    upgrade: `
await execute('DROP VIEW order_ids');
await execute('DROP TABLE IF EXISTS "scratch";');`,
    downgrade: '',
  });
  await stream().upgrade('fk0000000011');
  expect(await s.heads()).toEqual(['fk0000000011']);
  expect(await s.query("SELECT name FROM sqlite_master WHERE name IN ('order_ids', 'scratch')")).toEqual([]);
  writeOpsRevision(s.dir, {
    id: 'fk0000000012',
    parents: ['fk0000000011'],
    message: 'raw drop of a parent',
    upgrade: "await execute('drop table main.Customers');",
    downgrade: '',
  });
  expect([...new Set(violationsOf(await stream().upgrade('fk0000000012').catch((e: unknown) => e)))]).toEqual(['orders -> customers']);
  expect(await s.heads()).toEqual(['fk0000000011']);
  expect(await s.query("SELECT name FROM sqlite_master WHERE name = 'customers'")).toEqual([{ name: 'customers' }]);
});

it('which tables reference which is kept current through a run: a foreign key an earlier revision added is checked when a later one drops its parent', async () => {
  await s.script('CREATE TABLE plans (id integer PRIMARY KEY); CREATE TABLE subscriptions (id integer PRIMARY KEY, plan_id integer); INSERT INTO plans VALUES (1); INSERT INTO subscriptions VALUES (1, 1);');
  const revisions = [
    ['fk0000000013', 'fk0000000011', 'label plans', "await op.addColumn('plans', { name: 'label', type: 'text' });"],
    ['fk0000000014', 'fk0000000013', 'subscriptions reference plans', "await op.createForeignKey('fk_subscriptions_plan', 'subscriptions', 'plans', ['plan_id'], ['id']);"],
    ['fk0000000015', 'fk0000000014', 'drop plans', "await execute('DROP TABLE plans');"],
  ] as const;
  for (const [id, parent, message, upgrade] of revisions) writeOpsRevision(s.dir, { id, parents: [parent], message, upgrade, downgrade: '' });
  expect([...new Set(violationsOf(await stream().upgrade('fk0000000015').catch((e: unknown) => e)))]).toEqual(['subscriptions -> plans']);
  expect(await s.heads()).toEqual(['fk0000000014']);
  expect(await s.query('SELECT id FROM plans')).toEqual([{ id: 1 }]);
});
