import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { diffSchemas } from '../../src/autogenerate/diff.js';
import type { Connection } from '../../src/dialects/connection.js';
import type { Dialect } from '../../src/dialects/dialect.js';
import type { IndexModel, SchemaModel } from '../../src/schema/model.js';
import { describeDialects } from '../support/databases.js';
import { StreamFixture, describeRun, historyRows, makeTempDir, versionRows, withConnection } from '../support/streams.js';

// Issue 13 #1: concurrent (online) index builds and drops, and the repair of an INVALID index.
const A = 'aaaa13100001';
const B = 'bbbb13100002';

/** Rows of the table the writer tests build on (the 1M), generated inside the database: about 3 s on PostgreSQL, 2 s on MariaDB. */
const ROWS = 1_000_000;

/** Rows for the refusals and the failed unique build, where the size proves nothing and only costs time. */
const SMALL_ROWS = 100_000;

/**
 * The longest one write may wait while a concurrent build runs on {@link ROWS} rows. An insert takes about a
 * millisecond; the bound leaves room for a loaded 2-core machine, yet a plain build makes writes wait for the
 * whole build and for any transaction ahead of it on the table, which the PostgreSQL test shows passing the bound.
 */
const WRITE_BOUND_MS = 3_000;

/** The test timeout of the 1M-row tests: the fill, the builds and the CLI's start-ups on a loaded machine. */
const BIG_TIMEOUT_MS = 240_000;

/** A revision file in the stream's folder; `body` is the upgrade's statements, `down` the downgrade's. */
function writeRevision(dir: string, index: number, spec: { id: string; parents: readonly string[]; fields?: string; body: string; down?: string }): void {
  writeFileSync(
    join(dir, `20240401_000${index}_${spec.id}.ts`),
    `import { revision } from '@strata/engine';
export default revision({
  id: '${spec.id}',
  parents: ${JSON.stringify(spec.parents)},
  message: 'online index ${index}',
  ${spec.fields ?? ''}
  async upgrade({ op, inspect, execute }) {
    void op; void inspect; void execute;
    ${spec.body}
  },
  async downgrade({ op, inspect }) {
    void op; void inspect;
    ${spec.down ?? ''}
  },
});
`,
  );
}

/** Creates `events (id, v, code)` with `rows` rows (1M at most) generated in the database. */
async function seedEvents(dialect: Dialect, url: string, code: 'unique' | 'duplicates', rows: number): Promise<void> {
  await withConnection(dialect, url, async (c) => {
    if (dialect.name === 'postgresql') {
      await c.query('CREATE TABLE events (id serial PRIMARY KEY, v integer NOT NULL, code integer NOT NULL)');
      await c.query(`INSERT INTO events (v, code) SELECT g % 1000, ${code === 'unique' ? 'g' : 'g % 50000'} FROM generate_series(1, ${rows}) AS g`);
      await c.query('ANALYZE events');
    } else {
      await c.query('CREATE TABLE events (id integer AUTO_INCREMENT PRIMARY KEY, v integer NOT NULL, code integer NOT NULL) ENGINE=InnoDB');
      // Six digits crossed: 1..1000000, portable to MySQL and MariaDB (no sequence engine, no recursion limit).
      const digit = '(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
      await c.query(
        `INSERT INTO events (v, code) SELECT n % 1000, ${code === 'unique' ? 'n' : 'n % 50000'} FROM (SELECT 1 + a.d + 10 * b.d + 100 * c.d + 1000 * d.d + 10000 * e.d + 100000 * f.d AS n FROM ${digit} a, ${digit} b, ${digit} c, ${digit} d, ${digit} e, ${digit} f) AS s WHERE n <= ${rows}`,
      );
    }
  });
}

/** Inserts one row at a time, each in its own transaction, until stopped; counts rows and failures, times each insert. */
class Writer {
  inserted = 0;
  readonly failures: unknown[] = [];
  /** Milliseconds each insert took, in order. */
  readonly latencies: number[] = [];
  #stopped = false;
  #done: Promise<void> | undefined;

