import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { UnsafeOperation } from '../../src/autogenerate/check-safety.js';
import type { DialectName } from '../../src/dialects/dialect.js';
import { describeDialects } from '../support/databases.js';
import { StreamFixture, describeRun, jsonOf, makeTempDir, versionRows, withConnection } from '../support/streams.js';

// Issue 13 #3 and #4: the safety lint of pending revisions, and DDL lock timeouts with retries.
const A = 'aaaa13000001';
const B = 'bbbb13000002';
const C = 'cccc13000003';
const D = 'dddd13000004';
const E = 'eeee13000005';

interface Spec {
  readonly id: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly upgrade: string;
  /** Extra fields of the revision({ ... }) call, as source. */
  readonly fields?: string;
}

/**
 * A creates users and orders (its index on the new table is no finding); B indexes orders; C widens
 * orders.amount from integer to bigint (a rewrite or copy); D widens orders.note within varchar (in
 * place on PostgreSQL and MySQL); E adds a foreign key, silenced with a reason. All guarded.
 */
const SPECS: readonly Spec[] = [
  {
    id: A,
    parents: [],
    message: 'create orders',
    upgrade: `if (!(await inspect.hasTable('users'))) await op.createTable('users', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });
    if (!(await inspect.hasTable('orders'))) await op.createTable('orders', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'user_id', type: 'integer' }, { name: 'amount', type: 'integer' }, { name: 'note', type: 'varchar(20)' }] });
    if (!(await inspect.hasIndex('orders', 'ix_orders_note'))) await op.createIndex('ix_orders_note', 'orders', ['note']);`,
  },
  { id: B, parents: [A], message: 'index orders by user', upgrade: `if (!(await inspect.hasIndex('orders', 'ix_orders_user'))) await op.createIndex('ix_orders_user', 'orders', ['user_id']);` },
  { id: C, parents: [B], message: 'widen amount', upgrade: `if (await inspect.hasColumn('orders', 'amount')) await op.alterColumn('orders', 'amount', { type: 'bigint' });` },
  { id: D, parents: [C], message: 'widen note', upgrade: `if (await inspect.hasColumn('orders', 'note')) await op.alterColumn('orders', 'note', { type: 'varchar(40)' });` },
  {
    id: E,
    parents: [D],
    message: 'orders reference users',
    upgrade: `if (!(await inspect.hasForeignKey('orders', 'fk_orders_user'))) await op.createForeignKey('fk_orders_user', 'orders', 'users', ['user_id'], ['id']);`,
    fields: `safety: { allow: [{ op: 'createForeignKey', name: 'fk_orders_user', reason: 'orders holds a few rows until launch' }] },`,
  },
];

function writeRevisions(dir: string): void {
  SPECS.forEach((r, index) => {
    const source = [
      "import { revision } from '@strata/engine';",
      '',
      'export default revision({',
      `  id: '${r.id}',`,
      `  parents: ${JSON.stringify(r.parents)},`,
      `  message: '${r.message}',`,
      ...(r.fields ? [`  ${r.fields}`] : []),
      '  async upgrade({ op, inspect }) {',
      `    ${r.upgrade}`,
      '  },',
      '  async downgrade() {},',
      '});',
      '',
    ].join('\n');
    writeFileSync(join(dir, `20240301_000${index}_${r.message.replace(/ /g, '_')}.ts`), source);
  });
}

/** What each dialect's rules find, as `[revision, kind, lock, work, silenced]`. */
const EXPECTED: Record<DialectName, readonly (readonly [string, string, string, string, boolean])[]> = {
  postgresql: [
    [B, 'createIndex', 'SHARE', 'build', false],
    [C, 'alterColumn', 'ACCESS EXCLUSIVE', 'rewrite', false],
    [E, 'createForeignKey', 'SHARE ROW EXCLUSIVE', 'scan', true],
  ],
  mysql: [
    [C, 'alterColumn', 'ALGORITHM=COPY', 'copy', false],
    [E, 'createForeignKey', 'ALGORITHM=COPY', 'copy', true],
  ],
  sqlite: [
    [C, 'alterColumn', 'database write lock', 'copy', false],
    [D, 'alterColumn', 'database write lock', 'copy', false],
    [E, 'createForeignKey', 'database write lock', 'copy', true],
  ],
};

