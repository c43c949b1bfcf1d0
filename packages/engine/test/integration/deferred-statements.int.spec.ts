import { expect, it } from 'vitest';
import type { Connection } from '../../src/dialects/connection.js';
import { QueryFailedError } from '../../src/dialects/errors.js';
import { RevisionFailedError } from '../../src/runner/errors.js';
import { downgrade, upgrade } from '../../src/runner/runner.js';
import { describeDialects } from '../support/databases.js';
import { chain, countDriverCalls, rev, type Body } from '../support/runs.js';
import { snapshot, withConnection } from '../support/streams.js';

// PostgreSQL: inside a revision's transaction, the statements that return no rows wait for the next
// statement that does, or for the COMMIT, and go out with it in one message (Connection.deferStatement):
// one round trip per revision instead of one per statement. A failure still quotes its own statement.

const tables = async (c: Connection): Promise<string[]> =>
  (await c.query("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1")).map((r) => String(r['t']));

await describeDialects(
  'statements deferred to the next message of a transaction',
  (ctx) => {
    const withDatabase = async (label: string, body: (c: Connection) => Promise<void>) => {
      const db = await ctx.createDatabase(label);
      await withConnection(ctx.dialect, db.url, body);
      return db;
    };

    it('only inside a transaction, and only single statements that return no rows; what reads next sees them', async () => {
      await withDatabase('defer-rules', async (c) => {
        expect(c.deferStatement?.('CREATE TABLE a (id integer PRIMARY KEY)')).toBe(false);
        await c.query('CREATE TABLE a (id integer PRIMARY KEY)');
        await c.begin({ withFirstStatement: true });
        expect(c.deferStatement?.('CREATE TABLE b (id integer PRIMARY KEY);')).toBe(true);
        expect(c.deferStatement?.('INSERT INTO a (id) VALUES (1)')).toBe(true);
        expect(c.deferStatement?.('INSERT INTO a (id) VALUES (2) RETURNING id')).toBe(false);
        expect(c.deferStatement?.('SELECT 1')).toBe(false);
        expect(c.deferStatement?.('CREATE TABLE c (id integer); CREATE TABLE d (id integer)')).toBe(false);
        expect((await c.query('SELECT count(*)::int AS n FROM a'))[0]?.['n']).toBe(1);
        expect(c.deferStatement?.('INSERT INTO b (id) VALUES (1)')).toBe(true);
        await c.commit();
        expect(await tables(c)).toEqual(['a', 'b']);
        expect((await c.query('SELECT count(*)::int AS n FROM b'))[0]?.['n']).toBe(1);
      });
    });

    it('a rollback drops what is deferred; after a SAVEPOINT nothing more is deferred, so a caught failure can roll back to it', async () => {
      await withDatabase('defer-savepoint', async (c) => {
        await c.begin({ withFirstStatement: true });
        expect(c.deferStatement?.('CREATE TABLE gone (id integer)')).toBe(true);
        await c.rollback();
        expect(await tables(c)).toEqual([]);
        await c.begin({ withFirstStatement: true });
        expect(c.deferStatement?.('CREATE TABLE kept (id integer PRIMARY KEY)')).toBe(true);
        await c.query('SAVEPOINT attempt');
        expect(c.deferStatement?.('INSERT INTO kept (id) VALUES (1)')).toBe(false);
        const failure = await c.query('INSERT INTO missing (id) VALUES (1)').catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(QueryFailedError);
        await c.query('ROLLBACK TO SAVEPOINT attempt');
        await c.query('INSERT INTO kept (id) VALUES (1)');
        await c.commit();
        expect(await tables(c)).toEqual(['kept']);
        // The next transaction defers again.
        await c.begin({ withFirstStatement: true });
        expect(c.deferStatement?.('INSERT INTO kept (id) VALUES (2)')).toBe(true);
        await c.commit();
        expect((await c.query('SELECT count(*)::int AS n FROM kept'))[0]?.['n']).toBe(2);
      });
    });

    it('a SAVEPOINT sent through the driver stops deferral too; a thousand waiting statements go out with the next', async () => {
      await withDatabase('defer-limits', async (c) => {
        await c.query('CREATE TABLE a (id integer PRIMARY KEY)');
        await c.begin({ withFirstStatement: true });
        expect(c.deferStatement?.('INSERT INTO a (id) VALUES (1)')).toBe(true);
        await (c.driver as { query(text: string): Promise<unknown> }).query('SAVEPOINT mine');
        expect(c.deferStatement?.('INSERT INTO a (id) VALUES (2)')).toBe(false);
        await c.rollback();
        await c.begin({ withFirstStatement: true });
        let deferred = 0;
        for (let id = 1; id <= 2500; id++) {
          const sql = `INSERT INTO a (id) VALUES (${id})`;
          if (c.deferStatement?.(sql) === true) deferred += 1;
          else await c.query(sql);
        }
        expect(deferred).toBe(2498);
        await c.commit();
        expect((await c.query('SELECT count(*)::int AS n FROM a'))[0]?.['n']).toBe(2500);
      });
    });

    it('a deferred statement that fails is the error of the call that sent it, quoting that statement; the transaction rolls back whole', async () => {
      await withDatabase('defer-fails', async (c) => {
        await c.query('CREATE TABLE a (id integer PRIMARY KEY)');
        await c.query('INSERT INTO a (id) VALUES (1)');
        await c.begin({ withFirstStatement: true });
        expect(c.deferStatement?.('CREATE TABLE b (id integer)')).toBe(true);
        expect(c.deferStatement?.('INSERT INTO a (id) VALUES (1)')).toBe(true);
        expect(c.deferStatement?.('CREATE TABLE c (id integer)')).toBe(true);
        const failure = await c.query('SELECT 1 AS one').catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(QueryFailedError);
        expect((failure as QueryFailedError).details['sql']).toBe('INSERT INTO a (id) VALUES (1)');
        expect((failure as Error).message).toMatch(/duplicate key/);
        await c.rollback();
        expect(await tables(c)).toEqual(['a']);
        // Failing at commit(), the transaction ends all the same: the session goes on.
        await c.begin({ withFirstStatement: true });
        expect(c.deferStatement?.('INSERT INTO a (id) VALUES (1)')).toBe(true);
        expect(await c.commit().catch((e: unknown) => e)).toBeInstanceOf(QueryFailedError);
        expect(c.inTransaction).toBe(false);
        expect((await c.query('SELECT count(*)::int AS n FROM a'))[0]?.['n']).toBe(1);
        // A syntax error stops the whole message before it runs: its position (in characters, not UTF-16 units) tells the statement.
        await c.begin({ withFirstStatement: true });
        expect(c.deferStatement?.(`COMMENT ON TABLE a IS '${'🙂'.repeat(20)}'`)).toBe(true);
        expect(c.deferStatement?.('CREATE TABEL b (id integer)')).toBe(true);
        const syntax = await c.commit().catch((e: unknown) => e);
        expect((syntax as QueryFailedError).details['sql']).toBe('CREATE TABEL b (id integer)');
        await c.rollback();
        // A failure in what the caller sent with them quotes the caller's statement.
        await c.begin({ withFirstStatement: true });
        expect(c.deferStatement?.('CREATE TABLE b (id integer)')).toBe(true);
        const own = await c.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
        expect((own as QueryFailedError).details['sql']).toBe('SELECT * FROM no_such_table');
        await c.rollback();
        expect(await tables(c)).toEqual(['a']);
      });
    });

    it('a run: one message per revision whatever its statements, each revision still committed before the next one runs', async () => {
      const db = await ctx.createDatabase('defer-run');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      const threeStatements =
        (n: number): Body =>
        async ({ op, inspect, execute }) => {
          if (!(await inspect.hasTable(`t${n}`))) await op.createTable(`t${n}`, { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'name', type: 'text' }] });
          await op.createIndex(`ix_t${n}_name`, `t${n}`, ['name']);
          await execute(`INSERT INTO t${n} (id, name) VALUES (${n}, 'row ${n}')`);
        };
      const dropIt =
        (n: number): Body =>
        async ({ op }) => {
          await op.dropIndex(`ix_t${n}_name`, `t${n}`);
          await op.dropTable(`t${n}`);
        };
      const graph = chain(
        Array.from({ length: 20 }, (_, i) => threeStatements(i + 1)),
        dropIt,
      );
      const sent: string[] = [];
      const count = await countDriverCalls(ctx.name, sent, () => upgrade({ stream, graph, target: 'head' }).then(() => undefined));
      const carrying = sent.filter((text) => /CREATE TABLE "?t\d+"?/.test(text));
      expect(carrying).toHaveLength(20);
      // Each carries its revision's three statements, its ledger rows and COMMIT.
      for (const text of carrying) expect(text).toMatch(/CREATE TABLE[\s\S]*CREATE INDEX[\s\S]*INSERT INTO "?t\d+"?[\s\S]*COMMIT/);
      // Three round trips per revision would be 60 and more.
      expect(count).toBeLessThan(20 + 15);
      const up = await snapshot(ctx.dialect, db.url, stream.name);
      expect(up.versions).toEqual([rev(20)]);
      expect(up.history.map((r) => r.revision)).toEqual(Array.from({ length: 20 }, (_, i) => rev(i + 1)));
      await withConnection(ctx.dialect, db.url, async (c) => {
        expect((await c.query("SELECT name FROM t7"))[0]?.['name']).toBe('row 7');
        expect((await c.query("SELECT count(*)::int AS n FROM pg_indexes WHERE indexname LIKE 'ix_t%_name'"))[0]?.['n']).toBe(20);
      });
      await downgrade({ stream, graph, target: 'base' });
      expect((await snapshot(ctx.dialect, db.url, stream.name)).tables).toEqual([]);
    });

    it('a run: a statement failing in the middle of a revision fails that revision, quoted; its transaction rolls back; those before stay', async () => {
      const db = await ctx.createDatabase('defer-run-fails');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      const make =
        (n: number): Body =>
        async ({ execute }) => {
          await execute(`CREATE TABLE t${n} (id integer PRIMARY KEY)`);
          await execute(`INSERT INTO t${n} (id) VALUES (1)`);
          if (n === 3) await execute(`INSERT INTO t${n} (id) VALUES (1)`);
          await execute(`CREATE TABLE u${n} (id integer)`);
        };
      const graph = chain([make(1), make(2), make(3), make(4)]);
      const failure = await upgrade({ stream, graph, target: 'head' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RevisionFailedError);
      const error = failure as RevisionFailedError;
      expect(error.details).toMatchObject({ revision: rev(3), rolledBack: true, causeCode: 'DIALECT_QUERY_FAILED' });
      expect(error.message).toMatch(/upgrade of revision rev_3 failed: [\s\S]*duplicate key[\s\S]*INSERT INTO t3 \(id\) VALUES \(1\)/);
      expect(error.message).not.toContain('CREATE TABLE u3');
      expect(error.result.steps.map((s) => [s.revision, s.status])).toEqual([
        [rev(1), 'applied'],
        [rev(2), 'applied'],
        [rev(3), 'failed'],
      ]);
      const after = await snapshot(ctx.dialect, db.url, stream.name);
      expect(after.versions).toEqual([rev(2)]);
      expect(after.tables).toEqual(['t1', 't2', 'u1', 'u2']);
    });

    it('--transaction run: one message per revision too; a statement failing in one fails that revision and rolls the run back', async () => {
      const db = await ctx.createDatabase('defer-run-mode');
      const stream = { name: 'app', dialect: ctx.name, url: db.url, transaction: 'run' as const };
      const make =
        (n: number, fail: boolean): Body =>
        async ({ execute }) => {
          await execute(`CREATE TABLE t${n} (id integer PRIMARY KEY)`);
          await execute(`INSERT INTO t${n} (id) VALUES (1)`);
          if (fail) await execute(`INSERT INTO t${n} (id) VALUES (1)`);
          await execute(`CREATE INDEX ix_t${n} ON t${n} (id)`);
        };
      const sent: string[] = [];
      const count = await countDriverCalls(ctx.name, sent, async () => {
        await upgrade({ stream, graph: chain(Array.from({ length: 10 }, (_, i) => make(i + 1, false))), target: 'head' });
      });
      expect(sent.filter((text) => /CREATE TABLE t\d+[\s\S]*INSERT INTO t\d+[\s\S]*CREATE INDEX/.test(text))).toHaveLength(10);
      expect(count).toBeLessThan(10 + 15);
      expect((await snapshot(ctx.dialect, db.url, stream.name)).versions).toEqual([rev(10)]);

      const other = await ctx.createDatabase('defer-run-mode-fails');
      const failing = { ...stream, url: other.url };
      const failure = await upgrade({ stream: failing, graph: chain([make(1, false), make(2, false), make(3, true), make(4, false)]), target: 'head' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RevisionFailedError);
      const error = failure as RevisionFailedError;
      expect(error.details).toMatchObject({ revision: rev(3), rolledBack: true, rolledBackWith: 2 });
      expect(error.message).toMatch(/duplicate key[\s\S]*INSERT INTO t3 \(id\) VALUES \(1\)/);
      const after = await snapshot(ctx.dialect, other.url, failing.name);
      expect(after.versions).toEqual([]);
      expect(after.tables).toEqual([]);
    });

    it('what may be two statements, change how the message is read, or carry a password goes alone; a `--` comment ending one does not take the next with it', async () => {
      await withDatabase('defer-alone', async (c) => {
        await c.query('CREATE TABLE a (id integer PRIMARY KEY, v text)');
        await c.begin({ withFirstStatement: true });
        expect(c.deferStatement?.('INSERT INTO a (id) VALUES (1); /* one */')).toBe(false);
        expect(c.deferStatement?.('INSERT INTO a (id) VALUES (2);;')).toBe(false);
        expect(c.deferStatement?.("INSERT INTO a (id, v) VALUES (3, 'a;b')")).toBe(false);
        expect(c.deferStatement?.('SET LOCAL standard_conforming_strings = off')).toBe(false);
        expect(c.deferStatement?.('SET LOCAL "Standard_Conforming_Strings" = off')).toBe(false);
        expect(c.deferStatement?.("SET client_encoding TO 'LATIN1'")).toBe(false);
        expect(c.deferStatement?.("CREATE ROLE strata_nobody PASSWORD 'secret'")).toBe(false);
        expect(c.deferStatement?.('SET LOCAL lock_timeout = 5000')).toBe(true);
        expect(c.deferStatement?.('CREATE TABLE b (id integer) -- the second table')).toBe(true);
        expect(c.deferStatement?.('CREATE TABLE c (id integer)')).toBe(true);
        await c.commit();
        expect(await tables(c)).toEqual(['a', 'b', 'c']);
      });
    });

    it('a run: a setting that changes how literals read applies to the statements after it, as when each goes alone', async () => {
      const db = await ctx.createDatabase('defer-literals');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      await withConnection(ctx.dialect, db.url, (c) => c.query('CREATE TABLE t (v text)'));
      const graph = chain([
        async ({ execute }) => {
          await execute('SET LOCAL standard_conforming_strings = off');
          // With the setting off, the literal 'a\\b' is a, one backslash, b.
          await execute("INSERT INTO t (v) VALUES ('a\\\\b')");
        },
      ]);
      await upgrade({ stream, graph, target: 'head' });
      await withConnection(ctx.dialect, db.url, async (c) => expect((await c.query('SELECT v FROM t'))[0]?.['v']).toBe('a\\b'));
    });

    it('a run: a SAVEPOINT behind a comment stops deferral too, so the caught failure rolls back to it', async () => {
      const db = await ctx.createDatabase('defer-savepoint-comment');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      await withConnection(ctx.dialect, db.url, (c) => c.executeScript("CREATE TABLE s (k text PRIMARY KEY); INSERT INTO s VALUES ('a')"));
      const graph = chain([
        async ({ execute }) => {
          await execute('-- retry point\nSAVEPOINT before_insert');
          try {
            await execute("INSERT INTO s VALUES ('a')");
          } catch {
            await execute('ROLLBACK TO SAVEPOINT before_insert');
          }
          await execute("INSERT INTO s VALUES ('b')");
        },
      ]);
      await upgrade({ stream, graph, target: 'head' });
      await withConnection(ctx.dialect, db.url, async (c) => expect((await c.query('SELECT k FROM s ORDER BY k')).map((r) => r['k'])).toEqual(['a', 'b']));
    });

    it('a deferred failure caught where it surfaced still fails its revision, quoting the statement that failed, through a read or Drizzle', async () => {
      await withDatabase('defer-caught', async (c) => {
        await c.begin({ withFirstStatement: true });
        expect(c.deferStatement?.('CREATE TABLE existing (id integer)')).toBe(true);
        expect(c.deferStatement?.('CREATE TABLE existing (id integer)')).toBe(true);
        await expect(c.query('SELECT $1::int AS n', [1])).rejects.toThrow(/already exists/);
        // Not PostgreSQL's silent rollback of a COMMIT on an aborted transaction: the failure again.
        await expect(c.commit()).rejects.toMatchObject({ details: { sql: 'CREATE TABLE existing (id integer)' } });
        expect(c.inTransaction).toBe(false);
        expect(await tables(c)).toEqual([]);
      });
      const db = await ctx.createDatabase('defer-caught-run');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      await withConnection(ctx.dialect, db.url, (c) => c.query('CREATE TABLE existing (id integer)'));
      const { sql } = await import('drizzle-orm');
      const bodies: Body[] = [
        async ({ execute }) => {
          await execute('CREATE TABLE existing (id integer)');
          try {
            await execute('SELECT count(*) FROM existing WHERE id = $1', [1]);
          } catch {
            // An optional read, the author thought.
          }
        },
        async (context) => {
          await context.execute('CREATE TABLE existing (id integer)');
          const orm = (await context.drizzle()) as { execute(query: unknown): Promise<unknown> };
          await orm.execute(sql.raw('SELECT 1 AS one'));
        },
      ];
      for (const body of bodies) {
        const failure = await upgrade({ stream, graph: chain([body]), target: 'head' }).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(RevisionFailedError);
        expect((failure as RevisionFailedError).details).toMatchObject({ revision: rev(1), causeCode: 'DIALECT_QUERY_FAILED' });
        expect((failure as Error).message).toMatch(/already exists[\s\S]*CREATE TABLE existing/);
        expect((await snapshot(ctx.dialect, db.url, stream.name)).versions).toEqual([]);
      }
    });

    it('a failure caught in one revision is that revision\'s, whatever reads next: the driver, Drizzle, or the next revision of the run', async () => {
      const db = await ctx.createDatabase('defer-caught-next');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      await withConnection(ctx.dialect, db.url, (c) => c.query('CREATE TABLE existing (id integer)'));
      const { sql } = await import('drizzle-orm');
      const bodies: Body[] = [
        async (context) => {
          await context.execute('CREATE TABLE existing (id integer)');
          const driver = context.connection.driver as { query(text: string): Promise<unknown> };
          await driver.query('SELECT 1').catch(() => undefined);
          await driver.query('SELECT 2');
        },
        async (context) => {
          await context.execute('CREATE TABLE existing (id integer)');
          const orm = (await context.drizzle()) as { execute(query: unknown): Promise<unknown> };
          await orm.execute(sql.raw('SELECT 1')).catch(() => undefined);
          await orm.execute(sql.raw('SELECT 2'));
        },
      ];
      for (const body of bodies) {
        const failure = await upgrade({ stream, graph: chain([body]), target: 'head' }).catch((e: unknown) => e);
        expect((failure as RevisionFailedError).details).toMatchObject({ revision: rev(1), causeCode: 'DIALECT_QUERY_FAILED' });
        expect((failure as Error).message).toMatch(/already exists[\s\S]*CREATE TABLE existing/);
      }
      // One transaction for the run: a read of revision 1 that failed and was caught fails revision 1, not 2.
      const failure = await upgrade({
        stream: { ...stream, transaction: 'run' },
        target: 'head',
        graph: chain([
          async ({ execute }) => {
            await execute('CREATE TABLE t1 (id integer)');
            try {
              await execute('SELECT * FROM maybe_missing WHERE id = $1', [1]);
            } catch {
              // An optional read, the author thought.
            }
          },
          async ({ execute }) => {
            await execute('CREATE TABLE t2 (id integer)');
          },
        ]),
      }).catch((e: unknown) => e);
      expect((failure as RevisionFailedError).details).toMatchObject({ revision: rev(1) });
      expect((failure as Error).message).toMatch(/maybe_missing/);
      expect((await snapshot(ctx.dialect, db.url, stream.name)).tables).toEqual(['existing']);
    });

    it('a failure of the driver\'s or Drizzle\'s own query caught in revision 1 of a run is revision 1\'s; after a caught failure nothing more is sent', async () => {
      const { sql } = await import('drizzle-orm');
      const firsts: Body[] = [
        async (context) => {
          await context.execute('CREATE TABLE t1 (id integer)');
          await (context.connection.driver as { query(text: string): Promise<unknown> }).query('SELECT * FROM maybe_missing').catch(() => undefined);
        },
        async (context) => {
          await context.execute('CREATE TABLE t1 (id integer)');
          const orm = (await context.drizzle()) as { execute(query: unknown): Promise<unknown> };
          await orm.execute(sql.raw('SELECT * FROM maybe_missing')).catch(() => undefined);
        },
      ];
      for (const first of firsts) {
        const db = await ctx.createDatabase('defer-driver-caught');
        const stream = { name: 'app', dialect: ctx.name, url: db.url, transaction: 'run' as const };
        const failure = await upgrade({ stream, target: 'head', graph: chain([first, async ({ execute }) => void (await execute('CREATE TABLE t2 (id integer)'))]) }).catch((e: unknown) => e);
        expect((failure as RevisionFailedError).details).toMatchObject({ revision: rev(1) });
        expect((failure as Error).message).toMatch(/maybe_missing/);
        expect((failure as Error).message).not.toMatch(/current transaction is aborted/);
      }
      // A syntax error in the revision's first statement: its message held the BEGIN, which never ran
      // either; what the body sends after catching it must not commit on its own.
      const db = await ctx.createDatabase('defer-begin-lost');
      await withConnection(ctx.dialect, db.url, (c) => c.query('CREATE TABLE a (id integer)'));
      const failure = await upgrade({
        stream: { name: 'app', dialect: ctx.name, url: db.url },
        target: 'head',
        graph: chain([
          async ({ execute }) => {
            try {
              await execute('SELEC 1');
            } catch {
              // An older server, the author thought.
            }
            await execute('INSERT INTO a (id) VALUES ($1)', [1]);
          },
        ]),
      }).catch((e: unknown) => e);
      expect((failure as RevisionFailedError).details).toMatchObject({ revision: rev(1), rolledBack: true });
      expect((failure as Error).message).toMatch(/SELEC 1/);
      await withConnection(ctx.dialect, db.url, async (c) => expect((await c.query('SELECT count(*)::int AS n FROM a'))[0]?.['n']).toBe(0));
    });

    it('on a SQL_ASCII database (positions counted in bytes) a syntax error after non-ASCII text is still told by its own statement', async () => {
      const server = ctx.target.serverUrl as string;
      const name = `strata_t_sql_ascii_${process.pid}_${Date.now().toString(36)}`;
      await withConnection(ctx.dialect, server, (c) => c.query(`CREATE DATABASE ${name} ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`));
      const url = new URL(server);
      url.pathname = `/${name}`;
      try {
        await withConnection(ctx.dialect, url.toString(), async (c) => {
          await c.query('CREATE TABLE a (id integer)');
          await c.begin({ withFirstStatement: true });
          expect(c.deferStatement?.(`COMMENT ON TABLE a IS 'caf${'é'.repeat(30)}'`)).toBe(true);
          expect(c.deferStatement?.('CREATE TABEL b (id integer)')).toBe(true);
          expect(c.deferStatement?.('CREATE TABLE c (id integer)')).toBe(true);
          const failure = await c.commit().catch((e: unknown) => e);
          expect((failure as QueryFailedError).details['sql']).toBe('CREATE TABEL b (id integer)');
        });
      } finally {
        await withConnection(ctx.dialect, server, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      }
    });
  },
  ['postgresql'],
);

// MySQL/MariaDB: DDL commits by itself, so a revision runs outside a transaction; its statements that
// return no rows still go out together, behind the previous revision's held ledger rows, one round
// trip per revision. After a failure, the statements before the failing one stay done (as when each
// is sent alone), those after it never run, and the error quotes the one that failed.
await describeDialects(
  'statements deferred to the next message (MySQL/MariaDB)',
  (ctx) => {
    it('what a query sends with them keeps its parameters; a `?` in a deferred literal is left alone; the driver sends them first', async () => {
      const db = await ctx.createDatabase('my-defer-rules');
      await withConnection(ctx.dialect, db.url, async (c) => {
        await c.query('CREATE TABLE a (id integer PRIMARY KEY, note varchar(20))');
        expect(c.deferStatement?.("INSERT INTO a (id, note) VALUES (1, 'what?')")).toBe(true);
        expect(c.deferStatement?.('SELECT 1')).toBe(false);
        expect(c.deferStatement?.('INSERT INTO a (id) VALUES (9); INSERT INTO a (id) VALUES (10)')).toBe(false);
        const rows = await c.query('SELECT id, note FROM a WHERE id = ?', [1]);
        expect(rows.map((r) => [Number(r['id']), r['note']])).toEqual([[1, 'what?']]);
        await c.begin();
        expect(c.deferStatement?.('INSERT INTO a (id) VALUES (2)')).toBe(false);
        await c.rollback();
        expect(c.deferStatement?.('INSERT INTO a (id) VALUES (3)')).toBe(true);
        const client = c.driver as { query(sql: string): Promise<[{ n: number }[], unknown]> };
        const [counted] = await client.query('SELECT COUNT(*) AS n FROM a');
        expect(Number(counted[0]?.n)).toBe(2);
      });
    });

    it('a run: one message per revision whatever its statements; a statement failing midway leaves those before it done and fails its revision, quoted', async () => {
      const db = await ctx.createDatabase('my-defer-run');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      const make =
        (n: number, fail = false): Body =>
        async ({ execute }) => {
          await execute(`CREATE TABLE t${n} (id integer PRIMARY KEY, name varchar(20))`);
          await execute(`INSERT INTO t${n} (id, name) VALUES (1, 'row ${n}')`);
          if (fail) await execute(`INSERT INTO t${n} (id, name) VALUES (1, 'again')`);
          await execute(`CREATE INDEX ix_t${n} ON t${n} (name)`);
        };
      const sent: string[] = [];
      await countDriverCalls(ctx.name, sent, async () => {
        await upgrade({ stream, graph: chain(Array.from({ length: 20 }, (_, i) => make(i + 1))), target: 'head' });
      });
      const carrying = sent.filter((text) => /CREATE TABLE t\d+/.test(text));
      expect(carrying).toHaveLength(20);
      for (const text of carrying) expect(text).toMatch(/CREATE TABLE t\d+[\s\S]*INSERT INTO t\d+[\s\S]*CREATE INDEX/);
      // Three round trips per revision would be 60 and more.
      expect(sent.length).toBeLessThan(20 + 15);
      const up = await snapshot(ctx.dialect, db.url, stream.name);
      expect(up.versions).toEqual([rev(20)]);
      expect(up.history.map((r) => r.revision)).toEqual(Array.from({ length: 20 }, (_, i) => rev(i + 1)));

      const other = await ctx.createDatabase('my-defer-run-fails');
      const failing = { ...stream, url: other.url };
      const failure = await upgrade({ stream: failing, graph: chain([make(1), make(2), make(3, true), make(4)]), target: 'head' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RevisionFailedError);
      const error = failure as RevisionFailedError;
      expect(error.details).toMatchObject({ revision: rev(3), rolledBack: false, causeCode: 'DIALECT_QUERY_FAILED' });
      expect(error.message).toMatch(/Duplicate entry[\s\S]*INSERT INTO t3 \(id, name\) VALUES \(1, 'again'\)/);
      const after = await snapshot(ctx.dialect, other.url, failing.name);
      expect(after.versions).toEqual([rev(2)]);
      // Revision 3's first two statements ran; its index never did.
      expect(after.tables).toEqual(['t1', 't2', 't3']);
      await withConnection(ctx.dialect, other.url, async (c) => {
        expect((await c.query('SELECT name FROM t3')).map((r) => r['name'])).toEqual(['row 3']);
        expect(await c.query("SELECT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 't3' AND index_name = 'ix_t3'")).toEqual([]);
      });
    });

    it('a failure sent early by a driver call is its own revision\'s, unrecorded, and the next revision never runs', async () => {
      const db = await ctx.createDatabase('my-defer-early');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      await withConnection(ctx.dialect, db.url, (c) => c.query('CREATE TABLE existing (id integer)'));
      const graph = chain([
        async ({ execute, connection }) => {
          await execute('CREATE TABLE existing (id integer)');
          await (connection.driver as { query(sql: string): Promise<unknown> }).query('SELECT 1').catch(() => undefined);
        },
        async ({ execute }) => {
          await execute('CREATE TABLE second (id integer)');
        },
      ]);
      const failure = await upgrade({ stream, graph, target: 'head' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RevisionFailedError);
      expect((failure as RevisionFailedError).details).toMatchObject({ revision: rev(1), causeCode: 'DIALECT_QUERY_FAILED' });
      expect((failure as Error).message).toMatch(/already exists[\s\S]*CREATE TABLE existing/);
      const after = await snapshot(ctx.dialect, db.url, stream.name);
      expect(after.versions).toEqual([]);
      expect(after.tables).not.toContain('second');
    });

    it('the driver or Drizzle, got hold of before the statements were executed, still sees them', async () => {
      const db = await ctx.createDatabase('my-defer-order');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      const { sql } = await import('drizzle-orm');
      const seen: number[] = [];
      const graph = chain([
        async (context) => {
          const driver = context.connection.driver as { query(sql: string): Promise<[{ n: unknown }[], unknown]> };
          const orm = (await context.drizzle()) as { execute(query: unknown): Promise<[{ n: unknown }[], unknown]> };
          await context.execute('CREATE TABLE x (id integer)');
          await context.execute('INSERT INTO x (id) VALUES (1)');
          const [viaDriver] = await driver.query('SELECT COUNT(*) AS n FROM x');
          await context.execute('INSERT INTO x (id) VALUES (2)');
          const [viaDrizzle] = await orm.execute(sql.raw('SELECT COUNT(*) AS n FROM x'));
          seen.push(Number(viaDriver[0]?.n), Number(viaDrizzle[0]?.n));
        },
      ]);
      await upgrade({ stream, graph, target: 'head' });
      expect(seen).toEqual([1, 2]);
    });

    it('what returns rows after all, may be two statements, changes how the text is read, or carries a password goes alone', async () => {
      const db = await ctx.createDatabase('my-defer-alone');
      await withConnection(ctx.dialect, db.url, async (c) => {
        await c.query('CREATE TABLE a (id integer)');
        expect(c.deferStatement?.('SET STATEMENT max_statement_time=10 FOR SELECT id FROM a')).toBe(false);
        expect(c.deferStatement?.('SET NAMES latin1')).toBe(false);
        expect(c.deferStatement?.("SET SESSION sql_mode = 'ANSI_QUOTES'")).toBe(false);
        expect(c.deferStatement?.('INSERT INTO a (id) VALUES (3); /* three */')).toBe(false);
        expect(c.deferStatement?.('INSERT INTO a (id) VALUES (4);;')).toBe(false);
        expect(c.deferStatement?.("CREATE USER strata_nobody IDENTIFIED BY 'secret'")).toBe(false);
        expect(c.deferStatement?.('INSERT INTO a (id) VALUES (5) -- five')).toBe(true);
        expect(c.deferStatement?.('INSERT INTO a (id) VALUES (6)')).toBe(true);
        expect((await c.query('SELECT id FROM a ORDER BY id')).map((r) => Number(r['id']))).toEqual([5, 6]);
      });
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      let rows: Record<string, unknown>[] = [];
      await upgrade({
        stream,
        graph: chain([
          async ({ execute }) => {
            rows = await execute('SET STATEMENT max_statement_time=10 FOR SELECT id FROM a ORDER BY id');
          },
        ]),
        target: 'head',
      });
      expect(rows.map((r) => Number(r['id']))).toEqual([5, 6]);
    });

    it('what the driver hands out (its raw connection, prepared statements, Drizzle\'s iterator) runs after the statements executed before', async () => {
      const db = await ctx.createDatabase('my-defer-handed');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      await withConnection(ctx.dialect, db.url, (c) => c.executeScript('CREATE TABLE a (id integer PRIMARY KEY); INSERT INTO a VALUES (1)'));
      const { mysqlTable, int } = await import('drizzle-orm/mysql-core');
      const a = mysqlTable('a', { id: int('id').primaryKey() });
      const seen: unknown[] = [];
      await upgrade({
        stream,
        target: 'head',
        graph: chain([
          async (context) => {
            const driver = context.connection.driver as {
              prepare(sql: string): Promise<{ execute(values: unknown[]): Promise<unknown>; close(): void }>;
              connection: { query(sql: string, done: (error: unknown, rows: { n: unknown }[]) => void): void };
            };
            const insert = await driver.prepare('INSERT INTO a (id) VALUES (?)');
            await context.execute('DELETE FROM a');
            await insert.execute([2]);
            insert.close();
            await context.execute('INSERT INTO a (id) VALUES (3)');
            seen.push(await new Promise((resolve, reject) => driver.connection.query('SELECT COUNT(*) AS n FROM a', (error, rows) => (error ? reject(error) : resolve(Number(rows[0]?.n))))));
            const orm = (await context.drizzle()) as { select(): { from(table: unknown): { iterator(): AsyncIterable<{ id: number }> } } };
            await context.execute('INSERT INTO a (id) VALUES (4)');
            for await (const row of orm.select().from(a).iterator()) seen.push(row.id);
          },
        ]),
      });
      expect(seen).toEqual([2, 2, 3, 4]);
    });

    it('after a deferred statement failed, nothing after it runs: what the body sends once it caught the error, through the driver or Drizzle', async () => {
      const db = await ctx.createDatabase('my-defer-after');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      await withConnection(ctx.dialect, db.url, (c) => c.executeScript('CREATE TABLE a (id integer PRIMARY KEY); INSERT INTO a VALUES (1); CREATE TABLE b (id integer)'));
      const { sql } = await import('drizzle-orm');
      const bodies: Body[] = [
        async ({ execute, connection }) => {
          await execute('INSERT INTO a (id) VALUES (1)');
          const literal = (connection.driver as { escape(value: unknown): string }).escape(7);
          await execute(`INSERT INTO b (id) VALUES (${literal})`);
        },
        async ({ execute }) => {
          await execute('INSERT INTO a (id) VALUES (1)');
          await execute('SELECT 1').catch(() => undefined);
          await execute('INSERT INTO b (id) VALUES (8)');
          await execute('INSERT INTO b (id) VALUES (?)', [9]).catch(() => undefined);
        },
        async ({ execute, connection }) => {
          await execute('INSERT INTO a (id) VALUES (1)');
          await (connection.driver as { query(text: string): Promise<unknown> }).query('INSERT INTO b (id) VALUES (10)');
        },
        async (context) => {
          await context.execute('INSERT INTO a (id) VALUES (1)');
          const orm = (await context.drizzle()) as { execute(query: unknown): Promise<unknown> };
          await orm.execute(sql.raw('INSERT INTO b (id) VALUES (11)'));
        },
      ];
      for (const body of bodies) {
        const failure = await upgrade({ stream, target: 'head', graph: chain([body]) }).catch((e: unknown) => e);
        expect((failure as RevisionFailedError).details).toMatchObject({ revision: rev(1), causeCode: 'DIALECT_QUERY_FAILED' });
        expect((failure as Error).message).toMatch(/Duplicate entry[\s\S]*INSERT INTO a \(id\) VALUES \(1\)/);
      }
      await withConnection(ctx.dialect, db.url, async (c) => expect(await c.query('SELECT id FROM b')).toEqual([]));
    });

    it('driver commands issued together go out in the order they were issued, and after a failed deferred statement none of them runs', async () => {
      const db = await ctx.createDatabase('my-defer-together');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      await withConnection(ctx.dialect, db.url, (c) => c.executeScript('CREATE TABLE a (id integer PRIMARY KEY); INSERT INTO a VALUES (1); CREATE TABLE b (seq integer AUTO_INCREMENT PRIMARY KEY, id integer)'));
      type Driver = { query(text: string): Promise<unknown> };
      await upgrade({
        stream,
        target: 'head',
        graph: chain([
          async ({ execute, connection }) => {
            await execute('INSERT INTO b (id) VALUES (1)');
            const driver = connection.driver as Driver;
            await Promise.all([driver.query('INSERT INTO b (id) VALUES (2)'), driver.query('INSERT INTO b (id) VALUES (3)')]);
          },
        ]),
      });
      await withConnection(ctx.dialect, db.url, async (c) => expect((await c.query('SELECT id FROM b ORDER BY seq')).map((r) => Number(r['id']))).toEqual([1, 2, 3]));
      const failure = await upgrade({
        stream,
        target: 'head',
        graph: chain([
          async () => undefined,
          async ({ execute, connection }) => {
            await execute('INSERT INTO a (id) VALUES (1)');
            const driver = connection.driver as Driver;
            await Promise.all([driver.query('INSERT INTO b (id) VALUES (8)'), driver.query('INSERT INTO b (id) VALUES (9)')]);
          },
        ]),
      }).catch((e: unknown) => e);
      expect((failure as Error).message).toMatch(/Duplicate entry/);
      await withConnection(ctx.dialect, db.url, async (c) => expect((await c.query('SELECT id FROM b ORDER BY seq')).map((r) => Number(r['id']))).toEqual([1, 2, 3]));
    });

    it('a statement that may carry a password goes in a message of its own: an error about another statement cannot quote it', async () => {
      const db = await ctx.createDatabase('my-defer-secret');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      await withConnection(ctx.dialect, db.url, (c) => c.query('CREATE TABLE a (id integer PRIMARY KEY)'));
      const failure = await upgrade({
        stream,
        target: 'head',
        graph: chain([
          async ({ execute }) => {
            await execute('INSERT INTO a (id) VALUES (1 2)');
            await execute("CREATE USER strata_never IDENTIFIED BY 'hunter2'");
          },
        ]),
      }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RevisionFailedError);
      expect((failure as Error).message).toMatch(/syntax/);
      expect(JSON.stringify(failure, Object.getOwnPropertyNames(failure))).not.toContain('hunter2');
    });

    it('a deferred failure caught where it surfaced still fails its revision, quoting the statement that failed', async () => {
      const db = await ctx.createDatabase('my-defer-caught');
      const stream = { name: 'app', dialect: ctx.name, url: db.url };
      await withConnection(ctx.dialect, db.url, (c) => c.query('CREATE TABLE settings (k varchar(20) PRIMARY KEY, v integer)'));
      const graph = chain([
        async ({ execute }) => {
          await execute('ALTER TABLE nosuch ADD COLUMN x integer');
          try {
            await execute('INSERT INTO settings (k, v) VALUES (?, ?)', ['feature', 1]);
          } catch {
            // The setting may be there already, the author thought.
          }
        },
      ]);
      const failure = await upgrade({ stream, graph, target: 'head' }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RevisionFailedError);
      expect((failure as RevisionFailedError).details).toMatchObject({ revision: rev(1), causeCode: 'DIALECT_QUERY_FAILED' });
      expect((failure as Error).message).toMatch(/ALTER TABLE nosuch/);
      expect((await snapshot(ctx.dialect, db.url, stream.name)).versions).toEqual([]);
    });
  },
  ['mysql'],
);
