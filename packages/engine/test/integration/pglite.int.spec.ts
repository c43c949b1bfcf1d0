import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { disposePglite } from '../../src/dialects/postgres/pglite-connection.js';
import { loadDialect } from '../../src/dialects/registry.js';
import { ApiStream, makeTempDir, writeOpsStream } from '../support/schema.js';
import { StreamFixture, describeRun, historyRows, jsonOf, versionRows } from '../support/streams.js';

interface JsonError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly details: Record<string, unknown>;
}

const A = 'aaaa00000001';
const B = 'bbbb00000002';

/** A guarded revision creating `table`, as autogenerate writes them. */
function tableRevision(id: string, table: string): { id: string; upgrade: string; downgrade: string } {
  return {
    id,
    upgrade: `if (!(await inspect.hasTable('${table}'))) await op.createTable('${table}', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'tags', type: 'text[]', nullable: false, default: "ARRAY[]::text[]" }] });`,
    downgrade: `if (await inspect.hasTable('${table}')) await op.dropTable('${table}');`,
  };
}

// Each test starts PGlite instances (seconds of CPU each, more on a loaded machine).
vi.setConfig({ testTimeout: 300_000 });

// PGlite (PostgreSQL in WebAssembly, in-process) behind a `pglite:` URL: the PostgreSQL dialect with
// another connection. What the shared suites cannot show: a data directory outliving the process,
// extensions, and the lock of a one-session server.
describe('PGlite: the embedded PostgreSQL (issue 14)', () => {
  const temp = makeTempDir('pglite');
  const memoryUrls: string[] = [];
  afterAll(async () => {
    await Promise.all(memoryUrls.map((url) => disposePglite(url)));
    temp.remove();
  });

  it('a data directory keeps the schema and the ledger from one `strata` process to the next', async () => {
    const s = new StreamFixture(temp.path, 'dir', `pglite:${join(temp.path, 'pgdata')}`);
    writeOpsStream(s.dir, [tableRevision(A, 'items'), { ...tableRevision(B, 'tags'), parents: [A] }]);
    const up = await s.binary('upgrade', 'head');
    expect(up.code, describeRun(up)).toBe(0);
    expect(existsSync(join(temp.path, 'pgdata', 'PG_VERSION'))).toBe(true);
    // A second process opens the directory and finds what the first one left.
    const current = await s.binary('current', '--json');
    expect(current.code, describeRun(current)).toBe(0);
    expect(jsonOf<{ heads: string[] }>(current).heads).toEqual([B]);
    const down = await s.binary('downgrade', A);
    expect(down.code, describeRun(down)).toBe(0);
    const dialect = await loadDialect('postgresql');
    expect(await versionRows(dialect, s.url, 'dir')).toEqual([A]);
    expect((await historyRows(dialect, s.url, 'dir')).map((row) => `${row.direction} ${row.revision}`)).toEqual([`up ${A}`, `up ${B}`, `down ${B}`]);
  });

  it('runners of one process take turns on one instance: each revision applied once', async () => {
    const url = 'pglite:memory://turns';
    memoryUrls.push(url);
    const dir = join(temp.path, 'turns');
    writeOpsStream(dir, [tableRevision(A, 'one'), { ...tableRevision(B, 'two'), parents: [A], upgrade: `${tableRevision(B, 'two').upgrade}\nawait execute("SELECT pg_sleep(0.2)");` }]);
    const dialect = await loadDialect('postgresql');
    const runs = await Promise.all([0, 1, 2, 3].map(() => new ApiStream(dialect, url, dir, 'turns').upgrade('head')));
    expect(runs.flatMap((run) => run.steps.map((step) => step.revision)).sort()).toEqual([A, B]);
    expect((await historyRows(dialect, url, 'turns')).map((row) => `${row.direction} ${row.revision}`)).toEqual([`up ${A}`, `up ${B}`]);
  });

  it('an extension PGlite bundles but was not asked for: a coded error naming it and the URL that loads it', async () => {
    const url = 'pglite:memory://no_trgm';
    memoryUrls.push(url, `${url}?extensions=pg_trgm`);
    const s = new StreamFixture(temp.path, 'trgm', url);
    writeOpsStream(s.dir, [{ id: A, upgrade: "await execute('CREATE EXTENSION IF NOT EXISTS pg_trgm');", downgrade: "await execute('DROP EXTENSION IF EXISTS pg_trgm');" }]);
    const refused = await s.cli('upgrade', 'head', '--json');
    expect(refused.code, describeRun(refused)).toBe(1);
    const error = jsonOf<{ error: JsonError }>(refused).error;
    expect(error.code).toBe('RUNNER_REVISION_FAILED');
    expect(error.details['causeCode']).toBe('DIALECT_EMBEDDED_EXTENSION_MISSING');
    expect(error.message).toContain('has no extension "pg_trgm" loaded');
    expect(error.hint).toContain('pglite:memory://?extensions=pg_trgm');
    // Loading it through the URL, as the hint says, is all it takes.
    const loaded = new StreamFixture(temp.path, 'trgm', `${url}?extensions=pg_trgm`, s.dir);
    const ok = await loaded.cli('upgrade', 'head');
    expect(ok.code, describeRun(ok)).toBe(0);
  });

  it('an extension PGlite cannot run: the hint sends the user to a server', async () => {
    const url = 'pglite:memory://no_postgis';
    memoryUrls.push(url);
    const s = new StreamFixture(temp.path, 'postgis', url);
    writeOpsStream(s.dir, [{ id: A, upgrade: "await execute('CREATE EXTENSION IF NOT EXISTS postgis');", downgrade: '' }]);
    const refused = await s.cli('upgrade', 'head', '--json');
    expect(refused.code, describeRun(refused)).toBe(1);
    const error = jsonOf<{ error: JsonError }>(refused).error;
    expect(error.details['causeCode']).toBe('DIALECT_EMBEDDED_EXTENSION_MISSING');
    expect(error.hint).toMatch(/^PGlite cannot run it: use a PostgreSQL server/);
  });

  it('a URL asking for an extension PGlite does not bundle is refused before anything starts', async () => {
    const s = new StreamFixture(temp.path, 'badurl', 'pglite:memory://x?extensions=postgis');
    writeOpsStream(s.dir, [tableRevision(A, 'items')]);
    const refused = await s.cli('upgrade', 'head', '--json');
    expect(refused.code, describeRun(refused)).toBe(1);
    const error = jsonOf<{ error: JsonError }>(refused).error;
    expect(error.code).toBe('DIALECT_INVALID_URL');
    expect(error.message).toContain('PGlite bundles no extension postgis');
  });

  it('a data directory that cannot be made or is not one: DIALECT_PGLITE_CANNOT_OPEN naming the path, nothing created', async () => {
    const missingParent = join(temp.path, 'no', 'such', 'pgdata');
    const s = new StreamFixture(temp.path, 'noparent', `pglite:${missingParent}`);
    writeOpsStream(s.dir, [tableRevision(A, 'items')]);
    const run = await s.cli('upgrade', 'head', '--json');
    expect(run.code, describeRun(run)).toBe(1);
    const error = jsonOf<{ error: JsonError }>(run).error;
    expect(error.code).toBe('DIALECT_PGLITE_CANNOT_OPEN');
    expect(error.message).toContain(`the directory ${join(temp.path, 'no', 'such')} does not exist`);
    expect(error.hint).toBe(`Create it (mkdir -p ${join(temp.path, 'no', 'such')}) or fix the path in the URL.`);
    expect(existsSync(join(temp.path, 'no'))).toBe(false);

    const file = join(temp.path, 'not-a-folder');
    writeFileSync(file, 'text');
    const onFile = await new StreamFixture(temp.path, 'onfile', `pglite:${file}`).cli('current', '--json');
    expect(onFile.code, describeRun(onFile)).toBe(1);
    expect(jsonOf<{ error: JsonError }>(onFile).error).toMatchObject({ code: 'DIALECT_PGLITE_CANNOT_OPEN', details: { path: file, reason: 'it is a file, not a directory' } });
  });

  it('a data directory that does not exist: read-only commands refuse it with DIALECT_DATABASE_FILE_MISSING and make nothing', async () => {
    const dataDir = join(temp.path, 'typo-pgdata');
    const s = new StreamFixture(temp.path, 'typo', `pglite:${dataDir}`);
    writeOpsStream(s.dir, [tableRevision(A, 'items')]);
    for (const argv of [['current'], ['history', '--applied']]) {
      const run = await s.cli(...argv, '--json');
      expect(run.code, describeRun(run)).toBe(1);
      const error = jsonOf<{ error: JsonError }>(run).error;
      expect(error).toMatchObject({ code: 'DIALECT_DATABASE_FILE_MISSING', details: { path: dataDir } });
      expect(error.message).toContain(`The PGlite data directory ${dataDir} (from pglite:`);
      expect(existsSync(dataDir)).toBe(false);
    }
    const up = await s.cli('upgrade', 'head');
    expect(up.code, describeRun(up)).toBe(0);
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
  });
});