const summary = (findings: readonly { kind: string; operation: UnsafeOperation }[]) =>
  findings.filter((f) => f.kind === 'unsafe-operation').map(({ operation: o }) => [o.revision, o.kind, o.lock, o.work, o.silenced !== undefined] as const);

await describeDialects('safety lint', (ctx) => {
  const temp = makeTempDir(`safety-${ctx.name}`);
  afterAll(() => temp.remove());

  it('check lists each risky pending op with its lock, silences the allowed one, adds row estimates with --db, and fails with --strict-safety; upgrade warns of them once before it runs, or stops with --strict-safety', async () => {
    const db = await ctx.createDatabase('safety_lint');
    const s = new StreamFixture(temp.path, 'safety-lint', db.url);
    writeRevisions(s.dir);

    const json = await s.cli('check', '--json');
    expect(json.code, describeRun(json)).toBe(0);
    const findings = jsonOf<{ findings: { kind: string; operation: UnsafeOperation }[] }>(json).findings;
    expect(summary(findings)).toEqual(EXPECTED[ctx.name]);
    const fk = findings.find((f) => f.kind === 'unsafe-operation' && f.operation.kind === 'createForeignKey')?.operation;
    expect(fk?.silenced).toBe('orders holds a few rows until launch');

    const human = await s.cli('check');
    expect(human.code, describeRun(human)).toBe(0);
    expect(human.stdout).toContain('safety, silenced (orders holds a few rows until launch): revision eeee13000005 createForeignKey fk_orders_user on orders');
    expect(human.stderr).not.toContain('warning: safety: revision eeee13000005');
    if (ctx.name === 'postgresql') {
      expect(human.stderr).toContain(`warning: safety: revision ${B} createIndex ix_orders_user on orders: SHARE lock, blocks writes while it builds`);
    }
    expect(human.stderr).toContain(`warning: safety: revision ${C} alterColumn amount on orders:`);

    const strict = await s.cli('check', '--strict-safety');
    expect(strict.code, describeRun(strict)).not.toBe(0);
    expect(strict.stderr).toContain('AUTOGENERATE_CHECK_UNSAFE');
    expect(strict.stderr).toContain(`revision ${C} alterColumn amount on orders`);

    // With --db: A is applied and its table holds rows; the pending ops get the table's estimate.
    expect((await s.cli('upgrade', A)).code).toBe(0);
    await withConnection(ctx.dialect, s.url, async (c) => {
      await c.query('INSERT INTO users (id) VALUES (1), (2)');
      await c.query("INSERT INTO orders (id, user_id, amount, note) VALUES (1, 1, 10, 'a'), (2, 1, 20, 'b'), (3, 2, 30, 'c')");
      if (ctx.name === 'postgresql') await c.query('ANALYZE orders');
      if (ctx.name === 'mysql') await c.query('ANALYZE TABLE orders');
    });
    const live = await s.cli('check', '--db', '--json');
    expect(live.code, describeRun(live)).toBe(0);
    const rows = jsonOf<{ findings: { kind: string; operation: UnsafeOperation }[] }>(live).findings.filter((f) => f.kind === 'unsafe-operation').map((f) => f.operation.rows);
    expect(rows).toHaveLength(EXPECTED[ctx.name].length);
    // InnoDB's TABLE_ROWS is a sampled estimate; PostgreSQL's reltuples after ANALYZE and SQLite's count are exact here.
    for (const n of rows) {
      if (ctx.name === 'mysql') expect(typeof n).toBe('number');
      else expect(n).toBe(3);
    }
    if (ctx.name !== 'mysql') expect((await s.cli('check', '--db')).stderr).toContain('(~3 rows)');

    // The dry run judges them against the database as the upgrade would: warnings, or with --strict-safety its failure.
    const preview = await s.cli('upgrade', '--dry-run', '--json');
    expect(preview.code, describeRun(preview)).toBe(0);
    expect(jsonOf<{ unsafe: UnsafeOperation[] }>(preview).unsafe.map((o) => [o.revision, o.kind])).toEqual(EXPECTED[ctx.name].map(([r, k]) => [r, k]));
    expect(preview.stderr).toContain(`warning: safety: stream "${s.name}", revision ${C} alterColumn amount on orders`);
    const strictPreview = await s.cli('upgrade', '--dry-run', '--strict-safety');
    expect(strictPreview.code, describeRun(strictPreview)).toBe(1);
    expect(strictPreview.stderr).toContain('AUTOGENERATE_CHECK_UNSAFE');
    expect(strictPreview.stderr).toContain('strata upgrade --dry-run --strict-safety');
    // --sql opens no database to judge against: refused, naming the check that needs none.
    const offline = await s.cli('upgrade', '--sql', '--strict-safety');
    expect(offline.code, describeRun(offline)).toBe(1);
    expect(offline.stderr).toContain('OFFLINE_STRICT_SAFETY');
    expect(offline.stderr).toContain('strata check --strict-safety');
    expect(offline.stdout).toBe('');
    expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([A]);

    // upgrade lints the same operations before any revision runs: --strict-safety stops there, else one warning each.
    const refused = await s.cli('upgrade', '--strict-safety');
    expect(refused.code, describeRun(refused)).toBe(1);
    expect(refused.stderr).toContain('AUTOGENERATE_CHECK_UNSAFE');
    expect(refused.stderr).toContain(`revision ${C} alterColumn amount on orders`);
    expect(refused.stderr).not.toContain(`revision ${E} createForeignKey`);
    expect(refused.stderr).toContain('strata upgrade --strict-safety');
    expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([A]);

    const up = await s.cli('upgrade', '--json');
    expect(up.code, describeRun(up)).toBe(0);
    const warnings = up.stderr.split('\n').filter((line) => line.startsWith('warning: safety: '));
    const unsilenced = EXPECTED[ctx.name].filter(([, , , , silenced]) => !silenced);
    expect(warnings.map((line) => /revision (\w+) (\w+)/.exec(line)?.slice(1))).toEqual(unsilenced.map(([revision, kind]) => [revision, kind]));
    expect(warnings[0]).toContain(`warning: safety: stream "${s.name}", revision ${unsilenced[0]?.[0]}`);
    if (ctx.name !== 'mysql') expect(warnings.every((line) => line.includes('(~3 rows)'))).toBe(true);
    expect(jsonOf<{ unsafe: UnsafeOperation[] }>(up).unsafe.map((o) => [o.revision, o.kind, o.silenced !== undefined])).toEqual(EXPECTED[ctx.name].map(([r, k, , , silenced]) => [r, k, silenced]));
    expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([E]);
  });
});

