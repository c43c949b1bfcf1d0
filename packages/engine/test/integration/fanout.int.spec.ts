// Issue 14 part 2: one stream, many databases (a database per tenant). `strata upgrade --targets FILE`
// runs the stream on every tenant at bounded concurrency; a failing tenant is reported and the others
// reach head; a re-run changes only what is not at head; shards split the list for a CI matrix;
// `current` counts the tenants per revision; a fan-out killed with SIGKILL converges when re-run.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FanoutResult, TenantReport } from '../../src/fanout/fanout.js';
import { loadDialect } from '../../src/dialects/registry.js';
import { redactUrl } from '../../src/dialects/url.js';
import { describeDialects, type TestDatabase } from '../support/databases.js';
import { writeOpsStream } from '../support/schema.js';
import {
  describeRun,
  historyRows,
  jsonOf,
  listTables,
  makeTempDir,
  runCli,
  STRATA_BIN,
  tableOf,
  versionRows,
  withConnection,
  writeStream,
  type CliRun,
} from '../support/streams.js';

const R1 = 'f1f1customers';
const R2 = 'f2f2plan';
const R3 = 'f3f3invoices';
const STREAM = 'tenants';

/** Three guarded revisions: customers, customers.plan, invoices with an index on customer_id. */
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
      "if (!(await inspect.hasTable('invoices'))) await op.createTable('invoices', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'customer_id', type: 'integer' }] });",
      "if (!(await inspect.hasIndex('invoices', 'invoices_customer_idx'))) await op.createIndex('invoices_customer_idx', 'invoices', ['customer_id']);",
    ].join('\n'),
    downgrade: "if (await inspect.hasTable('invoices')) await op.dropTable('invoices');",
  },
];

/** The revisions of the stream the kill test interrupts: each sleeps inside its transaction, then creates t_<id>. */
const K1 = 'k1k1sleepy';
const K2 = 'k2k2sleepy';
const K3 = 'k3k3sleepy';
const KILLED_STREAM = 'killed';

/** Put in every PostgreSQL tenant's URL (the server trusts local connections and ignores it; MariaDB's root has none): it must never be printed. */
const PASSWORD = 'fanout-s3cret';

/** Which tenant already holds a conflicting `invoices` table (no customer_id), so that R3 fails on it. */
const FAILING = 7;

const tenantStatuses = (report: FanoutResult) => report.tenants.map((t) => t.status);

