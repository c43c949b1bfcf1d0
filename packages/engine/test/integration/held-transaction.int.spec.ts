import { expect, it } from 'vitest';
import type { Connection } from '../../src/dialects/connection.js';
import { HeldTransactionError, QueryFailedError } from '../../src/dialects/errors.js';
import { RevisionFailedError } from '../../src/runner/errors.js';
import { downgrade, upgrade } from '../../src/runner/runner.js';
import { describeDialects } from '../support/databases.js';
import { chain, countDriverCalls, rev, watchDriverCalls, type Body } from '../support/runs.js';
import { snapshot, withConnection } from '../support/streams.js';

// Issue 9 item 3: one round trip per revision. MySQL/MariaDB (DDL commits by itself there): the
// revision's ledger rows, a transaction of their own, travel with the next revision's first statement
// (Connection.holdTransaction) and still commit before it runs. PostgreSQL: the revision's statements
// go out with its ledger rows and COMMIT as one message (Connection.deferStatement, its own suite);
// the run-level tests here hold for both.

/** Revision n's downgrade: drops the table its upgrade made, if any. */
const dropIfMade =
  (n: number): Body =>
  async ({ op, inspect }) => {
    if (await inspect.hasTable(`t${n}`)) await op.dropTable(`t${n}`);
  };

/** Creates table t<n> unless it exists. */
const table =
  (n: number): Body =>
  async ({ op, inspect }) => {
    if (!(await inspect.hasTable(`t${n}`))) await op.createTable(`t${n}`, { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });
  };

const countItems = async (c: Connection): Promise<number> => Number((await c.query('SELECT COUNT(*) AS n FROM items'))[0]?.['n']);
const insertItem = (id: number) => ({ sql: 'INSERT INTO items (id) VALUES (?)', params: [id] });