await describeDialects(
  'DDL lock timeout',
  (ctx) => {
    const temp = makeTempDir(`safety-timeout-${ctx.name}`);
    afterAll(() => temp.remove());

    it('a revision waiting on a held table lock times out, is retried once, fails with RUNNER_DDL_LOCK_TIMEOUT, and succeeds once the lock is released', async () => {
      const db = await ctx.createDatabase('safety_timeout');
      const s = new StreamFixture(temp.path, 'safety-timeout', db.url);
      writeRevisions(s.dir);
      expect((await s.cli('upgrade', A)).code).toBe(0);

      // Another session's open transaction holds orders: on PostgreSQL the ROW EXCLUSIVE lock a write takes (CREATE INDEX
      // needs SHARE), on MariaDB the metadata lock of a read (CREATE INDEX needs an exclusive one to finish).
      const holder = await ctx.dialect.connect(db.url);
      try {
        await holder.begin();
        await holder.query(ctx.name === 'postgresql' ? 'LOCK TABLE orders IN ROW EXCLUSIVE MODE' : 'SELECT * FROM orders');
        const blocked = await s.cli('upgrade', B, '--ddl-lock-timeout', '300', '--ddl-lock-retries', '1');
        expect(blocked.code, describeRun(blocked)).not.toBe(0);
        expect(blocked.stderr).toMatch(new RegExp(`revision ${B}: lock on orders not granted in \\d+ ms, retry 1/1`));
        expect(blocked.stderr).toContain('RUNNER_DDL_LOCK_TIMEOUT');
        expect(blocked.stderr).toContain(`revision ${B}`);
        expect(blocked.stderr).toContain('orders');
        expect(blocked.stderr).toContain('tried 2 times');
        expect(await versionRows(ctx.dialect, s.url, s.name), 'the version table is unchanged').toEqual([A]);
      } finally {
        await holder.rollback();
        await holder.close();
      }

      const free = await s.cli('upgrade', B, '--ddl-lock-timeout', '300', '--ddl-lock-retries', '1');
      expect(free.code, describeRun(free)).toBe(0);
      expect(free.stderr).not.toContain('retry');
      expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([B]);
      const schema = await withConnection(ctx.dialect, s.url, (c) => ctx.dialect.readSchema(c));
      expect(schema.tables.get('orders')?.indexes.map((i) => i.name)).toContain('ix_orders_user');
    });

    it('retries a revision stopped on the lock after an earlier statement only where it was rolled back (not on MySQL)', async () => {
      const db = await ctx.createDatabase('safety_second');
      const s = new StreamFixture(temp.path, 'safety-second', db.url);
      writeRevisions(s.dir);
      expect((await s.cli('upgrade', A)).code).toBe(0);
      writeFileSync(
        join(s.dir, '20240301_0001_index_orders_by_user.ts'),
        `import { revision } from '@strata/engine';
export default revision({
  id: '${B}',
  parents: ['${A}'],
  message: 'audit table, then index orders',
  async upgrade({ op, inspect }) {
    if (!(await inspect.hasTable('audit'))) await op.createTable('audit', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });
    if (!(await inspect.hasIndex('orders', 'ix_orders_user'))) await op.createIndex('ix_orders_user', 'orders', ['user_id']);
  },
  async downgrade() {},
});
`,
      );
      const holder = await ctx.dialect.connect(db.url);
      try {
        await holder.begin();
        await holder.query(ctx.name === 'postgresql' ? 'LOCK TABLE orders IN ROW EXCLUSIVE MODE' : 'SELECT * FROM orders');
        const blocked = await s.cli('upgrade', B, '--ddl-lock-timeout', '300', '--ddl-lock-retries', '1');
        expect(blocked.code, describeRun(blocked)).not.toBe(0);
        expect(blocked.stderr).toContain('RUNNER_DDL_LOCK_TIMEOUT');
        if (ctx.name === 'postgresql') {
          expect(blocked.stderr).toContain('retry 1/1');
          expect(blocked.stderr).toContain('Each try was rolled back');
        } else {
          expect(blocked.stderr).not.toContain('retry 1/1');
          expect(blocked.stderr).toContain('was already committed');
        }
        expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([A]);
      } finally {
        await holder.rollback();
        await holder.close();
      }
      const schema = await withConnection(ctx.dialect, s.url, (c) => ctx.dialect.readSchema(c));
      // MySQL kept the table its first statement made; PostgreSQL rolled it back with the rest.
      expect(schema.tables.has('audit')).toBe(ctx.name === 'mysql');
      const rerun = await s.cli('upgrade', B, '--ddl-lock-timeout', '300');
      expect(rerun.code, describeRun(rerun)).toBe(0);
      expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([B]);
    });

    it.skipIf(ctx.name !== 'postgresql')('--statement-timeout cancels a statement that runs too long, without a retry', async () => {
      const db = await ctx.createDatabase('safety_statement');
      const s = new StreamFixture(temp.path, 'safety-statement', db.url);
      writeRevisions(s.dir);
      expect((await s.cli('upgrade', A)).code).toBe(0);
      const holder = await ctx.dialect.connect(db.url);
      try {
        await holder.begin();
        await holder.query('LOCK TABLE orders IN ROW EXCLUSIVE MODE');
        const blocked = await s.cli('upgrade', B, '--statement-timeout', '300', '--ddl-lock-retries', '2');
        expect(blocked.code, describeRun(blocked)).not.toBe(0);
        expect(blocked.stderr).toContain('RUNNER_REVISION_FAILED');
        expect(blocked.stderr).toContain('canceling statement due to statement timeout');
        expect(blocked.stderr).not.toContain('retry');
        expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([A]);
      } finally {
        await holder.rollback();
        await holder.close();
      }
    });

    it('a revision\'s own lockTimeout applies without the flag; the error names the table whose lock was not granted, not the last op\'s', async () => {
      const db = await ctx.createDatabase('safety_own_timeout');
      const s = new StreamFixture(temp.path, 'safety-own', db.url);
      writeRevisions(s.dir);
      expect((await s.cli('upgrade', A)).code).toBe(0);
      const file = join(s.dir, '20240301_0001_index_orders_by_user.ts');
      writeFileSync(
        file,
        `import { revision } from '@strata/engine';
export default revision({
  id: '${B}',
  parents: ['${A}'],
  message: 'index orders by user',
  lockTimeout: '1s',
  async upgrade({ op, inspect }) {
    if (!(await inspect.hasIndex('orders', 'ix_orders_user'))) await op.createIndex('ix_orders_user', 'orders', ['user_id']);
    // On PostgreSQL both statements go out in one message (Connection.deferStatement).
    if (!(await inspect.hasTable('audit_after'))) await op.createTable('audit_after', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });
  },
  async downgrade() {},
});
`,
      );
      const holder = await ctx.dialect.connect(db.url);
      try {
        await holder.begin();
        await holder.query(ctx.name === 'postgresql' ? 'LOCK TABLE orders IN ROW EXCLUSIVE MODE' : 'SELECT * FROM orders');
        const blocked = await s.cli('upgrade', B);
        expect(blocked.code, describeRun(blocked)).not.toBe(0);
        expect(blocked.stderr).toContain('RUNNER_DDL_LOCK_TIMEOUT');
        expect(blocked.stderr).toContain('waited 1000 ms for the lock on orders');
        expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([A]);
      } finally {
        await holder.rollback();
        await holder.close();
      }
    });

    it('a lock timeout a Drizzle query hits is a lock timeout too (retried where rolled back)', async () => {
      const db = await ctx.createDatabase('safety_drizzle');
      await withConnection(ctx.dialect, db.url, (c) => c.query('CREATE TABLE t (id integer)'));
      const { sql } = await import('drizzle-orm');
      const { chain } = await import('../support/runs.js');
      const { upgrade } = await import('../../src/runner/runner.js');
      const stream = { name: 'app', dialect: ctx.name, url: db.url, ddl: { lockTimeoutMs: 200, lockRetries: 1 } };
      const events: string[] = [];
      const holder = await ctx.dialect.connect(db.url);
      try {
        await holder.begin();
        await holder.query(ctx.name === 'postgresql' ? 'LOCK TABLE t IN ACCESS EXCLUSIVE MODE' : 'SELECT * FROM t');
        const failure = await upgrade({
          stream,
          target: 'head',
          onEvent: (event) => events.push(event.type),
          graph: chain([
            async (context) => {
              const orm = (await context.drizzle()) as { execute(query: unknown): Promise<unknown> };
              await orm.execute(sql.raw('ALTER TABLE t ADD COLUMN x integer'));
            },
          ]),
        }).catch((e: unknown) => e);
        expect((failure as { code?: unknown }).code).toBe('RUNNER_DDL_LOCK_TIMEOUT');
        // PostgreSQL rolled the revision back and tries again; on MySQL what Drizzle sent may have run.
        expect(events.filter((type) => type === 'lock-retry')).toHaveLength(ctx.name === 'postgresql' ? 1 : 0);
      } finally {
        await holder.rollback();
        await holder.close();
      }
    });
  },
  ['postgresql', 'mysql'],
);

await describeDialects(
  'DDL timeouts on PGlite',
  (ctx) => {
    const temp = makeTempDir(`safety-pglite`);
    afterAll(() => temp.remove());

    it('accepts the DDL timeouts (SET LOCAL) and lints like PostgreSQL', async () => {
      const db = await ctx.createDatabase('safety_pglite');
      const s = new StreamFixture(temp.path, 'safety-pglite', db.url);
      writeRevisions(s.dir);
      const check = await s.cli('check', '--json');
      expect(check.code, describeRun(check)).toBe(0);
      expect(summary(jsonOf<{ findings: { kind: string; operation: UnsafeOperation }[] }>(check).findings)).toEqual(EXPECTED.postgresql);
      const up = await s.cli('upgrade', '--ddl-lock-timeout', '2000', '--statement-timeout', '60000', '--ddl-lock-retries', '1');
      expect(up.code, describeRun(up)).toBe(0);
      expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([E]);
    });
  },
  ['pglite'],
);
