/**
 * End to end: `nx affected -t migrate-test` on PostgreSQL streams with no PostgreSQL server (issue 14).
 * The fixture's streams are PostgreSQL, their URL names a port nothing listens on, and migrate-test runs
 * each stream's revisions on a throwaway PGlite database in the task's process. Needs no server, so it
 * never skips.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createWorkspace, databaseEnv, expectSuccess, packStrata, tasksRun, type StrataTarballs, type Workspace, NX_TEST_TIMEOUT_MS } from './support/workspace.js';

vi.setConfig({ testTimeout: NX_TEST_TIMEOUT_MS, hookTimeout: NX_TEST_TIMEOUT_MS });

/** A PostgreSQL URL on a port nothing answers on: the streams' configured database, never reached. */
const NO_SERVER = 'postgres://postgres@127.0.0.1:1/strata_e2e_no_server';

let tarballs: StrataTarballs | undefined;
let ws: Workspace | undefined;

beforeAll(async () => {
  tarballs = await packStrata();
  ws = await createWorkspace(tarballs, { label: 'pglite', registerPlugin: true, env: databaseEnv('postgresql', NO_SERVER) });
});

afterAll(async () => {
  await ws?.dispose();
  await tarballs?.dispose();
});

it('nx affected -t migrate-test tests PostgreSQL streams on PGlite when no server runs', async () => {
  const workspace = ws as Workspace;
  expectSuccess(await workspace.nx(['g', '@strata/nx:migration', 'accounts', '-m', 'create users', '--no-interactive']), 'nx g migration accounts');
  const [accountsFile] = await workspace.list('apps/accounts/migrations');
  const accounts = await workspace.read(`apps/accounts/migrations/${accountsFile}`);
  const accountsRev = /id: '([0-9a-f]+)'/.exec(accounts)?.[1];
  expectSuccess(
    await workspace.nx(['g', '@strata/nx:migration', 'billing', '-m', 'create invoices', `--dependsOn=accounts@${accountsRev}`, '--no-interactive']),
    'nx g migration billing',
  );
  await workspace.commit('accounts and billing: first revisions');

  const tested = expectSuccess(await workspace.nx(['affected', '-t', 'migrate-test', '--base=HEAD~1', '--output-style=static']), 'nx affected -t migrate-test');
  expect(tasksRun(tested.output).map((t) => t.task).sort()).toEqual(['accounts:migrate-test', 'billing:migrate-test']);
  expect(tested.output).toMatch(/Stream "accounts": migration test passed, 1 revision\(s\), \d+ steps \(stairway, idempotency, drift, base\) in /);
  expect(tested.output).toMatch(/Stream "billing": migration test passed, 1 revision\(s\), \d+ steps \(stairway, idempotency, drift, base\) in /);
  expect(tested.output).toContain('pglite:');
  expect(tested.output).not.toContain('ECONNREFUSED');

  // And the server really is not there: migrate, which needs the configured database, fails and says so.
  const migrate = await workspace.nx(['run', 'accounts:migrate', '--output-style=static']);
  expect(migrate.code).not.toBe(0);
  expect(migrate.output).toMatch(/DIALECT_CONNECTION_FAILED|could not connect|ECONNREFUSED/i);
  expect(migrate.output).not.toContain('postgres:postgres@');
});
