// kill -9 in the middle of a SQLite table recreate (DESIGN.md rule 2: nothing lost). `strata
// upgrade` runs as a child process; revision 2 rebuilds a 100,000-row table, reading each row's
// value through an SQL function the revision registers, which SIGKILLs its own process at the
// 50,000th row: mid-copy, inside the revision's transaction. The file is left with a hot journal
// and a lock row of a dead process. The re-run must roll the journal back, take the lock over,
// apply what is left and end equal to a run that was never killed: same rows, same catalog, one
// history row per revision.
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { writeOpsStream } from '../support/schema.js';
import { describeRun, makeTempDir, STRATA_BIN, StreamFixture, type CliRun } from '../support/streams.js';

const ROWS = 100_000;
const KILL_AT = ROWS / 2;
const R1 = 'a1a1killbase';
const R2 = 'b2b2killcopy';
const R3 = 'c3c3killafter';

const REVISIONS = [
  {
    id: R1,
    upgrade: `
await op.createTable('clients', {
  columns: [
    { name: 'id', type: 'integer', primaryKey: true, autoIncrement: true },
    { name: 'email', type: 'text', nullable: false },
    { name: 'score', type: 'text' },
  ],
});
await op.createIndex('ux_clients_email', 'clients', ['email'], { unique: true });
await op.execute("INSERT INTO clients (email, score) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS}) SELECT 'c' || i || '@example.com', i % 1000 FROM n");
await op.execute('CREATE TABLE audit (client_id integer, note text)');
await op.execute("CREATE TRIGGER clients_ai AFTER INSERT ON clients BEGIN INSERT INTO audit VALUES (new.id, 'insert'); END");
await op.execute('CREATE VIEW top_clients AS SELECT id, email FROM clients WHERE score > 900');`,
    downgrade: '',
  },
  {
    id: R2,
    upgrade: `
// Each row's score goes through copy_score while the recreate copies it; with STRATA_TEST_KILL_AT
// set, the process kills itself (SIGKILL, no clean-up) at that row.
const driver = ctx.connection.driver as { function(name: string, body: (value: unknown) => unknown): void };
const killAt = Number(process.env['STRATA_TEST_KILL_AT'] ?? 0);
let copied = 0;
driver.function('copy_score', (value) => {
  copied += 1;
  if (copied === killAt) process.kill(process.pid, 'SIGKILL');
  return value;
});
await op.alterColumn('clients', 'score', { type: 'integer', nullable: false, using: 'copy_score(CAST(score AS integer))' });`,
    downgrade: '',
  },
  {
    id: R3,
    upgrade: "await op.createIndex('ix_clients_score', 'clients', ['score']);",
    downgrade: '',
  },
];

/** Runs the real binary with extra environment, as a child process. */
function strata(fixture: StreamFixture, env: NodeJS.ProcessEnv, ...argv: string[]): Promise<CliRun & { signal: NodeJS.Signals | null }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [STRATA_BIN, ...argv, ...fixture.flags()], { cwd: fixture.root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code: code ?? -1, signal, stdout, stderr }));
  });
}

/** The schema (but Strata's lock row), the rows of `clients`, and the ledger's revisions. */
function state(path: string): { schema: unknown[]; rows: { count: number; hash: string }; history: unknown[]; versions: unknown[]; sequence: unknown } {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare('SELECT * FROM clients ORDER BY id').raw().all();
    return {
      schema: db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name").all(),
      rows: { count: rows.length, hash: createHash('sha256').update(JSON.stringify(rows)).digest('hex') },
      history: db.prepare("SELECT revision, direction, count(*) AS n FROM strata_history GROUP BY revision, direction ORDER BY revision").all(),
      versions: db.prepare('SELECT version_num FROM strata_version ORDER BY version_num').pluck().all(),
      sequence: db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'clients'").pluck().get(),
    };
  } finally {
    db.close();
  }
}

describe('kill -9 during a SQLite table recreate (100,000 rows)', () => {
  const temp = makeTempDir('sqlite-kill');
  let killedDb: TestDatabase;
  let cleanDb: TestDatabase;
  let killed: StreamFixture;
  let clean: StreamFixture;

  beforeAll(async () => {
    killedDb = await createTestDatabase('sqlite', 'kill_killed');
    cleanDb = await createTestDatabase('sqlite', 'kill_clean');
    killed = new StreamFixture(temp.path, 'killed', killedDb.url);
    clean = new StreamFixture(temp.path, 'clean', cleanDb.url);
    for (const fixture of [killed, clean]) writeOpsStream(fixture.dir, REVISIONS);
    const setup = await strata(killed, {}, 'upgrade', R1);
    expect(setup.code, describeRun(setup)).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await killedDb?.drop();
    await cleanDb?.drop();
    temp.remove();
  });

  it('the run killed mid-copy leaves the database as it was before the revision', async () => {
    const before = state(killedDb.name);
    const run = await strata(killed, { STRATA_TEST_KILL_AT: String(KILL_AT) }, 'upgrade', 'head');
    expect(run.signal, describeRun(run)).toBe('SIGKILL');
    // The revision's transaction had written pages (the schema's, for the new table): a hot journal is left.
    expect(statSync(`${killedDb.name}-journal`).size).toBeGreaterThan(0);
    // Opening rolls the hot journal back (https://www.sqlite.org/atomiccommit.html#hot_journals).
    expect(state(killedDb.name)).toEqual(before);
    expect(before.versions).toEqual([R1]);
  }, 120_000);

  it('the re-run converges: rows, catalog and ledger equal a run never killed, one history row per revision', async () => {
    const rerun = await strata(killed, {}, 'upgrade', 'head');
    expect(rerun.code, describeRun(rerun)).toBe(0);
    const cleanRun = await strata(clean, {}, 'upgrade', 'head');
    expect(cleanRun.code, describeRun(cleanRun)).toBe(0);

    const after = state(killedDb.name);
    expect(after).toEqual(state(cleanDb.name));
    expect(after.rows.count).toBe(ROWS);
    expect(after.sequence).toBe(ROWS);
    expect(after.history).toEqual([R1, R2, R3].map((revision) => ({ revision, direction: 'up', n: 1 })));
    expect(after.versions).toEqual([R3]);
    expect(after.schema.map((row) => (row as { name: string }).name)).toEqual(expect.arrayContaining(['clients_ai', 'top_clients', 'ix_clients_score']));
    expect(after.schema.some((row) => (row as { name: string }).name.startsWith('_strata_new_'))).toBe(false);
    const db = new Database(killedDb.name, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare("SELECT count(*) FROM strata_lock").pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  }, 120_000);
});