await describeDialects(
  'fan-out over tenant databases',
  (ctx) => {
    const count = ctx.name === 'sqlite' ? 50 : 20;
    const temp = makeTempDir(`fanout-${ctx.name}`);
    const migrations = join(temp.path, 'migrations');
    const targetsFile = join(temp.path, 'tenants', 'list.txt');
    let databases: TestDatabase[] = [];
    /** Each tenant's URL as the targets file lists it. */
    let listed: string[] = [];
    /** The same, as reports print it (password masked). */
    let redacted: string[] = [];

    const strata = (...argv: string[]): Promise<CliRun> => runCli([...argv, '--targets', targetsFile, '--stream', STREAM, '--dir', migrations], { cwd: temp.path });
    const report = (run: CliRun): FanoutResult => jsonOf<FanoutResult>(run);
    const tenantOf = (result: FanoutResult, index: number): TenantReport => result.tenants.find((t) => t.url === redacted[index]) as TenantReport;
    const noPassword = (run: CliRun) => {
      expect(run.stdout).not.toContain(PASSWORD);
      expect(run.stderr).not.toContain(PASSWORD);
    };

    beforeAll(async () => {
      databases = [];
      for (let i = 0; i < count; i++) databases.push(await ctx.createDatabase('fanout'));
      writeOpsStream(migrations, REVISIONS);
      listed = databases.map((db, i) => {
        if (ctx.name === 'sqlite') {
          // Every other SQLite tenant is listed by a path relative to the targets file's folder.
          return i % 2 === 0 ? `file:${relative(dirname(targetsFile), db.name)}` : db.url;
        }
        if (ctx.name !== 'postgresql') return db.url;
        const url = new URL(db.url);
        url.password = PASSWORD;
        return url.toString();
      });
      redacted = listed.map(redactUrl);
      mkdirSync(dirname(targetsFile), { recursive: true });
      writeFileSync(targetsFile, ['# tenants of the fan-out suite', '', ...listed.flatMap((url, i) => (i === 3 ? ['# a comment between tenants', url, ''] : [url]))].join('\n'));
      await withConnection(ctx.dialect, (databases[FAILING] as TestDatabase).url, (c) => c.query('CREATE TABLE invoices (id integer PRIMARY KEY, note varchar(50))'));
    }, 300_000);

    afterAll(() => temp.remove());

    it('upgrades every tenant at concurrency 8: the failing tenant is named with its error, the others reach head', async () => {
      const run = await strata('upgrade', '--concurrency', '8', '--json');
      expect(run.code, describeRun(run)).toBe(1);
      noPassword(run);
      const result = report(run);
      expect(result).toMatchObject({ stream: STREAM, command: 'upgrade', target: 'head', shard: null });
      expect(result.summary).toEqual({ total: count, ok: count - 1, unchanged: 0, failed: 1 });
      expect(result.tenants.map((t) => t.url)).toEqual(redacted);
      if (ctx.name === 'postgresql') expect(result.tenants.every((t) => t.url.includes(':***@'))).toBe(true);

      const failed = tenantOf(result, FAILING);
      expect(failed).toMatchObject({ status: 'failed', headsBefore: [], headsAfter: [R2], revisions: [R1, R2], error: { code: 'RUNNER_REVISION_FAILED' } });
      expect(failed.error?.message).toContain(R3);
      for (const [i, tenant] of result.tenants.entries()) {
        if (i !== FAILING) expect(tenant, tenant.url).toMatchObject({ status: 'ok', headsBefore: [], headsAfter: [R3], revisions: [R1, R2, R3] });
      }
      expect(result.census).toEqual([
        { heads: [R3], tenants: count - 1, isHead: true },
        { heads: [R2], tenants: 1, isHead: false },
      ]);
      // One progress line per tenant on stderr as it finished, beside the document.
      expect(run.stderr.match(/^\[\s*\d+\/\d+\] /gm)).toHaveLength(count);
      expect(run.stderr).toContain(`failed   ${redacted[FAILING]}`);

      // What the databases hold, read back.
      for (const [i, db] of databases.entries()) {
        expect(await versionRows(ctx.dialect, db.url, STREAM), db.name).toEqual(i === FAILING ? [R2] : [R3]);
        const history = await historyRows(ctx.dialect, db.url, STREAM);
        expect(history.map((h) => [h.revision, h.direction])).toEqual((i === FAILING ? [R1, R2] : [R1, R2, R3]).map((r) => [r, 'up']));
        expect(await listTables(ctx.dialect, db.url)).toEqual(['customers', 'invoices']);
      }
    });

    it('after the cause is fixed, a re-run changes only that tenant; the others are already at head', async () => {
      const failing = databases[FAILING] as TestDatabase;
      await withConnection(ctx.dialect, failing.url, (c) => c.query('DROP TABLE invoices'));
      const before = await Promise.all(databases.map((db) => historyRows(ctx.dialect, db.url, STREAM)));

      const run = await strata('upgrade', '--concurrency', '8');
      expect(run.code, describeRun(run)).toBe(0);
      noPassword(run);
      const rows = run.stdout.split('\n');
      expect(rows[0]).toMatch(/^TENANT\s+STATUS\s+FROM → TO\s+ERROR$/);
      const rowOf = (i: number) => rows.find((line) => line.startsWith(`${redacted[i]} `)) ?? '';
      expect(rowOf(FAILING)).toMatch(new RegExp(`\\sok\\s+${R2} → ${R3}$`));
      for (let i = 0; i < count; i++) if (i !== FAILING) expect(rowOf(i)).toMatch(new RegExp(`\\salready at head\\s+${R3} → ${R3}$`));
      expect(run.stdout).toContain(`Stream "${STREAM}": upgrade head on ${count} tenant(s): 1 ok, ${count - 1} already at head, 0 failed.`);

      expect(await versionRows(ctx.dialect, failing.url, STREAM)).toEqual([R3]);
      expect((await historyRows(ctx.dialect, failing.url, STREAM)).map((h) => [h.revision, h.direction])).toEqual([R1, R2, R3].map((r) => [r, 'up']));
      const columns = await withConnection(ctx.dialect, failing.url, (c) => c.query('SELECT customer_id FROM invoices'));
      expect(columns).toEqual([]);
      // The other tenants were not written to: not one history row more.
      for (const [i, db] of databases.entries()) {
        if (i !== FAILING) expect(await historyRows(ctx.dialect, db.url, STREAM), db.name).toEqual(before[i]);
      }
    });

    let busiest = 1;
    let busiestUrls: string[] = [];

    it('four shards together cover every tenant exactly once, each reporting in the same shape', async () => {
      const shards: FanoutResult[] = [];
      for (let index = 1; index <= 4; index++) {
        const run = await strata('current', '--shard', `${index}/4`, '--json');
        expect(run.code, describeRun(run)).toBe(0);
        shards.push(report(run));
      }
      const all = shards.flatMap((s) => s.tenants.map((t) => t.url));
      expect([...all].sort()).toEqual([...redacted].sort());
      expect(new Set(all).size).toBe(count);
      for (const [i, shard] of shards.entries()) {
        expect(Object.keys(shard).sort()).toEqual(['census', 'command', 'shard', 'stream', 'summary', 'target', 'tenants']);
        expect(shard.shard).toEqual({ index: i + 1, count: 4 });
        expect(shard.summary.total).toBe(shard.tenants.length);
        expect(shard.tenants.every((t) => t.status === 'ok' && t.headsAfter?.join() === R3)).toBe(true);
      }
      const largest = shards.reduce((a, b) => (b.tenants.length > a.tenants.length ? b : a));
      busiest = largest.shard?.index ?? 1;
      busiestUrls = largest.tenants.map((t) => t.url);
      expect(busiestUrls.length).toBeGreaterThan(0);
    });

    it('downgrade and stamp fan out too; current counts the tenants per revision', async () => {
      const inShard = (i: number) => busiestUrls.includes(redacted[i] as string);
      const k = busiestUrls.length;

      const down = await strata('downgrade', '-1', '--shard', `${busiest}/4`, '--json');
      expect(down.code, describeRun(down)).toBe(0);
      expect(tenantStatuses(report(down))).toEqual(Array(k).fill('ok'));
      expect(report(down).tenants.every((t) => t.headsBefore?.join() === R3 && t.headsAfter?.join() === R2)).toBe(true);
      for (const [i, db] of databases.entries()) {
        expect(await versionRows(ctx.dialect, db.url, STREAM)).toEqual(inShard(i) ? [R2] : [R3]);
        expect((await listTables(ctx.dialect, db.url)).includes('invoices')).toBe(!inShard(i));
      }

      const census = await strata('current', '--json');
      expect(census.code, describeRun(census)).toBe(0);
      const expected = [
        { heads: [R3], tenants: count - k, isHead: true },
        { heads: [R2], tenants: k, isHead: false },
      ];
      expect(report(census).census).toEqual(k > count - k ? [...expected].reverse() : expected);
      const text = await strata('current');
      expect(text.stdout).toMatch(new RegExp(`^${R3} \\(head\\)\\s+${count - k}$`, 'm'));
      expect(text.stdout).toMatch(new RegExp(`^${R2}\\s+${k}$`, 'm'));

      // Stamp the shard to head (ledger only), then back, then upgrade everyone: only the shard moves.
      const stamped = await strata('stamp', 'head', '--shard', `${busiest}/4`, '--json');
      expect(stamped.code, describeRun(stamped)).toBe(0);
      expect(report(stamped).tenants.every((t) => t.status === 'ok' && t.revisions.join() === R3 && t.headsAfter?.join() === R3)).toBe(true);
      const again = await strata('stamp', 'head', '--shard', `${busiest}/4`, '--json');
      expect(tenantStatuses(report(again))).toEqual(Array(k).fill('unchanged'));
      const back = await strata('stamp', R2, '--shard', `${busiest}/4`, '--json');
      expect(report(back).tenants.every((t) => t.status === 'ok' && t.headsAfter?.join() === R2)).toBe(true);

      const up = await strata('upgrade', '--concurrency', '8', '--json');
      expect(up.code, describeRun(up)).toBe(0);
      expect(report(up).summary).toEqual({ total: count, ok: k, unchanged: count - k, failed: 0 });
      for (const [i, db] of databases.entries()) {
        expect(await versionRows(ctx.dialect, db.url, STREAM)).toEqual([R3]);
        expect(await listTables(ctx.dialect, db.url)).toEqual(['customers', 'invoices']);
        const directions = (await historyRows(ctx.dialect, db.url, STREAM)).filter((h) => h.revision === R3).map((h) => h.direction);
        expect(directions).toEqual(inShard(i) ? ['up', 'down', 'stamp', 'unstamp', 'up'] : ['up']);
      }
    });

    it('an upgrade that drops data says so per tenant and once per operation, with how many tenants it ran on', async () => {
      const dropDir = join(temp.path, 'dropping');
      writeOpsStream(dropDir, [
        {
          id: 'd1d1notes',
          message: 'notes',
          upgrade: "if (!(await inspect.hasTable('notes'))) await op.createTable('notes', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'body', type: 'varchar(100)' }] });",
          downgrade: "if (await inspect.hasTable('notes')) await op.dropTable('notes');",
        },
        {
          id: 'd2d2nobody',
          message: 'drop notes.body',
          upgrade: "if (await inspect.hasColumn('notes', 'body')) await op.dropColumn('notes', 'body');",
          downgrade: "if (!(await inspect.hasColumn('notes', 'body'))) await op.addColumn('notes', { name: 'body', type: 'varchar(100)' });",
        },
      ]);
      // Beside the main list: its relative SQLite paths are relative to that folder.
      const threeFile = join(dirname(targetsFile), 'three.txt');
      writeFileSync(threeFile, listed.slice(0, 3).join('\n'));
      const dropping = (...argv: string[]) => runCli(['upgrade', ...argv, '--targets', threeFile, '--stream', 'dropping', '--dir', dropDir], { cwd: temp.path });

      // Two tenants take both revisions; the third is already past the first one.
      expect((await runCli(['upgrade', 'd1d1notes', '--url', databases[2]?.url as string, '--stream', 'dropping', '--dir', dropDir], { cwd: temp.path })).code).toBe(0);
      const run = await dropping('--json');
      expect(run.code, describeRun(run)).toBe(0);
      for (const tenant of report(run).tenants) {
        expect(tenant.destructive.operations.map((o) => [o.revision, o.kind, o.table, o.column])).toEqual([['d2d2nobody', 'dropColumn', 'notes', 'body']]);
        expect(tenant.destructive.unanalyzed).toEqual([]);
      }
      expect(run.stderr).toMatch(/stream "dropping", revision d2d2nobody drops column notes\.body.*, on 3 tenant\(s\)/);
      expect(run.stderr.match(/^\[\d\/3\] ok .*1 destructive operation\(s\)$/gm)).toHaveLength(3);

      const again = await dropping('--json');
      expect(report(again).tenants.every((t) => t.status === 'unchanged' && t.destructive.operations.length === 0)).toBe(true);
      expect(again.stderr).not.toContain('drops column');

      // Leave the tenants as the other tests expect them: no notes table.
      const back = await runCli(['downgrade', 'base', '--targets', threeFile, '--stream', 'dropping', '--dir', dropDir, '--json'], { cwd: temp.path });
      expect(back.code, describeRun(back)).toBe(0);
      expect(report(back).tenants.every((t) => t.destructive.operations.length === 0)).toBe(true);
      for (const db of databases.slice(0, 3)) expect(await listTables(ctx.dialect, db.url)).not.toContain('notes');
    });

    it.runIf(ctx.name === 'postgresql')('one list may mix dialects: each tenant\'s scheme picks its dialect', async () => {
      const mixedFile = join(temp.path, 'mixed.txt');
      mkdirSync(join(temp.path, 'mixed'));
      writeFileSync(mixedFile, ['file:mixed/one.db', ...listed.slice(0, 3), 'file:mixed/two.db'].join('\n'));
      const run = await runCli(['upgrade', '--targets', mixedFile, '--stream', STREAM, '--dir', migrations, '--json'], { cwd: temp.path });
      expect(run.code, describeRun(run)).toBe(0);
      noPassword(run);
      expect(report(run).tenants.map((t) => [t.url, t.status, t.headsAfter])).toEqual([
        ['file:mixed/one.db', 'ok', [R3]],
        ...redacted.slice(0, 3).map((url) => [url, 'unchanged', [R3]]),
        ['file:mixed/two.db', 'ok', [R3]],
      ]);
      const sqlite = await loadDialect('sqlite');
      for (const name of ['one.db', 'two.db']) expect(await versionRows(sqlite, `file:${join(temp.path, 'mixed', name)}`, STREAM)).toEqual([R3]);
    });

    it('kill -9 during a fan-out (the real binary), then a re-run: every tenant at head, one history row per revision', async () => {
      const killedDir = join(temp.path, 'killed-migrations');
      // Idempotent as generated revisions are (guarded): MySQL commits a CREATE TABLE at once, so a kill
      // between it and the version row leaves the table for the re-run to find.
      const sleeper = (id: string) => ({ sleepMs: 300, upgrade: [`CREATE TABLE IF NOT EXISTS ${tableOf(id)} (id integer PRIMARY KEY)`] });
      writeStream(killedDir, [K1, `${K2}<-${K1}`, `${K3}<-${K2}`], { [K1]: sleeper(K1), [K2]: sleeper(K2), [K3]: sleeper(K3) });
      const argv = ['upgrade', '--targets', targetsFile, '--stream', KILLED_STREAM, '--dir', killedDir, '--concurrency', '8'];

      // Killed once the first tenant has finished: others are mid-revision (inside a transaction), the rest not started.
      const killed = await new Promise<{ signal: NodeJS.Signals | null; stderr: string }>((done, fail) => {
        const child = spawn(process.execPath, [STRATA_BIN, ...argv], { cwd: temp.path, stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (/^\[\s*1\/\d+\] ok/m.test(stderr)) child.kill('SIGKILL');
        });
        child.on('error', fail);
        child.on('close', (_code, signal) => done({ signal, stderr }));
      });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const finishedBeforeKill = (killed.stderr.match(/^\[\s*\d+\/\d+\] ok/gm) ?? []).length;
      expect(finishedBeforeKill).toBeGreaterThanOrEqual(1);
      expect(finishedBeforeKill).toBeLessThan(count);

      const rerun = await runCli([...argv, '--json'], { cwd: temp.path });
      expect(rerun.code, describeRun(rerun)).toBe(0);
      const result = report(rerun);
      expect(result.summary.failed).toBe(0);
      expect(result.summary.unchanged).toBeGreaterThanOrEqual(finishedBeforeKill);
      expect(result.summary.ok).toBeGreaterThanOrEqual(1);
      expect(result.census).toEqual([{ heads: [K3], tenants: count, isHead: true }]);
      for (const db of databases) {
        expect(await versionRows(ctx.dialect, db.url, KILLED_STREAM), db.name).toEqual([K3]);
        const history = await historyRows(ctx.dialect, db.url, KILLED_STREAM);
        expect(history.map((h) => [h.revision, h.direction]), db.name).toEqual([K1, K2, K3].map((r) => [r, 'up']));
        expect(await listTables(ctx.dialect, db.url)).toEqual(['customers', 'invoices', ...[K1, K2, K3].map(tableOf)].sort());
      }
    });
  },
  ['sqlite', 'postgresql', 'mysql'],
);
