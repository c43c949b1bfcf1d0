/**
 * End to end (issue 12): what a chain of streams means under Nx, on SQLite. `billing` depends on
 * `accounts`, so `nx run billing:migrate` runs `accounts:migrate` first, with the same command-line
 * parameters: `--sql` never touches a database (the file's bytes are compared before and after),
 * `--url` points both streams at one database, and `--output-file` gives a document Nx's output framing
 * cannot corrupt. A drizzle.config that throws leaves the project graph working and is reported, with
 * its code, when its target runs; hints name Nx's commands and options; an applied revision edited on
 * purpose is accepted through migrate-repair; `stream --baseline` refuses a database without the schema.
 *
 * One workspace for the file; the steps run in order.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withConnection } from '../../packages/engine/src/dialects/connection.js';
import { loadDialect } from '../../packages/engine/src/dialects/registry.js';
import { ACCOUNTS_SQLITE_LAST_COLUMN, DEFAULT_SQLITE_FILE } from './support/fixture.js';
import {
  createWorkspace,
  expectSuccess,
  packStrata,
  readLedger,
  revisionIdOf,
  tasksRun,
  type StrataTarballs,
  type Workspace,
  NX_TEST_TIMEOUT_MS,
} from './support/workspace.js';

vi.setConfig({ testTimeout: NX_TEST_TIMEOUT_MS });

describe('@strata/nx: a chain of streams under one command line [SQLite]', () => {
  let tarballs: StrataTarballs | undefined;
  let ws: Workspace;
  let accountsRev = '';
  let billingRev = '';

  /** Every SQLite file of the workspace root (with its -wal/-journal companions) → sha256 of its bytes. */
  async function databaseFiles(): Promise<Record<string, string>> {
    const files: Record<string, string> = {};
    for (const name of (await readdir(ws.root)).filter((file) => /\.sqlite/.test(file)).sort()) {
      files[name] = createHash('sha256').update(await readFile(join(ws.root, name))).digest('hex');
    }
    return files;
  }

  beforeAll(async () => {
    tarballs = await packStrata();
    ws = await createWorkspace(tarballs, { label: 'chain', registerPlugin: true });
    expectSuccess(await ws.nx(['g', '@strata/nx:migration', 'accounts', '-m', 'create users', '--no-interactive']), 'nx g migration accounts');
    accountsRev = revisionIdOf(await ws.read(`apps/accounts/migrations/${(await ws.list('apps/accounts/migrations'))[0]}`));
    expectSuccess(
      await ws.nx(['g', '@strata/nx:migration', 'billing', '-m', 'create invoices', `--dependsOn=accounts@${accountsRev}`, '--no-interactive']),
      'nx g migration billing',
    );
    billingRev = revisionIdOf(await ws.read(`apps/billing/migrations/${(await ws.list('apps/billing/migrations'))[0]}`));
    expectSuccess(await ws.nx(['run', 'billing:migrate', '--output-style=static']), 'nx run billing:migrate');
  }, 300_000);

  afterAll(async () => {
    await ws?.dispose();
    await tarballs?.dispose();
  });

  it('--sql on a dependent stream, its dependency one revision behind: every database byte-identical, each script in its file', async () => {
    // accounts gets a second revision that is not applied: a plain `^migrate` would apply it online here.
    const accountsSchema = await ws.read('apps/accounts/src/schema.ts');
    await ws.write('apps/accounts/src/schema.ts', accountsSchema.replace(ACCOUNTS_SQLITE_LAST_COLUMN, `${ACCOUNTS_SQLITE_LAST_COLUMN}\n        nickname: sqlite.text('nickname'),`));
    expectSuccess(await ws.nx(['g', '@strata/nx:migration', 'accounts', '-m', 'add users nickname', '--no-interactive']), 'nx g migration accounts (nickname)');
    const before = await databaseFiles();
    expect(Object.keys(before)).toEqual([DEFAULT_SQLITE_FILE]);
    const ledgerBefore = await readLedger('sqlite', ws.sqliteUrl);

    const result = expectSuccess(
      await ws.nx(['run', 'billing:migrate', '--sql', '--output-file=dist/billing.sql', '--output-style=static']),
      'nx run billing:migrate --sql',
    );
    expect(tasksRun(result.output).map((t) => t.task)).toEqual(['accounts:migrate', 'billing:migrate']);
    expect(await databaseFiles()).toEqual(before);
    expect(await readLedger('sqlite', ws.sqliteUrl)).toEqual(ledgerBefore);

    // The asked-for stream's script in the file asked for; the dependency's beside it, never over it.
    const billing = await ws.read('dist/billing.sql');
    expect(billing).toMatch(/CREATE TABLE "invoices"/);
    expect(billing).not.toMatch(/CREATE TABLE "users"/);
    const accounts = await ws.read('dist/billing.accounts.sql');
    expect(accounts).toMatch(/CREATE TABLE "users"/);
    expect(accounts).toMatch(/ADD COLUMN "nickname"/);
    // The ledger rows the scripts write name the revision files relative to the stream's folder.
    expect(`${billing}\n${accounts}`).not.toContain(ws.root);
  });

  it('--url points the whole chain at one database; the configured one is left as it was', async () => {
    const before = await databaseFiles();
    // A relative path, as typed at the workspace root: every stream of the chain opens that one file.
    expectSuccess(await ws.nx(['run', 'billing:migrate', '--url=file:staging.sqlite', '--output-style=static']), 'nx run billing:migrate --url');
    expect((await databaseFiles())[DEFAULT_SQLITE_FILE]).toBe(before[DEFAULT_SQLITE_FILE]);
    expect([...(await ws.list('apps/accounts')), ...(await ws.list('apps/billing'))].filter((file) => file.endsWith('.sqlite'))).toEqual([]);
    const staging = `file:${join(ws.root, 'staging.sqlite')}`;
    const ledger = await readLedger('sqlite', staging);
    expect(Object.keys(ledger.versions).sort()).toEqual(['accounts', 'billing']);
    expect(ledger.versions['billing']).toEqual([billingRev]);
    expect(ledger.tables).toEqual(['invoices', 'users']);
  });

  it('--json --output-file: a document that parses, though Nx frames the task output', async () => {
    const result = expectSuccess(
      await ws.nx(['run', 'billing:migrate-status', '--json', '--output-file=dist/status.json', '--output-style=static']),
      'nx run billing:migrate-status --json',
    );
    expect(result.stdout).toContain('nx run billing:migrate-status');
    const status = JSON.parse(await ws.read('dist/status.json')) as Record<string, unknown>;
    expect(JSON.stringify(status)).toContain(billingRev);
  });

  it('a drizzle.config that throws: nx show projects works; its target reports the error with its code', async () => {
    await ws.write('apps/audit/project.json', JSON.stringify({ name: 'audit' }));
    await ws.write(
      'apps/audit/drizzle.config.ts',
      [
        "import { defineConfig } from 'drizzle-kit';",
        "if (!process.env.AUDIT_DATABASE_URL) throw new Error('AUDIT_DATABASE_URL is not set');",
        "export default defineConfig({ dialect: 'sqlite', schema: './src/schema.ts', dbCredentials: { url: process.env.AUDIT_DATABASE_URL } });",
        '',
      ].join('\n'),
    );
    const shown = expectSuccess(await ws.nx(['show', 'projects', '--json']), 'nx show projects');
    expect((JSON.parse(shown.stdout) as string[]).sort()).toEqual(['accounts', 'audit', 'billing']);

    const status = await ws.nx(['run', 'audit:migrate-status', '--output-style=static']);
    expect(status.code, status.output).not.toBe(0);
    expect(status.output).toMatch(/error LOADER_MODULE_THREW: .*drizzle\.config\.ts threw while it was loaded: AUDIT_DATABASE_URL is not set/);
    expect(status.output).not.toContain('valid TypeScript');
  });

  it('hints name what a person types under Nx: camelCase options, targets instead of strata commands', async () => {
    // A column renamed in the schema is ambiguous: the generator asks for a rename flag or --noRenames.
    const schema = await ws.read('apps/accounts/src/schema.ts');
    await ws.write('apps/accounts/src/schema.ts', schema.replace("displayName: sqlite.text('display_name')", "fullName: sqlite.text('full_name')"));
    const renamed = await ws.nx(['g', '@strata/nx:migration', 'accounts', '-m', 'rename display name', '--no-interactive']);
    expect(renamed.code, renamed.output).not.toBe(0);
    expect(renamed.output).toContain('--noRenames');
    expect(renamed.output).toContain('--rename users.display_name=full_name');
    expect(renamed.output).not.toContain('--no-renames');
    await ws.write('apps/accounts/src/schema.ts', schema);

    // Two heads in billing: the hint is the merge generator, not `strata merge`.
    expectSuccess(await ws.nx(['g', '@strata/nx:migration', 'billing', '-m', 'side branch', '--empty', `--head=${billingRev}`, '--no-interactive']), 'nx g migration (branch 1)');
    expectSuccess(await ws.nx(['g', '@strata/nx:migration', 'billing', '-m', 'other branch', '--empty', `--head=${billingRev}`, '--no-interactive']), 'nx g migration (branch 2)');
    const heads = await ws.nx(['run', 'billing:migrate', '--output-style=static']);
    expect(heads.code, heads.output).not.toBe(0);
    expect(heads.output).toMatch(/hint: .*nx g @strata\/nx:merge billing/);
    expect(heads.output).not.toMatch(/hint: .*`strata merge/);
    // A new revision on two heads: the generator names them and the way on, in Nx's spelling; no file is written.
    const before = await ws.list('apps/billing/migrations');
    const parentless = await ws.nx(['g', '@strata/nx:migration', 'billing', '-m', 'third', '--empty', '--no-interactive']);
    expect(parentless.code, parentless.output).not.toBe(0);
    expect(parentless.output).toMatch(/REVISION_AMBIGUOUS_PARENT: Stream "billing" has 2 heads \([0-9a-f]{12} and [0-9a-f]{12}\); a new revision needs one parent\./);
    expect(parentless.output).toMatch(/hint: Pass --head <rev> .*nx g @strata\/nx:merge billing/);
    expect(await ws.list('apps/billing/migrations')).toEqual(before);
  });

  it('an applied revision edited on purpose: migrate refuses, migrate-repair records it, migrate runs again (item 5)', async () => {
    // The first revision, applied in beforeAll (the folder holds the later, unapplied one too).
    const files = (await ws.list('apps/accounts/migrations')).map((name) => `apps/accounts/migrations/${name}`);
    const sources = await Promise.all(files.map((name) => ws.read(name)));
    const index = sources.findIndex((text) => revisionIdOf(text) === accountsRev);
    expect(index, `${accountsRev} among ${files.join(', ')}`).toBeGreaterThanOrEqual(0);
    const file = files[index] as string;
    const source = sources[index] as string;
    await ws.write(file, `${source}// Reviewed: the users table keeps this shape.\n`);
    const refused = await ws.nx(['run', 'accounts:migrate', '--output-style=static']);
    expect(refused.code, refused.output).not.toBe(0);
    expect(refused.output).toContain('RUNNER_CHECKSUM_MISMATCH');
    expect(refused.output).toContain('migrate-repair');

    const repaired = expectSuccess(await ws.nx(['run', 'accounts:migrate-repair', '--output-style=static']), 'nx run accounts:migrate-repair');
    expect(repaired.output).toContain(`repaired  ${accountsRev}`);
    const ledger = await readLedger('sqlite', ws.sqliteUrl);
    expect(ledger.history.filter((row) => row.stream === 'accounts' && row.direction === 'repair').map((row) => row.revision)).toEqual([accountsRev]);
    expectSuccess(await ws.nx(['run', 'accounts:migrate', '--output-style=static']), 'nx run accounts:migrate after repair');
  });

  it('stream --baseline looks before it stamps: an empty database is refused with the differences, nothing recorded (item 6)', async () => {
    await ws.write('apps/reports/project.json', JSON.stringify({ name: 'reports' }));
    await ws.write(
      'apps/reports/drizzle.config.ts',
      "import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'sqlite', schema: './src/schema.ts', dbCredentials: { url: '../../reports.sqlite' } });\n",
    );
    await ws.write(
      'apps/reports/src/schema.ts',
      "import * as sqlite from 'drizzle-orm/sqlite-core';\nexport const reports = sqlite.sqliteTable('reports', { id: sqlite.integer('id').primaryKey(), title: sqlite.text('title').notNull() });\n",
    );
    // A mistyped path is refused as missing, not created and compared as empty.
    const missing = await ws.nx(['g', '@strata/nx:stream', 'reports', '--baseline', '--url=file:missing.sqlite', '--no-interactive']);
    expect(missing.code, missing.output).not.toBe(0);
    expect(missing.output).toContain('DIALECT_DATABASE_FILE_MISSING');
    await ws.write('apps/reports/empty.sqlite', '');
    const refused = await ws.nx(['g', '@strata/nx:stream', 'reports', '--baseline', '--url=file:empty.sqlite', '--no-interactive']);
    expect(refused.code, refused.output).not.toBe(0);
    expect(refused.output).toContain('NX_BASELINE_MISMATCH');
    expect(refused.output).toContain('createTable reports');
    expect(refused.output).toContain('--force');
    // The generator wrote no file; the comparison read the empty database (relative to the project, as a
    // drizzle.config URL is) and recorded nothing in it.
    expect((await ws.list('apps/reports')).sort(), 'nothing is written').toEqual(['drizzle.config.ts', 'empty.sqlite', 'project.json', 'src']);
    const sqlite = await loadDialect('sqlite');
    const empty = `file:${join(ws.root, 'apps', 'reports', 'empty.sqlite')}`;
    expect(await withConnection(sqlite, empty, (c) => sqlite.tableExists(c, 'strata_version'))).toBe(false);
  });
});
