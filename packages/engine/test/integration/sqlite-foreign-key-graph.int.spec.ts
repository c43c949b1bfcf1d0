// SQLite's check before commit finds the tables referencing a touched one from a graph read once per
// run and kept current (sqlite-revision-scope.ts). Names compare as SQLite compares them (ASCII
// letters case-blind, nothing else), a temp table never hides the main one, and the guards' model
// forgets exactly the texts a dropped table takes with it.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { pushSchema } from '../../src/autogenerate/push.js';
import { loadDialect } from '../../src/dialects/registry.js';
import { RevisionGraph } from '../../src/revision/revision-graph.js';
import { RevisionFailedError } from '../../src/runner/errors.js';
import { upgrade } from '../../src/runner/runner.js';
import { createTestDatabase } from '../support/databases.js';
import { chain, type Body } from '../support/runs.js';
import { withConnection } from '../support/streams.js';

const dialect = await loadDialect('sqlite');

/** A database holding `script` (written with foreign keys off), and a run of `bodies` on it. */
async function scenario(label: string, script: string) {
  const db = await createTestDatabase('sqlite', label);
  await withConnection(dialect, db.url, (c) => c.executeScript(`PRAGMA foreign_keys = OFF; ${script}`));
  return {
    url: db.url,
    query: (sql: string) => withConnection(dialect, db.url, (c) => c.query(sql)),
    /** Writes with foreign keys off, as an application that had them off did. */
    script: (sql: string) => withConnection(dialect, db.url, (c) => c.executeScript(`PRAGMA foreign_keys = OFF; ${sql}`)),
    /** 'ok', or the message of the foreign-key violation that failed the run. */
    run: async (bodies: readonly Body[], transaction: 'revision' | 'run' = 'revision') => {
      try {
        await upgrade({ stream: { name: 'app', dialect: 'sqlite', url: db.url, transaction }, graph: chain(bodies), target: 'head' });
        return 'ok';
      } catch (error) {
        expect(error).toBeInstanceOf(RevisionFailedError);
        return (error as RevisionFailedError).cause instanceof Error ? ((error as RevisionFailedError).cause as Error).message : String(error);
      }
    },
    drop: () => db.drop(),
  };
}

for (const transaction of ['revision', 'run'] as const) {
  it(`[--transaction ${transaction}] a referencing table whose name has a non-ASCII capital is checked`, async () => {
    const s = await scenario(`fkg_nonascii_${transaction}`, 'CREATE TABLE parent (id integer PRIMARY KEY, name text); CREATE TABLE "Ärzte" (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id)); INSERT INTO parent VALUES (1, \'a\'); INSERT INTO "Ärzte" VALUES (1, 1), (2, 7);');
    expect(await s.run([async ({ op }) => op.alterColumn('parent', 'name', { nullable: false })], transaction)).toMatch(/leaves 1 row\(s\).*Ärzte rowid 2 -> parent/);
    const dropParent: Body = async ({ execute }) => {
      await execute('DROP TABLE parent');
    };
    expect(await s.run([dropParent], transaction)).toMatch(/leaves 2 row\(s\)/);
    expect(await s.query("SELECT name FROM sqlite_master WHERE name = 'parent'")).toEqual([{ name: 'parent' }]);
    await s.drop();
  });
}

it('a foreign key naming "ärzte" is not tied to "Ärzte": SQLite folds ASCII letters only, so rows already pointing at nothing stop nothing', async () => {
  const s = await scenario('fkg_fold', 'CREATE TABLE "Ärzte" (id integer PRIMARY KEY, name text); CREATE TABLE visits (id integer PRIMARY KEY, arzt_id integer REFERENCES "ärzte" (id)); INSERT INTO "Ärzte" VALUES (1, \'a\'); INSERT INTO visits VALUES (1, 1);');
  expect(await s.query('PRAGMA foreign_key_check')).toHaveLength(1);
  expect(await s.run([async ({ op }) => op.alterColumn('Ärzte', 'name', { nullable: false })])).toBe('ok');
  await s.drop();
});

