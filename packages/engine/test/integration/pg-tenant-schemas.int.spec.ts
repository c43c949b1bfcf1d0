// Issue 14 part 2, schema-per-tenant: one PostgreSQL database, a schema per tenant, reached with a
// `?schema=NAME` URL. Each schema holds its tenant's tables and its own ledger; nothing reaches
// `public` or another tenant by an unqualified name; the migration lock is per schema, so tenants
// of one database migrate side by side; a fan-out over 20 schemas reports, fails and re-runs per
// tenant as a fan-out over databases does; reflection from a tenant sees that tenant only.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FanoutResult } from '../../src/fanout/fanout.js';
import { postgresLockKey } from '../../src/dialects/postgres/postgres-lock.js';
import { describeDialects, type TestDatabase } from '../support/databases.js';
import { writeOpsStream } from '../support/schema.js';
import { describeRun, historyRows, jsonOf, listAllTables, listTables, makeTempDir, runCli, versionRows, withConnection, type CliRun } from '../support/streams.js';

const R1 = 'a1a1customers';
const R2 = 'a2a2plan';
const R3 = 'a3a3invoices';
const STREAM = 'tenant';
const COUNT = 20;
/** The tenant whose schema already holds a conflicting `invoices` table (no customer_id), so that R3 fails on it. */
const FAILING = 7;

const REVISIONS = [
  {
    id: R1,
    message: 'customers',
    upgrade: "if (!(await inspect.hasTable('customers'))) await op.createTable('customers', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'name', type: 'varchar(100)' }] });",
    downgrade: "if (await inspect.hasTable('customers')) await op.dropTable('customers');",
  },
  {
    id: R2,
    message: 'customers plan',
    upgrade: "if (!(await inspect.hasColumn('customers', 'plan'))) await op.addColumn('customers', { name: 'plan', type: 'varchar(20)' });",
    downgrade: "if (await inspect.hasColumn('customers', 'plan')) await op.dropColumn('customers', 'plan');",
  },
  {
    id: R3,
    message: 'invoices',
    upgrade: [
      "if (!(await inspect.hasTable('invoices'))) await op.createTable('invoices', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'customer_id', type: 'integer' }], foreignKeys: [{ name: 'invoices_customer_fk', columns: ['customer_id'], referencedTable: 'customers', referencedColumns: ['id'] }] });",
      "if (!(await inspect.hasIndex('invoices', 'invoices_customer_idx'))) await op.createIndex('invoices_customer_idx', 'invoices', ['customer_id']);",
    ].join('\n'),
    downgrade: "if (await inspect.hasTable('invoices')) await op.dropTable('invoices');",
  },
];

const schemaName = (i: number) => `tenant_${String(i).padStart(2, '0')}`;

