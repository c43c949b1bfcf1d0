import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StrataError } from '../../src/errors.js';
import type { Connection } from '../../src/dialects/connection.js';
import { hasSeveralStatements } from '../../src/dialects/mysql/mysql-connection.js';
import { mysqlLockName } from '../../src/dialects/mysql/mysql-lock.js';
import { describeDialects, type TestDatabase } from '../support/databases.js';

/** A password that must never show up in an error's message, hint or JSON. */
const SECRET = 'Sup3r-Secret-Pw';

/** Awaits `promise`, expecting it to reject with a `StrataError`, and returns that error. */
async function rejection(promise: Promise<unknown>): Promise<StrataError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StrataError);
  return error as StrataError;
}

/** The error has `code`, names `shownUrl` in its message, and leaks `secret` nowhere. */
function expectUserError(error: StrataError, code: string, shownUrl: string, secret = SECRET): void {
  expect(error.code).toBe(code);
  expect(error.message).toContain(shownUrl);
  expect(error.hint).toBeTruthy();
  for (const text of [error.message, error.hint ?? '', JSON.stringify(error), JSON.stringify(error.toJSON())]) {
    expect(text).not.toContain(secret);
  }
}

describe('hasSeveralStatements (MySQL query() guard)', () => {
  it.each([
    ['select 1', false],
    ['select 1;', false],
    ['select 1; -- trailing comment', false],
    ["select 'a;b', \"c;d\", `e;f`", false],
    ["select 'it''s; fine'", false],
    ["select 'back\\'slash; still a string'", false],
    ['select 1 /* ; */', false],
    ['select 1; select 2', true],
    ["select 1; 'x'", true],
    ['select 1; /*! select 2 */', true],
    ['select 1 # ; comment\n', false],
  ])('%s → %s', (sql, expected) => {
    expect(hasSeveralStatements(sql)).toBe(expected);
  });
});

describe('mysqlLockName', () => {
  it('prefixes the database and stays within 64 characters', () => {
    expect(mysqlLockName('billing')).toBe('strata:billing');
    const long = mysqlLockName('x'.repeat(100));
    expect(long).toMatch(/^strata:[0-9a-f]{57}$/);
    expect(mysqlLockName('y'.repeat(100))).not.toBe(long);
  });
});

