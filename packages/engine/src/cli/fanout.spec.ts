import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeOpsStream } from '../../test/support/schema.js';
import { writeStream } from '../../test/support/streams.js';
import { main } from './main.js';

/** Runs `strata` in-process, capturing stdout and stderr. */
async function strata(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await main(argv, { cwd, stdout, stderr });
  return { code, stdout: out, stderr: err };
}

describe('strata … --targets / --targets-from-sql (issue 14): the command line', () => {
  let dir: string;
  const stream = ['--stream', 'app', '--dir', 'migrations'];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-fanout-cli-'));
    writeStream(join(dir, 'migrations'), ['aaaa0001', 'bbbb0002<-aaaa0001']);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing targets file: exit 1, FANOUT_TARGETS_FILE_NOT_FOUND naming the file and the next step', async () => {
    const run = await strata(['upgrade', '--targets', 'tenants.txt', ...stream], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error FANOUT_TARGETS_FILE_NOT_FOUND');
    expect(run.stderr).toContain(join(dir, 'tenants.txt'));
    expect(run.stderr).toContain('hint: ');
    const json = await strata(['upgrade', '--targets', 'tenants.txt', '--json', ...stream], dir);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'FANOUT_TARGETS_FILE_NOT_FOUND', details: { file: join(dir, 'tenants.txt') } } });
  });

  it('an empty list, a bad line, a bad --shard, a bad --concurrency', async () => {
    writeFileSync(join(dir, 'empty.txt'), '# nobody yet\n');
    writeFileSync(join(dir, 'bad.txt'), 'file:a.db\nredis://cache\n');
    writeFileSync(join(dir, 'ok.txt'), 'file:a.db\n');
    const empty = await strata(['current', '--targets', 'empty.txt', '--json', ...stream], dir);
    expect([empty.code, JSON.parse(empty.stdout).error.code]).toEqual([1, 'FANOUT_NO_TARGETS']);
    const bad = await strata(['current', '--targets', 'bad.txt', '--json', ...stream], dir);
    expect([bad.code, JSON.parse(bad.stdout).error.code]).toEqual([1, 'FANOUT_INVALID_TARGET']);
    expect(JSON.parse(bad.stdout).error.message).toContain('line 2');
    for (const shard of ['0/4', '5/4', 'two']) {
      const run = await strata(['upgrade', '--targets', 'ok.txt', '--shard', shard, '--json', ...stream], dir);
      expect([run.code, JSON.parse(run.stdout).error.code]).toEqual([1, 'FANOUT_INVALID_SHARD']);
    }
    const concurrency = await strata(['upgrade', '--targets', 'ok.txt', '--concurrency', '0', ...stream], dir);
    expect([concurrency.code, concurrency.stderr]).toEqual([2, expect.stringContaining('--concurrency takes a whole number')]);
  });

  it('usage errors: --shard or --concurrency without targets, both sources, --sql and --dry-run with targets', async () => {
    writeFileSync(join(dir, 'ok.txt'), 'file:a.db\n');
    const cases: string[][] = [
      ['upgrade', '--shard', '1/2', '--url', 'file:x.db'],
      ['current', '--concurrency', '2', '--url', 'file:x.db'],
      ['upgrade', '--targets', 'ok.txt', '--targets-from-sql', 'SELECT 1'],
      ['upgrade', '--targets', 'ok.txt', '--sql'],
      ['upgrade', '--targets', 'ok.txt', '--dry-run'],
      ['current', '--targets', 'ok.txt', '--verbose'],
    ];
    for (const argv of cases) {
      const run = await strata([...argv, ...stream], dir);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stderr).toContain('error CLI_USAGE');
    }
  });

  it('--targets-from-sql reads the tenants from the stream\'s own database; a failing query is FANOUT_TARGETS_QUERY_FAILED', async () => {
    const control = new Database(join(dir, 'control.db'));
    control.exec("CREATE TABLE tenants (url text, active integer); INSERT INTO tenants VALUES ('file:t1.db', 1), ('file:t2.db', 1), ('file:t3.db', 0), (NULL, 1)");
    control.close();
    const sql = 'SELECT url, active FROM tenants WHERE active = 1';
    const run = await strata(['upgrade', '--targets-from-sql', sql, '--url', 'file:control.db', '--json', ...stream], dir);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.tenants.map((t: { url: string; status: string; headsAfter: string[] }) => [t.url, t.status, t.headsAfter])).toEqual([
      ['file:t1.db', 'ok', ['bbbb0002']],
      ['file:t2.db', 'ok', ['bbbb0002']],
    ]);
    // One progress line per tenant on stderr, beside the document.
    expect(run.stderr.match(/^\[\d\/2\] ok /gm)).toHaveLength(2);
    for (const name of ['t1.db', 't2.db']) {
      const db = new Database(join(dir, name), { readonly: true });
      expect(db.prepare('SELECT version_num FROM strata_version').pluck().all()).toEqual(['bbbb0002']);
      db.close();
    }

    const failing = await strata(['current', '--targets-from-sql', 'SELECT url FROM no_such_table', '--url', 'file:control.db', '--json', ...stream], dir);
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.stdout).error).toMatchObject({ code: 'FANOUT_TARGETS_QUERY_FAILED', message: expect.stringContaining('no_such_table') });
    const none = await strata(['current', '--targets-from-sql', 'SELECT url FROM tenants WHERE 0', '--url', 'file:control.db', '--json', ...stream], dir);
    expect(JSON.parse(none.stdout).error.code).toBe('FANOUT_NO_TARGETS');
  });

  it('a guard that finds its object defined differently on one tenant: a warning naming the tenant; --strict fails that tenant only', async () => {
    const guarded = join(dir, 'guarded');
    writeOpsStream(guarded, [
      {
        id: 'gd01items',
        upgrade: [
          "if (!(await inspect.hasTable('items'))) await op.createTable('items', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });",
          "if (!(await inspect.hasColumn('items', { name: 'label', type: 'varchar(50)' }))) await op.addColumn('items', { name: 'label', type: 'varchar(50)' });",
        ].join('\n'),
        downgrade: "if (await inspect.hasTable('items')) await op.dropTable('items');",
      },
    ]);
    const seeded = new Database(join(dir, 'seeded.db'));
    seeded.exec('CREATE TABLE items (id integer PRIMARY KEY, label varchar(20))');
    seeded.close();
    writeFileSync(join(dir, 'list.txt'), 'file:fresh.db\nfile:seeded.db\n');
    const flags = ['--targets', 'list.txt', '--stream', 'app', '--dir', 'guarded', '--json'];

    const strict = await strata(['upgrade', '--strict', ...flags], dir);
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout).tenants.map((t: { status: string; error?: { code: string } }) => [t.status, t.error?.code])).toEqual([
      ['ok', undefined],
      ['failed', 'RUNNER_REVISION_FAILED'],
    ]);

    const warned = await strata(['upgrade', ...flags], dir);
    expect(warned.code, warned.stderr).toBe(0);
    const seededReport = JSON.parse(warned.stdout).tenants[1];
    expect(seededReport).toMatchObject({ status: 'ok', differences: [{ revision: 'gd01items', difference: { object: 'column', table: 'items', name: 'label' } }] });
    expect(warned.stderr).toMatch(/^warning: file:seeded\.db: revision gd01items: column items\.label exists but differs/m);
  });

  it('--help lists the fan-out options of upgrade, downgrade, stamp and current', async () => {
    for (const verb of ['upgrade', 'downgrade', 'stamp', 'current']) {
      const help = await strata([verb, '--help'], dir);
      for (const flag of ['--targets FILE', '--targets-from-sql SQL', '--concurrency N', '--shard I/N']) expect(help.stdout, verb).toContain(flag);
    }
  });
});
