/**
 * End to end: `nx run-many -t migrate` over the fixture's two streams on each database. The fixture's
 * drizzle.config.ts and schemas read one variable pair (support/fixture.ts: the dialect and the URL),
 * so each suite points the whole workspace at its throwaway database through the environment alone,
 * autogenerates both streams' first revisions for that dialect with the Nx generator, and migrates.
 * PostgreSQL and MySQL suites are skipped with a loud warning when the server is unreachable (failed
 * under CI=true): see packages/engine/test/support/databases.ts.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeDialects, type TestDatabase } from '../../packages/engine/test/support/databases.js';
import {
  createWorkspace,
  databaseEnv,
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

let tarballs: StrataTarballs | undefined;

beforeAll(async () => {
  tarballs = await packStrata();
}, 180_000);

afterAll(async () => {
  await tarballs?.dispose();
});

await describeDialects('@strata/nx run-many -t migrate', (ctx) => {
  let db: TestDatabase;
  let ws: Workspace | undefined;
  let accountsRev = '';
  let billingRev = '';

  beforeAll(async () => {
    db = await ctx.createDatabase('nx_e2e');
    if (tarballs === undefined) throw new Error('The packages were not packed.');
    ws = await createWorkspace(tarballs, { label: ctx.name, registerPlugin: true, env: databaseEnv(ctx.name, db.url) });
  }, NX_TEST_TIMEOUT_MS);

  afterAll(async () => {
    // The database is dropped by describeDialects.
    await ws?.dispose();
  });

  it('autogenerates both streams for the dialect, billing depending on accounts', async () => {
    const workspace = ws as Workspace;
    expectSuccess(await workspace.nx(['g', '@strata/nx:migration', 'accounts', '-m', 'create users', '--no-interactive']), 'nx g migration accounts');
    const [accountsFile] = await workspace.list('apps/accounts/migrations');
    accountsRev = revisionIdOf(await workspace.read(`apps/accounts/migrations/${accountsFile}`));

    expectSuccess(
      await workspace.nx(['g', '@strata/nx:migration', 'billing', '-m', 'create invoices', `--dependsOn=accounts@${accountsRev}`, '--no-interactive']),
      'nx g migration billing',
    );
    const [billingFile] = await workspace.list('apps/billing/migrations');
    const billing = await workspace.read(`apps/billing/migrations/${billingFile}`);
    billingRev = revisionIdOf(billing);
    expect(billing).toContain(`'accounts@${accountsRev}'`);
    expect(billing).toContain("inspect.hasTable('invoices'");
  });

  it('applies both streams, accounts first, and records them in strata_version', async () => {
    const workspace = ws as Workspace;
    const result = expectSuccess(await workspace.nx(['run-many', '-t', 'migrate', '--output-style=static']), 'nx run-many -t migrate');
    expect(tasksRun(result.output).map((t) => t.task)).toEqual(['accounts:migrate', 'billing:migrate']);

    const ledger = await readLedger(ctx.name, db.url);
    expect(ledger.versions).toEqual({ accounts: [accountsRev], billing: [billingRev] });
    expect(ledger.history.map((row) => `${row.direction} ${row.stream}@${row.revision}`)).toEqual([`up accounts@${accountsRev}`, `up billing@${billingRev}`]);
    expect(ledger.tables).toEqual(['invoices', 'users']);
  });
});