await describeDialects('dialect', (ctx) => {
  const { dialect, name } = ctx;
  const p = (index: number): string => dialect.placeholder(index);
  const q = (identifier: string): string => dialect.quoteIdentifier(identifier);
  let db: TestDatabase;
  let connection: Connection;
  const opened: Connection[] = [];

  /** Opens another session on the test database, closed after the suite. */
  async function open(): Promise<Connection> {
    const other = await dialect.connect(db.url);
    opened.push(other);
    return other;
  }

  /** True when the table exists, asked the portable way: by selecting from it. */
  async function tableExists(on: Connection, table: string): Promise<boolean> {
    return on.query(`select count(*) as n from ${q(table)}`).then(
      () => true,
      () => false,
    );
  }

  beforeAll(async () => {
    db = await ctx.createDatabase('dialects');
    connection = await open();
  });

  afterAll(async () => {
    for (const session of opened) await session.close();
  });

  describe('queries', () => {
    it('runs a parameterised statement and returns rows', async () => {
      await connection.query(`create table ${q('people')} (id integer primary key, ${q('full name')} varchar(50))`);
      await connection.query(`insert into ${q('people')} (id, ${q('full name')}) values (${p(1)}, ${p(2)}), (${p(3)}, ${p(4)})`, [
        1,
        'Ada',
        2,
        "O'Brien; drop table people",
      ]);
      const rows = await connection.query(`select id, ${q('full name')} as name from ${q('people')} where ${q('full name')} = ${p(1)}`, [
        "O'Brien; drop table people",
      ]);
      expect(rows).toEqual([{ id: 2, name: "O'Brien; drop table people" }]);
      expect(await connection.query(`update ${q('people')} set id = id where id = ${p(1)}`, [1])).toEqual([]);
    });

    it('runs a script of several statements', async () => {
      await connection.executeScript(`
        create table ${q('script_t')} (id integer primary key);
        insert into ${q('script_t')} (id) values (1);
        -- a comment; with a semicolon
        insert into ${q('script_t')} (id) values (2);
      `);
      const [row] = await connection.query(`select count(*) as n from ${q('script_t')}`);
      expect(Number(row?.['n'])).toBe(2);
    });

    it('reports a failing statement as DIALECT_QUERY_FAILED with the driver code and the SQL', async () => {
      const error = await rejection(connection.query('select * from no_such_table_here'));
      expect(error.code).toBe('DIALECT_QUERY_FAILED');
      expect(error.message).toContain(connection.redactedUrl);
      expect(error.message).toContain('no_such_table_here');
      const expectedCode = { postgresql: '42P01', mysql: 'ER_NO_SUCH_TABLE', sqlite: 'SQLITE_ERROR' }[name];
      expect(error.details['driverCode']).toBe(expectedCode);
    });

    it.runIf(name === 'mysql' || name === 'sqlite')('refuses several statements in query() before running any', async () => {
      const error = await rejection(connection.query(`insert into ${q('script_t')} (id) values (3); select 1`));
      expect(error.code).toBe('DIALECT_MULTIPLE_STATEMENTS');
      expect(await connection.query(`select id from ${q('script_t')} where id = 3`)).toEqual([]);
      const ddl = await rejection(connection.query(`create table ${q('two_a')} (id integer); create table ${q('two_b')} (id integer)`));
      expect(ddl.code).toBe('DIALECT_MULTIPLE_STATEMENTS');
      expect((await rejection(connection.query(`select id from ${q('two_a')}`))).code).toBe('DIALECT_QUERY_FAILED');
    });

    it.runIf(name === 'sqlite')('a statement run again after the schema changed reads the schema as it is now (prepared statements are reused)', async () => {
      await connection.query('create table reuse_t (id integer primary key)');
      await connection.query('insert into reuse_t (id) values (?)', [1]);
      expect(await connection.query('select * from reuse_t')).toEqual([{ id: 1 }]);
      await connection.query('alter table reuse_t add column note text');
      await connection.query('update reuse_t set note = ? where id = ?', ['one', 1]);
      expect(await connection.query('select * from reuse_t')).toEqual([{ id: 1, note: 'one' }]);
      // More distinct statements than the connection keeps, then the first one again.
      for (let i = 0; i < 100; i++) await connection.query(`select ${i} as n from reuse_t`);
      await connection.query('drop table reuse_t');
      expect((await rejection(connection.query('select * from reuse_t'))).code).toBe('DIALECT_QUERY_FAILED');
      await connection.query('create table reuse_t (other text)');
      expect(await connection.query('select * from reuse_t')).toEqual([]);
      await connection.query("insert into reuse_t (other) values ('x')");
      expect(await connection.query('select * from reuse_t')).toEqual([{ other: 'x' }]);
    });

    it.runIf(name === 'sqlite')('runs a lone CREATE, ALTER or DROP, and a trigger whose body holds semicolons, as one statement each', async () => {
      await connection.query('create table ddl_t (id integer primary key);  ');
      await connection.query('alter table ddl_t add column note text');
      await connection.query('create table ddl_log (id integer)');
      await connection.query('create trigger ddl_t_logged after insert on ddl_t begin insert into ddl_log (id) values (new.id); insert into ddl_log (id) values (-new.id); end');
      await connection.query('insert into ddl_t (id, note) values (?, ?)', [7, 'seven']);
      expect(await connection.query('select id from ddl_log order by id')).toEqual([{ id: -7 }, { id: 7 }]);
      await connection.query('drop table ddl_log');
      expect(await connection.query("select name from sqlite_master where name like 'ddl_%' order by name")).toEqual([{ name: 'ddl_t' }, { name: 'ddl_t_logged' }]);
      expect((await rejection(connection.query('create table ddl_t (id integer)'))).code).toBe('DIALECT_QUERY_FAILED');
    });
  });

  describe('transactions', () => {
    beforeAll(async () => {
      await connection.query(`create table ${q('tx_t')} (id integer primary key)`);
    });

    it('commits: the row is visible to another session', async () => {
      await connection.begin();
      expect(connection.inTransaction).toBe(true);
      await connection.query(`insert into ${q('tx_t')} (id) values (${p(1)})`, [1]);
      await connection.commit();
      expect(connection.inTransaction).toBe(false);
      const other = await open();
      expect(await other.query(`select id from ${q('tx_t')}`)).toEqual([{ id: 1 }]);
    });

    it('rolls back: the row is gone; a second rollback is a no-op', async () => {
      await connection.begin();
      await connection.query(`insert into ${q('tx_t')} (id) values (${p(1)})`, [2]);
      await connection.rollback();
      expect(connection.inTransaction).toBe(false);
      await connection.rollback();
      expect(await connection.query(`select id from ${q('tx_t')} order by id`)).toEqual([{ id: 1 }]);
    });

    it(`DDL ${dialect.capabilities.transactionalDdl ? 'rolls back' : 'survives a rollback'}, as capabilities.transactionalDdl claims`, async () => {
      await connection.begin();
      await connection.query(`create table ${q('ddl_probe')} (id integer)`);
      await connection.rollback();
      expect(await tableExists(connection, 'ddl_probe')).toBe(!dialect.capabilities.transactionalDdl);
    });
  });

  describe('migration lock', () => {
    it('is exclusive: a second session times out with DIALECT_LOCK_TIMEOUT, then gets it after release', async () => {
      const first = await open();
      const second = await open();
      const lock = await dialect.acquireLock(first, { timeoutMs: 0 });
      const started = Date.now();
      const error = await rejection(dialect.acquireLock(second, { timeoutMs: 300 }));
      const waited = Date.now() - started;
      expect(error.code).toBe('DIALECT_LOCK_TIMEOUT');
      expect(error.message).toContain('300 ms');
      expect(error.message).toContain(second.redactedUrl);
      // The message names the holder, so the user can find the other run.
      expect(error.message).toMatch({ postgresql: /backend pid \d+/, mysql: /connection id \d+/, sqlite: /pid \d+ on / }[name]);
      expect(waited).toBeGreaterThanOrEqual(280);
      expect(waited).toBeLessThan(3000);
      await lock.release();
      await lock.release();
      const again = await dialect.acquireLock(second, { timeoutMs: 300 });
      await again.release();
    });

    it.runIf(name !== 'sqlite')('dies with the session that held it', async () => {
      const holder = await dialect.connect(db.url);
      await dialect.acquireLock(holder, { timeoutMs: 0 });
      await holder.close();
      const other = await open();
      const lock = await dialect.acquireLock(other, { timeoutMs: 2000 });
      await lock.release();
    });

    it.runIf(name === 'sqlite')('takes over a row left by a dead process on this host, not one from another host', async () => {
      const child = spawnSync(process.execPath, ['-e', '']);
      const deadPid = child.pid;
      expect(deadPid).toBeGreaterThan(0);
      const first = await open();
      // Make the table through a normal acquire/release, then plant a stale row.
      await (await dialect.acquireLock(first, { timeoutMs: 0 })).release();
      const plant = (pid: number, host: string): Promise<unknown> =>
        first.query(`insert or replace into strata_lock (name, owner, pid, host, acquired_at) values ('migration', 'crashed', ?, ?, ?)`, [
          pid,
          host,
          '2020-01-01T00:00:00.000Z',
        ]);

      await plant(deadPid ?? 0, hostname());
      const lock = await dialect.acquireLock(first, { timeoutMs: 300 });
      const [row] = await first.query('select pid from strata_lock');
      expect(row?.['pid']).toBe(process.pid);
      await lock.release();
      expect(await first.query('select * from strata_lock')).toEqual([]);

      await plant(deadPid ?? 0, 'some-other-host.example');
      const error = await rejection(dialect.acquireLock(first, { timeoutMs: 300 }));
      expect(error.code).toBe('DIALECT_LOCK_TIMEOUT');
      expect(error.message).toContain('some-other-host.example');
      await first.query('delete from strata_lock');
    });

    it.runIf(name === 'sqlite')('needs no lock for :memory:', async () => {
      const memory = await dialect.connect(':memory:');
      const lock = await dialect.acquireLock(memory, { timeoutMs: 0 });
      await lock.release();
      await memory.close();
    });
  });

  describe.runIf(name !== 'sqlite')('a dropped connection', () => {
    it('turns into DIALECT_CONNECTION_LOST, and close() still works', async () => {
      const victim = await dialect.connect(db.url);
      const killer = await open();
      if (name === 'postgresql') {
        const [row] = await victim.query('select pg_backend_pid() as pid');
        await killer.query('select pg_terminate_backend($1)', [row?.['pid']]);
      } else {
        const [row] = await victim.query('select connection_id() as id');
        await killer.query(`kill ${Number(row?.['id'])}`);
      }
      // Let the client notice the closed socket.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const error = await rejection(victim.query('select 1'));
      expect(error.code).toBe('DIALECT_CONNECTION_LOST');
      expect(error.message).toContain(victim.redactedUrl);
      await victim.close();
      await victim.close();
    });
  });

  describe('connection errors', () => {
    const serverUrl = ctx.target.serverUrl ?? '';
    /** The server URL with `password` and another path, as a user would write it. */
    const withPassword = (password: string, database: string, port?: string): string => {
      const url = new URL(serverUrl);
      url.password = password;
      url.pathname = `/${database}`;
      if (port !== undefined) url.port = port;
      return url.toString();
    };

    it.runIf(name !== 'sqlite')('a malformed URL → DIALECT_INVALID_URL, password masked', async () => {
      const scheme = name === 'postgresql' ? 'postgres' : 'mysql';
      const url = `${scheme}://user:${SECRET}@127.0.0.1:notaport/db`;
      const error = await rejection(dialect.connect(url));
      expectUserError(error, 'DIALECT_INVALID_URL', `${scheme}://user:***@127.0.0.1:notaport/db`);
    });

    it.runIf(name !== 'sqlite')('a refused port → DIALECT_CONNECTION_REFUSED, password masked', async () => {
      const url = withPassword(SECRET, 'app', '1');
      const error = await rejection(dialect.connect(url));
      expectUserError(error, 'DIALECT_CONNECTION_REFUSED', ':***@127.0.0.1:1/app');
      expect(error.hint).toMatch(/Start the/);
    });

    it.runIf(name === 'postgresql')('an unknown database → DIALECT_UNKNOWN_DATABASE, password masked (trust auth accepts any password)', async () => {
      const url = withPassword(SECRET, 'strata_t_no_such_db');
      const error = await rejection(dialect.connect(url));
      expectUserError(error, 'DIALECT_UNKNOWN_DATABASE', ':***@');
      expect(error.message).toContain('strata_t_no_such_db');
      expect(error.hint).toContain('createdb strata_t_no_such_db');
    });

    it.runIf(name === 'mysql')('an unknown database → DIALECT_UNKNOWN_DATABASE', async () => {
      const url = new URL(serverUrl);
      url.pathname = '/strata_t_no_such_db';
      const error = await rejection(dialect.connect(url.toString()));
      expectUserError(error, 'DIALECT_UNKNOWN_DATABASE', url.host);
      expect(error.hint).toContain('CREATE DATABASE `strata_t_no_such_db`');
    });

    describe.runIf(name === 'mysql')('with a password-protected user', () => {
      const user = `strata_t_u_${process.pid}`;
      const hosts = ['%', 'localhost', '127.0.0.1'];
      const rightPassword = 'Right-Pw-4711';

      beforeAll(async () => {
        for (const host of hosts) {
          await connection.query(`CREATE USER '${user}'@'${host}' IDENTIFIED BY '${rightPassword}'`);
          await connection.query(`GRANT ALL ON ${q(db.name)}.* TO '${user}'@'${host}'`);
        }
      });

      afterAll(async () => {
        for (const host of hosts) await connection.query(`DROP USER IF EXISTS '${user}'@'${host}'`);
      });

      const userUrl = (password: string): string => {
        const url = new URL(db.url);
        url.username = user;
        url.password = password;
        return url.toString();
      };

      it('connects with the right password', async () => {
        const session = await dialect.connect(userUrl(rightPassword));
        expect(session.redactedUrl).toContain(`${user}:***@`);
        expect(session.redactedUrl).not.toContain(rightPassword);
        await session.close();
      });

      it('a wrong password → DIALECT_AUTHENTICATION_FAILED, password masked', async () => {
        const error = await rejection(dialect.connect(userUrl(SECRET)));
        expectUserError(error, 'DIALECT_AUTHENTICATION_FAILED', `${user}:***@`);
        expect(error.message).toContain(user);
      });
    });

    describe.runIf(name === 'sqlite')('files', () => {
      let directory: string;
      beforeAll(async () => {
        directory = await mkdtemp(join(tmpdir(), 'strata-sqlite-errors-'));
      });
      afterAll(async () => {
        await rm(directory, { recursive: true, force: true });
      });

      it('a missing directory → DIALECT_SQLITE_CANNOT_OPEN naming the path', async () => {
        const path = join(directory, 'missing', 'app.db');
        const error = await rejection(dialect.connect(`file:${path}`));
        expect(error.code).toBe('DIALECT_SQLITE_CANNOT_OPEN');
        expect(error.message).toContain(path);
        expect(error.hint).toContain('mkdir -p');
      });

      it('a file that is not a database → DIALECT_SQLITE_CANNOT_OPEN', async () => {
        const path = join(directory, 'not-a-db.sqlite');
        await writeFile(path, 'this is not a SQLite file, just some text that is long enough to have a header');
        const error = await rejection(dialect.connect(path));
        expect(error.code).toBe('DIALECT_SQLITE_CANNOT_OPEN');
        expect(error.message).toContain(path);
      });

      it('a directory in place of the file → DIALECT_SQLITE_CANNOT_OPEN', async () => {
        const error = await rejection(dialect.connect(`sqlite:${directory}`));
        expect(error.code).toBe('DIALECT_SQLITE_CANNOT_OPEN');
        expect(error.message).toContain('is a directory');
      });

      it('turns foreign keys on', async () => {
        const [row] = await connection.query('pragma foreign_keys');
        expect(row?.['foreign_keys']).toBe(1);
      });
    });
  });
});
