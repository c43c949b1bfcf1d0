// Another process holding the SQLite file (https://www.sqlite.org/lockingv3.html): a write
// transaction blocks every statement of the runner, an open read transaction blocks its COMMIT.
// Strata waits up to --lock-timeout (SQLite's busy timeout) and then fails with
// DIALECT_SQLITE_BUSY, which says that another process holds the file and what to do; once the
// other holder lets go within the wait, the same command succeeds.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { writeOpsStream } from '../support/schema.js';
import { describeRun, makeTempDir, STRATA_BIN, StreamFixture, versionRows, type CliRun } from '../support/streams.js';
import { loadDialect } from '../../src/dialects/registry.js';

const R1 = 'a1a1busy';

/** How the other process holds the file. */
const HOLDS = {
  'a write transaction': (db: Database.Database) => {
    db.exec('BEGIN EXCLUSIVE');
    db.exec('INSERT INTO other (note) VALUES (1)');
  },
  'a read transaction': (db: Database.Database) => {
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM other').get();
  },
} as const;

describe('SQLite held by another process: wait up to --lock-timeout, then DIALECT_SQLITE_BUSY', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let database: TestDatabase;
  let fixture: StreamFixture;
  let holder: Database.Database;

  beforeEach(async () => {
    temp = makeTempDir('sqlite-busy');
    database = await createTestDatabase('sqlite', 'busy');
    fixture = new StreamFixture(temp.path, 'app', database.url);
    writeOpsStream(fixture.dir, [{ id: R1, upgrade: "await op.createTable('items', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });", downgrade: "await op.dropTable('items');" }]);
    holder = new Database(database.name);
    holder.exec('CREATE TABLE other (note integer)');
  });

  afterEach(async () => {
    if (holder.inTransaction) holder.exec('ROLLBACK');
    holder.close();
    await database.drop();
    temp.remove();
  });

  for (const [how, hold] of Object.entries(HOLDS)) {
    it(`${how} held past a short --lock-timeout: DIALECT_SQLITE_BUSY naming the file and the way out, nothing applied`, async () => {
      hold(holder);
      const run = await fixture.cli('upgrade', 'head', '--lock-timeout', '200');
      expect(run.code, describeRun(run)).toBe(1);
      expect(run.stderr).toMatch(/DIALECT_SQLITE_BUSY/);
      expect(run.stderr).toContain(database.name);
      expect(run.stderr).toMatch(/locked by another process for 200 ms/);
      expect(run.stderr).toMatch(/--lock-timeout/);
      expect(run.stderr).not.toMatch(/DIALECT_SQLITE_CANNOT_OPEN|DIALECT_QUERY_FAILED|Point the URL/);
      holder.exec('ROLLBACK');
      expect(await versionRows(await loadDialect('sqlite'), database.url, 'app')).toEqual([]);
    });

    it(`${how} let go while the runner waits: the upgrade succeeds`, async () => {
      hold(holder);
      const child = spawn(process.execPath, [STRATA_BIN, 'upgrade', 'head', '--lock-timeout', '60000', ...fixture.flags()], { cwd: temp.path, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<CliRun>((done) => child.on('close', (code) => done({ code: code ?? -1, stdout, stderr })));
      // Give the runner time to start and run into the lock; it cannot finish while the lock is held.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(child.exitCode, 'the runner finished while the other process held the file').toBeNull();
      holder.exec('COMMIT');
      const run = await exited;
      expect(run.code, describeRun(run)).toBe(0);
      expect(await versionRows(await loadDialect('sqlite'), database.url, 'app')).toEqual([R1]);
    });
  }
});

describe('SQLite held at the run\'s COMMIT', () => {
  it('a reader that holds up the COMMIT of the run\'s shared transaction is reported as DIALECT_SQLITE_BUSY, not as a revision\'s failure', async () => {
    const { upgrade } = await import('../../src/runner/runner.js');
    const { chain } = await import('../support/runs.js');
    const database = await createTestDatabase('sqlite', 'busy-commit');
    const holder = new Database(database.name);
    holder.exec('CREATE TABLE other (note integer)');
    try {
      const failure = await upgrade({
        stream: { name: 'app', dialect: 'sqlite', url: database.url, lockTimeoutMs: 300 },
        target: 'head',
        graph: chain([
          async ({ op }) => op.createTable('a', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] }),
          async ({ op }) => {
            await op.createTable('b', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });
            HOLDS['a read transaction'](holder);
          },
        ]),
      }).catch((e: unknown) => e);
      expect((failure as { code?: unknown }).code).toBe('DIALECT_SQLITE_BUSY');
    } finally {
      if (holder.inTransaction) holder.exec('ROLLBACK');
      holder.close();
      await database.drop();
    }
  });
});

describe('SQLite held at the COMMIT before a revision that runs outside a transaction', () => {
  it('the busy COMMIT fails the run as DIALECT_SQLITE_BUSY: not retried as the next revision\'s lock timeout, nothing recorded that did not commit', async () => {
    const { upgrade } = await import('../../src/runner/runner.js');
    const { revision } = await import('../../src/revision/revision.js');
    const { RevisionGraph } = await import('../../src/revision/revision-graph.js');
    for (const transaction of ['revision', 'run'] as const) {
      const database = await createTestDatabase('sqlite', `busy-before-outside-${transaction}`);
      const holder = new Database(database.name);
      holder.exec('CREATE TABLE other (note integer)');
      try {
        const graph = new RevisionGraph([
          revision({
            id: 'rev_1',
            parents: [],
            message: 'one',
            downgrade: async () => undefined,
            upgrade: async ({ execute }) => {
              await execute('CREATE TABLE a (id integer)');
              HOLDS['a read transaction'](holder);
            },
          }),
          revision({ id: 'rev_2', parents: ['rev_1'], message: 'two', transactional: false, downgrade: async () => undefined, upgrade: async ({ execute }) => void (await execute('CREATE TABLE b (id integer)')) }),
        ]);
        const failure = await upgrade({
          stream: { name: 'app', dialect: 'sqlite', url: database.url, transaction, lockTimeoutMs: 300, ddl: { lockTimeoutMs: 300, lockRetries: 1 } },
          target: 'head',
          graph,
          onEvent: (event) => {
            if (event.type === 'lock-retry' && holder.inTransaction) holder.exec('ROLLBACK');
          },
        }).catch((e: unknown) => e);
        expect((failure as { code?: unknown }).code, transaction).toBe('DIALECT_SQLITE_BUSY');
        if (holder.inTransaction) holder.exec('ROLLBACK');
        const dialect = await loadDialect('sqlite');
        const connection = await dialect.connect(database.url);
        try {
          const tables = (await connection.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('a', 'b') ORDER BY name")).map((r) => r['name']);
          expect(tables, transaction).toEqual([]);
        } finally {
          await connection.close();
        }
        expect(await versionRows(dialect, database.url, 'app'), transaction).toEqual([]);
      } finally {
        if (holder.inTransaction) holder.exec('ROLLBACK');
        holder.close();
        await database.drop();
      }
    }
  });
});
