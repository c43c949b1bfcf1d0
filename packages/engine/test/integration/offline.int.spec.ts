// Offline (`--sql`) scripts run by each database's own client (psql, mariadb, sqlite3; on PGlite its
// own `exec`, as an application embedding it runs a script) must leave the same schema and ledger as
// the runner applying the same revisions online (Alembic's offline mode, `alembic upgrade --sql`). Covers a whole stream (base:head), a range starting mid-stream,
// the downgrade back to base, and the errors and warnings only offline mode has.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Dialect, DialectName } from '../../src/dialects/dialect.js';
import { renderOfflineScript } from '../../src/offline/offline-runner.js';
import { loadRevisions } from '../../src/revision/load-revisions.js';
import { RevisionGraph } from '../../src/revision/revision-graph.js';
import { upgrade } from '../../src/runner/runner.js';
import type { SchemaModel } from '../../src/schema/model.js';
import { ALL_TARGETS, describeDialects, type TestDatabase } from '../support/databases.js';
import {
  describeRun,
  historyRows,
  listTables,
  makeTempDir,
  runCli,
  versionRows,
  withConnection,
  type CliRun,
  type HistoryRow,
} from '../support/streams.js';

// Revision ids, each with a distinct 4-character prefix.
const R1 = '1a1aoffline1';
const R2 = '2b2boffline2';
const R3 = '3c3coffline3';
const R4 = '4d4doffline4';
const R5 = '5e5eoffline5';

interface RevisionFile {
  readonly id: string;
  readonly parents: readonly string[];
  readonly message: string;
  /** The bodies of `upgrade(ctx)` and `downgrade(ctx)`; `ctx` is destructured as `{ op, inspect, execute, dialect }`. */
  readonly upgrade: string;
  readonly downgrade: string;
}

/**
 * The stream under test, written in the seed's guarded style. R1 makes a PostgreSQL enum (a
 * varchar elsewhere), R2 a table with a foreign key and an index, and rows whose text needs
 * escaping; R3 adds a column and a unique index; R4 alters columns of both tables (a recreate of
 * the parent `customers` on SQLite, with `orders` rows pointing at it); R5 renames a column.
 */