it('a temp table of the same name does not hide the main table from the check', async () => {
  const s = await scenario('fkg_temp', 'CREATE TABLE parent (id integer PRIMARY KEY); CREATE TABLE orders (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id)); INSERT INTO parent VALUES (1); INSERT INTO orders VALUES (1, 1);');
  const bodies: Body[] = [
    async ({ execute }) => {
      await execute('CREATE TEMP TABLE orders (id integer)');
      await execute('DROP TABLE main.parent');
    },
  ];
  expect(await s.run(bodies)).toMatch(/leaves 1 row\(s\).*orders rowid 1 -> parent/);
  expect(await s.query("SELECT name FROM sqlite_master WHERE name = 'parent'")).toEqual([{ name: 'parent' }]);
  await s.drop();
});

it('a table the revision names in two spellings is checked once: each violation is told once', async () => {
  const s = await scenario('fkg_twice', "CREATE TABLE parent (id integer PRIMARY KEY); CREATE TABLE orders (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id), note text); INSERT INTO orders VALUES (1, 5, 'x');");
  const bodies: Body[] = [
    async ({ op }) => {
      await op.renameTable('orders', 'Orders2');
      await op.renameTable('Orders2', 'ORDERS');
    },
  ];
  expect(await s.run(bodies)).toMatch(/^The revision leaves 1 row\(s\)/);
  await s.drop();
});

it('dropping "ärzte" keeps the stored texts of "Ärzte", another table to SQLite: a later recreate keeps its trigger and collation', async () => {
  const s = await scenario(
    'fkg_stored',
    'CREATE TABLE "Ärzte" (id integer PRIMARY KEY, name text COLLATE NOCASE); CREATE TABLE log (id integer); CREATE TRIGGER tr_aerzte AFTER INSERT ON "Ärzte" BEGIN INSERT INTO log VALUES (new.id); END; CREATE TABLE "ärzte" (id integer PRIMARY KEY);',
  );
  const bodies: Body[] = [
    async ({ op, inspect }) => {
      if (await inspect.hasTable('ärzte')) await op.dropTable('ärzte');
    },
    async ({ op }) => op.alterColumn('Ärzte', 'name', { nullable: false }),
  ];
  expect(await s.run(bodies)).toBe('ok');
  const rows = await s.query("SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('Ärzte', 'ärzte') ORDER BY type, name");
  expect(rows.map((r) => `${String(r['type'])}:${String(r['name'])}`)).toEqual(['table:Ärzte', 'trigger:tr_aerzte']);
  expect(String(rows[0]?.['sql'])).toContain('COLLATE NOCASE');
  await s.drop();
});

it('a parent dropped and made again under another case is not new: the rows pointing at it are checked', async () => {
  const s = await scenario('fkg_recase', 'CREATE TABLE plans (id integer PRIMARY KEY); CREATE TABLE subs (id integer PRIMARY KEY, plan_id integer REFERENCES plans (id)); INSERT INTO plans VALUES (1); INSERT INTO subs VALUES (1, 1);');
  const bodies: Body[] = [
    async ({ op, execute }) => {
      await execute('DROP TABLE plans');
      await op.createTable('Plans', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });
    },
  ];
  expect(await s.run(bodies)).toMatch(/leaves 1 row\(s\).*subs rowid 1 -> plans/);
  expect(await s.query('PRAGMA foreign_key_check')).toEqual([]);
  await s.drop();
});

it('a table referencing the touched one answers only for that key: its rows already pointing nowhere else stop nothing', async () => {
  const s = await scenario('fkg_other_key', 'CREATE TABLE customers (id integer PRIMARY KEY); CREATE TABLE notes (id integer PRIMARY KEY); CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer REFERENCES customers (id), note_id integer REFERENCES notes (id)); INSERT INTO customers VALUES (1); INSERT INTO orders VALUES (1, 1, 999);');
  const label: Body = async ({ op }) => op.addColumn('customers', { name: 'label', type: 'text' });
  expect(await s.run([label])).toBe('ok');
  // Its key to customers, the table the next revision changes, is checked.
  await s.script('INSERT INTO orders VALUES (2, 5, NULL)');
  expect(await s.run([label, async ({ op }) => op.addColumn('customers', { name: 'tier', type: 'integer' })])).toMatch(/^The revision leaves 1 row\(s\).*orders rowid 2 -> customers\.$/);
  await s.drop();
});

