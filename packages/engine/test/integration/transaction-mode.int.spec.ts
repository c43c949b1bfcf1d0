import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { RevisionFailedError } from '../../src/runner/errors.js';
import { describeDialects } from '../support/databases.js';
import type { Body } from '../support/runs.js';
import { writeOpsRevision } from '../support/schema.js';
import { describeRun, jsonOf, makeTempDir, snapshot, StreamFixture, tableOf, withConnection, type CliRun } from '../support/streams.js';

// Issue 9 item 3: `--transaction run` (Alembic's transaction_per_migration=False) beside the default
// one transaction per revision.
const A = 'aaaa00000001';
const B = 'bbbb00000002';
const C = 'cccc00000003';
const D = 'dddd00000004';
const FAILING = ['INSERT INTO no_such_table (id) VALUES (1)'];

interface FailureDoc {
  error: { code: string; message: string; details: { revision: string; rolledBack: boolean; rolledBackWith?: number } };
}

function expectOk(run: CliRun): void {
  expect(run.code, describeRun(run)).toBe(0);
}

await describeDialects('transaction per run', (ctx) => {
  const temp = makeTempDir(`transaction-mode-${ctx.name}`);
  afterAll(() => temp.remove());
  // Whether the database can keep one transaction around DDL: the run mode's promise depends on it.
  const atomic = ctx.dialect.capabilities.transactionalDdl;

  async function newStream(label: string): Promise<StreamFixture> {
    const db = await ctx.createDatabase(label);
    return new StreamFixture(temp.path, label, db.url);
  }

  it('--transaction run applies every revision, with the same version and history rows as per revision', async () => {
    const s = await newStream('run-ok');
    s.write([A, `${B}<-${A}`, `${C}<-${B}`]);
    const run = await s.cli('upgrade', '--transaction', 'run');
    expectOk(run);
    expect(run.stderr.includes('RUNNER_RUN_TRANSACTION_UNSUPPORTED'), describeRun(run)).toBe(!atomic);
    const held = await snapshot(ctx.dialect, s.url, s.name);
    expect(held.tables).toEqual([tableOf(A), tableOf(B), tableOf(C)]);
    expect(held.versions).toEqual([C]);
    expect(held.history.map((r) => [r.revision, r.direction])).toEqual([A, B, C].map((id) => [id, 'up']));

    expectOk(await s.cli('downgrade', 'base', '--transaction', 'run'));
    const down = await snapshot(ctx.dialect, s.url, s.name);
    expect(down.tables).toEqual([]);
    expect(down.versions).toEqual([]);
    expect(down.history.map((r) => [r.revision, r.direction]).slice(3)).toEqual([C, B, A].map((id) => [id, 'down']));
  });

  it('a failing revision under --transaction run rolls back the whole run where DDL is transactional; MySQL warns and keeps the revisions before it', async () => {
    const s = await newStream('run-fails');
    s.write([A, `${B}<-${A}`, `${C}<-${B}`, `${D}<-${C}`], { [D]: { upgrade: FAILING } });
    expectOk(await s.cli('upgrade', A));
    const run = await s.cli('upgrade', '--transaction', 'run', '--json');
    expect(run.code, describeRun(run)).toBe(1);
    const { error } = jsonOf<FailureDoc>(run);
    expect(error.code).toBe('RUNNER_REVISION_FAILED');
    expect(error.details.revision).toBe(D);
    const held = await snapshot(ctx.dialect, s.url, s.name);
    if (atomic) {
      expect(error.details.rolledBackWith).toBe(2);
      expect(error.message).toContain('the 2 earlier revision(s) of this run');
      expect(held.tables).toEqual([tableOf(A)]);
      expect(held.versions).toEqual([A]);
      expect(held.history.map((r) => r.revision)).toEqual([A]);
    } else {
      expect(run.stderr).toContain('RUNNER_RUN_TRANSACTION_UNSUPPORTED');
      expect(run.stderr).toContain(`Stream "${s.name}"`);
      expect(error.details.rolledBackWith).toBeUndefined();
      expect(held.tables).toEqual([tableOf(A), tableOf(B), tableOf(C)]);
      expect(held.versions).toEqual([C]);
      expect(held.history.map((r) => r.revision)).toEqual([A, B, C]);
    }
  });

  it('the default (per revision) keeps the revisions before a failing one', async () => {
    const s = await newStream('revision-fails');
    s.write([A, `${B}<-${A}`, `${C}<-${B}`], { [C]: { upgrade: FAILING } });
    const run = await s.cli('upgrade', '--json');
    expect(run.code, describeRun(run)).toBe(1);
    const { error } = jsonOf<FailureDoc>(run);
    expect(error.details.revision).toBe(C);
    expect(error.details.rolledBackWith).toBeUndefined();
    const held = await snapshot(ctx.dialect, s.url, s.name);
    expect(held.tables).toEqual([tableOf(A), tableOf(B)]);
    expect(held.versions).toEqual([B]);
  });

  it('strata.config\'s transaction sets the mode, --transaction overrides it, and a wrong value is refused with its code', async () => {
    const s = await newStream('config');
    s.write([A, `${B}<-${A}`], { [B]: { upgrade: FAILING } });
    const config = join(temp.path, `${s.name}.strata.config.json`);
    writeFileSync(config, JSON.stringify({ transaction: 'run' }));
    const run = await s.cli('upgrade', '--config', config, '--json');
    expect(run.code, describeRun(run)).toBe(1);
    expect(jsonOf<FailureDoc>(run).error.details.rolledBackWith).toBe(atomic ? 1 : undefined);
    expect(await snapshot(ctx.dialect, s.url, s.name).then((held) => held.versions)).toEqual(atomic ? [] : [A]);

    const overridden = await s.cli('upgrade', '--config', config, '--transaction', 'revision', '--json');
    expect(overridden.code, describeRun(overridden)).toBe(1);
    expect(jsonOf<FailureDoc>(overridden).error.details.rolledBackWith).toBeUndefined();
    expect((await snapshot(ctx.dialect, s.url, s.name)).versions).toEqual([A]);

    const flag = await s.cli('upgrade', '--transaction', 'all');
    expect(flag.code, describeRun(flag)).toBe(2);
    expect(flag.stderr).toContain('--transaction must be one of revision, run, not "all"');
    writeFileSync(config, JSON.stringify({ transaction: 'all' }));
    const file = await s.cli('upgrade', '--config', config, '--json');
    expect(file.code, describeRun(file)).toBe(1);
    expect(jsonOf<FailureDoc>(file).error.code).toBe('CONFIG_INVALID');
    expect(jsonOf<FailureDoc>(file).error.message).toContain('`transaction` must be one of "revision", "run"');
  });

  it('under --transaction run, a transactional: false revision commits the run so far and runs outside; a later failure rolls back only what came after it', async () => {
    const s = await newStream('run-split');
    s.write([A]);
    writeOpsRevision(s.dir, { id: B, parents: [A], transactional: false, upgrade: `await execute('CREATE TABLE ${tableOf(B)} (id integer PRIMARY KEY)');`, downgrade: '' });
    s.write([`${C}<-${B}`, `${D}<-${C}`], { [D]: { upgrade: FAILING } });
    const run = await s.cli('upgrade', '--transaction', 'run', '--json');
    expect(run.code, describeRun(run)).toBe(1);
    const { error } = jsonOf<FailureDoc>(run);
    expect(error.details.revision).toBe(D);
    expect(error.details.rolledBackWith).toBe(atomic ? 1 : undefined);
    const held = await snapshot(ctx.dialect, s.url, s.name);
    expect(held.tables).toEqual(atomic ? [tableOf(A), tableOf(B)] : [tableOf(A), tableOf(B), tableOf(C)]);
    expect(held.versions).toEqual(atomic ? [B] : [C]);
  });

  /**
   * A revision body that creates `t_<id>` through a raw driver object (`client`, an expression of the
   * revision's scope), then fails through `execute`: the table must go with the revision's rollback.
   */
  const createThroughDriverThenFail = (id: string, client: string): string => {
    const create = JSON.stringify(`CREATE TABLE ${tableOf(id)} (id integer PRIMARY KEY)`);
    return [
      `const client = (${client}) as { query?: (sql: string) => Promise<unknown>; exec?: (sql: string) => unknown };`,
      `if (dialect === 'sqlite') client.exec?.(${create});`,
      `else await client.query?.(${create});`,
      `await execute(${JSON.stringify(FAILING[0])});`,
    ].join('\n');
  };

  it('a revision that reaches the driver first still runs inside its transaction (BEGIN held back for its first statement is sent before)', async () => {
    const s = await newStream('driver-first');
    writeOpsRevision(s.dir, { id: A, upgrade: createThroughDriverThenFail(A, 'ctx.connection.driver'), downgrade: '' });
    const run = await s.cli('upgrade');
    expect(run.code, describeRun(run)).toBe(1);
    const held = await snapshot(ctx.dialect, s.url, s.name);
    expect(held.tables).toEqual(atomic ? [] : [tableOf(A)]);
    expect(held.versions).toEqual([]);
  });

  it('under --transaction run, a revision\'s own lock timeout does not carry over to the next revision of the transaction', async () => {
    const s = await newStream('run-timeouts');
    // PostgreSQL sets a revision's timeouts with SET LOCAL, which would last to the end of the run's transaction.
    const setting = (expected: string) =>
      `if (dialect === 'postgresql') { const [row] = await ctx.connection.query("SELECT current_setting('lock_timeout') AS v"); ` +
      `if (row?.['v'] !== ${JSON.stringify(expected)}) throw new Error('lock_timeout is ' + String(row?.['v'])); }`;
    writeFileSync(
      join(s.dir, '20240201_0000_own_timeout.ts'),
      [
        "import { revision } from '@strata/engine';",
        "import type { MigrationContext } from '@strata/engine';",
        `export default revision({ id: ${JSON.stringify(A)}, parents: [], message: 'own timeout', lockTimeout: 4321,`,
        `  async upgrade(ctx: MigrationContext) { const { dialect } = ctx; ${setting('4321ms')} },`,
        '  async downgrade() {},',
        '});',
        '',
      ].join('\n'),
    );
    writeOpsRevision(s.dir, { id: B, parents: [A], upgrade: setting('0'), downgrade: '' });
    const run = await s.cli('upgrade', '--transaction', 'run');
    expectOk(run);
    expect((await snapshot(ctx.dialect, s.url, s.name)).versions).toEqual([B]);
  });

  it('a Drizzle instance bound in an earlier revision still queries inside the later revision\'s transaction', async () => {
    const s = await newStream('drizzle-later');
    writeOpsRevision(s.dir, { id: A, upgrade: 'await ctx.drizzle();', downgrade: '' });
    // Drizzle's own client: the driver object bound when revision A asked for Drizzle.
    writeOpsRevision(s.dir, { id: B, parents: [A], upgrade: createThroughDriverThenFail(B, '((await ctx.drizzle()) as { $client: unknown }).$client'), downgrade: '' });
    const run = await s.cli('upgrade');
    expect(run.code, describeRun(run)).toBe(1);
    const held = await snapshot(ctx.dialect, s.url, s.name);
    expect(held.tables).toEqual(atomic ? [] : [tableOf(B)]);
    expect(held.versions).toEqual([A]);
  });
});