const STREAM_REVISIONS: readonly RevisionFile[] = [
  {
    id: R1,
    parents: [],
    message: 'create customers',
    upgrade: `
    if (dialect === 'postgresql' && !(await inspect.hasEnum('customer_status'))) await op.createEnum('customer_status', ['active', 'paused']);
    if (!(await inspect.hasTable('customers'))) {
      await op.createTable('customers', {
        columns: [
          { name: 'id', type: 'integer', primaryKey: true },
          { name: 'name', type: 'varchar(100)', nullable: false },
          { name: 'status', type: dialect === 'postgresql' ? 'customer_status' : 'varchar(20)', nullable: false, default: "'active'" },
        ],
      });
    }`,
    downgrade: `
    if (await inspect.hasTable('customers')) await op.dropTable('customers');
    if (await inspect.hasEnum('customer_status')) await op.dropEnum('customer_status');`,
  },
  {
    id: R2,
    parents: [R1],
    message: 'create orders',
    upgrade: `
    if (!(await inspect.hasTable('orders'))) {
      await op.createTable('orders', {
        columns: [
          { name: 'id', type: 'integer', primaryKey: true },
          { name: 'customer_id', type: 'integer', nullable: false },
          { name: 'amount', type: 'integer' },
          { name: 'note', type: 'varchar(200)' },
        ],
        foreignKeys: [{ name: 'fk_orders_customer', columns: ['customer_id'], referencedTable: 'customers', referencedColumns: ['id'], onDelete: 'cascade' }],
      });
    }
    if (!(await inspect.hasIndex('orders', 'ix_orders_customer'))) await op.createIndex('ix_orders_customer', 'orders', ['customer_id']);
    // Rows, inlined as literals offline: quotes, a backslash, a question mark, non-ASCII.
    const p = (n: number) => (dialect === 'postgresql' ? '$' + n : '?');
    await execute('INSERT INTO customers (id, name) VALUES (' + p(1) + ', ' + p(2) + ')', [1, "O'Brien \\\\ café? $1"]);
    await execute('INSERT INTO customers (id, name, status) VALUES (' + p(1) + ', ' + p(2) + ', ' + p(3) + ')', [2, 'Zoë', 'paused']);
    await execute('INSERT INTO orders (id, customer_id, amount, note) VALUES (' + p(1) + ', ' + p(2) + ', ' + p(3) + ', ' + p(4) + ')', [10, 1, 250, null]);
    await execute('INSERT INTO orders (id, customer_id, amount, note) VALUES (' + p(1) + ', ' + p(2) + ', ' + p(3) + ', ' + p(4) + ')', [11, 2, 75, 'line1\\nline2 -- not a comment; still data']);`,
    downgrade: `
    if (await inspect.hasTable('orders')) await op.dropTable('orders');
    await execute('DELETE FROM customers');`,
  },
  {
    id: R3,
    parents: [R2],
    message: 'add customers email',
    upgrade: `
    if (!(await inspect.hasColumn('customers', 'email'))) await op.addColumn('customers', { name: 'email', type: 'varchar(255)' });
    if (!(await inspect.hasIndex('customers', 'ux_customers_email'))) await op.createIndex('ux_customers_email', 'customers', ['email'], { unique: true });`,
    downgrade: `
    if (await inspect.hasIndex('customers', 'ux_customers_email')) await op.dropIndex('ux_customers_email', 'customers');
    if (await inspect.hasColumn('customers', 'email')) await op.dropColumn('customers', 'email');`,
  },
  {
    id: R4,
    parents: [R3],
    message: 'alter amount and email',
    upgrade: `
    // hasColumn(definition) is true for a column under another definition: compare the column itself.
    const amount = (await inspect.columns('orders')).find((c) => c.name === 'amount');
    if (amount !== undefined && (amount.type !== 'bigint' || amount.nullable)) await op.alterColumn('orders', 'amount', { type: 'bigint', nullable: false });
    const email = (await inspect.columns('customers')).find((c) => c.name === 'email');
    if (email !== undefined && email.type !== 'varchar(320)') await op.alterColumn('customers', 'email', { type: 'varchar(320)' });`,
    downgrade: `
    const email = (await inspect.columns('customers')).find((c) => c.name === 'email');
    if (email !== undefined && email.type !== 'varchar(255)') await op.alterColumn('customers', 'email', { type: 'varchar(255)' });
    const amount = (await inspect.columns('orders')).find((c) => c.name === 'amount');
    if (amount !== undefined && (amount.type !== 'integer' || !amount.nullable)) await op.alterColumn('orders', 'amount', { type: 'integer', nullable: true });`,
  },
  {
    id: R5,
    parents: [R4],
    message: 'rename customers name',
    upgrade: `
    if (await inspect.hasColumn('customers', 'name')) await op.renameColumn('customers', 'name', 'full_name');`,
    downgrade: `
    if (await inspect.hasColumn('customers', 'full_name')) await op.renameColumn('customers', 'full_name', 'name');`,
  },
];

function revisionSource(spec: RevisionFile): string {
  return [
    "import { revision } from '@strata/engine';",
    '',
    'export default revision({',
    `  id: ${JSON.stringify(spec.id)},`,
    `  parents: ${JSON.stringify(spec.parents)},`,
    `  message: ${JSON.stringify(spec.message)},`,
    `  async upgrade({ op, inspect, execute, dialect }) {${spec.upgrade}\n  },`,
    `  async downgrade({ op, inspect, execute, dialect }) {${spec.downgrade}\n  },`,
    '});',
    '',
  ].join('\n');
}

/** Writes the revisions into a new folder `dir` as `20240101_00NN_<slug>.ts`. */
function writeRevisions(dir: string, revisions: readonly RevisionFile[]): void {
  mkdirSync(dir, { recursive: true });
  revisions.forEach((spec, n) =>
    writeFileSync(join(dir, `20240101_00${String(n).padStart(2, '0')}_${spec.message.replace(/\W+/g, '_')}.ts`), revisionSource(spec)),
  );
}

/** What a database's own client printed and returned. */
interface NativeRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `file` with the database's own client, as an operator would: `psql -v ON_ERROR_STOP=1 -f`,
 * `mariadb DB < file`, `sqlite3 -bail DB < file` (`-bail`: stop at the first error, as psql does).
 */
