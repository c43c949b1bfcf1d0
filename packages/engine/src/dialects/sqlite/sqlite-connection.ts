import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Connection, Row } from '../connection.js';
import type { ConnectOptions } from '../dialect.js';
import {
  DatabaseFileMissingError,
  DriverMissingError,
  MultipleStatementsError,
  QueryFailedError,
  SqliteBusyError,
  SqliteCannotOpenError,
  type DialectErrorContext,
} from '../errors.js';
import { redactUrl, sqlitePathFromUrl } from '../url.js';

/** @internal The part of a better-sqlite3 prepared statement Strata uses. */
interface SqliteStatement {
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}

/** @internal The part of a better-sqlite3 `Database` Strata uses (structural: the driver stays an optional peer). */
export interface SqliteDatabase {
  readonly open: boolean;
  readonly inTransaction: boolean;
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  pragma(source: string): unknown;
  close(): unknown;
}

/** @internal What Strata needs from `better-sqlite3`. */
type SqliteModule = new (path: string, options: { timeout: number; fileMustExist: boolean }) => SqliteDatabase;

/**
 * How long a statement waits for another connection's lock before failing with SQLITE_BUSY, when the
 * caller names no lock timeout (https://www.sqlite.org/c3ref/busy_timeout.html).
 */
const BUSY_TIMEOUT_MS = 5000;

/**
 * How many prepared statements a connection keeps for reuse. The statements a run repeats (savepoints,
 * `foreign_key_check`, the inspector's and the ledger's queries) stay prepared; a revision's own DDL,
 * seen once, passes through.
 */
const STATEMENT_CACHE_SIZE = 64;

/**
 * A SQLite session over one better-sqlite3 `Database`. The driver is synchronous; each method is
 * `async` so its errors arrive as rejections, like the other dialects'.
 *
 * Parameters: `Date` is bound as its ISO-8601 string (the ledger's timestamp form) and booleans as
 * 1/0, since better-sqlite3 binds neither.
 *
 * @example
 * ```ts
 * import { SqliteConnection } from '@strata/engine';
 * const connection = await SqliteConnection.open(':memory:');
 * const rows = await connection.query('select ? as n', [1]);
 * await connection.close();
 * ```
 */
export class SqliteConnection implements Connection {
  readonly dialect = 'sqlite' as const;
  readonly redactedUrl: string;
  readonly #db: SqliteDatabase;
  readonly #path: string;
  readonly #busyTimeoutMs: number;
  /** Prepared statements by SQL text, least recently used first (SQLite prepares them again itself after a schema change). */
  readonly #statements = new Map<string, SqliteStatement>();

  private constructor(url: string, db: SqliteDatabase, path: string, busyTimeoutMs: number) {
    this.redactedUrl = redactUrl(url);
    this.#db = db;
    this.#path = path;
    this.#busyTimeoutMs = busyTimeoutMs;
  }

  /**
   * Opens (creating if absent) the database file with `foreign_keys = ON` and a busy timeout of
   * `options.lockTimeoutMs` (default 5 s): every statement waits that long for another process's
   * lock on the file, then throws `SqliteBusyError`. With `options.mustExist`, a file that does not
   * exist throws `DatabaseFileMissingError` and is not created (`:memory:` still opens). A missing
   * directory, a directory in place of the file, no permission, or a file that is not a SQLite
   * database throws `SqliteCannotOpenError` with the path.
   */
  static async open(url: string, baseDir?: string, options: ConnectOptions = {}): Promise<SqliteConnection> {
    const context: DialectErrorContext = { dialect: 'sqlite', redactedUrl: redactUrl(url) };
    const path = sqlitePathFromUrl(url, baseDir);
    const busyTimeoutMs = options.lockTimeoutMs ?? BUSY_TIMEOUT_MS;
    const Database = await loadBetterSqlite3(context);
    const fileMustExist = options.mustExist === true && path !== ':memory:';
    // Before checkPath: for a command that only reads, a missing folder is a missing file too.
    if (fileMustExist && !existsSync(path)) throw new DatabaseFileMissingError({ ...context, path });
    if (path !== ':memory:') checkPath(path, context);
    let db: SqliteDatabase;
    try {
      // The driver checks too (no SQLITE_OPEN_CREATE), so a file removed since the check above is not made again.
      db = new Database(path, { timeout: busyTimeoutMs, fileMustExist });
    } catch (error) {
      if (fileMustExist && !existsSync(path)) throw new DatabaseFileMissingError({ ...context, cause: error, path });
      throw new SqliteCannotOpenError({ ...context, cause: error, path, reason: messageOf(error), hint: 'Check the path and its permissions.' });
    }
    try {
      // Foreign keys are off by default in SQLite, per connection (https://www.sqlite.org/foreignkeys.html#fk_enable).
      db.pragma('foreign_keys = ON');
      // Opening is lazy: reading the schema is what reveals a file that is not a database.
      db.prepare('select count(*) from sqlite_master').all();
    } catch (error) {
      db.close();
      if (isBusy(error)) throw new SqliteBusyError({ ...context, cause: error, path, timeoutMs: busyTimeoutMs, sql: 'select count(*) from sqlite_master' });
      throw new SqliteCannotOpenError({
        ...context,
        cause: error,
        path,
        reason: messageOf(error),
        hint: 'Point the URL at a SQLite database file, or at a path where a new one may be created.',
      });
    }
    return new SqliteConnection(url, db, path, busyTimeoutMs);
  }

