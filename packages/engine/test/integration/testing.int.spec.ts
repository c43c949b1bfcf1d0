import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Dialect, DialectName } from '../../src/dialects/dialect.js';
import { revision, type MigrationContext } from '../../src/revision/revision.js';
import { RevisionGraph } from '../../src/revision/revision-graph.js';
import { RevisionFailedError } from '../../src/runner/errors.js';
import { appliedHistory, current, upgrade, type StreamTarget } from '../../src/runner/runner.js';
import { MigrationTestError, ThrowawayServerUrlError, testMigrations, withThrowawayDatabase, type MigrationTestStep } from '../../src/testing/index.js';
import { disposePglite } from '../../src/dialects/postgres/pglite-connection.js';
import { applyToModel } from '../../src/ops/apply-to-model.js';
import { emptySchema } from '../../src/schema/model.js';
import { ALL_TARGETS, describeDialects } from '../support/databases.js';
import { makeTempDir, pick, withConnection, writeOpsStream } from '../support/schema.js';
import { describeRun, runCli } from '../support/streams.js';

const WORKSPACE_NODE_MODULES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../node_modules');

const G1 = 'aaaa00000001';
const G2 = 'bbbb00000002';
const G3 = 'cccc00000003';

type Body = (ctx: MigrationContext) => Promise<void>;

/** users (G1) <- users.name (G2) <- posts (G3), every operation guarded; `g2` replaces G2's bodies. */
function stream(dialect: DialectName, g2: { upgrade?: Body; downgrade?: Body } = {}): RevisionGraph {
  const text = dialect === 'sqlite' ? 'text' : 'varchar(255)';
  return new RevisionGraph([
    revision({
      id: G1,
      parents: [],
      message: 'users',
      async upgrade({ op, inspect }) {
        if (!(await inspect.hasTable('users'))) {
          await op.createTable('users', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'email', type: text, nullable: false }] });
        }
      },
      async downgrade({ op, inspect }) {
        if (await inspect.hasTable('users')) await op.dropTable('users');
      },
    }),
    revision({
      id: G2,
      parents: [G1],
      message: 'users.name',
      upgrade:
        g2.upgrade ??
        (async ({ op, inspect }) => {
          if (!(await inspect.hasColumn('users', 'name'))) await op.addColumn('users', { name: 'name', type: text });
        }),
      downgrade:
        g2.downgrade ??
        (async ({ op, inspect }) => {
          if (await inspect.hasColumn('users', 'name')) await op.dropColumn('users', 'name');
        }),
    }),
    revision({
      id: G3,
      parents: [G2],
      message: 'posts',
      async upgrade({ op, inspect }) {
        if (!(await inspect.hasTable('posts'))) {
          await op.createTable('posts', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'user_id', type: 'integer' }] });
        }
      },
      async downgrade({ op, inspect }) {
        if (await inspect.hasTable('posts')) await op.dropTable('posts');
      },
    }),
  ]);
}

/** The Drizzle schema of {@link stream} at head, plus `extra` (a column definition line for users). */
function drizzleSchema(dialect: DialectName, extra = ''): string {
  return pick(dialect, {
    postgresql: `import { pgTable, integer, varchar } from 'drizzle-orm/pg-core';
export const users = pgTable('users', { id: integer('id').primaryKey(), email: varchar('email', { length: 255 }).notNull(), name: varchar('name', { length: 255 }), ${extra} });
export const posts = pgTable('posts', { id: integer('id').primaryKey(), userId: integer('user_id') });
`,
    mysql: `import { mysqlTable, int, varchar } from 'drizzle-orm/mysql-core';
export const users = mysqlTable('users', { id: int('id').primaryKey(), email: varchar('email', { length: 255 }).notNull(), name: varchar('name', { length: 255 }), ${extra} });
export const posts = mysqlTable('posts', { id: int('id').primaryKey(), userId: int('user_id') });
`,
    sqlite: `import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core';
export const users = sqliteTable('users', { id: integer('id').primaryKey(), email: text('email').notNull(), name: text('name'), ${extra} });
export const posts = sqliteTable('posts', { id: integer('id').primaryKey(), userId: integer('user_id') });
`,
  });
}

const EXTRA_COLUMN: Record<DialectName, string> = {
  postgresql: "age: integer('age')",
  mysql: "age: int('age')",
  sqlite: "age: integer('age')",
};

