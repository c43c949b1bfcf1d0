import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExecutorContext, ProjectGraph } from '@nx/devkit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import migrateExecutor from '../migrate/migrate.impl';
import migrateRepairExecutor from '../migrate-repair/migrate-repair.impl';
import migrateCheckExecutor from './migrate-check.impl';

const REPO_NODE_MODULES = join(__dirname, '..', '..', '..', '..', '..', 'node_modules');

/** Two SQLite streams with hand-written revisions: accounts creates users, billing's invoices reference it. */
describe('@strata/nx:migrate-check (cross-stream foreign keys) and migrate-repair', () => {
  let root: string;
  let output: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const invoices = (dependsOn: string[]) =>
    `import { revision } from '@strata/engine';\n` +
    `const t = { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'user_id', type: 'integer' }],\n` +
    `  foreignKeys: [{ name: 'invoices_user_id_users_id_fk', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'] }] };\n` +
    `export default revision({ id: 'bbbb00000001', parents: [], dependsOn: ${JSON.stringify(dependsOn)},\n` +
    `  async upgrade({ op, inspect }) { if (!(await inspect.hasTable('invoices'))) await op.createTable('invoices', t); },\n` +
    `  async downgrade({ op, inspect }) { if (await inspect.hasTable('invoices')) await op.dropTable('invoices'); } });\n`;
  const node = (name: string) => ({
    name,
    type: 'app' as const,
    data: { root: `apps/${name}`, metadata: { strata: { stream: name, revisionsDir: `apps/${name}/migrations` } }, targets: { migrate: { executor: '@strata/nx:migrate', options: { cwd: `apps/${name}` } } } },
  });
  const context = (projectName: string, targetName: string): ExecutorContext => {
    // No project-graph edge between them: the missing dependency is exactly what leaves it out.
    const projectGraph: ProjectGraph = { nodes: { accounts: node('accounts'), billing: node('billing') }, dependencies: { billing: [], accounts: [] } };
    return {
      root,
      cwd: root,
      isVerbose: false,
      projectName,
      targetName,
      projectGraph,
      projectsConfigurations: { version: 2, projects: { accounts: node('accounts').data, billing: node('billing').data } },
      nxJsonConfiguration: {},
    };
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'strata-nx-check-'));
    symlinkSync(REPO_NODE_MODULES, join(root, 'node_modules'), 'dir');
    for (const name of ['accounts', 'billing']) {
      write(`apps/${name}/project.json`, JSON.stringify({ name }));
      write(`apps/${name}/strata.config.json`, JSON.stringify({ dialect: 'sqlite', url: 'file:../../shared.db' }));
    }
    write(
      'apps/accounts/migrations/20240101_0000_users.ts',
      `import { revision } from '@strata/engine';\nexport default revision({ id: 'aaaa00000001', parents: [],\n` +
        `  async upgrade({ op, inspect }) { if (!(await inspect.hasTable('users'))) await op.createTable('users', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] }); },\n` +
        `  async downgrade({ op, inspect }) { if (await inspect.hasTable('users')) await op.dropTable('users'); } });\n`,
    );
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

  it('fails on a foreign key to another stream\'s table without dependsOn, naming the revision, the key, the owning stream and the fix (issue 12, item 4)', async () => {
    write('apps/billing/migrations/20240101_0000_invoices.ts', invoices([]));
    expect(await migrateCheckExecutor({ cwd: 'apps/billing' }, context('billing', 'migrate-check'))).toEqual({ success: false });
    expect(output).toContain('error AUTOGENERATE_CHECK_FAILED');
    expect(output).toContain(
      "revision bbbb00000001 (" + join(root, 'apps/billing/migrations/20240101_0000_invoices.ts') + ') adds foreign key invoices_user_id_users_id_fk on invoices to table users, ' +
        "which stream accounts owns, without depending on that stream: add `dependsOn: ['accounts@aaaa00000001']` to the revision " +
        '(applied already: then record its new checksum with nx run billing:migrate-repair)',
    );

    output = '';
    write('apps/billing/migrations/20240101_0000_invoices.ts', invoices(['accounts@aaaa00000001']));
    expect(await migrateCheckExecutor({ cwd: 'apps/billing' }, context('billing', 'migrate-check')), output).toEqual({ success: true });
  });

  it('warns of an operation that copies a live table, and fails on it with strictSafety (issue 13, item 4)', async () => {
    write('apps/billing/migrations/20240101_0000_invoices.ts', invoices(['accounts@aaaa00000001']));
    write(
      'apps/accounts/migrations/20240102_0000_users_name.ts',
      `import { revision } from '@strata/engine';\nexport default revision({ id: 'aaaa00000002', parents: ['aaaa00000001'],\n` +
        `  async upgrade({ op, inspect }) { if (await inspect.hasColumn('users', 'id')) await op.alterColumn('users', 'id', { type: 'bigint' }); },\n` +
        `  async downgrade() {} });\n`,
    );
    expect(await migrateCheckExecutor({ cwd: 'apps/accounts' }, context('accounts', 'migrate-check')), output).toEqual({ success: true });
    expect(output).toContain('warning: safety: revision aaaa00000002 alterColumn id on users: database write lock, recreates the table');

    output = '';
    expect(await migrateCheckExecutor({ cwd: 'apps/accounts', strictSafety: true }, context('accounts', 'migrate-check'))).toEqual({ success: false });
    expect(output).toContain('error AUTOGENERATE_CHECK_UNSAFE');
    expect(output).toContain('nx run accounts:migrate-check --strictSafety');
  });

  it('refuses --db on a cached migrate-check target, naming the uncached one (issue 12, item 11)', async () => {
    write('apps/billing/migrations/20240101_0000_invoices.ts', invoices(['accounts@aaaa00000001']));
    const checkTargets = {
      'migrate-check': { executor: '@strata/nx:migrate-check', cache: true },
      'db-check': { executor: '@strata/nx:migrate-check', options: { db: true }, cache: false },
    };
    const base = context('billing', 'migrate-check');
    const cached: ExecutorContext = {
      ...base,
      target: checkTargets['migrate-check'],
      projectsConfigurations: { version: 2, projects: { ...base.projectsConfigurations.projects, billing: { root: 'apps/billing', targets: checkTargets } } },
    };
    expect(await migrateCheckExecutor({ cwd: 'apps/billing', db: true }, cached)).toEqual({ success: false });
    expect(output).toContain('nx run billing:migrate-check is cached, so it cannot read the live database (--db).');
    expect(output).toContain('Run nx run billing:db-check, the uncached target that passes --db.');

    // The uncached target reads the database, so it needs one: migrated first, as in real use.
    expect(await migrateExecutor({ cwd: 'apps/accounts' }, context('accounts', 'migrate'))).toEqual({ success: true });
    expect(await migrateExecutor({ cwd: 'apps/billing' }, context('billing', 'migrate'))).toEqual({ success: true });
    output = '';
    expect(await migrateCheckExecutor({ cwd: 'apps/billing', db: true }, { ...cached, targetName: 'db-check', target: checkTargets['db-check'] }), output).toEqual({ success: true });
    expect(output).toContain('the database matches it');
    expect(await migrateCheckExecutor({ cwd: 'apps/billing' }, cached), output).toEqual({ success: true });
  });

  it('migrate-repair records an edited applied revision, after which migrate runs again (issue 12, item 5)', async () => {
    write('apps/billing/migrations/20240101_0000_invoices.ts', invoices(['accounts@aaaa00000001']));
    expect(await migrateExecutor({ cwd: 'apps/accounts' }, context('accounts', 'migrate'))).toEqual({ success: true });
    expect(await migrateExecutor({ cwd: 'apps/billing' }, context('billing', 'migrate'))).toEqual({ success: true });
    appendFileSync(join(root, 'apps/billing/migrations/20240101_0000_invoices.ts'), '// edited on purpose\n');
    expect(await migrateExecutor({ cwd: 'apps/billing' }, context('billing', 'migrate'))).toEqual({ success: false });
    expect(output).toContain('RUNNER_CHECKSUM_MISMATCH');
    expect(output).toContain('migrate-repair');

    output = '';
    expect(await migrateRepairExecutor({ cwd: 'apps/billing' }, context('billing', 'migrate-repair'))).toEqual({ success: true });
    expect(output).toContain('repaired  bbbb00000001');
    expect(output).toContain('Stream "billing": recorded the current checksum of 1 edited revision.');
    expect(await migrateExecutor({ cwd: 'apps/billing' }, context('billing', 'migrate')), output).toEqual({ success: true });
  });
});
