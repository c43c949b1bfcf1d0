import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withConnection } from '../../src/dialects/connection.js';
import type { Op } from '../../src/ops/op.js';
import { emptySchema } from '../../src/schema/model.js';
import { ALL_TARGETS, createTestDatabase, describeDialects, type TestDatabase } from '../support/databases.js';
import { describeRun, makeTempDir, runCli, type CliRun } from '../support/streams.js';
import { keepDatabaseUrlOutOfEnvironment } from '../support/drizzle-project.js';

/**
 * PostgreSQL schemas (`pgSchema`) end to end through the CLI, in-process, on a real server: a
 * multi-schema application (auth, billing, reporting; the autogenerate fixture 60-pg-schemas) is
 * generated, printed offline, applied, checked, changed (a new audit schema, a column added to a
 * billing table with rows in it, a table renamed in its schema by hint), and downgraded to base, which
 * must leave no schema and no object.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const WORKSPACE_NODE_MODULES = resolve(HERE, '../../../../node_modules');
const FIXTURES = join(HERE, '..', 'autogenerate', 'fixtures', 'postgresql');
const APP = readFileSync(join(FIXTURES, '60-pg-schemas', 'after.ts'), 'utf8');
const APP_WITH_AUDIT = readFileSync(join(FIXTURES, '61-pg-schemas-add-schema', 'after.ts'), 'utf8');
const STREAM = 'app';
const CREATE = '5c4e3a000001';
const AUDIT = '5c4e3a000002';
const RENAME = '5c4e3a000003';

function expectExit(run: CliRun, code: number): void {
  expect(run.code, describeRun(run)).toBe(code);
}

keepDatabaseUrlOutOfEnvironment();

await describeDialects('PostgreSQL schemas, through the CLI', (ctx) => {
  if (ctx.name !== 'postgresql') {
    it('has no schemas inside a database: a schema op or a qualified table name is refused with a code, not quoted as one name', () => {
      const refused = [
        { kind: 'createSchema', name: 'billing' },
        { kind: 'createTable', table: 'billing.invoices', columns: [{ name: 'id', type: 'integer' }] },
        { kind: 'addColumn', table: 'billing.invoices', column: { name: 'note', type: 'text' } },
        { kind: 'createTable', table: 'payments', columns: [{ name: 'invoice_id', type: 'integer' }], foreignKeys: [{ name: 'fk', columns: ['invoice_id'], referencedTable: 'billing.invoices', referencedColumns: ['id'] }] },
      ] satisfies Op[];
      for (const op of refused) {
        expect(() => ctx.dialect.renderer.render(op, { schema: emptySchema() })).toThrow(expect.objectContaining({ code: 'DIALECT_UNSUPPORTED_OPERATION' }));
      }
    });
    return;
  }
  let db: TestDatabase;
  const temp = makeTempDir('pg-schemas');
  const root = temp.path;
  const migrations = join(root, 'migrations');
  const schemaFile = join(root, 'src', 'schema.ts');
  const cli = (...argv: string[]): Promise<CliRun> => runCli([...argv, '--stream', STREAM], { cwd: root });
  const query = (sql: string): Promise<string[][]> =>
    withConnection(ctx.dialect, db.url, async (connection) =>
      (await connection.query(sql)).map((row) => Object.values(row).map((value) => (value === null ? 'null' : String(value)))),
    );
  /** The schemas and the objects (tables, views, sequences, types) of the database outside the system schemas. */
  const userObjects = (): Promise<string[][]> =>
    query(`
      SELECT 'schema', nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname NOT IN ('information_schema', 'public')
      UNION ALL
      SELECT 'relation', n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND c.relname !~ '^strata_'
      UNION ALL
      SELECT 'type', n.nspname || '.' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.typtype = 'e' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
      ORDER BY 1, 2`);

  beforeAll(async () => {
    db = await createTestDatabase('postgresql', 'pgschemas');
    mkdirSync(migrations);
    mkdirSync(dirname(schemaFile));
    symlinkSync(WORKSPACE_NODE_MODULES, join(root, 'node_modules'), 'dir');
    writeFileSync(
      join(root, 'drizzle.config.ts'),
      `import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'postgresql', schema: './src/schema.ts', dbCredentials: { url: ${JSON.stringify(db.url)} } });\n`,
    );
  });
  afterAll(async () => {
    await db?.drop();
    temp.remove();
  });

  it('generates a revision that creates each schema first and names every object schema.name', async () => {
    writeFileSync(schemaFile, APP);
    const run = await cli('revision', '--autogenerate', '-m', 'multi-schema app', '--rev-id', CREATE);
    expectExit(run, 0);
    const files = readdirSync(migrations).filter((name) => name.endsWith('.ts'));
    expect(files).toHaveLength(1);
    const source = readFileSync(join(migrations, files[0] as string), 'utf8');
    const upgrade = source.slice(source.indexOf('upgrade({'), source.indexOf('downgrade({'));
    const downgrade = source.slice(source.indexOf('downgrade({'));
    for (const line of [
      "if (!(await inspect.hasSchema('auth'))) await op.createSchema('auth');",
      "if (!(await inspect.hasSchema('billing'))) await op.createSchema('billing');",
      "if (!(await inspect.hasSchema('reporting'))) await op.createSchema('reporting');",
      "await op.createEnum('billing.invoice_status', ['draft', 'open', 'paid', 'void']);",
      "await op.createSequence('billing.invoice_numbers', { start: '1000' });",
      "if (!(await inspect.hasTable('billing.invoices', billingInvoices))) await op.createTable('billing.invoices', billingInvoices);",
      "await op.createIndex(invoicesOpenIdx.name, 'billing.invoices', invoicesOpenIdx.columns, invoicesOpenIdx);",
      "if (!(await inspect.hasPolicy('billing.invoices', invoicesOwner))) await op.createPolicy(invoicesOwner.name, 'billing.invoices', invoicesOwner);",
      "await op.createView('reporting.paid_invoices', ",
    ]) {
      expect(upgrade).toContain(line);
    }
    // The definitions the guards and ops share: a foreign key to another schema, an enum column of one.
    expect(source).toContain("referencedTable: 'auth.users'");
    expect(source).toContain("type: 'billing.invoice_status'");
    expect(upgrade.indexOf("createSchema('billing')")).toBeLessThan(upgrade.indexOf("createEnum('billing.invoice_status'"));
    // The downgrade drops the schemas last, once everything in them is gone.
    expect(downgrade).toContain("if (await inspect.hasSchema('billing')) await op.dropSchema('billing');");
    expect(downgrade.indexOf("dropSchema('billing')")).toBeGreaterThan(downgrade.indexOf("dropEnum('billing.invoice_status')"));
  });

  it('prints qualified SQL offline (--sql)', async () => {
    const run = await cli('upgrade', '--sql', 'head');
    expectExit(run, 0);
    for (const statement of [
      'CREATE SCHEMA IF NOT EXISTS "billing"',
      'CREATE TYPE "billing"."invoice_status" AS ENUM',
      'CREATE SEQUENCE "billing"."invoice_numbers" START WITH 1000',
      'CREATE TABLE "billing"."invoices"',
      '"status" "billing"."invoice_status" NOT NULL DEFAULT \'draft\'',
      'REFERENCES "auth"."users" ("id")',
      'CREATE UNIQUE INDEX "invoices_number_idx" ON "billing"."invoices"',
      'ALTER TABLE "billing"."invoices" ENABLE ROW LEVEL SECURITY',
      'CREATE POLICY "invoices_owner" ON "billing"."invoices"',
      'CREATE VIEW "reporting"."paid_invoices" AS',
    ]) {
      expect(run.stdout).toContain(statement);
    }
    // The ledger stays where it always was: the current schema, unqualified.
    expect(run.stdout).toMatch(/INSERT INTO "strata_version"/);
  });

  it('upgrades, and check --db finds nothing; a second autogenerate writes nothing', async () => {
    expectExit(await cli('upgrade', 'head'), 0);
    expect(await userObjects()).toEqual([
      ['relation', 'auth.sessions'],
      ['relation', 'auth.sessions_pkey'],
      ['relation', 'auth.sessions_user_idx'],
      ['relation', 'auth.users'],
      ['relation', 'auth.users_email_key'],
      ['relation', 'auth.users_id_seq'],
      ['relation', 'auth.users_pkey'],
      ['relation', 'billing.invoice_numbers'],
      ['relation', 'billing.invoices'],
      ['relation', 'billing.invoices_id_seq'],
      ['relation', 'billing.invoices_number_idx'],
      ['relation', 'billing.invoices_open_idx'],
      ['relation', 'billing.invoices_pkey'],
      ['relation', 'public.feature_flags'],
      ['relation', 'public.feature_flags_pkey'],
      ['relation', 'reporting.paid_invoices'],
      ['schema', 'auth'],
      ['schema', 'billing'],
      ['schema', 'reporting'],
      ['type', 'billing.invoice_status'],
    ]);
    const check = await cli('check', '--db');
    expectExit(check, 0);
    expect(check.stdout).toContain('the database matches it');
    const again = await cli('revision', '--autogenerate', '-m', 'nothing');
    expectExit(again, 0);
    expect(again.stdout).toContain('No changes');
  });

  it('adds a schema and a column: the rows of the schema tables stay', async () => {
    await query(`INSERT INTO auth.users (id, email) VALUES (1, 'ada@example.com')`);
    await query(`INSERT INTO billing.invoices (id, number, user_id, status, amount_cents) VALUES (10, nextval('billing.invoice_numbers'), 1, 'paid', 1500)`);
    writeFileSync(schemaFile, APP_WITH_AUDIT);
    expectExit(await cli('revision', '--autogenerate', '-m', 'audit', '--rev-id', AUDIT), 0);
    expectExit(await cli('upgrade', 'head'), 0);
    expect(await query('SELECT i.number, u.email, i.status, i.paid_at FROM billing.invoices i JOIN auth.users u ON u.id = i.user_id')).toEqual([
      ['1000', 'ada@example.com', 'paid', 'null'],
    ]);
    expect(await query('SELECT count(*) FROM reporting.paid_invoices')).toEqual([['1']]);
    expect(await query(`SELECT count(*) FROM pg_namespace WHERE nspname = 'audit'`)).toEqual([['1']]);
    expectExit(await cli('check', '--db'), 0);
  });

  it('renames a table in its schema by hint (--rename-table audit.events=audit.activity), keeping its rows', async () => {
    await query(`INSERT INTO audit.events (user_id, action) VALUES (1, 'login')`);
    writeFileSync(schemaFile, APP_WITH_AUDIT.replace("audit.table('events'", "audit.table('activity'"));
    const run = await cli('revision', '--autogenerate', '-m', 'rename events', '--rev-id', RENAME, '--rename-table', 'audit.events=audit.activity');
    expectExit(run, 0);
    expectExit(await cli('upgrade', 'head'), 0);
    expect(await query('SELECT user_id, action FROM audit.activity')).toEqual([['1', 'login']]);
    expect(await query(`SELECT count(*) FROM pg_class WHERE relname = 'events'`)).toEqual([['0']]);
    expectExit(await cli('check', '--db'), 0);
  });

  it('downgrades to base, leaving no schema and no object behind', async () => {
    expectExit(await cli('downgrade', 'base'), 0);
    expect(await userObjects()).toEqual([]);
  });
}, ALL_TARGETS);
