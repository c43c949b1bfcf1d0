import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Tree } from '@nx/devkit';
import Database from 'better-sqlite3';
import { flushChanges, FsTree } from 'nx/src/generators/tree';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { streamGenerator } from '../stream/stream';
import { migrationGenerator } from './migration';

const REPO_NODE_MODULES = join(__dirname, '..', '..', '..', '..', '..', 'node_modules');

/** The strata_* tables of a SQLite database file (none when the file does not exist). */
function ledgerTables(file: string): string[] {
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'strata_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

/** The history rows of a SQLite database file as [revision, direction]. */
function stampRows(file: string): string[][] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT revision, direction FROM strata_history ORDER BY id').all() as { revision: string; direction: string }[]).map((r) => [r.revision, r.direction]);
  } finally {
    db.close();
  }
}

/** A workspace on disk (the engine reads configs, schemas and revisions from disk), changed through an FsTree. */
describe('@strata/nx:migration and @strata/nx:stream', () => {
  let root: string;
  let tree: Tree;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const schema = (tables: string) => `import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core';\n${tables}\n`;
  const written = () => tree.listChanges().map((change) => `${change.type} ${change.path}`);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'strata-nx-gen-'));
    symlinkSync(REPO_NODE_MODULES, join(root, 'node_modules'), 'dir');
    write('package.json', '{ "name": "ws", "private": true }');
    write('nx.json', '{}');
    write('apps/billing/project.json', '{ "name": "billing", "root": "apps/billing" }');
    write('apps/billing/drizzle.config.ts', "export default { dialect: 'sqlite', schema: './src/schema.ts', dbCredentials: { url: 'file:billing.db' } };");
    write('apps/billing/src/schema.ts', schema("export const invoices = sqliteTable('invoices', { id: integer('id').primaryKey() });"));
    tree = new FsTree(root, false);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('stream: writes the initial revision through the Tree only (dry-run safe)', async () => {
    await streamGenerator(tree, { project: 'billing', revId: 'aaaa00000001' });
    expect(written()).toEqual([expect.stringMatching(/^CREATE apps\/billing\/migrations\/\d{8}_\d{4}_initial_schema\.ts$/)]);
    expect(existsSync(join(root, 'apps/billing/migrations'))).toBe(false);
    const source = tree.read(tree.listChanges()[0]!.path, 'utf8') ?? '';
    expect(source).toContain("if (!(await inspect.hasTable('invoices', invoices))) await op.createTable('invoices', invoices);");
  });

  it('migration: autogenerates the difference, with dependsOn', async () => {
    write('apps/billing/migrations/20240101_0000_initial.ts', "import { revision } from '@strata/engine';\nexport default revision({ id: 'aaaa00000001', parents: [], async upgrade() {}, async downgrade() {} });\n");
    await migrationGenerator(tree, { project: 'billing', message: 'create invoices', revId: 'bbbb00000002', dependsOn: ['accounts@3f2a9c1d4e5b'] });
    const [change] = tree.listChanges();
    expect(change?.path).toMatch(/apps\/billing\/migrations\/\d{8}_\d{4}_create_invoices\.ts$/);
    const source = change?.content?.toString() ?? '';
    expect(source).toContain("parents: ['aaaa00000001'],");
    expect(source).toContain("dependsOn: ['accounts@3f2a9c1d4e5b'],");
    expect(source).toContain("await op.createTable('invoices', invoices)");
  });

  it('migration: a foreign key to another stream\'s table adds dependsOn that stream\'s head (issue 12, item 4)', async () => {
    write('apps/accounts/project.json', '{ "name": "accounts", "root": "apps/accounts" }');
    write('apps/accounts/drizzle.config.ts', "export default { dialect: 'sqlite', schema: './src/schema.ts', dbCredentials: { url: 'file:accounts.db' } };");
    write('apps/accounts/src/schema.ts', schema("export const users = sqliteTable('users', { id: integer('id').primaryKey() });"));
    write(
      'apps/accounts/migrations/20240101_0000_create_users.ts',
      "import { revision } from '@strata/engine';\nexport default revision({ id: 'acc000000001', parents: [], message: 'create users', async upgrade({ op, inspect }) { if (!(await inspect.hasTable('users'))) await op.createTable('users', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] }); }, async downgrade() {} });\n",
    );
    write(
      'apps/billing/src/schema.ts',
      "import { sqliteTable, integer } from 'drizzle-orm/sqlite-core';\nimport { users } from '../../accounts/src/schema';\n" +
        "export const invoices = sqliteTable('invoices', { id: integer('id').primaryKey(), userId: integer('user_id').references(() => users.id) });\n",
    );
    tree = new FsTree(root, false);
    await migrationGenerator(tree, { project: 'billing', message: 'create invoices', revId: 'bbbb00000002' });
    const source = tree.read(tree.listChanges()[0]!.path, 'utf8') ?? '';
    expect(source).toContain("dependsOn: ['accounts@acc000000001'],");
    expect(source).toContain("referencedTable: 'users'");

    // A dependency the user gave on that stream is kept as given, not doubled.
    tree = new FsTree(root, false);
    await migrationGenerator(tree, { project: 'billing', message: 'create invoices', revId: 'cccc00000003', dependsOn: ['accounts@acc0'] });
    expect(tree.read(tree.listChanges()[0]!.path, 'utf8')).toContain("dependsOn: ['accounts@acc0'],");
  });

  it('migration --empty: an empty revision', async () => {
    write('apps/billing/src/schema.ts', schema(''));
    write('apps/billing/drizzle.config.ts', "export default { dialect: 'sqlite', dbCredentials: { url: 'file:billing.db' } };");
    await migrationGenerator(tree, { project: 'billing', message: 'backfill', empty: true, revId: 'cccc00000003' });
    expect(tree.read(tree.listChanges()[0]!.path, 'utf8')?.replace(/Create Date: .*/, 'Create Date: <date>')).toMatchInlineSnapshot(`
      "/**
       * backfill
       *
       * Revision ID: cccc00000003
       * Parents: none (base revision)
       * Create Date: <date>
       */
      import { revision } from '@strata/engine';

      export default revision({
        id: 'cccc00000003',
        parents: [],
        message: 'backfill',
        async upgrade({ execute }) {},
        async downgrade({ execute }) {},
      });
      "
    `);
  });

  it('migration: no change, no file', async () => {
    await streamGenerator(tree, { project: 'billing', revId: 'aaaa00000001' });
    flushChanges(root, tree.listChanges());
    tree = new FsTree(root, false);
    await migrationGenerator(tree, { project: 'billing', message: 'nothing' });
    expect(written()).toEqual([]);
  });

  it('stream --baseline refuses a database without the Drizzle schema, listing the differences; --force stamps anyway (issue 12, item 6)', async () => {
    const url = `file:${join(root, 'empty.db')}`;
    // A file that does not exist is no database to baseline either: refused as missing, and not created.
    await expect(streamGenerator(tree, { project: 'billing', revId: 'aaaa00000001', baseline: true, url })).rejects.toThrow(
      /^DIALECT_DATABASE_FILE_MISSING: The SQLite database file .*empty\.db .*does not exist.*\nhint: .*`nx run billing:migrate`/s,
    );
    expect(existsSync(join(root, 'empty.db'))).toBe(false);
    new Database(join(root, 'empty.db')).close();
    const refused = streamGenerator(tree, { project: 'billing', revId: 'aaaa00000001', baseline: true, url });
    await expect(refused).rejects.toThrow(/^NX_BASELINE_MISMATCH: Project "billing": --baseline would stamp .*empty\.db as having the Drizzle schema, but the database differs from it \(1 change needed: createTable invoices\)\.\nhint: .*--force/s);
    expect(written(), 'nothing is written').toEqual([]);
    expect(ledgerTables(join(root, 'empty.db'))).toEqual([]);

    const stamp = await streamGenerator(tree, { project: 'billing', revId: 'aaaa00000001', baseline: true, url, force: true });
    flushChanges(root, tree.listChanges());
    await stamp();
    expect(stampRows(join(root, 'empty.db'))).toEqual([['aaaa00000001', 'stamp']]);
  });

  it('stream --baseline stamps a database that has the Drizzle schema', async () => {
    const file = join(root, 'existing.db');
    const db = new Database(file);
    db.exec('CREATE TABLE invoices (id integer PRIMARY KEY)');
    db.close();
    const stamp = await streamGenerator(tree, { project: 'billing', revId: 'aaaa00000001', baseline: true, url: `file:${file}` });
    flushChanges(root, tree.listChanges());
    await stamp();
    expect(stampRows(file)).toEqual([['aaaa00000001', 'stamp']]);
  });

  it('rejects a malformed rename hint with the engine\'s code, in Nx\'s spelling', async () => {
    write('apps/billing/migrations/20240101_0000_initial.ts', "import { revision } from '@strata/engine';\nexport default revision({ id: 'aaaa00000001', parents: [], async upgrade() {}, async downgrade() {} });\n");
    await expect(migrationGenerator(tree, { project: 'billing', message: 'rename', rename: 'users=x' })).rejects.toThrow(
      /^AUTOGENERATE_RENAME_HINT_FORMAT: --rename takes TABLE\.OLD=NEW, not "users=x"\.\nhint: Write it as --rename users\.name=full_name\./,
    );
    await expect(migrationGenerator(tree, { project: 'billing', message: 'rename', renameEnumValue: 'sad=blue' })).rejects.toThrow(
      /^AUTOGENERATE_RENAME_HINT_FORMAT: --renameEnumValue takes TYPE\.OLD=NEW, not "sad=blue"\./,
    );
    expect(written()).toEqual([]);
  });
});