it('a recreate of "ärzte" keeps its own texts, not those of "Ärzte", another table to SQLite', async () => {
  const s = await scenario(
    'fkg_recreate_case',
    'CREATE TABLE "Ärzte" (id integer PRIMARY KEY, name text COLLATE NOCASE); CREATE TABLE log (id integer); CREATE TRIGGER tr_aerzte AFTER INSERT ON "Ärzte" BEGIN INSERT INTO log VALUES (new.id); END; CREATE TABLE "ärzte" (id integer PRIMARY KEY, name text);',
  );
  expect(await s.run([async ({ op }) => op.alterColumn('ärzte', 'name', { nullable: false })])).toBe('ok');
  const rows = await s.query("SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('Ärzte', 'ärzte') ORDER BY tbl_name, type");
  expect(rows.map((r) => `${String(r['type'])}:${String(r['name'])}`)).toEqual(['table:Ärzte', 'trigger:tr_aerzte', 'table:ärzte']);
  expect(String(rows[2]?.['sql'])).not.toContain('COLLATE');
  await s.drop();
});

it('a table made by a lone raw CREATE TABLE, or made and renamed, is new like one the op makes: rows that pointed at nothing stop nothing', async () => {
  const s = await scenario('fkg_made', 'CREATE TABLE audit (id integer PRIMARY KEY, plan_id integer REFERENCES plans (id)); INSERT INTO audit VALUES (1, 5);');
  const raw: Body = async ({ op, execute }) => {
    await execute('CREATE TABLE plans (id integer PRIMARY KEY, code text)');
    await op.createIndex('ix_plans_code', 'plans', ['code']);
  };
  expect(await s.run([raw])).toBe('ok');
  await s.drop();
  const t = await scenario('fkg_made_renamed', 'CREATE TABLE audit (id integer PRIMARY KEY, plan_id integer REFERENCES plans (id)); INSERT INTO audit VALUES (1, 5);');
  const renamed: Body = async ({ op }) => {
    await op.createTable('plans_new', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });
    await op.renameTable('plans_new', 'plans');
  };
  expect(await t.run([renamed])).toBe('ok');
  await t.drop();
});

it('strata push creating a table that older rows already point at: they stop nothing, as in a revision', async () => {
  const s = await scenario('fkg_push', 'CREATE TABLE audit (id integer PRIMARY KEY, plan_id integer REFERENCES plans (id)); INSERT INTO audit VALUES (1, 5);');
  const folder = mkdtempSync(join(tmpdir(), 'strata-fkg-push-'));
  // The schema imports drizzle-orm as an application's does: from a node_modules above it.
  symlinkSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../../../node_modules'), join(folder, 'node_modules'), 'dir');
  const schemaFile = join(folder, 'schema.ts');
  writeFileSync(schemaFile, "import { integer, sqliteTable } from 'drizzle-orm/sqlite-core';\nexport const plans = sqliteTable('plans', { id: integer('id').primaryKey() });\n");
  try {
    const result = await pushSchema({ stream: { name: 'app', dialect: 'sqlite', url: s.url }, graph: new RevisionGraph([]), schemaFiles: [schemaFile] });
    expect(result.applied).toBe(true);
    expect(await s.query("SELECT name FROM sqlite_master WHERE name = 'plans'")).toEqual([{ name: 'plans' }]);
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await s.drop();
  }
});

it('non-ASCII names in a recreate still match the expressions that name them: a CHECK on the column, a CHECK qualified by the table', async () => {
  const s = await scenario(
    'fkg_expressions',
    'CREATE TABLE t (id integer PRIMARY KEY, "Ärzte" integer, x integer, CONSTRAINT ck CHECK ("Ärzte" > 0)); INSERT INTO t VALUES (1, 1, 1); CREATE TABLE "Ärzte" (id integer PRIMARY KEY, price integer, x integer, CONSTRAINT ck_price CHECK ("Ärzte"."price" > 0)); INSERT INTO "Ärzte" VALUES (1, 1, 1);',
  );
  expect(await s.run([async ({ op }) => op.dropColumn('t', 'Ärzte'), async ({ op }) => op.alterColumn('Ärzte', 'x', { nullable: false })])).toBe('ok');
  await s.drop();
});