await describeDialects(
  'schema-per-tenant (?schema=)',
  (ctx) => {
    const temp = makeTempDir('tenant-schemas');
    const migrations = join(temp.path, 'migrations');
    const targetsFile = join(temp.path, 'tenants.txt');
    let db: TestDatabase;
    let tenants: string[] = [];

    const strata = (...argv: string[]): Promise<CliRun> => runCli([...argv, '--stream', STREAM, '--dir', migrations], { cwd: temp.path });
    const tenantUrl = (schema: string) => {
      const url = new URL(db.url);
      url.searchParams.set('schema', schema);
      return url.toString();
    };
    const schemas = async () =>
      (await withConnection(ctx.dialect, db.url, (c) => c.query("SELECT nspname AS n FROM pg_namespace WHERE nspname LIKE 'tenant_%' ORDER BY 1"))).map((r) => String(r['n']));

    beforeAll(async () => {
      db = await ctx.createDatabase('tenants');
      writeOpsStream(migrations, REVISIONS);
      tenants = Array.from({ length: COUNT }, (_, i) => tenantUrl(schemaName(i)));
      writeFileSync(targetsFile, tenants.join('\n'));
      await withConnection(ctx.dialect, db.url, async (c) => {
        // A decoy in public: a tenant's guard must not see it, nor its DDL reach it.
        await c.query('CREATE TABLE public.customers (id integer PRIMARY KEY, legacy text)');
        await c.query(`CREATE SCHEMA ${schemaName(FAILING)}`);
        await c.query(`CREATE TABLE ${schemaName(FAILING)}.invoices (id integer PRIMARY KEY, note varchar(50))`);
      });
    }, 120_000);

    afterAll(() => temp.remove());

    it('a read on a schema that does not exist yet says base and creates nothing', async () => {
      const run = await strata('current', '--url', tenantUrl('tenant_99'), '--json');
      expect(run.code, describeRun(run)).toBe(0);
      expect(jsonOf<{ heads: string[] }>(run).heads).toEqual([]);
      expect(await schemas()).toEqual([schemaName(FAILING)]);
    });

    it('fans out over 20 schemas at concurrency 8: each gets its tables and its ledger, the failing one is named, public is untouched', async () => {
      const run = await strata('upgrade', '--targets', targetsFile, '--concurrency', '8', '--json');
      expect(run.code, describeRun(run)).toBe(1);
      const result = jsonOf<FanoutResult>(run);
      expect(result.summary).toEqual({ total: COUNT, ok: COUNT - 1, unchanged: 0, failed: 1 });
      expect(result.tenants[FAILING]).toMatchObject({ url: tenants[FAILING], status: 'failed', headsAfter: [R2], error: { code: 'RUNNER_REVISION_FAILED' } });

      expect(await schemas()).toEqual(Array.from({ length: COUNT }, (_, i) => schemaName(i)));
      for (const [i, url] of tenants.entries()) {
        expect(await versionRows(ctx.dialect, url, STREAM), url).toEqual(i === FAILING ? [R2] : [R3]);
        expect((await historyRows(ctx.dialect, url, STREAM)).map((h) => h.revision)).toEqual(i === FAILING ? [R1, R2] : [R1, R2, R3]);
        expect(await listAllTables(ctx.dialect, url)).toEqual(['customers', 'invoices', 'strata_history', 'strata_version']);
      }
      // public kept its decoy as it was, and got no ledger: every tenant's lives in its own schema.
      expect(await listAllTables(ctx.dialect, db.url)).toEqual(['customers']);
      const publicColumns = await withConnection(ctx.dialect, db.url, (c) =>
        c.query("SELECT column_name AS c FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'customers' ORDER BY ordinal_position"),
      );
      expect(publicColumns.map((r) => r['c'])).toEqual(['id', 'legacy']);
      // The foreign key of a tenant's invoices points at that tenant's customers.
      const target = await withConnection(ctx.dialect, tenants[0] as string, (c) =>
        c.query("SELECT confrelid::regclass::text AS t FROM pg_constraint WHERE contype = 'f' AND conrelid = 'invoices'::regclass"),
      );
      expect(target).toEqual([{ t: 'customers' }]);
    });

    it('after the cause is fixed, the re-run changes that tenant only', async () => {
      await withConnection(ctx.dialect, tenants[FAILING] as string, (c) => c.query('DROP TABLE invoices'));
      const run = await strata('upgrade', '--targets', targetsFile, '--concurrency', '8', '--json');
      expect(run.code, describeRun(run)).toBe(0);
      const result = jsonOf<FanoutResult>(run);
      expect(result.summary).toEqual({ total: COUNT, ok: 1, unchanged: COUNT - 1, failed: 0 });
      expect(result.tenants[FAILING]).toMatchObject({ status: 'ok', revisions: [R3] });
      expect(result.census).toEqual([{ heads: [R3], tenants: COUNT, isHead: true }]);
    });

    it('reflection from a tenant sees that tenant alone: other tenants and public hold ledgers of their own', async () => {
      const control = await runCli(['stamp', 'base', '--stream', 'control', '--dir', migrations, '--url', db.url], { cwd: temp.path });
      expect(control.code, describeRun(control)).toBe(0);
      const model = await withConnection(ctx.dialect, tenants[3] as string, (c) => ctx.dialect.readSchema(c));
      expect([...model.tables.keys()].sort()).toEqual(['customers', 'invoices']);
      expect(model.schemas ?? []).toEqual([]);
      // A schema without a ledger is still part of what a tenant reads (a shared pgSchema), named schema.table.
      await withConnection(ctx.dialect, db.url, (c) => c.executeScript('CREATE SCHEMA shared; CREATE TABLE shared.plans (id integer PRIMARY KEY)'));
      const withShared = await withConnection(ctx.dialect, tenants[3] as string, (c) => ctx.dialect.readSchema(c));
      expect([...withShared.tables.keys()].sort()).toEqual(['customers', 'invoices', 'shared.plans']);
      await withConnection(ctx.dialect, db.url, (c) => c.query('DROP SCHEMA shared CASCADE'));
    });

    it('the lock is per schema: a runner holding one tenant does not hold up another, and times out only its own', async () => {
      const held = schemaName(3);
      const fresh = 'tenant_new';
      await withConnection(ctx.dialect, db.url, async (holder) => {
        await holder.query('SELECT pg_advisory_lock($1::bigint)', [postgresLockKey(held)]);
        const other = await strata('upgrade', '--url', tenantUrl(fresh), '--lock-timeout', '2000');
        expect(other.code, describeRun(other)).toBe(0);
        expect(await versionRows(ctx.dialect, tenantUrl(fresh), STREAM)).toEqual([R3]);

        const blocked = await strata('downgrade', 'base', '--url', tenantUrl(held), '--lock-timeout', '300');
        expect(blocked.code, describeRun(blocked)).not.toBe(0);
        expect(blocked.stderr).toContain('DIALECT_LOCK_TIMEOUT');
        expect(blocked.stderr).toContain('?schema=tenant_03');
        expect(await versionRows(ctx.dialect, tenantUrl(held), STREAM)).toEqual([R3]);
      });
      const down = await strata('downgrade', 'base', '--url', tenantUrl(held));
      expect(down.code, describeRun(down)).toBe(0);
      expect(await listTables(ctx.dialect, tenantUrl(held))).toEqual([]);
      expect(await versionRows(ctx.dialect, tenantUrl(fresh), STREAM)).toEqual([R3]);
    });

    it('a targets query on the control database lists the tenants; current counts them per revision', async () => {
      await withConnection(ctx.dialect, db.url, async (c) => {
        await c.query('CREATE TABLE public.tenant_registry (name text PRIMARY KEY)');
        await c.query(`INSERT INTO public.tenant_registry SELECT 'tenant_' || lpad(g::text, 2, '0') FROM generate_series(0, ${COUNT - 1}) AS g`);
      });
      const base = new URL(db.url);
      base.search = '';
      const sql = `SELECT '${base.toString()}?schema=' || name FROM public.tenant_registry ORDER BY name`;
      const run = await strata('current', '--url', db.url, '--targets-from-sql', sql, '--json');
      expect(run.code, describeRun(run)).toBe(0);
      const result = jsonOf<FanoutResult>(run);
      expect(result.summary.total).toBe(COUNT);
      expect(result.census).toEqual([
        { heads: [R3], tenants: COUNT - 1, isHead: true },
        { heads: [], tenants: 1, isHead: false },
      ]);
    });

    it('an offline script for a tenant URL connects nowhere and, run on the database as it is, builds that tenant', async () => {
      const offline = await strata('upgrade', '--url', tenantUrl('tenant_offline'), '--sql');
      expect(offline.code, describeRun(offline)).toBe(0);
      expect(await schemas()).not.toContain('tenant_offline');
      expect(offline.stdout).toContain('CREATE SCHEMA IF NOT EXISTS "tenant_offline";\nSET search_path TO "tenant_offline";');
      // A DBA runs the script on a plain session, whose search path is the default one.
      await withConnection(ctx.dialect, db.url, (c) => c.executeScript(offline.stdout));
      expect(await listAllTables(ctx.dialect, tenantUrl('tenant_offline'))).toEqual(['customers', 'invoices', 'strata_history', 'strata_version']);
      expect(await versionRows(ctx.dialect, tenantUrl('tenant_offline'), STREAM)).toEqual([R3]);
      expect(await listTables(ctx.dialect, db.url)).toEqual(['customers', 'tenant_registry']);
    });

    it('refuses a schema the URL cannot mean, with the URL and the fix', async () => {
      for (const [url, reason] of [
        [`${db.url}${db.url.includes('?') ? '&' : '?'}schema=`, '?schema= names no schema'],
        [tenantUrl('pg_tenant'), 'reserved for the system'],
        ['pglite:memory://tenants?schema=tenant_01', 'needs a PostgreSQL server'],
      ] as const) {
        const run = await strata('current', '--url', url);
        expect(run.code, describeRun(run)).not.toBe(0);
        expect(run.stderr).toContain('DIALECT_INVALID_URL');
        expect(run.stderr).toContain(reason);
      }
    });
  },
  ['postgresql'],
);