function runNative(dialect: DialectName, database: TestDatabase, file: string, options: { sqliteForeignKeys?: boolean } = {}): Promise<NativeRun> {
  let command: string;
  let args: string[];
  const env: NodeJS.ProcessEnv = { ...process.env };
  let stdin: number | 'ignore' = 'ignore';
  if (dialect === 'sqlite') {
    command = 'sqlite3';
    // `-cmd 'PRAGMA foreign_keys=ON'` is what a ~/.sqliterc enabling foreign keys does to every session.
    args = ['-bail', ...(options.sqliteForeignKeys ? ['-cmd', 'PRAGMA foreign_keys=ON'] : []), database.name];
    stdin = openSync(file, 'r');
  } else {
    const url = new URL(database.url);
    const user = decodeURIComponent(url.username) || (dialect === 'postgresql' ? 'postgres' : 'root');
    const password = decodeURIComponent(url.password);
    const host = url.hostname || '127.0.0.1';
    if (dialect === 'postgresql') {
      command = 'psql';
      args = ['-v', 'ON_ERROR_STOP=1', '-X', '-q', '-h', host, '-p', url.port || '5432', '-U', user, '-d', database.name, '-f', file];
      if (password) env['PGPASSWORD'] = password;
      // `CREATE TABLE IF NOT EXISTS` on an existing ledger is a NOTICE; anything louder must fail the test.
      env['PGOPTIONS'] = '-c client_min_messages=warning';
    } else {
      command = 'mariadb';
      args = ['-h', host, '-P', url.port || '3306', `-u${user}`, database.name];
      if (password) env['MYSQL_PWD'] = password;
      stdin = openSync(file, 'r');
    }
  }
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env, stdio: [stdin, 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      if (typeof stdin === 'number') closeSync(stdin);
      done({ code, stdout, stderr });
    });
  });
}

function describeNative(run: NativeRun, script: string): string {
  return `exit ${run.code}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}\n--- script ---\n${script}`;
}

/** A history row without what differs between an online and an offline run (id, times, duration). */
function comparable(row: HistoryRow): Omit<HistoryRow, 'id' | 'startedAt' | 'finishedAt' | 'durationMs'> {
  const { id: _id, startedAt: _started, finishedAt: _finished, durationMs: _duration, ...rest } = row;
  return rest;
}

