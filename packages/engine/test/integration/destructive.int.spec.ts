import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { PendingDestructiveOperation, UpgradePreview } from '../../src/autogenerate/check-destructive.js';
import { ALL_TARGETS, describeDialects } from '../support/databases.js';
import { StreamFixture, describeRun, jsonOf, listTables, makeTempDir, versionRows, withConnection } from '../support/streams.js';

// Issue 11 #6: destructive operations of pending revisions are reported by check, upgrade and upgrade --dry-run.
const A = 'aaaa00000001';
const B = 'bbbb00000002';
const C = 'cccc00000003';
const D = 'dddd00000004';

/** The revisions: A creates users(id, bio) with an index; B drops the index and users.bio; C runs raw DELETE; D drops users. All guarded. */
const REVISIONS: readonly { id: string; parents: string[]; message: string; upgrade: string; downgrade: string }[] = [
  {
    id: A,
    parents: [],
    message: 'create users',
    upgrade: `if (!(await inspect.hasTable('users'))) await op.createTable('users', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'bio', type: 'varchar(200)' }] });
    if (!(await inspect.hasIndex('users', 'users_bio_idx'))) await op.createIndex('users_bio_idx', 'users', ['bio']);`,
    downgrade: `if (await inspect.hasTable('users')) await op.dropTable('users');`,
  },
  {
    id: B,
    parents: [A],
    message: 'drop bio',
    upgrade: `if (await inspect.hasIndex('users', 'users_bio_idx')) await op.dropIndex('users_bio_idx', 'users');
    if (await inspect.hasColumn('users', 'bio')) await op.dropColumn('users', 'bio');`,
    downgrade: `if (!(await inspect.hasColumn('users', 'bio'))) await op.addColumn('users', { name: 'bio', type: 'varchar(200)' });`,
  },
  { id: C, parents: [B], message: 'purge rows', upgrade: `await execute('DELETE FROM users WHERE id > 100');`, downgrade: '' },
  {
    id: D,
    parents: [C],
    message: 'drop users',
    upgrade: `if (await inspect.hasTable('users')) await op.dropTable('users');`,
    downgrade: `if (!(await inspect.hasTable('users'))) await op.createTable('users', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });`,
  },
];

function writeRevisions(dir: string): void {
  REVISIONS.forEach((r, index) => {
    const source = [
      "import { revision } from '@strata/engine';",
      '',
      'export default revision({',
      `  id: '${r.id}',`,
      `  parents: ${JSON.stringify(r.parents)},`,
      `  message: '${r.message}',`,
      '  async upgrade({ op, inspect, execute }) {',
      '    void op; void inspect; void execute;',
      `    ${r.upgrade}`,
      '  },',
      '  async downgrade({ op, inspect }) {',
      '    void op; void inspect;',
      `    ${r.downgrade}`,
      '  },',
      '});',
      '',
    ].join('\n');
    writeFileSync(join(dir, `20240201_000${index}_${r.message.replace(/ /g, '_')}.ts`), source);
  });
}

/** The destructive operations as `[revision, kind, severity, rows]`. */
const summary = (ops: readonly PendingDestructiveOperation[]) => ops.map((o) => [o.revision, o.kind, o.severity, o.rows]);

await describeDialects('destructive operations', (ctx) => {
  const temp = makeTempDir(`destructive-${ctx.name}`);
  afterAll(() => temp.remove());

  it('check, upgrade and upgrade --dry-run name every destructive operation; the dry run counts the rows and changes nothing', async () => {
    const db = await ctx.createDatabase('destructive');
    const s = new StreamFixture(temp.path, 'destructive-app', db.url);
    writeRevisions(s.dir);

    // Without --db every revision is pending; the check passes but says what drops.
    const check = await s.cli('check');
    expect(check.code, describeRun(check)).toBe(0);
    expect(check.stderr).toContain(`warning: destructive: revision ${B} drops index users_bio_idx on users`);
    expect(check.stderr).toContain(`warning: destructive: revision ${B} drops column users.bio and its values`);
    expect(check.stderr).toContain(`warning: destructive: revision ${C} (effect unknown) runs raw SQL: DELETE FROM users WHERE id > 100`);
    expect(check.stderr).toContain(`warning: destructive: revision ${D} drops table users and its rows`);
    expect(check.stdout).toContain('4 destructive operation(s) pending');

    expect((await s.cli('upgrade', A)).code).toBe(0);
    await withConnection(ctx.dialect, s.url, (c) => c.query("INSERT INTO users (id, bio) VALUES (1, 'a'), (2, NULL), (3, 'c')"));

    const dry = await s.cli('upgrade', '--dry-run', '--json');
    expect(dry.code, describeRun(dry)).toBe(0);
    const preview = jsonOf<UpgradePreview & { dryRun: boolean }>(dry);
    expect(preview).toMatchObject({ dryRun: true, headsBefore: [A], revisions: [B, C, D] });
    expect(summary(preview.destructive.operations)).toEqual([
      [B, 'dropIndex', 'destructive', undefined],
      [B, 'dropColumn', 'destructive', 2],
      [C, 'execute', 'unknown', undefined],
      [D, 'dropTable', 'destructive', 3],
    ]);
    const human = await s.cli('upgrade', '--dry-run');
    expect(human.stdout).toContain('would apply 3 revision(s)');
    expect(human.stdout).toContain('drops column users.bio and its values: 2 row(s) hold a value');
    expect(human.stdout).toContain('drops table users and its rows: 3 row(s)');
    expect(await versionRows(ctx.dialect, s.url, s.name), 'the dry run changed nothing').toEqual([A]);
    expect(await listTables(ctx.dialect, s.url)).toEqual(['users']);

    // With --db, only what the database has pending: A is applied and not listed.
    const dbCheck = await s.cli('check', '--db', '--json');
    expect(dbCheck.code, describeRun(dbCheck)).toBe(0);
    // The safety lint's findings (dropTable's ACCESS EXCLUSIVE on PostgreSQL) are safety.int.spec.ts's to assert.
    const kinds = jsonOf<{ findings: { kind: string; operation: PendingDestructiveOperation }[] }>(dbCheck)
      .findings.filter((f) => f.kind !== 'unsafe-operation')
      .map((f) => [f.kind, f.operation.revision]);
    expect(kinds).toEqual([
      ['destructive-operation', B],
      ['destructive-operation', B],
      ['destructive-operation', C],
      ['destructive-operation', D],
    ]);

    // upgrade warns before it runs, and --json carries the list.
    const up = await s.cli('upgrade', B, '--json');
    expect(up.code, describeRun(up)).toBe(0);
    expect(up.stderr).toContain(`warning: stream "${s.name}", revision ${B} drops column users.bio and its values`);
    expect(up.stderr).not.toContain(D);
    expect(summary(jsonOf<{ destructive: { operations: PendingDestructiveOperation[] } }>(up).destructive.operations)).toEqual([
      [B, 'dropIndex', 'destructive', undefined],
      [B, 'dropColumn', 'destructive', undefined],
    ]);
    const rest = await s.cli('upgrade');
    expect(rest.code, describeRun(rest)).toBe(0);
    expect(rest.stderr).toContain(`revision ${D} drops table users and its rows`);
    expect(await listTables(ctx.dialect, s.url)).toEqual([]);

    const done = await s.cli('upgrade', '--dry-run');
    expect(done.stdout).toMatch(/nothing to upgrade \(dry run\)/);
    const quiet = await s.cli('upgrade');
    expect(quiet.stderr).toBe('');
  });
}, ALL_TARGETS);