  get inTransaction(): boolean {
    return this.#db.inTransaction;
  }

  get driver(): unknown {
    return this.#db;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return this.#run(sql, () => {
      if (params.length === 0 && isPlainSchemaChange(sql)) {
        this.#db.exec(sql);
        return [];
      }
      const statement = this.#prepare(sql);
      const values = params.map(toSqliteValue);
      if (statement.reader) return statement.all(...values) as Row[];
      statement.run(...values);
      return [];
    });
  }

  /** The statement for `sql`, prepared once and reused while it stays among the most recent. */
  #prepare(sql: string): SqliteStatement {
    const cached = this.#statements.get(sql);
    if (cached !== undefined) {
      this.#statements.delete(sql);
      this.#statements.set(sql, cached);
      return cached;
    }
    let statement: SqliteStatement;
    try {
      statement = this.#db.prepare(sql);
    } catch (error) {
      // better-sqlite3 refuses a second statement with a RangeError: the same refusal as on MySQL.
      if (error instanceof RangeError && error.message.includes('more than one statement')) {
        throw new MultipleStatementsError({ dialect: 'sqlite', redactedUrl: this.redactedUrl, sql });
      }
      throw error;
    }
    this.#statements.set(sql, statement);
    if (this.#statements.size > STATEMENT_CACHE_SIZE) this.#statements.delete(this.#statements.keys().next().value as string);
    return statement;
  }

  async executeScript(sql: string): Promise<void> {
    this.#run(sql, () => this.#db.exec(sql));
  }

  async begin(): Promise<void> {
    // IMMEDIATE takes the write lock now, so a conflicting writer fails here (after the busy
    // timeout) rather than in the middle of a revision.
    this.#run('BEGIN IMMEDIATE', () => this.#db.exec('BEGIN IMMEDIATE'));
  }

  async commit(): Promise<void> {
    this.#run('COMMIT', () => this.#db.exec('COMMIT'));
  }

  async rollback(): Promise<void> {
    if (!this.#db.inTransaction) return;
    this.#run('ROLLBACK', () => this.#db.exec('ROLLBACK'));
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  /**
   * Runs one driver call, turning SQLite errors into `QueryFailedError`, and SQLITE_BUSY (the busy
   * timeout ran out) into `SqliteBusyError`; anything else (a bad bind) is a bug and passes through.
   */
  #run<T>(sql: string, call: () => T): T {
    try {
      return call();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_')) throw error;
      if (isBusy(error)) {
        throw new SqliteBusyError({ dialect: 'sqlite', redactedUrl: this.redactedUrl, cause: error, path: this.#path, timeoutMs: this.#busyTimeoutMs, sql });
      }
      throw new QueryFailedError({
        dialect: 'sqlite',
        redactedUrl: this.redactedUrl,
        cause: error,
        sql,
        reason: messageOf(error),
        driverCode: code,
      });
    }
  }
}

/**
 * A lone CREATE, DROP or ALTER without parameters: it returns no rows, so it runs through `exec`,
 * which does not make a prepared statement object for it. A revision's DDL is seen once; making and
 * collecting a statement object for each made a 500-revision upgrade about 15% slower.
 * A semicolon before the end (a trigger body, a second statement) goes the prepared way, which runs
 * exactly one statement.
 */
function isPlainSchemaChange(sql: string): boolean {
  return /^\s*(?:create|drop|alter)\s/i.test(sql) && !sql.replace(/[\s;]+$/, '').includes(';');
}

/** Loads better-sqlite3 on first use, so installs that never touch SQLite need not build it. */
async function loadBetterSqlite3(context: DialectErrorContext): Promise<SqliteModule> {
  try {
    const module = await import('better-sqlite3');
    return module.default as unknown as SqliteModule;
  } catch (error) {
    if (DriverMissingError.isMissingPackage(error, 'better-sqlite3')) throw new DriverMissingError({ ...context, cause: error });
    throw error;
  }
}

/** Fails early, with the path, where SQLite would only say "unable to open database file". */
function checkPath(path: string, context: DialectErrorContext): void {
  const directory = dirname(path);
  if (!existsSync(directory)) {
    throw new SqliteCannotOpenError({
      ...context,
      path,
      reason: `the directory ${directory} does not exist`,
      hint: `Create it (mkdir -p ${directory}) or fix the path in the URL.`,
    });
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new SqliteCannotOpenError({
      ...context,
      path,
      reason: 'it is a directory',
      hint: 'Name a file inside it, e.g. app.db.',
    });
  }
}

/** Converts the values better-sqlite3 cannot bind into the forms the ledger stores. */
function toSqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined) return null;
  return value;
}

/** SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT...): another connection holds the lock. */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
