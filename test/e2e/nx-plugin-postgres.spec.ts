/**
 * End to end on PostgreSQL, through the packed packages in a throwaway Nx workspace (issue 12):
 *
 * - item 4: billing's invoices reference accounts' users. The migration generator adds billing's
 *   `dependsOn: ['accounts@<head>']` by itself and says so; `migrate-check` fails on the same revision
 *   once the dependency is taken out.
 * - item 3: renaming `users` (which the invoices' foreign key points at) with `--renameTable` migrates:
 *   the table, its primary key and unique constraint are renamed in place, and the foreign key stays.
 * - item 11: `migrate-check` (without --db) is served from the cache the second time.
 *
 * PostgreSQL only (the rename failed there); the suite fails under CI=true when the server is down.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { loadDialect } from '../../packages/engine/src/dialects/registry.js';
import { describeDialects, type TestDatabase } from '../../packages/engine/test/support/databases.js';
import {
  createWorkspace,
  databaseEnv,
  expectSuccess,
  NX_TEST_TIMEOUT_MS,
  packStrata,
  readLedger,
  revisionIdOf,
  tasksRun,
  type StrataTarballs,
  type Workspace,
} from './support/workspace.js';

vi.setConfig({ testTimeout: NX_TEST_TIMEOUT_MS });

let tarballs: StrataTarballs | undefined;

beforeAll(async () => {
  tarballs = await packStrata();
}, 180_000);

afterAll(async () => {
  await tarballs?.dispose();
});

/** The constraints of the database's user tables: `table constraint type → referenced table`. */
async function constraints(url: string): Promise<string[]> {
  const dialect = await loadDialect('postgresql');
  const connection = await dialect.connect(url);
  try {
    const rows = await connection.query(
      `SELECT c.conrelid::regclass::text AS "table", c.conname AS name, c.contype AS type, CASE WHEN c.contype = 'f' THEN c.confrelid::regclass::text ELSE '' END AS referenced
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public' AND t.relname NOT LIKE 'strata\\_%' AND c.contype IN ('p', 'u', 'f')
        ORDER BY 1, 2`,
    );
    return rows.map((row) => `${String(row.table)} ${String(row.name)} ${String(row.type)}${row.referenced ? ` → ${String(row.referenced)}` : ''}`);
  } finally {
    await connection.close();
  }
}

await describeDialects(
  '@strata/nx on PostgreSQL: cross-stream dependsOn, table rename under a foreign key',
  (ctx) => {
    let db: TestDatabase;
    let ws: Workspace | undefined;
    let accountsRev = '';

    beforeAll(async () => {
      db = await ctx.createDatabase('nx_e2e_rename');
      if (tarballs === undefined) throw new Error('The packages were not packed.');
      ws = await createWorkspace(tarballs, { label: 'pg-rename', registerPlugin: true, env: databaseEnv('postgresql', db.url) });
    }, NX_TEST_TIMEOUT_MS);

    afterAll(async () => {
      // The database is dropped by describeDialects.
      await ws?.dispose();
    });

    it('the generator adds billing\'s dependsOn on accounts; migrate-check fails without it (item 4), and is cached (item 11)', async () => {
      const workspace = ws as Workspace;
      expectSuccess(await workspace.nx(['g', '@strata/nx:migration', 'accounts', '-m', 'create users', '--no-interactive']), 'nx g migration accounts');
      accountsRev = revisionIdOf(await workspace.read(`apps/accounts/migrations/${(await workspace.list('apps/accounts/migrations'))[0]}`));

      // No --dependsOn: the foreign key to accounts' users is enough.
      const generated = expectSuccess(await workspace.nx(['g', '@strata/nx:migration', 'billing', '-m', 'create invoices', '--no-interactive']), 'nx g migration billing');
      expect(generated.output).toContain(`dependsOn accounts@${accountsRev} added: foreign key invoices_user_id_users_id_fk on invoices references users, which stream accounts owns`);
      const billingFile = `apps/billing/migrations/${(await workspace.list('apps/billing/migrations'))[0]}`;
      const billing = await workspace.read(billingFile);
      expect(billing).toContain(`dependsOn: ['accounts@${accountsRev}'],`);

      await workspace.write(billingFile, billing.replace(`  dependsOn: ['accounts@${accountsRev}'],\n`, ''));
      const check = await workspace.nx(['run', 'billing:migrate-check', '--output-style=static']);
      expect(check.code, check.output).not.toBe(0);
      expect(check.output).toContain('AUTOGENERATE_CHECK_FAILED');
      expect(check.output).toContain(`which stream accounts owns, without depending on that stream: add \`dependsOn: ['accounts@${accountsRev}']\``);
      await workspace.write(billingFile, billing);

      // Without --db the check reads files only: cached, the second run replays both streams (item 11).
      expectSuccess(await workspace.nx(['run-many', '-t', 'migrate-check', '--output-style=static']), 'nx run-many -t migrate-check');
      const again = expectSuccess(await workspace.nx(['run-many', '-t', 'migrate-check', '--output-style=static']), 'nx run-many -t migrate-check, again');
      expect(tasksRun(again.output).sort((a, b) => a.task.localeCompare(b.task))).toEqual([
        { task: 'accounts:migrate-check', cached: true },
        { task: 'billing:migrate-check', cached: true },
      ]);
    });

    it('migrates billing after accounts, then renames users to members in place: the foreign key stays (item 3)', async () => {
      const workspace = ws as Workspace;
      const migrated = expectSuccess(await workspace.nx(['run', 'billing:migrate', '--output-style=static']), 'nx run billing:migrate');
      expect(tasksRun(migrated.output).map((t) => t.task)).toEqual(['accounts:migrate', 'billing:migrate']);
      expect(await constraints(db.url)).toEqual([
        'invoices invoices_pkey p',
        'invoices invoices_user_id_users_id_fk f → users',
        'users users_email_unique u',
        'users users_pkey p',
      ]);

      const schema = await workspace.read('apps/accounts/src/schema.ts');
      await workspace.write('apps/accounts/src/schema.ts', schema.replace("pg.pgTable('users', {", "pg.pgTable('members', {"));
      const renamed = expectSuccess(
        await workspace.nx(['g', '@strata/nx:migration', 'accounts', '-m', 'rename users to members', '--renameTable=users=members', '--no-interactive']),
        'nx g migration accounts --renameTable',
      );
      const file = (await workspace.list('apps/accounts/migrations')).find((name) => name.endsWith('_rename_users_to_members.ts'));
      expect(file, renamed.output).toBeDefined();
      const revision = await workspace.read(`apps/accounts/migrations/${file}`);
      expect(revision).toContain("await op.renameTable('users', 'members');");
      expect(revision).toContain("await op.renameConstraint('members', 'users_pkey', 'members_pkey');");
      expect(revision).not.toMatch(/dropPrimaryKey|dropTable|createTable/);

      expectSuccess(await workspace.nx(['run', 'accounts:migrate', '--output-style=static']), 'nx run accounts:migrate');
      const ledger = await readLedger('postgresql', db.url);
      expect(ledger.tables).toEqual(['invoices', 'members']);
      expect(ledger.versions['accounts']).toEqual([revisionIdOf(revision)]);
      expect(await constraints(db.url)).toEqual([
        'invoices invoices_pkey p',
        'invoices invoices_user_id_users_id_fk f → members',
        'members members_email_unique u',
        'members members_pkey p',
      ]);
    });
  },
  ['postgresql'],
);
