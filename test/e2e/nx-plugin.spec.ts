/**
 * End to end: @strata/nx in a real Nx workspace, on SQLite. The workspace (support/workspace.ts) is a
 * temp folder with the fixture's `accounts` and `billing` services and Strata installed from its
 * packed tarballs; every step runs the workspace's own `nx` as a person would, then reads the result
 * back: nx.json, the revision files, the ledger rows in the database, the exit codes and Nx's output.
 *
 * The steps share one workspace and run in order (each needs the state the previous one left).
 * PostgreSQL and MySQL: nx-plugin-dialects.spec.ts.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACCOUNTS_SQLITE_LAST_COLUMN, BILLING_SQLITE_LAST_COLUMN } from './support/fixture.js';
import {
  createWorkspace,
  expectSuccess,
  packStrata,
  readLedger,
  revisionIdOf,
  tasksRun,
  type CommandResult,
  type Ledger,
  type StrataTarballs,
  type Workspace,
  NX_TEST_TIMEOUT_MS,
} from './support/workspace.js';

vi.setConfig({ testTimeout: NX_TEST_TIMEOUT_MS });

const VERBS = ['migrate', 'migrate-down', 'migrate-stamp', 'migrate-repair', 'migrate-merge', 'migrate-status', 'migrate-history', 'migrate-check', 'migrate-test'];

describe('@strata/nx end to end [SQLite]', () => {
  let tarballs: StrataTarballs | undefined;
  let ws: Workspace;
  const timings: string[] = [];
  let accountsRev = '';
  let billingRev = '';

  /** Runs nx in the workspace and records how long it took. */
  async function nx(args: string[]): Promise<CommandResult> {
    const result = await ws.nx(args);
    timings.push(`${(result.ms / 1000).toFixed(1)}s  nx ${args.join(' ')}`);
    return result;
  }

  const ledger = (): Promise<Ledger> => readLedger('sqlite', ws.sqliteUrl);

  beforeAll(async () => {
    tarballs = await packStrata();
    ws = await createWorkspace(tarballs, { label: 'sqlite', registerPlugin: false });
  }, 180_000);

  afterAll(async () => {
    if (timings.length > 0) console.log(`[e2e sqlite] nx commands:\n  ${timings.join('\n  ')}`);
    await ws?.dispose();
    await tarballs?.dispose();
  });

  it('init registers the plugin; every stream project gets the nine migrate targets', async () => {
    // `nx add @strata/nx` installs the package from the npm registry (where @strata/nx is not published),
    // then runs this generator: the package is already in node_modules here, so the generator is run directly.
    expectSuccess(await nx(['g', '@strata/nx:init', '--no-interactive']), 'nx g @strata/nx:init');

    const nxJson = JSON.parse(await ws.read('nx.json')) as {
      plugins?: (string | { plugin: string })[];
      targetDefaults?: Record<string, { dependsOn?: unknown[]; cache?: boolean }>;
    };
    expect((nxJson.plugins ?? []).map((p) => (typeof p === 'string' ? p : p.plugin))).toEqual(['@strata/nx/plugin']);
    expect(nxJson.targetDefaults?.['migrate']?.dependsOn).toEqual([{ dependencies: true, target: 'migrate', params: 'forward' }]);
    expect(nxJson.targetDefaults?.['migrate-test']?.cache).toBe(true);

    const shown = expectSuccess(await nx(['show', 'project', 'accounts', '--json']), 'nx show project');
    const project = JSON.parse(shown.stdout) as { targets: Record<string, { executor?: string; metadata?: { description?: string } }> };
    expect(Object.keys(project.targets).sort()).toEqual(expect.arrayContaining(VERBS));
    for (const verb of VERBS) {
      expect(project.targets[verb]?.executor, verb).toBe(`@strata/nx:${verb}`);
      expect(project.targets[verb]?.metadata?.description, verb).toMatch(/\w{4,}/);
    }
  });

  it('the migration generator writes guarded revisions; billing depends on accounts; migrate-check passes', async () => {
    expectSuccess(await nx(['g', '@strata/nx:migration', 'accounts', '-m', 'create users', '--no-interactive']), 'nx g migration accounts');
    const accountsFiles = await ws.list('apps/accounts/migrations');
    expect(accountsFiles).toHaveLength(1);
    expect(accountsFiles[0]).toMatch(/^\d{8}_\d{4}_create_users\.ts$/);
    const accountsSource = await ws.read(`apps/accounts/migrations/${accountsFiles[0]}`);
    accountsRev = revisionIdOf(accountsSource);
    expect(accountsSource).toContain("inspect.hasTable('users'");
    expect(accountsSource).toContain("op.createTable('users'");

    expectSuccess(
      await nx(['g', '@strata/nx:migration', 'billing', '-m', 'create invoices', `--dependsOn=accounts@${accountsRev}`, '--no-interactive']),
      'nx g migration billing',
    );
    const billingFiles = await ws.list('apps/billing/migrations');
    expect(billingFiles).toHaveLength(1);
    expect(billingFiles[0]).toMatch(/^\d{8}_\d{4}_create_invoices\.ts$/);
    const billingSource = await ws.read(`apps/billing/migrations/${billingFiles[0]}`);
    billingRev = revisionIdOf(billingSource);
    expect(billingSource).toContain("inspect.hasTable('invoices'");
    expect(billingSource).toMatch(new RegExp(`dependsOn:\\s*\\[\\s*'accounts@${accountsRev}'\\s*\\]`));
    // users belongs to accounts' stream: billing's revision references it and never creates it.
    expect(billingSource).not.toContain("createTable('users'");

    const check = await nx(['run-many', '-t', 'migrate-check', '--output-style=static']);
    expectSuccess(check, 'nx run-many -t migrate-check');
    expect(tasksRun(check.output).map((t) => t.task).sort()).toEqual(['accounts:migrate-check', 'billing:migrate-check']);

    // The packed `strata` bin agrees: one head per stream, every operation guarded, nothing left to generate.
    const strataCheck = await ws.strata(['check', '--json'], `${ws.root}/apps/billing`);
    expect(strataCheck.code, strataCheck.output).toBe(0);

    await ws.commit('strata: plugin and first revisions');
  });

  it('nx run billing:migrate migrates accounts first', async () => {
    const result = expectSuccess(await nx(['run', 'billing:migrate', '--output-style=static']), 'nx run billing:migrate');
    expect(tasksRun(result.output).map((t) => t.task)).toEqual(['accounts:migrate', 'billing:migrate']);

    const { history, versions, tables } = await ledger();
    const up = (stream: string) => history.find((row) => row.stream === stream && row.direction === 'up');
    expect(up('accounts')?.revision).toBe(accountsRev);
    expect(up('billing')?.revision).toBe(billingRev);
    expect((up('accounts')?.id ?? Infinity) < (up('billing')?.id ?? -Infinity)).toBe(true);
    expect(versions).toEqual({ accounts: [accountsRev], billing: [billingRev] });
    expect(tables).toEqual(['invoices', 'users']);
  });

  it('migrate-down to base is refused while billing depends on accounts; --cascade downgrades billing first', async () => {
    const refused = await nx(['run', 'accounts:migrate-down', '--to=base', '--output-style=static']);
    expect(refused.code, refused.output).not.toBe(0);
    // The engine's error, through the executor: the code, and the dependent stream it would strand.
    expect(refused.output).toMatch(/RUNNER_DEPENDENTS_APPLIED[^\n]*"billing"/);
    const before = await ledger();
    expect(before.versions).toEqual({ accounts: [accountsRev], billing: [billingRev] });
    expect(before.tables).toEqual(['invoices', 'users']);

    const cascaded = expectSuccess(await nx(['run', 'accounts:migrate-down', '--to=base', '--cascade', '--output-style=static']), 'migrate-down --cascade');
    expect(tasksRun(cascaded.output).map((t) => t.task)).toEqual(['accounts:migrate-down']);
    const after = await ledger();
    const lastId = Math.max(...before.history.map((row) => row.id));
    const reverted = after.history.filter((row) => row.id > lastId).map((row) => `${row.direction} ${row.stream}@${row.revision}`);
    expect(reverted).toEqual([`down billing@${billingRev}`, `down accounts@${accountsRev}`]);
    expect(after.versions).toEqual({});
    expect(after.tables).toEqual([]);
  });

  it('nx affected -t migrate-test tests what changed and its dependents, and caches the result', async () => {
    // A commit that changes billing only: a column added to its schema, and the revision for it.
    const billingSchema = await ws.read('apps/billing/src/schema.ts');
    expect(billingSchema).toContain(BILLING_SQLITE_LAST_COLUMN);
    await ws.write('apps/billing/src/schema.ts', billingSchema.replace(BILLING_SQLITE_LAST_COLUMN, `${BILLING_SQLITE_LAST_COLUMN}\n          note: sqlite.text('note'),`));
    expectSuccess(await nx(['g', '@strata/nx:migration', 'billing', '-m', 'add invoices note', '--no-interactive']), 'nx g migration billing (note)');
    expect((await ws.list('apps/billing/migrations')).some((file) => file.endsWith('_add_invoices_note.ts'))).toBe(true);
    await ws.commit('billing: invoices.note');

    const first = expectSuccess(await nx(['affected', '-t', 'migrate-test', '--base=HEAD~1', '--output-style=static']), 'nx affected (billing)');
    expect(tasksRun(first.output)).toEqual([{ task: 'billing:migrate-test', cached: false }]);
    expect(first.output).toMatch(/Stream "billing": migration test passed, 2 revision\(s\), \d+ steps \(stairway, idempotency, drift, base\) in /);

    const second = expectSuccess(await nx(['affected', '-t', 'migrate-test', '--base=HEAD~1', '--output-style=static']), 'nx affected (again)');
    expect(tasksRun(second.output)).toEqual([{ task: 'billing:migrate-test', cached: true }]);
    expect(second.output).toMatch(/existing outputs match the cache|local cache/);

    // A change in accounts: accounts is tested, and billing too (it depends on accounts' stream).
    const accountsSchema = await ws.read('apps/accounts/src/schema.ts');
    expect(accountsSchema).toContain(ACCOUNTS_SQLITE_LAST_COLUMN);
    await ws.write('apps/accounts/src/schema.ts', accountsSchema.replace(ACCOUNTS_SQLITE_LAST_COLUMN, `${ACCOUNTS_SQLITE_LAST_COLUMN}\n        nickname: sqlite.text('nickname'),`));
    expectSuccess(await nx(['g', '@strata/nx:migration', 'accounts', '-m', 'add users nickname', '--no-interactive']), 'nx g migration accounts (nickname)');
    await ws.commit('accounts: users.nickname');

    const third = expectSuccess(await nx(['affected', '-t', 'migrate-test', '--base=HEAD~1', '--output-style=static']), 'nx affected (accounts)');
    const ran = tasksRun(third.output);
    expect(ran.map((t) => t.task).sort()).toEqual(['accounts:migrate-test', 'billing:migrate-test']);
    expect(ran.every((t) => !t.cached)).toBe(true);
  });
});