await describeDialects('offline scripts run by the native client', (ctx) => {
  const temp = makeTempDir(`offline-${ctx.name}`);
  const dir = join(temp.path, 'app', 'migrations');
  const stream = `offline_${ctx.name}`;
  let graph: RevisionGraph;
  /** Online: upgraded to head by the runner. */
  let online: TestDatabase;
  /** Online: upgraded to R4 by the runner. */
  let onlineAtR4: TestDatabase;
  let upScript: string;
  const timings: string[] = [];

  const target = (url: string) => ({ name: stream, dialect: ctx.name, url, projectDir: temp.path });

  async function readSchema(url: string): Promise<SchemaModel> {
    return withConnection(ctx.dialect, url, (connection) => ctx.dialect.readSchema(connection));
  }

  /** Every row of the user tables, by table (sorted by id), to compare data as well as schema. */
  async function rows(url: string, dialect: Dialect = ctx.dialect): Promise<Record<string, unknown[]>> {
    const result: Record<string, unknown[]> = {};
    for (const table of await listTables(dialect, url)) {
      result[table] = await withConnection(dialect, url, (c) => c.query(`SELECT * FROM ${dialect.quoteIdentifier(table)} ORDER BY ${dialect.quoteIdentifier('id')}`));
    }
    return result;
  }

  /** PGlite has no client of its own: the script goes to its `exec`, which runs it as one simple query. */
  const embedded = ctx.target.name === 'pglite';

  /** Writes `script` to a file and runs it on `database` with the native client; expects exit 0. */
  async function runScript(label: string, script: string, database: TestDatabase, options: { sqliteForeignKeys?: boolean } = {}): Promise<void> {
    const started = performance.now();
    if (embedded) {
      await withConnection(ctx.dialect, database.url, (connection) => connection.executeScript(script));
      timings.push(`${label} via PGlite exec: ${Math.round(performance.now() - started)} ms`);
      return;
    }
    const file = join(temp.path, `${label}.sql`);
    writeFileSync(file, script);
    const run = await runNative(ctx.name, database, file, options);
    timings.push(`${label} via native client: ${Math.round(performance.now() - started)} ms`);
    expect(run.code, describeNative(run, script)).toBe(0);
    // psql and mariadb report failed statements on stderr even where they go on.
    expect(run.stderr, describeNative(run, script)).toBe('');
  }

  // Each test drops the databases it made once it passed (a failed one's stay for afterAll): on PGlite
  // the next test then reuses the emptied instance instead of starting one.
  beforeAll(async () => {
    writeRevisions(dir, STREAM_REVISIONS);
    graph = new RevisionGraph(loadRevisions(dir));
    online = await ctx.createDatabase('offline_online');
    onlineAtR4 = await ctx.createDatabase('offline_online_r4');
    const started = performance.now();
    await upgrade({ stream: target(online.url), graph, target: 'head' });
    await upgrade({ stream: target(onlineAtR4.url), graph, target: R4 });
    timings.push(`online upgrades (head, R4): ${Math.round(performance.now() - started)} ms`);
    upScript = (await renderOfflineScript({ stream: { name: stream, dialect: ctx.name, projectDir: temp.path }, graph, direction: 'up', range: 'base:head' })).script;
  });

  afterAll(() => {
    temp.remove();
    console.log(`\noffline [${ctx.name}] wall times:\n  ${timings.join('\n  ')}\n`);
  });

  it('the online run reached head', async () => {
    expect(await versionRows(ctx.dialect, online.url, stream)).toEqual([R5]);
    expect(await listTables(ctx.dialect, online.url)).toEqual(['customers', 'orders']);
    const schema = await readSchema(online.url);
    expect(schema.tables.get('customers')?.columns.map((c) => c.name)).toEqual(['id', 'full_name', 'status', 'email']);
    expect([...schema.enums.keys()]).toEqual(ctx.name === 'postgresql' ? ['customer_status'] : []);
  });

  // What the CLI prints offline does not depend on the database: the PostgreSQL server's suite covers it.
  it.skipIf(embedded)('`strata upgrade --sql base:head` prints the script renderOfflineScript returns', async () => {
    const run = await runCli(['upgrade', '--sql', 'base:head', '--dialect', ctx.name, '--dir', dir, '--stream', stream], { cwd: temp.path });
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toBe(upScript);
    expect(run.stderr).toBe('');
    // One revision after the other, each in a transaction where DDL is transactional.
    const order = [R1, R2, R3, R4, R5].map((id) => upScript.indexOf(`-> ${id},`));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > (order[i - 1] as number)))).toBe(true);
    expect(upScript.match(/^BEGIN;$/gm)?.length ?? 0).toBe(ctx.dialect.capabilities.transactionalDdl ? 5 : 0);
    expect(upScript.match(/^COMMIT;$/gm)?.length ?? 0).toBe(ctx.dialect.capabilities.transactionalDdl ? 5 : 0);
  });

  it('base:head run by the native client on an empty database gives the online schema, rows and ledger', async () => {
    const offline = await ctx.createDatabase('offline_b');
    const before = Date.now();
    await runScript('up-base-head', upScript, offline);
    expect(await readSchema(offline.url)).toStrictEqual(await readSchema(online.url));
    expect(await rows(offline.url)).toEqual(await rows(online.url));
    expect((await rows(offline.url))['customers']).toHaveLength(2);
    expect(await versionRows(ctx.dialect, offline.url, stream)).toEqual([R5]);
    const offlineHistory = await historyRows(ctx.dialect, offline.url, stream);
    const onlineHistory = await historyRows(ctx.dialect, online.url, stream);
    expect(offlineHistory.map(comparable)).toEqual(onlineHistory.map(comparable));
    expect(offlineHistory.map((r) => [r.revision, r.direction])).toEqual([R1, R2, R3, R4, R5].map((id) => [id, 'up']));
    // The script records when it ran (the dialect's current time), not when it was written.
    for (const row of offlineHistory) {
      expect(row.startedAt.getTime()).toBeGreaterThanOrEqual(before - 2_000);
      expect(row.startedAt.getTime()).toBeLessThanOrEqual(Date.now() + 2_000);
      expect(row.finishedAt.getTime()).toBeGreaterThanOrEqual(row.startedAt.getTime());
    }
    await offline.drop();
  });

  // The online runner turns foreign keys off around each SQLite revision (sqlite-revision-scope.ts):
  // with them on, R4's recreate of `customers` (DROP TABLE) would cascade-delete every order. The
  // script must do the same for a session that has them on (a ~/.sqliterc, or an application's connection).
  it.runIf(ctx.name === 'sqlite')('base:head keeps the cascading children of a recreated table in a session with foreign keys on', async () => {
    expect(upScript).toMatch(/DROP TABLE "customers"/);
    const offline = await ctx.createDatabase('offline_fk_on');
    await runScript('up-base-head-fk-on', upScript, offline, { sqliteForeignKeys: true });
    expect(await rows(offline.url)).toEqual(await rows(online.url));
    expect((await rows(offline.url))['orders']).toHaveLength(2);
    expect(await readSchema(offline.url)).toStrictEqual(await readSchema(online.url));
    const down = await renderOfflineScript({ stream: { name: stream, dialect: ctx.name, projectDir: temp.path }, graph, direction: 'down', range: `head:${R3}` });
    await runScript('down-head-r3-fk-on', down.script, offline, { sqliteForeignKeys: true });
    expect((await rows(offline.url))['orders']).toHaveLength(2);
    expect(await versionRows(ctx.dialect, offline.url, stream)).toEqual([R3]);
  });

  it('a mid-stream range (R2:R4) run on a database brought to R2 online gives the schema of R4 online', async () => {
    const partial = await ctx.createDatabase('offline_c');
    await upgrade({ stream: target(partial.url), graph, target: R2 });
    const { script, revisions } = await renderOfflineScript({ stream: { name: stream, dialect: ctx.name, projectDir: temp.path }, graph, direction: 'up', range: `${R2}:${R4}` });
    expect(revisions).toEqual([R3, R4]);
    expect(script).not.toMatch(/CREATE TABLE [`"]?customers[`"]? \(/);
    expect(script).not.toMatch(/CREATE TABLE [`"]?orders[`"]? \(/);
    await runScript('up-r2-r4', script, partial);
    expect(await readSchema(partial.url)).toStrictEqual(await readSchema(onlineAtR4.url));
    expect(await rows(partial.url)).toEqual(await rows(onlineAtR4.url));
    expect(await versionRows(ctx.dialect, partial.url, stream)).toEqual([R4]);
    expect((await historyRows(ctx.dialect, partial.url, stream)).map(comparable)).toEqual(
      (await historyRows(ctx.dialect, onlineAtR4.url, stream)).map(comparable),
    );
    await partial.drop();
  });

  it('head:base run by the native client on a database at head leaves no user table and no version row', async () => {
    let copy: TestDatabase;
    if (ctx.name === 'sqlite') {
      // A real copy of the online database file.
      copy = await ctx.createDatabase('offline_d');
      copyFileSync(online.name, copy.name);
    } else {
      copy = await ctx.createDatabase('offline_d');
      await upgrade({ stream: target(copy.url), graph, target: 'head' });
    }
    expect(await versionRows(ctx.dialect, copy.url, stream)).toEqual([R5]);
    const { script, revisions } = await renderOfflineScript({ stream: { name: stream, dialect: ctx.name, projectDir: temp.path }, graph, direction: 'down', range: 'head:base' });
    expect(revisions).toEqual([R5, R4, R3, R2, R1]);
    await runScript('down-head-base', script, copy);
    expect(await listTables(ctx.dialect, copy.url)).toEqual([]);
    const schema = await readSchema(copy.url);
    expect([...schema.tables.keys()]).toEqual([]);
    expect([...schema.enums.keys()]).toEqual([]);
    expect(await versionRows(ctx.dialect, copy.url, stream)).toEqual([]);
    expect((await historyRows(ctx.dialect, copy.url, stream)).map((r) => [r.revision, r.direction])).toEqual([
      ...[R1, R2, R3, R4, R5].map((id) => [id, 'up']),
      ...[R5, R4, R3, R2, R1].map((id) => [id, 'down']),
    ]);
    await copy.drop();
  });

  it.skipIf(embedded)('`downgrade --sql` without FROM:TO fails with OFFLINE_INVALID_RANGE', async () => {
    const run = await runCli(['downgrade', '--sql', 'base', '--dialect', ctx.name, '--dir', dir, '--stream', stream], { cwd: temp.path });
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error OFFLINE_INVALID_RANGE: Cannot write an offline script for "base": a downgrade script needs to know where the database starts\.\n/);
    expect(run.stderr).toContain('hint: Give FROM:TO, for example `strata downgrade --sql head:base`.');
    const json = await runCli(['downgrade', '--sql', '-1', '--json', '--dialect', ctx.name, '--dir', dir, '--stream', stream], { cwd: temp.path });
    expect(json.code, describeRun(json)).toBe(1);
    expect((JSON.parse(json.stdout) as { error: { code: string; details: unknown } }).error).toMatchObject({ code: 'OFFLINE_INVALID_RANGE', details: { range: '-1' } });
    await expect(renderOfflineScript({ stream: { name: stream, dialect: ctx.name, projectDir: temp.path }, graph, direction: 'down', range: 'head' })).rejects.toMatchObject({
      code: 'OFFLINE_INVALID_RANGE',
    });
  });

  it('a revision that reads ctx.connection fails offline with RUNNER_OFFLINE_NEEDS_DATABASE naming the stream', async () => {
    const liveDir = join(temp.path, 'live', 'migrations');
    writeRevisions(liveDir, [
      STREAM_REVISIONS[0] as RevisionFile,
      {
        id: 'f6f6needslive',
        parents: [R1],
        message: 'reads the connection',
        upgrade: `
    void op; void inspect; void execute; void dialect;
    const rows = await arguments[0].connection.query('SELECT 1 AS n');
    if (rows.length !== 1) throw new Error('no row');`,
        downgrade: '',
      },
    ]);
    const liveGraph = new RevisionGraph(loadRevisions(liveDir));
    const error = await renderOfflineScript({ stream: { name: 'needs_live', dialect: ctx.name }, graph: liveGraph, direction: 'up', range: 'head' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'RUNNER_OFFLINE_NEEDS_DATABASE', details: { stream: 'needs_live', what: 'ctx.connection' } });
    expect((error as Error).message).toContain('Stream "needs_live"');
    if (!embedded) {
      const run = await runCli(['upgrade', '--sql', '--dialect', ctx.name, '--dir', liveDir, '--stream', 'needs_live'], { cwd: temp.path });
      expect(run.code, describeRun(run)).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^error RUNNER_OFFLINE_NEEDS_DATABASE: Stream "needs_live": a revision uses ctx\.connection/);
    }
    // Online, the same revision runs.
    const database = await ctx.createDatabase('offline_live');
    await upgrade({ stream: { name: 'needs_live', dialect: ctx.name, url: database.url }, graph: liveGraph, target: 'head' });
    expect(await versionRows(ctx.dialect, database.url, 'needs_live')).toEqual(['f6f6needslive']);
    await database.drop();
  });

  it('raw DDL through execute is a warning on stderr and in the script, which still runs', async () => {
    const rawDir = join(temp.path, 'raw', 'migrations');
    writeRevisions(rawDir, [
      STREAM_REVISIONS[0] as RevisionFile,
      {
        id: 'a7a7rawddl',
        parents: [R1],
        message: 'raw ddl',
        upgrade: `
    void op; void inspect; void dialect;
    await execute('CREATE TABLE raw_notes (id integer PRIMARY KEY, body varchar(50))');
    await execute("INSERT INTO raw_notes (id, body) VALUES (1, 'rows are not warned about')");
    await execute("CREATE TABLE raw_links (id integer PRIMARY KEY, dsn varchar(80) DEFAULT 'postgres://app:hunter2@db/app')");`,
        downgrade: `
    void op; void inspect; void dialect;
    await execute('DROP TABLE raw_links');
    await execute('DROP TABLE raw_notes');`,
      },
    ]);
    const rawGraph = new RevisionGraph(loadRevisions(rawDir));
    const result = await renderOfflineScript({ stream: { name: 'raw', dialect: ctx.name, projectDir: temp.path }, graph: rawGraph, direction: 'up', range: 'base:head' });
    const warning = 'revision a7a7rawddl: raw SQL the model cannot follow, guards after it may be wrong: CREATE TABLE raw_notes (id integer PRIMARY KEY, body varchar(50))';
    // A password the statement writes (here a connection string's) is masked in the warning; the script keeps it, to run.
    const secretWarning = "revision a7a7rawddl: raw SQL the model cannot follow, guards after it may be wrong: CREATE TABLE raw_links (id integer PRIMARY KEY, dsn varchar(80) DEFAULT '***')";
    expect(result.warnings).toEqual([warning, secretWarning]);
    expect(result.script.trimEnd().endsWith(`-- Warnings:\n-- ${warning}\n-- ${secretWarning}`)).toBe(true);
    expect(result.script).toContain("DEFAULT 'postgres://app:hunter2@db/app'");
    if (!embedded) {
      const run: CliRun = await runCli(['upgrade', '--sql', 'base:head', '--dialect', ctx.name, '--dir', rawDir, '--stream', 'raw'], { cwd: temp.path });
      expect(run.code, describeRun(run)).toBe(0);
      expect(run.stderr).toBe(`warning: ${warning}\nwarning: ${secretWarning}\n`);
      expect(run.stdout).toBe(result.script);
    }
    const database = await ctx.createDatabase('offline_raw');
    await runScript('up-raw', result.script, database);
    expect(await listTables(ctx.dialect, database.url)).toEqual(['customers', 'raw_links', 'raw_notes']);
    expect(await versionRows(ctx.dialect, database.url, 'raw')).toEqual(['a7a7rawddl']);
  });
}, ALL_TARGETS);