await describeDialects(
  'a ledger transaction held for the next statement',
  (ctx) => {
    /** A connection on a new database with an `items` table, and what `settled` was told. */
    const withItems = async (label: string, body: (c: Connection, outcomes: boolean[]) => Promise<void>) => {
      const db = await ctx.createDatabase(label);
      await withConnection(ctx.dialect, db.url, async (c) => {
        await c.query('CREATE TABLE items (id integer PRIMARY KEY)');
        await c.query('CREATE TABLE other (id integer PRIMARY KEY)');
        await body(c, []);
      });
      return db;
    };
    const hold = (c: Connection, outcomes: boolean[], ids: readonly number[]) =>
      c.holdTransaction?.(ids.map(insertItem), (committed) => outcomes.push(committed));

    it.runIf(ctx.name === 'mysql')('the held transaction commits before the statement it travels with, which sees its rows', async () => {
      await withItems('carried', async (c, outcomes) => {
        expect(c.holdTransaction).toBeDefined();
        hold(c, outcomes, [1, 2]);
        expect(outcomes).toEqual([]);
        expect(await countItems(c)).toBe(2);
        expect(outcomes).toEqual([true]);
        expect(c.inTransaction).toBe(false);
        // A transaction of the caller's own carries the next one.
        hold(c, outcomes, [3]);
        await c.runTransaction?.([insertItem(4)]);
        expect(await countItems(c)).toBe(4);
        expect(outcomes).toEqual([true, true]);
      });
    });

    it.runIf(ctx.name === 'mysql')('a failing held transaction rolls back whole, the statement it carried does not run, and the session goes on', async () => {
      await withItems('held-fails', async (c, outcomes) => {
        await c.query('INSERT INTO items (id) VALUES (7)');
        hold(c, outcomes, [1, 7]);
        const failure = await c.query('INSERT INTO other (id) VALUES (1)').catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(HeldTransactionError);
        expect((failure as HeldTransactionError).code).toBe('DIALECT_HELD_TRANSACTION_FAILED');
        expect((failure as HeldTransactionError).cause).toBeInstanceOf(QueryFailedError);
        expect((failure as Error).message).toMatch(/Duplicate entry '7'/);
        expect(outcomes).toEqual([false]);
        expect(c.inTransaction).toBe(false);
        expect((await c.query('SELECT id FROM items ORDER BY id')).map((r) => Number(r['id']))).toEqual([7]);
        expect(await c.query('SELECT id FROM other')).toEqual([]);
      });
    });

    it.runIf(ctx.name === 'mysql')('when the carried statement fails, its own error comes back and the held transaction stays committed', async () => {
      await withItems('statement-fails', async (c, outcomes) => {
        hold(c, outcomes, [1]);
        const failure = await c.query('INSERT INTO no_such_table (id) VALUES (1)').catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(QueryFailedError);
        expect((failure as Error).message).toMatch(/no_such_table/);
        expect(outcomes).toEqual([true]);
        expect(await countItems(c)).toBe(1);
      });
    });

    it.runIf(ctx.name === 'mysql')('the driver gets the held transaction first; closing the session sends one still held', async () => {
      const db = await withItems('driver', async (c, outcomes) => {
        hold(c, outcomes, [1]);
        const client = c.driver as { query(sql: string): Promise<[{ n: number }[], unknown]> };
        const [rows] = await client.query('SELECT COUNT(*) AS n FROM items');
        expect(Number(rows[0]?.n)).toBe(1);
        expect(outcomes).toEqual([true]);
        hold(c, outcomes, [2]);
      });
      await withConnection(ctx.dialect, db.url, async (c) => expect(await countItems(c)).toBe(2));
    });

    it.runIf(ctx.name === 'postgresql')('ctx.drizzle() and the driver wait for what is held: pg never gets a query while another waits', async () => {
      const db = await ctx.createDatabase('pg-driver-waits');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      const { sql } = await import('drizzle-orm');
      const seen: string[] = [];
      // Revision n's first statements go through Drizzle, then through the driver itself, while revision n-1's COMMIT and n's BEGIN are held.
      const throughDrizzle =
        (n: number): Body =>
        async (context) => {
          // Deferred (Connection.deferStatement): Drizzle's query sends it first, and sees its table.
          await context.execute(`CREATE TABLE pre${n} (id integer)`);
          const orm = (await context.drizzle()) as { execute(query: unknown): Promise<{ rows: { r: string }[] }> };
          seen.push((await orm.execute(sql.raw(`SELECT MAX(version_num) AS r FROM strata_version, (SELECT count(*) FROM pre${n}) AS pre`))).rows[0]?.r ?? '');
          const client = context.connection.driver as { query(text: string): Promise<unknown> };
          await client.query(`CREATE TABLE t${n} (id integer PRIMARY KEY)`);
        };
      const graph = chain([table(1), throughDrizzle(2), throughDrizzle(3)], dropIfMade);
      // pg's own test before it warns that a queued query is deprecated (refused from pg@9): another one waits in its queue.
      const waiting: number[] = [];
      await watchDriverCalls(
        ctx.name,
        (_sql, client) => waiting.push((client as { _queryQueue: unknown[] })._queryQueue.length),
        () => upgrade({ stream, graph, target: 'head' }).then(() => undefined),
      );
      expect(seen).toEqual([rev(1), rev(2)]);
      expect(waiting.length).toBeGreaterThan(6);
      expect(waiting.filter((n) => n > 0)).toEqual([]);
      const after = await snapshot(ctx.dialect, db.url, stream.name);
      expect(after.versions).toEqual([rev(3)]);
      expect(after.tables).toEqual(['pre2', 'pre3', 't1', 't2', 't3']);
    });

    it('a run: each revision finds the revision before it recorded when its first statement runs', async () => {
      const db = await ctx.createDatabase('run-order');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      const seen: string[] = [];
      const recordedBefore =
        (n: number): Body =>
        async (context) => {
          const [row] = await context.execute('SELECT MAX(version_num) AS r FROM strata_version');
          seen.push(String(row?.['r']));
          await table(n)(context);
        };
      const graph = chain([table(1), recordedBefore(2), recordedBefore(3), recordedBefore(4)], dropIfMade);
      await upgrade({ stream, graph, target: 'head' });
      expect(seen).toEqual([rev(1), rev(2), rev(3)]);
      const up = await snapshot(ctx.dialect, db.url, stream.name);
      expect(up.versions).toEqual([rev(4)]);
      expect(up.history.map((r) => [r.revision, r.direction])).toEqual([1, 2, 3, 4].map((n) => [rev(n), 'up']));
      await downgrade({ stream, graph, target: 'base' });
      const down = await snapshot(ctx.dialect, db.url, stream.name);
      expect(down.versions).toEqual([]);
      expect(down.tables).toEqual([]);
      expect(down.history.slice(4).map((r) => [r.revision, r.direction])).toEqual([4, 3, 2, 1].map((n) => [rev(n), 'down']));
    });

    it('a run of 30 one-statement revisions: one round trip each, plus a constant for the lock and the ledger', async () => {
      const db = await ctx.createDatabase('round-trips');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      const graph = chain(Array.from({ length: 30 }, (_, i) => table(i + 1)), dropIfMade);
      const sent: string[] = [];
      const count = await countDriverCalls(ctx.name, sent, async () => {
        await upgrade({ stream, graph, target: 'head' });
        await downgrade({ stream, graph, target: 'base' });
      });
      const carrying = sent.filter((sql) => /\b(CREATE|DROP) TABLE [`"]?t\d+\b/.test(sql));
      expect(carrying).toHaveLength(60);
      // Two round trips per revision would be 120 and more.
      expect(count).toBeLessThan(60 + 30);
    });

    it('a run: a ledger write that fails with the next statement stops the run there; fixed, a re-run finishes', async () => {
      const db = await ctx.createDatabase('ledger-fails');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      // Revision 2, on its first run, leaves the history table refusing new rows: its own row cannot be written.
      let broken = false;
      const breaksHistory: Body = async (context) => {
        await table(2)(context);
        if (!broken) {
          await context.execute('ALTER TABLE strata_history ADD COLUMN must integer NOT NULL DEFAULT 0');
          await context.execute('ALTER TABLE strata_history ALTER COLUMN must DROP DEFAULT');
        }
        broken = true;
      };
      // PostgreSQL rolls revision 2 back whole, the column with it; MySQL keeps what its DDL did.
      const transactional = ctx.name === 'postgresql';
      const graph = chain([table(1), breaksHistory, table(3)], dropIfMade);
      const failure = await upgrade({ stream, graph, target: 'head' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RevisionFailedError);
      // The failure is revision 2's, as when its row is written on its own: its body ran, its row is not there.
      const error = failure as RevisionFailedError;
      expect(error.details).toMatchObject({ revision: rev(2), rolledBack: transactional, causeCode: 'DIALECT_QUERY_FAILED' });
      expect(error.message).toMatch(transactional ? /upgrade of revision rev_2 failed: .*"must".*not-null.*rolled back/s : /upgrade of revision rev_2 failed: .*Field 'must' doesn't have a default value/s);
      expect(error.result.steps.map((s) => [s.revision, s.status])).toEqual([
        [rev(1), 'applied'],
        [rev(2), 'failed'],
      ]);
      expect(error.result.headsAfter).toEqual([rev(1)]);
      const after = await snapshot(ctx.dialect, db.url, stream.name);
      // Revision 2 is not recorded (on MySQL it ran); revision 3's statement never ran.
      expect(after.versions).toEqual([rev(1)]);
      expect(after.tables).toEqual(transactional ? ['t1'] : ['t1', 't2']);
      if (!transactional) await withConnection(ctx.dialect, db.url, (c) => c.query('ALTER TABLE strata_history DROP COLUMN must'));
      const rerun = await upgrade({ stream, graph, target: 'head' });
      expect(rerun.steps.map((s) => [s.revision, s.status])).toEqual([
        [rev(2), 'applied'],
        [rev(3), 'applied'],
      ]);
      const fixed = await snapshot(ctx.dialect, db.url, stream.name);
      expect(fixed.versions).toEqual([rev(3)]);
      expect(fixed.tables).toEqual(['t1', 't2', 't3']);
      expect(fixed.history.map((r) => r.revision)).toEqual([rev(1), rev(2), rev(3)]);
    });

    // PostgreSQL parses a whole message before it runs any of it; MySQL runs a multi-statement text
    // statement by statement. Either way a syntax error is its own revision's, never the one before.
    for (const [label, statement] of [
      ['a statement that returns no rows (PostgreSQL: deferred)', 'CREATE TABEL broken (id integer)'],
      ['a statement that reads (MySQL: it carries the ledger rows before it)', 'SELEC 1'],
    ] as const) {
      it(`a run: a syntax error in ${label} fails its own revision; the revision before is committed and recorded`, async () => {
        const db = await ctx.createDatabase(`syntax-${statement.length}`);
        const stream = { name: 'app', dialect: ctx.name, url: db.url };
        const graph = chain([
          async ({ execute }) => {
            await execute('CREATE TABLE first (id integer)');
          },
          async ({ execute }) => {
            await execute(statement);
          },
        ]);
        const failure = await upgrade({ stream, graph, target: 'head' }).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(RevisionFailedError);
        const error = failure as RevisionFailedError;
        expect(error.details).toMatchObject({ revision: rev(2), causeCode: 'DIALECT_QUERY_FAILED' });
        expect(error.message).toMatch(/syntax/i);
        expect(error.message).toContain(statement);
        expect(error.result.steps.map((s) => [s.revision, s.status])).toEqual([
          [rev(1), 'applied'],
          [rev(2), 'failed'],
        ]);
        const after = await snapshot(ctx.dialect, db.url, stream.name);
        expect(after.versions).toEqual([rev(1)]);
        expect(after.tables).toEqual(['first']);
        expect(after.history.map((r) => r.revision)).toEqual([rev(1)]);
      });
    }
  },
  ['mysql', 'postgresql'],
);