/** Every step of a passing test of a linear stream of `ids`. */
function passingSteps(ids: readonly string[], drift: boolean): [MigrationTestStep, string | undefined][] {
  return [
    ['setup', undefined],
    ...ids.flatMap((id): [MigrationTestStep, string][] => [
      ['upgrade', id],
      ['downgrade', id],
      ['upgrade', id],
      ['re-run', id],
    ]),
    ...(drift ? [['drift', ids[ids.length - 1]] as [MigrationTestStep, string]] : []),
    ['base', undefined],
  ];
}

async function failure(run: Promise<unknown>): Promise<MigrationTestError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MigrationTestError);
  return error as MigrationTestError;
}

async function databaseExists(dialect: Dialect, serverUrl: string, name: string): Promise<boolean> {
  const sql = dialect.name === 'postgresql' ? 'SELECT 1 AS found FROM pg_database WHERE datname = $1' : 'SELECT 1 AS found FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?';
  return withConnection(dialect, serverUrl, async (c) => (await c.query(sql, [name])).length > 0);
}

await describeDialects('migration tests', (ctx) => {
  const server = ctx.target.serverUrl ?? 'sqlite';
  const temp = makeTempDir(`testing-${ctx.name}`);
  let schemaFile = '';
  let driftedFile = '';
  beforeAll(async () => {
    // drizzle-orm must resolve from the schema files' folder, as in an application.
    await symlink(WORKSPACE_NODE_MODULES, join(temp.path, 'node_modules'), 'dir');
    await mkdir(join(temp.path, 'schema'));
    schemaFile = join(temp.path, 'schema', 'schema.ts');
    driftedFile = join(temp.path, 'schema', 'drifted.ts');
    await writeFile(schemaFile, drizzleSchema(ctx.name));
    await writeFile(driftedFile, drizzleSchema(ctx.name, EXTRA_COLUMN[ctx.name]));
  });
  afterAll(() => temp.remove());

  const target = (url: string): StreamTarget => ({ name: 'app', dialect: ctx.name, url, lockTimeoutMs: 10_000 });

  it('passes a good stream: stairway, re-run, no drift, back to base with only the ledger left', async () => {
    await withThrowawayDatabase(server, async (db) => {
      const seen: string[] = [];
      const result = await testMigrations({
        stream: target(db.url),
        graph: stream(ctx.name),
        drift: { schemaFiles: [schemaFile] },
        onStep: (s) => seen.push(s.step),
      });
      expect(result.steps.map((s) => [s.step, s.revision])).toEqual(passingSteps([G1, G2, G3], true));
      expect(seen).toEqual(result.steps.map((s) => s.step));
      expect(result.head).toBe(G3);
      expect(result.revisions).toEqual([G1, G2, G3]);
      expect((await current(target(db.url))).heads).toEqual([]);
      const schema = await withConnection(ctx.dialect, db.url, (c) => ctx.dialect.readSchema(c));
      expect([...schema.tables.keys()]).toEqual([]);
      // Each revision: up, down, up, unstamp, up; then down to base.
      const g2 = (await appliedHistory(target(db.url))).filter((row) => row.revision === G2).map((row) => row.direction);
      expect(g2).toEqual(['up', 'down', 'up', 'unstamp', 'up', 'down']);
    });
  });

  it('names the revision and the step of a downgrade that does not undo its upgrade', async () => {
    await withThrowawayDatabase(server, async (db) => {
      const graph = stream(ctx.name, { downgrade: async () => undefined });
      const error = await failure(testMigrations({ stream: target(db.url), graph }));
      expect(error.code).toBe('TESTING_STEP_FAILED');
      expect([error.revision, error.step]).toEqual([G2, 'downgrade']);
      expect(error.message).toContain(`migration test failed at revision ${G2}, step "downgrade": after its downgrade the schema is not what it was`);
      expect(error.message).toContain('dropColumn users.name');
      expect(error.result.steps.map((s) => [s.step, s.revision])).toEqual(passingSteps([G1], false).slice(0, -1).concat([['upgrade', G2]]));
    });
  });

  it('names the revision and the step of a downgrade that fails', async () => {
    await withThrowawayDatabase(server, async (db) => {
      const graph = stream(ctx.name, { downgrade: async ({ execute }) => void (await execute('DROP TABLE no_such_table')) });
      const error = await failure(testMigrations({ stream: target(db.url), graph }));
      expect([error.revision, error.step]).toEqual([G2, 'downgrade']);
      expect(error.cause).toBeInstanceOf(RevisionFailedError);
      expect(error.message).toContain('no_such_table');
    });
  });

  it('names the revision of an upgrade that is not idempotent (unguarded CREATE TABLE) at the re-run step', async () => {
    await withThrowawayDatabase(server, async (db) => {
      const graph = stream(ctx.name, {
        upgrade: async ({ execute }) => void (await execute('CREATE TABLE extra (id integer PRIMARY KEY)')),
        downgrade: async ({ op, inspect }) => {
          if (await inspect.hasTable('extra')) await op.dropTable('extra');
        },
      });
      const error = await failure(testMigrations({ stream: target(db.url), graph }));
      expect([error.revision, error.step]).toEqual([G2, 're-run']);
      expect(error.message).toMatch(/extra/);
      expect(error.hint).toContain('not idempotent');
      expect(error.result.steps.at(-1)).toMatchObject({ step: 'upgrade', revision: G2 });
    });
  });

  it('names the head at the drift step when the Drizzle schema differs', async () => {
    await withThrowawayDatabase(server, async (db) => {
      const error = await failure(testMigrations({ stream: target(db.url), graph: stream(ctx.name), drift: { schemaFiles: [driftedFile] } }));
      expect([error.revision, error.step]).toEqual([G3, 'drift']);
      expect(error.message).toContain('addColumn users.age');
    });
  });

  it('refuses a database where the stream is already applied, and a stream with two heads', async () => {
    await withThrowawayDatabase(server, async (db) => {
      await testMigrations({ stream: target(db.url), graph: stream(ctx.name) });
      await upgrade({ stream: target(db.url), graph: stream(ctx.name), target: G1 });
      const applied = await failure(testMigrations({ stream: target(db.url), graph: stream(ctx.name) }));
      expect(applied.step).toBe('setup');
      expect(applied.message).toContain(`already has revisions of the stream applied (${G1})`);

      const noop = async (): Promise<void> => undefined;
      const forked = new RevisionGraph([
        revision({ id: 'dddd00000001', parents: [], upgrade: noop, downgrade: noop }),
        revision({ id: 'eeee00000002', parents: ['dddd00000001'], upgrade: noop, downgrade: noop }),
        revision({ id: 'ffff00000003', parents: ['dddd00000001'], upgrade: noop, downgrade: noop }),
      ]);
      const twoHeads = await failure(testMigrations({ stream: { ...target(db.url), name: 'forked' }, graph: forked }));
      expect(twoHeads.step).toBe('setup');
      expect(twoHeads.message).toContain('2 heads (eeee00000002, ffff00000003)');
    });
  });

  // PostgreSQL only (the other dialects refuse row-level security ops). Roles are cluster-wide: the
  // role's name is unique to the run, the downgrade to base drops it, and `finally` makes sure.
  it.skipIf(ctx.name !== 'postgresql')('passes a stream with a role, row-level security and a policy: the drift step compares the roles the schema names', async () => {
    const role = `strata_tm_${process.pid}_${Date.now().toString(36)}`;
    const graph = new RevisionGraph([
      revision({
        id: G1,
        parents: [],
        message: 'secured notes',
        async upgrade({ op, inspect }) {
          if (!(await inspect.hasRole(role))) await op.createRole(role, { inherit: false });
          if (!(await inspect.hasTable('notes'))) await op.createTable('notes', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'owner', type: 'text' }] });
          if (!(await inspect.hasRowLevelSecurity('notes'))) await op.enableRowLevelSecurity('notes');
          if (!(await inspect.hasPolicy('notes', 'notes_own'))) await op.createPolicy('notes_own', 'notes', { roles: [role], using: 'owner = current_user' });
        },
        async downgrade({ op, inspect }) {
          if (await inspect.hasTable('notes')) await op.dropTable('notes');
          if (await inspect.hasRole(role)) await op.dropRole(role);
        },
      }),
    ]);
    const expected = [
      { kind: 'createRole', name: role, inherit: false },
      { kind: 'createTable', table: 'notes', columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'owner', type: 'text' }] },
      { kind: 'enableRowLevelSecurity', table: 'notes' },
      { kind: 'createPolicy', table: 'notes', policy: { name: 'notes_own', roles: [role], using: 'owner = current_user' } },
    ] as const;
    const model = expected.reduce((current, op) => applyToModel(current, op, ctx.dialect.normalizer), emptySchema());
    try {
      await withThrowawayDatabase(server, async (db) => {
        const result = await testMigrations({ stream: target(db.url), graph, drift: { model } });
        expect(result.steps.map((s) => [s.step, s.revision])).toEqual(passingSteps([G1], true));
      });
    } finally {
      await withConnection(ctx.dialect, server, (c) => c.query(`DROP ROLE IF EXISTS ${ctx.dialect.quoteIdentifier(role)}`));
    }
  });

  it('upgrades the streams it depends on first, and leaves their objects out of drift and base', async () => {
    await withThrowawayDatabase(server, async (db) => {
      const accounts = new RevisionGraph([
        revision({
          id: 'acc000000001',
          parents: [],
          async upgrade({ op, inspect }) {
            if (!(await inspect.hasTable('accounts_t'))) await op.createTable('accounts_t', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });
          },
          async downgrade({ op, inspect }) {
            if (await inspect.hasTable('accounts_t')) await op.dropTable('accounts_t');
          },
        }),
      ]);
      const own = stream(ctx.name);
      const dependent = new RevisionGraph(own.revisions.map((r) => (r.id === G1 ? revision({ ...r, dependsOn: ['accounts@acc000000001'] }) : r)));
      const workspace = new Map([['accounts', { stream: { ...target(db.url), name: 'accounts' }, graph: accounts }]]);

      // Without the workspace, accounts is unknown: G1's upgrade is refused before it runs, and the hint
      // points at the Nx target that migrates accounts first (not at the revision, which is fine).
      const alone = await testMigrations({ stream: target(db.url), graph: dependent }).then(
        () => undefined,
        (error: unknown) => error as { step: string; revision: string; hint: string },
      );
      expect(alone).toMatchObject({ step: 'upgrade', revision: G1 });
      expect(alone?.hint).toContain('The revisions depend on accounts, which a one-stream test does not have: run `nx run <project>:migrate-test`');

      const result = await testMigrations({ stream: target(db.url), graph: dependent, workspace, drift: { schemaFiles: [schemaFile] } });
      expect(result.steps.map((s) => [s.step, s.revision])).toEqual(passingSteps([G1, G2, G3], true));
      expect((await current({ ...target(db.url), name: 'accounts' })).heads).toEqual(['acc000000001']);
      const schema = await withConnection(ctx.dialect, db.url, (c) => ctx.dialect.readSchema(c));
      expect([...schema.tables.keys()]).toEqual(['accounts_t']);
    });
  });

  it('withThrowawayDatabase creates a database and drops it, also when the body throws', async () => {
    let name = '';
    let url = '';
    await expect(
      withThrowawayDatabase(server, async (db) => {
        name = db.name;
        expect(db.dialect).toBe(ctx.name);
        await withConnection(ctx.dialect, db.url, (c) => c.query('CREATE TABLE probe (id integer PRIMARY KEY)'));
        url = db.url;
        if (ctx.target.name === 'pglite') expect(await withConnection(ctx.dialect, db.url, (c) => ctx.dialect.tableExists(c, 'probe'))).toBe(true);
        else if (ctx.target.serverUrl === undefined) expect(existsSync(db.name)).toBe(true);
        else expect(await databaseExists(ctx.dialect, ctx.target.serverUrl, db.name)).toBe(true);
        throw new Error('body failed');
      }),
    ).rejects.toThrow('body failed');
    if (ctx.target.name === 'pglite') {
      // The in-memory instance was closed: the same URL now opens a new, empty one.
      expect(await withConnection(ctx.dialect, url, (c) => ctx.dialect.tableExists(c, 'probe'))).toBe(false);
      await disposePglite(url);
    } else if (ctx.target.serverUrl === undefined) expect(existsSync(dirname(name))).toBe(false);
    else expect(await databaseExists(ctx.dialect, ctx.target.serverUrl, name)).toBe(false);
    await expect(withThrowawayDatabase('redis://u:secret@localhost', async () => undefined)).rejects.toThrow(ThrowawayServerUrlError);
  });

  it('withThrowawayDatabase drops a PostgreSQL database a body left a connection open to (DROP DATABASE ... WITH (FORCE))', async () => {
    if (ctx.name !== 'postgresql' || ctx.target.serverUrl === undefined) return;
    let name = '';
    let left: Awaited<ReturnType<Dialect['connect']>> | undefined;
    await withThrowawayDatabase(server, async (db) => {
      name = db.name;
      left = await ctx.dialect.connect(db.url);
      await left.query('CREATE TABLE probe (id integer PRIMARY KEY)');
    });
    expect(await databaseExists(ctx.dialect, ctx.target.serverUrl, name)).toBe(false);
    await left?.close().catch(() => undefined);
  });

  it('strata test runs the steps on a throwaway database and exits 1 naming the revision and step', async () => {
    const good = join(temp.path, 'cli-good');
    const bad = join(temp.path, 'cli-bad');
    const table = (name: string) => ({
      upgrade: `if (!(await inspect.hasTable('${name}'))) await op.createTable('${name}', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });`,
      downgrade: `if (await inspect.hasTable('${name}')) await op.dropTable('${name}');`,
    });
    writeOpsStream(good, [{ id: G1, ...table('one') }, { id: G2, ...table('two') }]);
    writeOpsStream(bad, [
      { id: G1, ...table('one') },
      { id: G2, upgrade: "await execute('CREATE TABLE two (id integer PRIMARY KEY)');", downgrade: table('two').downgrade },
    ]);
    const where = ctx.target.serverUrl === undefined ? [] : ['--server', ctx.target.serverUrl];
    const flags = (dir: string) => ['--dir', dir, '--stream', 'app', '--dialect', ctx.name, ...where];

    const passed = await runCli(['test', ...flags(good)], { cwd: temp.path });
    expect(passed.code, describeRun(passed)).toBe(0);
    expect(passed.stdout).toMatch(new RegExp(`Stream "app": testing 2 revision\\(s\\) on a throwaway ${ctx.name} database, \\S+ \\(dropped after\\)\\.`));
    expect(passed.stdout).toMatch(new RegExp(`ok {2}re-run +${G2}`));
    expect(passed.stdout).toContain('Stream "app": migration test passed, 2 revision(s), 10 steps');

    const failed = await runCli(['test', ...flags(bad)], { cwd: temp.path });
    expect(failed.code, describeRun(failed)).toBe(1);
    expect(failed.stderr).toContain(`error TESTING_STEP_FAILED: Stream "app": migration test failed at revision ${G2}, step "re-run"`);
    expect(failed.stderr).toContain('hint: The revision is not idempotent');

    if (ctx.name === 'mysql') {
      const usage = await runCli(['test', '--dir', good, '--stream', 'app', '--dialect', ctx.name], { cwd: temp.path });
      expect(usage.code, describeRun(usage)).toBe(1);
      expect(usage.stderr).toContain('error TESTING_NEEDS_SERVER: Stream "app": the migration test needs a mysql server to make its throwaway database on, and mysql has no embedded one.');
      expect(usage.stderr).toContain('hint: Pass --server mysql://root@127.0.0.1:3306/');
    }
    if (ctx.name === 'sqlite') {
      // No dialect configured and no server URL to tell it: nothing can be made.
      const noDialect = await runCli(['test', '--dir', good, '--stream', 'app'], { cwd: temp.path });
      expect(noDialect.code, describeRun(noDialect)).toBe(1);
      expect(noDialect.stderr).toContain('error TESTING_NEEDS_DIALECT: Stream "app": the migration test needs the stream\'s dialect, which is not configured.');
      expect(noDialect.stderr).toContain('--dialect postgresql|mysql|sqlite');
    }
    if (ctx.target.name === 'postgresql') {
      // No server named: PostgreSQL streams are tested on an in-memory PGlite, no server needed.
      const embedded = await runCli(['test', '--dir', good, '--stream', 'app', '--dialect', ctx.name], { cwd: temp.path });
      expect(embedded.code, describeRun(embedded)).toBe(0);
      expect(embedded.stdout).toMatch(/on a throwaway postgresql database, pglite:memory:\/\/strata_test_[0-9a-f]+ \(dropped after\)/);
    }
    const db = await ctx.createDatabase('cli_test_url');
    const onUrl = await runCli(['test', '--dir', good, '--stream', 'app', '--url', db.url, '--json'], { cwd: temp.path });
    expect(onUrl.code, describeRun(onUrl)).toBe(0);
    expect(JSON.parse(onUrl.stdout)).toMatchObject({ stream: 'app', head: G2, revisions: [G1, G2] });
  });
}, ALL_TARGETS);