// A held table lock needs a session-level lock other transactions wait on without blocking BEGIN: PostgreSQL's LOCK TABLE
// (SQLite's only lock is the database's, taken at BEGIN, before any revision of the run has run).
await describeDialects(
  'transaction per run under a held table lock',
  (ctx) => {
    const temp = makeTempDir(`transaction-mode-lock-${ctx.name}`);
    afterAll(() => temp.remove());

    it('a DDL lock timeout under --transaction run rolls back the earlier revisions of the run and is not retried', async () => {
      const db = await ctx.createDatabase('run-lock');
      const s = new StreamFixture(temp.path, 'run-lock', db.url);
      s.write([A, `${B}<-${A}`, `${C}<-${B}`], { [C]: { upgrade: [`CREATE INDEX ix_a ON ${tableOf(A)} (id)`] } });
      expectOk(await s.cli('upgrade', A));
      const holder = await ctx.dialect.connect(db.url);
      try {
        await holder.begin();
        await holder.query(`LOCK TABLE ${tableOf(A)} IN ROW EXCLUSIVE MODE`);
        const run = await s.cli('upgrade', '--transaction', 'run', '--ddl-lock-timeout', '300', '--ddl-lock-retries', '2', '--json');
        expect(run.code, describeRun(run)).toBe(1);
        const { error } = jsonOf<FailureDoc>(run);
        expect(error.code).toBe('RUNNER_DDL_LOCK_TIMEOUT');
        expect(error.details).toMatchObject({ revision: C, rolledBackWith: 1 });
        expect(error.message).toContain('tried once');
        expect(error.message).toContain('the 1 earlier revision(s) of this run');
        expect(run.stderr).not.toMatch(/not granted in \d+ ms, retry/);
      } finally {
        await holder.rollback();
        await holder.close();
      }
      const held = await snapshot(ctx.dialect, s.url, s.name);
      expect(held.tables).toEqual([tableOf(A)]);
      expect(held.versions).toEqual([A]);
    });

    it('a COMMIT of the run that fails (a deferred constraint) is the failure of the revision before it; the run rolls back whole', async () => {
      const { revision } = await import('../../src/revision/revision.js');
      const { RevisionGraph } = await import('../../src/revision/revision-graph.js');
      const { upgrade } = await import('../../src/runner/runner.js');
      const step = (n: number, upgradeBody: Body, transactional = true) =>
        revision({ id: `rev_${n}`, parents: n === 1 ? [] : [`rev_${n - 1}`], message: `step ${n}`, transactional, upgrade: upgradeBody, downgrade: async () => undefined });
      const parent = step(1, async ({ execute }) => {
        await execute('CREATE TABLE p (id integer PRIMARY KEY)');
      });
      const violating = step(2, async ({ execute }) => {
        await execute('CREATE TABLE c (pid integer REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED)');
        await execute('INSERT INTO c (pid) VALUES (99)');
      });
      const outside = step(3, async ({ execute }) => {
        await execute('CREATE TABLE other (id integer)');
      }, false);
      // The run's last COMMIT, and the COMMIT before a revision that runs outside the transaction.
      for (const [label, revisions] of [
        ['end', [parent, violating]],
        ['before-outside', [parent, violating, outside]],
      ] as const) {
        const db = await ctx.createDatabase(`run-commit-${label}`);
        const stream = { name: 'app', dialect: ctx.name, url: db.url, transaction: 'run' as const };
        const failure = await upgrade({ stream, graph: new RevisionGraph([...revisions]), target: 'head' }).catch((e: unknown) => e);
        expect(failure, label).toBeInstanceOf(RevisionFailedError);
        const error = failure as RevisionFailedError;
        expect(error.details, label).toMatchObject({ revision: 'rev_2', rolledBack: true, rolledBackWith: 1, causeCode: 'DIALECT_QUERY_FAILED' });
        expect(error.message, label).toMatch(/foreign key/);
        expect(error.result.steps.map((done) => [done.revision, done.status]), label).toEqual([
          ['rev_1', 'rolled-back'],
          ['rev_2', 'failed'],
        ]);
        const after = await snapshot(ctx.dialect, db.url, stream.name);
        expect(after.tables, label).toEqual([]);
        expect(after.versions, label).toEqual([]);
      }
      // A revision committed before the run's transaction, whose body sent nothing (its row waiting), stays recorded.
      const db = await ctx.createDatabase('run-commit-waiting');
      const stream = { name: 'app', dialect: ctx.name, url: db.url, transaction: 'run' as const };
      await withConnection(ctx.dialect, db.url, (c) => c.executeScript('CREATE TABLE p (id integer PRIMARY KEY); CREATE TABLE c (pid integer REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED)'));
      const quiet = step(1, async () => undefined, false);
      const orphan = revision({ id: 'rev_2', parents: ['rev_1'], message: 'orphan', upgrade: async ({ execute }) => void (await execute('INSERT INTO c (pid) VALUES (99)')), downgrade: async () => undefined });
      const failure = (await upgrade({ stream, graph: new RevisionGraph([quiet, orphan]), target: 'head' }).catch((e: unknown) => e)) as RevisionFailedError;
      expect(failure).toBeInstanceOf(RevisionFailedError);
      expect(failure.result.headsAfter).toEqual(['rev_1']);
      expect((await snapshot(ctx.dialect, db.url, stream.name)).versions).toEqual(['rev_1']);
    });
  },
  ['postgresql'],
);