  start(connection: Connection): void {
    this.#done = (async () => {
      while (!this.#stopped) {
        try {
          const start = performance.now();
          await connection.query(`INSERT INTO events (v, code) VALUES (-1, ${-10 - this.inserted})`);
          this.latencies.push(performance.now() - start);
          this.inserted += 1;
        } catch (error) {
          this.failures.push(error);
          return;
        }
      }
    })();
  }

  /** The longest any insert waited, in milliseconds. */
  slowest(): number {
    return Math.max(0, ...this.latencies);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#done;
  }
}

/** Polls `check` (a query) until it answers true; a bounded wait that fails the test, not a timing assertion. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let tries = 0; tries < 600; tries += 1) {
    if (await check()) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`gave up waiting: ${what}`);
}

/** The table's index of that name as the dialect's schema reader reads it. */
async function readIndex(dialect: Dialect, url: string, name: string): Promise<{ schema: SchemaModel; index: IndexModel | undefined }> {
  const schema = await withConnection(dialect, url, (c) => dialect.readSchema(c));
  return { schema, index: schema.tables.get('events')?.indexes.find((i) => i.name === name) };
}

await describeDialects(
  'online index builds',
  (ctx) => {
    const temp = makeTempDir(`online-index-${ctx.name}`);
    afterAll(() => temp.remove());

    it(`a concurrent build on ${ROWS} rows while another connection writes: no write fails or waits longer than ${WRITE_BOUND_MS} ms, writes go on during the build, the drop is concurrent too`, { timeout: BIG_TIMEOUT_MS }, async () => {
      const db = await ctx.createDatabase('zero_online');
      const s = new StreamFixture(temp.path, 'zero-online', db.url);
      await seedEvents(ctx.dialect, s.url, 'unique', ROWS);
      writeRevision(s.dir, 0, {
        id: A,
        parents: [],
        fields: 'transactional: false,',
        body: "if (!(await inspect.hasIndex('events', 'ix_events_v'))) await op.createIndex('ix_events_v', 'events', ['v', 'code'], { concurrently: true });",
        down: "if (await inspect.hasIndex('events', 'ix_events_v')) await op.dropIndex('ix_events_v', 'events', { concurrently: true });",
      });

      const writerConnection = await ctx.dialect.connect(s.url);
      const blocker = await ctx.dialect.connect(s.url);
      const monitor = await ctx.dialect.connect(s.url);
      const writer = new Writer();
      const plainWriter = new Writer();
      const building = async (): Promise<boolean> =>
        ctx.name === 'postgresql'
          ? (await monitor.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY%' AND state = 'active'")).length > 0
          : (await monitor.query("SELECT 1 FROM information_schema.PROCESSLIST WHERE INFO LIKE 'CREATE INDEX%LOCK=NONE'")).length > 0;
      try {
        if (ctx.name === 'postgresql') {
          // An open writing transaction holds the build in its first wait (CONCURRENTLY waits for the table's writers
          // to finish instead of locking them out): the build is provably running while the writer keeps inserting.
          // On MariaDB the same transaction would hold the build's brief metadata lock, and writes would queue behind it.
          await blocker.begin();
          await blocker.query('INSERT INTO events (v, code) VALUES (-2, -2)');
        }
        writer.start(writerConnection);
        const upgrade = s.cli('upgrade', 'head');
        await until(building, 'the build to start');
        const before = writer.inserted;
        const writes = ctx.name === 'postgresql' ? 50 : 10;
        await until(async () => writer.inserted >= before + writes, `the writer to insert ${writes} rows during the build`);
        expect(await building(), 'the build was still running while the writer inserted').toBe(true);
        if (ctx.name === 'postgresql') await blocker.commit();
        const run = await upgrade;
        expect(run.code, describeRun(run)).toBe(0);
        const during = writer.inserted;
        await until(async () => writer.inserted > during, 'the writer to go on after the build');
        await writer.stop();
        expect(writer.failures).toEqual([]);
        expect(writer.slowest(), `the slowest write during the build, in ms (bound ${WRITE_BOUND_MS})`).toBeLessThan(WRITE_BOUND_MS);
        const { index } = await readIndex(ctx.dialect, s.url, 'ix_events_v');
        expect(index).toEqual({ name: 'ix_events_v', parts: [{ column: 'v' }, { column: 'code' }], unique: false });

        const down = await s.cli('downgrade', 'base');
        expect(down.code, describeRun(down)).toBe(0);
        expect((await readIndex(ctx.dialect, s.url, 'ix_events_v')).index).toBeUndefined();
        if (ctx.name !== 'postgresql') return;

        // The plain build in a transactional revision: CREATE INDEX's SHARE lock waits behind the open writing
        // transaction and every insert queues behind it, so a write waits past the bound (released once one has).
        const plainStream = new StreamFixture(temp.path, 'zero-online-plain', db.url);
        writeRevision(plainStream.dir, 0, {
          id: B,
          parents: [],
          body: "if (!(await inspect.hasIndex('events', 'ix_events_v'))) await op.createIndex('ix_events_v', 'events', ['v', 'code']);",
        });
        await blocker.begin();
        await blocker.query('INSERT INTO events (v, code) VALUES (-3, -3)');
        plainWriter.start(writerConnection);
        const plain = plainStream.cli('upgrade', 'head');
        await until(
          async () =>
            (
              await monitor.query(
                `SELECT 1 FROM pg_stat_activity WHERE query LIKE 'INSERT INTO events%' AND wait_event_type = 'Lock' AND now() - query_start > interval '${WRITE_BOUND_MS + 500} milliseconds'`,
              )
            ).length > 0,
          'a write to wait past the bound behind the plain build',
        );
        await blocker.commit();
        const plainRun = await plain;
        expect(plainRun.code, describeRun(plainRun)).toBe(0);
        await plainWriter.stop();
        expect(plainWriter.failures).toEqual([]);
        expect(plainWriter.slowest()).toBeGreaterThan(WRITE_BOUND_MS);
      } finally {
        await Promise.all([writer.stop(), plainWriter.stop()]);
        await Promise.all([writerConnection.close(), blocker.close(), monitor.close()]);
      }
    });

    it('a concurrent create or drop in a transactional revision is refused before it runs (PostgreSQL); on MariaDB an index the server cannot build online is refused by the server (DIALECT_ONLINE_DDL_REFUSED)', async () => {
      const db = await ctx.createDatabase('zero_refused');
      const s = new StreamFixture(temp.path, 'zero-refused', db.url);
      await seedEvents(ctx.dialect, s.url, 'unique', SMALL_ROWS);
      if (ctx.name === 'postgresql') {
        writeRevision(s.dir, 0, { id: A, parents: [], body: "await op.dropIndex('ix_missing', 'events', { concurrently: true });" });
        const run = await s.cli('upgrade', 'head');
        expect(run.code).not.toBe(0);
        expect(run.stderr).toContain('drops index ix_missing on events concurrently, but the revision runs in a transaction');
        return;
      }
      await withConnection(ctx.dialect, s.url, (c) => c.query('ALTER TABLE events ADD COLUMN note varchar(100)'));
      writeRevision(s.dir, 0, {
        id: A,
        parents: [],
        body: "if (!(await inspect.hasIndex('events', 'ix_events_note'))) await op.createIndex('ix_events_note', 'events', ['note'], { method: 'fulltext', concurrently: true });",
      });
      const run = await s.cli('upgrade', 'head');
      expect(run.code, describeRun(run)).not.toBe(0);
      expect(run.stderr).toContain('cannot run this statement without blocking writes: LOCK=NONE is not supported');
      expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([]);

      // addColumn: a plain column goes in place; a stored generated one needs a copy, which the server refuses.
      writeRevision(s.dir, 0, {
        id: A,
        parents: [],
        body: `if (!(await inspect.hasColumn('events', 'label'))) await op.addColumn('events', { name: 'label', type: 'varchar(20)' }, { concurrently: true });
    if (!(await inspect.hasColumn('events', 'twice'))) await op.addColumn('events', { name: 'twice', type: 'integer', generated: { expression: 'v * 2', stored: true } }, { concurrently: true });`,
      });
      const columns = await s.cli('upgrade', 'head');
      expect(columns.code, describeRun(columns)).not.toBe(0);
      expect(columns.stderr).toContain('cannot run this statement without blocking writes: ALGORITHM=INPLACE is not supported');
      const schema = await withConnection(ctx.dialect, s.url, (c) => ctx.dialect.readSchema(c));
      expect(schema.tables.get('events')?.columns.map((c) => c.name)).toEqual(['id', 'v', 'code', 'note', 'label']);
    });
  },
  ['postgresql', 'mysql'],
);

await describeDialects(
  'INVALID index repair',
  (ctx) => {
    const temp = makeTempDir(`invalid-index-${ctx.name}`);
    afterAll(() => temp.remove());

    it(`a concurrent build on ${ROWS} rows killed mid-way leaves an INVALID index; the next run drops it, builds it again and records the revision once`, { timeout: BIG_TIMEOUT_MS }, async () => {
      const db = await ctx.createDatabase('zero_killed');
      const s = new StreamFixture(temp.path, 'zero-killed', db.url);
      await seedEvents(ctx.dialect, s.url, 'unique', ROWS);
      writeRevision(s.dir, 0, {
        id: A,
        parents: [],
        fields: 'transactional: false,',
        body: "if (!(await inspect.hasIndex('events', 'ix_events_v'))) await op.createIndex('ix_events_v', 'events', ['v', 'code'], { concurrently: true });",
      });
      const blocker = await ctx.dialect.connect(s.url);
      const monitor = await ctx.dialect.connect(s.url);
      try {
        // The open writing transaction holds the build after it has entered the index in the catalog, so the kill
        // lands mid-build, never before or after it.
        await blocker.begin();
        await blocker.query('INSERT INTO events (v, code) VALUES (-2, -2)');
        const upgrade = s.cli('upgrade', 'head');
        const builder = async (): Promise<number | undefined> => {
          const [row] = await monitor.query("SELECT pid FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY%' AND state = 'active'");
          return row === undefined ? undefined : Number(row['pid']);
        };
        await until(async () => (await builder()) !== undefined, 'the build to start');
        await monitor.query('SELECT pg_terminate_backend($1)', [await builder()]);
        const killed = await upgrade;
        expect(killed.code, describeRun(killed)).not.toBe(0);
        await blocker.commit();
        expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([]);
        expect((await readIndex(ctx.dialect, s.url, 'ix_events_v')).index).toEqual({ name: 'ix_events_v', parts: [{ column: 'v' }, { column: 'code' }], unique: false, valid: false });

        const repaired = await s.cli('upgrade', 'head');
        expect(repaired.code, describeRun(repaired)).toBe(0);
        expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([A]);
        expect((await historyRows(ctx.dialect, s.url, s.name)).filter((row) => row.revision === A)).toHaveLength(1);
        expect((await readIndex(ctx.dialect, s.url, 'ix_events_v')).index).toEqual({ name: 'ix_events_v', parts: [{ column: 'v' }, { column: 'code' }], unique: false });
      } finally {
        await Promise.all([blocker.close(), monitor.close()]);
      }
    });

    it('a failed concurrent unique build leaves an INVALID index: read as such, drift, invisible to hasIndex; the re-run of the guarded create repairs it', async () => {
      const db = await ctx.createDatabase('zero_invalid');
      const s = new StreamFixture(temp.path, 'zero-invalid', db.url);
      await seedEvents(ctx.dialect, s.url, 'duplicates', SMALL_ROWS);
      writeRevision(s.dir, 0, {
        id: A,
        parents: [],
        fields: 'transactional: false,',
        body: "if (!(await inspect.hasIndex('events', 'ux_events_code'))) await op.createIndex('ux_events_code', 'events', ['code'], { unique: true, concurrently: true });",
      });

      const failed = await s.cli('upgrade', 'head');
      expect(failed.code, describeRun(failed)).not.toBe(0);
      expect(failed.stderr).toMatch(/duplicate key|could not create unique index/);
      expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([]);
      const { schema, index } = await readIndex(ctx.dialect, s.url, 'ux_events_code');
      expect(index).toEqual({ name: 'ux_events_code', parts: [{ column: 'code' }], unique: true, valid: false });

      // Against the same schema with the index valid, the INVALID one is drift: dropped and built again.
      const events = schema.tables.get('events');
      if (events === undefined) throw new Error('no events table');
      const wanted: SchemaModel = {
        ...schema,
        tables: new Map([...schema.tables, ['events', { ...events, indexes: events.indexes.map((i) => (i.name === 'ux_events_code' ? { name: i.name, parts: i.parts, unique: true } : i)) }]]),
      };
      expect(diffSchemas(schema, wanted, { capabilities: ctx.dialect.capabilities }).ops.map((op) => `${op.kind} ${'name' in op ? op.name : ''}`)).toEqual([
        'dropIndex ux_events_code',
        'createIndex ux_events_code',
      ]);

      // The data is fixed; the re-run's guard sees no usable index, and the create drops the INVALID one first.
      await withConnection(ctx.dialect, s.url, (c) => c.query('UPDATE events SET code = id'));
      const repaired = await s.cli('upgrade', 'head');
      expect(repaired.code, describeRun(repaired)).toBe(0);
      expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([A]);
      expect((await historyRows(ctx.dialect, s.url, s.name)).filter((row) => row.revision === A)).toHaveLength(1);
      expect((await readIndex(ctx.dialect, s.url, 'ux_events_code')).index).toEqual({ name: 'ux_events_code', parts: [{ column: 'code' }], unique: true });
      const duplicate = await withConnection(ctx.dialect, s.url, (c) => c.query('INSERT INTO events (v, code) VALUES (0, 1)').then(() => 'inserted', (error: Error) => error.message));
      expect(duplicate).toMatch(/duplicate key/);

      // A later revision drops it concurrently, and its downgrade builds it concurrently again.
      writeRevision(s.dir, 1, {
        id: B,
        parents: [A],
        fields: 'transactional: false,',
        body: "if (await inspect.hasIndex('events', 'ux_events_code')) await op.dropIndex('ux_events_code', 'events', { concurrently: true });",
        down: "if (!(await inspect.hasIndex('events', 'ux_events_code'))) await op.createIndex('ux_events_code', 'events', ['code'], { unique: true, concurrently: true });",
      });
      expect((await s.cli('upgrade', 'head')).code).toBe(0);
      expect((await readIndex(ctx.dialect, s.url, 'ux_events_code')).index).toBeUndefined();
      expect((await s.cli('downgrade', A)).code).toBe(0);
      expect((await readIndex(ctx.dialect, s.url, 'ux_events_code')).index?.valid).toBeUndefined();
    });
  },
  ['postgresql'],
);

await describeDialects(
  'killed online build',
  (ctx) => {
    const temp = makeTempDir(`killed-online-${ctx.name}`);
    afterAll(() => temp.remove());

    it(`an online build on ${ROWS} rows killed mid-way leaves no index (InnoDB rolls it back, nothing INVALID to repair); the next run builds it and records the revision once`, { timeout: BIG_TIMEOUT_MS }, async () => {
      const db = await ctx.createDatabase('zero_killed');
      const s = new StreamFixture(temp.path, 'zero-killed', db.url);
      await seedEvents(ctx.dialect, s.url, 'unique', ROWS);
      writeRevision(s.dir, 0, {
        id: A,
        parents: [],
        body: "if (!(await inspect.hasIndex('events', 'ix_events_v'))) await op.createIndex('ix_events_v', 'events', ['v', 'code'], { concurrently: true });",
      });
      const monitor = await ctx.dialect.connect(s.url);
      try {
        const upgrade = s.cli('upgrade', 'head');
        // Polled without a pause: the session is killed as soon as the server says it builds, long before the build ends.
        let builder: number | undefined;
        for (let tries = 0; builder === undefined && tries < 20_000; tries += 1) {
          const [row] = await monitor.query("SELECT ID AS id FROM information_schema.PROCESSLIST WHERE INFO LIKE 'CREATE INDEX%LOCK=NONE' AND STATE = 'altering table'");
          builder = row === undefined ? undefined : Number(row['id']);
        }
        if (builder === undefined) throw new Error('gave up waiting: the build to start');
        await monitor.query(`KILL ${builder}`);
        const killed = await upgrade;
        expect(killed.code, describeRun(killed)).not.toBe(0);
        expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([]);
        expect((await readIndex(ctx.dialect, s.url, 'ix_events_v')).index).toBeUndefined();

        const again = await s.cli('upgrade', 'head');
        expect(again.code, describeRun(again)).toBe(0);
        expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([A]);
        expect((await historyRows(ctx.dialect, s.url, s.name)).filter((row) => row.revision === A)).toHaveLength(1);
        expect((await readIndex(ctx.dialect, s.url, 'ix_events_v')).index).toEqual({ name: 'ix_events_v', parts: [{ column: 'v' }, { column: 'code' }], unique: false });
      } finally {
        await monitor.close();
      }
    });
  },
  ['mysql'],
);
