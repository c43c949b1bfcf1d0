import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExecutorContext, ProjectGraph } from '@nx/devkit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import migrateDownExecutor from '../migrate-down/migrate-down.impl';
import migrateStampExecutor from '../migrate-stamp/migrate-stamp.impl';
import migrateStatusExecutor from '../migrate-status/migrate-status.impl';
import migrateExecutor from './migrate.impl';

const REPO_NODE_MODULES = join(__dirname, '..', '..', '..', '..', '..', 'node_modules');

/** Two SQLite streams in separate databases; billing's revision depends on accounts'. */
describe('@strata/nx:migrate and migrate-down', () => {
  let root: string;
  let output: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const revision = (id: string, table: string, dependsOn: string[] = []) =>
    `import { revision } from '@strata/engine';\nconst t = { columns: [{ name: 'id', type: 'integer', primaryKey: true }] };\n` +
    `export default revision({ id: '${id}', parents: [], dependsOn: ${JSON.stringify(dependsOn)},\n` +
    `  async upgrade({ op, inspect }) { if (!(await inspect.hasTable('${table}'))) await op.createTable('${table}', t); },\n` +
    `  async downgrade({ op, inspect }) { if (await inspect.hasTable('${table}')) await op.dropTable('${table}'); } });\n`;
  const node = (name: string) => ({
    name,
    type: 'app' as const,
    data: { root: `apps/${name}`, metadata: { strata: { stream: name, revisionsDir: `apps/${name}/migrations` } }, targets: { migrate: { executor: '@strata/nx:migrate', options: { cwd: `apps/${name}` } } } },
  });
  const context = (projectName: string): ExecutorContext => {
    const projectGraph: ProjectGraph = {
      nodes: { accounts: node('accounts'), billing: node('billing') },
      dependencies: { billing: [{ source: 'billing', target: 'accounts', type: 'static' }], accounts: [] },
    };
    return {
      root,
      cwd: root,
      isVerbose: false,
      projectName,
      targetName: 'migrate',
      projectGraph,
      projectsConfigurations: { version: 2, projects: { accounts: node('accounts').data, billing: node('billing').data } },
      nxJsonConfiguration: {},
    };
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'strata-nx-exec-'));
    symlinkSync(REPO_NODE_MODULES, join(root, 'node_modules'), 'dir');
    for (const name of ['accounts', 'billing']) {
      write(`apps/${name}/project.json`, JSON.stringify({ name }));
      write(`apps/${name}/strata.config.json`, JSON.stringify({ dialect: 'sqlite', url: `file:${name}.db` }));
    }
    write('apps/accounts/migrations/20240101_0000_users.ts', revision('aaaa00000001', 'users'));
    write('apps/billing/migrations/20240101_0000_invoices.ts', revision('bbbb00000001', 'invoices', ['accounts@aaaa00000001']));
    output = '';
    const capture = (chunk: string | Uint8Array) => {
      output += String(chunk);
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(root, { recursive: true, force: true });
  });

  it('checks the dependency in the other stream\'s database (the workspace map), message and hint without a stack', async () => {
    expect(await migrateExecutor({ cwd: 'apps/billing' }, context('billing'))).toEqual({ success: false });
    expect(output).toContain('error RUNNER_DEPENDENCY_NOT_APPLIED');
    expect(output).toContain('hint: ');
    expect(output).not.toContain('    at ');
  });

  it('forwarded params mean one thing for the chain: --url is every stream\'s database, --to the asked-for stream\'s target (issue 12)', async () => {
    // `nx run billing:migrate --url=file:staging.db --to=bbbb00000001`: accounts:migrate runs first with the same params.
    const params = { url: 'file:staging.db', to: 'bbbb00000001' };
    const task = (project: string) => ({ id: `${project}:migrate`, target: { project, target: 'migrate' }, overrides: params, outputs: [], cache: false });
    const taskGraph = {
      roots: ['accounts:migrate'],
      tasks: { 'accounts:migrate': task('accounts'), 'billing:migrate': task('billing') },
      dependencies: { 'accounts:migrate': [], 'billing:migrate': ['accounts:migrate'] },
      continuousDependencies: {},
    } as unknown as ExecutorContext['taskGraph'];
    const inChain = (projectName: string): ExecutorContext => ({ ...context(projectName), taskGraph });

    expect(await migrateExecutor({ cwd: 'apps/accounts', ...params }, inChain('accounts'))).toEqual({ success: true });
    expect(output).toContain('warning: --to=bbbb00000001 is the target of billing:migrate; accounts, which runs first, goes to head.');
    // billing's check reads accounts' ledger on staging, where the chain migrated it, not on accounts.db.
    expect(await migrateExecutor({ cwd: 'apps/billing', ...params }, inChain('billing'))).toEqual({ success: true });
    expect(output).toContain('Stream "billing": 1 revision(s) applied');
    // One file for the chain: the relative path typed on the command line is the workspace root's.
    expect(existsSync(join(root, 'staging.db'))).toBe(true);
    expect(existsSync(join(root, 'apps', 'accounts', 'staging.db'))).toBe(false);
  });

  it('migrates once the dependency is applied, and refuses a stranding downgrade unless cascaded', async () => {
    expect(await migrateExecutor({ cwd: 'apps/accounts' }, context('accounts'))).toEqual({ success: true });
    expect(await migrateExecutor({ cwd: 'apps/billing', to: 'head' }, context('billing'))).toEqual({ success: true });
    expect(output).toContain('Stream "billing": 1 revision(s) applied');
    expect(await migrateDownExecutor({ cwd: 'apps/accounts', to: 'base' }, context('accounts'))).toEqual({ success: false });
    expect(output).toContain('RUNNER_DEPENDENTS_APPLIED');
    expect(await migrateDownExecutor({ cwd: 'apps/accounts', to: 'base', cascade: true }, context('accounts'))).toEqual({ success: true });
    expect(output).toContain('Stream "billing" (cascade): 1 revision(s) reverted');
  });

  it('tenantsFile upgrades every tenant listed; a failing tenant fails the task and the others reach head (issue 14)', async () => {
    write('tenants/list.txt', '# tenants\nfile:t1.db\nfile:t2.db\n');
    expect(await migrateExecutor({ cwd: 'apps/accounts', tenantsFile: 'tenants/list.txt', concurrency: 2 }, context('accounts'))).toEqual({ success: true });
    expect(output).toMatch(/^\[1\/2\] ok /m);
    expect(output).toContain('Stream "accounts": upgrade head on 2 tenant(s): 2 ok, 0 already at head, 0 failed.');
    for (const name of ['t1.db', 't2.db']) expect(existsSync(join(root, 'tenants', name))).toBe(true);

    // A third tenant whose database is a folder cannot be opened: the task fails, the others are already at head.
    mkdirSync(join(root, 'tenants', 'broken.db'));
    write('tenants/list.txt', 'file:t1.db\nfile:broken.db\nfile:t2.db\n');
    output = '';
    expect(await migrateExecutor({ cwd: 'apps/accounts', tenantsFile: 'tenants/list.txt', shard: '1/1' }, context('accounts'))).toEqual({ success: false });
    expect(output).toContain('1 failed');
    expect(output).toMatch(/file:broken\.db\s+failed\s+\? → \?\s+DIALECT_SQLITE_CANNOT_OPEN/);
    expect(output.match(/already at head/g)?.length).toBeGreaterThanOrEqual(2);
    expect(await migrateExecutor({ cwd: 'apps/accounts', tenantsFile: 'tenants/list.txt', tenantsSql: 'SELECT 1' }, context('accounts'))).toEqual({ success: false });
    expect(output).toContain('Pass either tenantsFile or tenantsSql');
  });

  it('migrate-status counts the tenants per revision; migrate-down and migrate-stamp fan out too; single-database options are refused beside tenants', async () => {
    write('tenants/list.txt', 'file:t1.db\nfile:t2.db\nfile:t3.db\n');
    const tenants = { cwd: 'apps/accounts', tenantsFile: 'tenants/list.txt' };
    expect(await migrateExecutor(tenants, context('accounts'))).toEqual({ success: true });
    expect(await migrateDownExecutor({ ...tenants, to: 'base', shard: '1/1', tenantsFile: 'tenants/one.txt' }, context('accounts'))).toEqual({ success: false });
    expect(output).toContain('FANOUT_TARGETS_FILE_NOT_FOUND');

    write('tenants/one.txt', 'file:t2.db\n');
    output = '';
    expect(await migrateDownExecutor({ ...tenants, to: 'base', tenantsFile: 'tenants/one.txt' }, context('accounts'))).toEqual({ success: true });
    expect(output).toContain('Stream "accounts": downgrade base on 1 tenant(s): 1 ok');
    output = '';
    expect(await migrateStatusExecutor(tenants, context('accounts'))).toEqual({ success: true });
    expect(output).toMatch(/^aaaa00000001 \(head\)\s+2$/m);
    expect(output).toMatch(/^<base>\s+1$/m);

    output = '';
    expect(await migrateStampExecutor({ ...tenants, to: 'head', json: true }, context('accounts'))).toEqual({ success: true });
    // The progress lines come first, then the document.
    const stamped = JSON.parse(output.slice(output.indexOf('\n{') + 1)) as { tenants: { url: string; status: string }[] };
    expect(stamped.tenants.map((t) => [t.url, t.status])).toEqual([['file:t1.db', 'unchanged'], ['file:t2.db', 'ok'], ['file:t3.db', 'unchanged']]);

    output = '';
    expect(await migrateDownExecutor({ ...tenants, to: 'base', cascade: true }, context('accounts'))).toEqual({ success: false });
    expect(output).toContain('cascade reverts the dependent streams of one database; it does not combine with tenantsFile or tenantsSql.');
    expect(await migrateExecutor({ ...tenants, sql: true }, context('accounts'))).toEqual({ success: false });
    expect(output).toContain('sql renders a script without a database');
  });

  it('the engine\'s upgrade command under Nx: dryRun previews a drop and changes nothing, the run warns of it, strictSafety is passed on', async () => {
    expect(await migrateExecutor({ cwd: 'apps/accounts' }, context('accounts'))).toEqual({ success: true });
    write(
      'apps/accounts/migrations/20240102_0000_drop_users.ts',
      `import { revision } from '@strata/engine';\nexport default revision({ id: 'aaaa00000002', parents: ['aaaa00000001'],\n` +
        `  async upgrade({ op, inspect }) { if (await inspect.hasTable('users')) await op.dropTable('users'); },\n` +
        `  async downgrade({ op, inspect }) { if (!(await inspect.hasTable('users'))) await op.createTable('users', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] }); } });\n`,
    );
    output = '';
    expect(await migrateExecutor({ cwd: 'apps/accounts', dryRun: true }, context('accounts'))).toEqual({ success: true });
    expect(output).toContain('(dry run, nothing changed): would apply 1 revision(s)');
    expect(output).toMatch(/aaaa00000002 {2}\(1 destructive operation\(s\)\)\n\s+! drops table users and its rows: 0 row\(s\)/);
    output = '';
    expect(await migrateExecutor({ cwd: 'apps/accounts', strictSafety: true }, context('accounts'))).toEqual({ success: true });
    expect(output).toMatch(/warning: stream "accounts", revision aaaa00000002 drops table users/);
    expect(output).toContain('Stream "accounts": 1 revision(s) applied');
    output = '';
    expect(await migrateExecutor({ cwd: 'apps/accounts', dryRun: true, tenantsFile: 'tenants.txt' }, context('accounts'))).toEqual({ success: false });
    expect(output).toContain('dryRun previews one database; it does not combine with tenantsFile or tenantsSql.');
  });

  it('migrate-status before the first migrate: DIALECT_DATABASE_FILE_MISSING with the migrate target as the next step, no file made', async () => {
    const file = join(root, 'apps', 'accounts', 'accounts.db');
    expect(await migrateStatusExecutor({ cwd: 'apps/accounts' }, context('accounts'))).toEqual({ success: false });
    expect(output).toContain(`error DIALECT_DATABASE_FILE_MISSING: The SQLite database file ${file} (from file:`);
    expect(output).toContain('hint: Check the path in the URL; for a new database, run `nx run accounts:migrate` to create it.');
    expect(existsSync(file)).toBe(false);
    expect(existsSync(join(root, 'accounts.db'))).toBe(false);
    expect(await migrateExecutor({ cwd: 'apps/accounts' }, context('accounts'))).toEqual({ success: true });
    expect(existsSync(file)).toBe(true);
    output = '';
    expect(await migrateStatusExecutor({ cwd: 'apps/accounts' }, context('accounts'))).toEqual({ success: true });
    expect(output).toContain('Up to date.');
  });

  it('prints the SQL script with --sql, without a database', async () => {
    expect(await migrateExecutor({ cwd: 'apps/accounts', sql: true }, context('accounts'))).toEqual({ success: true });
    expect(output).toContain('CREATE TABLE "users"');
  });

  it('sql with strictSafety is refused, naming migrate-check, which judges without a database; nothing printed as a script', async () => {
    expect(await migrateExecutor({ cwd: 'apps/accounts', sql: true, strictSafety: true }, context('accounts'))).toEqual({ success: false });
    expect(output).toContain('error OFFLINE_STRICT_SAFETY: Stream "accounts": --strictSafety judges pending operations against the live tables, and --sql opens no database.');
    expect(output).toContain('`nx run accounts:migrate-check --strictSafety`');
    expect(output).not.toContain('CREATE TABLE');
  });
});
