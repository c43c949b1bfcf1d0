import type { Connection, HeldOutcome, Row, SqlStatement } from '../connection.js';
import {
  AuthenticationError,
  CONNECTION_LOST_CODES,
  ConnectionFailedError,
  ConnectionLostError,
  ConnectionRefusedError,
  DriverMissingError,
  HOST_NOT_FOUND_CODES,
  HostNotFoundError,
  InvalidUrlError,
  MultipleStatementsError,
  OnlineDdlRefusedError,
  PermissionDeniedError,
  NoDatabaseError,
  QueryFailedError,
  systemErrorCode,
  UNREACHABLE_CODES,
  UnknownDatabaseError,
  type DialectErrorContext,
} from '../errors.js';
import { DeferredStatements, STATEMENT_SEPARATOR } from '../deferred-statements.js';
import { carriesSecret, maskQuotedSecrets } from '../sql-secrets.js';
import { HeldSlot, sendHeldRoundTrip, type HeldItem } from '../held-slot.js';
import { redactUrl, scrubPassword } from '../url.js';
import { ACCESS_DENIED_CODES, missingMysqlPrivilege } from './mysql-privileges.js';

/**
 * The server's refusals of `ALGORITHM=INPLACE`/`LOCK=NONE` (errors 1845, 1846; MySQL and MariaDB alike):
 * https://dev.mysql.com/doc/mysql-errors/8.0/en/server-error-reference.html
 */
const ONLINE_DDL_REFUSED_CODES: ReadonlySet<string> = new Set(['ER_ALTER_OPERATION_NOT_SUPPORTED', 'ER_ALTER_OPERATION_NOT_SUPPORTED_REASON']);

/** @internal The part of a mysql2/promise `Connection` Strata uses (structural: `mysql2` stays an optional peer). */
export interface MysqlClient {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>;
  /** The text `query` would send for `sql` and `values`, the values escaped by the client. */
  format(sql: string, values: unknown[]): string;
  end(): Promise<void>;
  destroy(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
}

/** What may be deferred (see `MysqlConnection.deferStatement`): the kinds of statement that return no rows. */
const DEFERRABLE = /^\s*(?:create|alter|drop|rename|truncate|grant|revoke|insert|update|delete|replace|set)\b/i;
/**
 * Statements of those kinds that go alone: MariaDB's `SET STATEMENT … FOR` returns what its statement
 * returns, and `SET NAMES`, `SET CHARACTER SET` and `sql_mode` change how the server reads the text
 * after them (the character set, backslashes, double quotes).
 */
const SENT_ALONE = /^\s*set\s+(?:statement\b|names\b|character\s+set\b|charset\b|(?:(?:session|global|local|persist)\s+|@@(?:session\.|global\.|local\.)?)?sql_mode\b)/i;

/** The mysql2 promise connection's methods that send a command: through {@link MysqlConnection.driver} they wait for what is held. */
const DRIVER_COMMANDS: ReadonlySet<string> = new Set(['query', 'execute', 'prepare', 'beginTransaction', 'commit', 'rollback', 'changeUser', 'ping']);

/** The user variable a message with deferred statements sets after each of them: after a failure, how many ran. */
const DONE_MARKER = '@strata_done';

/** A transaction held back to travel in front of the next statement (see `Connection.holdTransaction`). */
interface HeldTransaction extends HeldItem {
  readonly statements: readonly SqlStatement[];
}

/** @internal What Strata needs from `mysql2/promise`. */
interface MysqlModule {
  createConnection(config: Record<string, unknown>): Promise<MysqlClient>;
}

/** How long connecting may take before it counts as unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Error codes meaning the session is gone: the client's own, and MariaDB's "connection was killed"
 * (ER_CONNECTION_KILLED, 1927) / MySQL's server-shutdown codes.
 */
const LOST_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CONNECTION_KILLED',
  'ER_SERVER_SHUTDOWN',
  'ER_NORMAL_SHUTDOWN',
  'ER_CLIENT_INTERACTION_TIMEOUT',
]);

/**
 * A MySQL/MariaDB session over one mysql2 connection.
 *
 * The session is opened with `multipleStatements` because mysql2 fixes that flag at the handshake and
 * a script must run in the same session as the lock and the transaction; `query()` therefore refuses
 * SQL holding more than one statement before sending it, so only `executeScript()` runs several.
 *
 * @example
 * ```ts
 * import { MysqlConnection } from '@strata/engine';
 * const connection = await MysqlConnection.open('mysql://root@127.0.0.1:3306/app');
 * const rows = await connection.query('select ? as n', [1]);
 * await connection.close();
 * ```
 */
export class MysqlConnection implements Connection {
  readonly dialect = 'mysql' as const;
  readonly redactedUrl: string;
  readonly #url: string;
  readonly #client: MysqlClient;
  /** The user and database the URL names, for the grant a refused statement needs. */
  readonly #login: { readonly user: string; readonly database: string };
  #inTransaction = false;
  #closed = false;
  /** The transaction {@link holdTransaction} holds back. */
  readonly #held = new HeldSlot<HeldTransaction>();
  /** The statements {@link deferStatement} keeps for the next message. */
  readonly #deferred = new DeferredStatements(DEFERRABLE, SENT_ALONE);
  /**
   * The error of a deferred statement that failed, thrown where it surfaced (the caller's next
   * statement, which did not run). A caller that catches it there and goes on gets it again from
   * {@link sendDeferred}, so the revision fails with the statement that did.
   */
  #deferredFailure: Error | undefined;
  /** The mysql2 connection as {@link driver} hands it out: each of its calls first sends what the connection holds. */
  readonly #driver: unknown;
  /** The driver was handed out since the last {@link sendDeferred}: nothing is deferred until then. */
  #driverOut = false;
  /** Why the session dropped, once mysql2 has reported it; every later call fails fast with it. */
  #lostReason: string | undefined;

  private constructor(url: string, client: MysqlClient, login: { readonly user: string; readonly database: string }) {
    this.#url = url;
    this.#login = login;
    this.redactedUrl = redactUrl(url);
    this.#client = client;
    this.#driver = new Proxy(client, {
      get: (target, key) => {
        const value: unknown = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        const call = (args: unknown[]): unknown => (value as (...values: unknown[]) => unknown).apply(target, args);
        // A command waits for what is held to be answered: after a failure it is not sent at all.
        if (typeof key === 'string' && DRIVER_COMMANDS.has(key)) {
          return async (...args: unknown[]) => {
            await this.#driverReady();
            return call(args);
          };
        }
        return (...args: unknown[]) => {
          this.#sendEarly();
          return call(args);
        };
      },
    });
    // mysql2 emits 'error' for a fatal error with no command waiting (server restart, KILL); without a
    // listener Node would crash the process on it.
    client.on('error', (error) => {
      this.#lostReason ??= scrubPassword(error.message, url);
    });
    client.on('end', () => {
      if (!this.#closed) this.#lostReason ??= 'the server closed the connection';
    });
  }

  /**
   * Opens a session with the session time zone set to UTC (so `NOW()` and DATETIME values are UTC on
   * both sides). Connection failures become `StrataError`s whose messages carry the masked URL.
   */
  static async open(url: string): Promise<MysqlConnection> {
    const context: DialectErrorContext = { dialect: 'mysql', redactedUrl: redactUrl(url) };
    const parsed = parseMysqlUrl(url, context);
    const mysql = await loadMysql2(context);
    let client: MysqlClient;
    try {
      client = await mysql.createConnection({
        // mysql2 reads host, port, user, password, database and extra `?options` from `uri`.
        uri: parsed.uri,
        multipleStatements: true,
        connectTimeout: CONNECT_TIMEOUT_MS,
        // DATETIME values are UTC in the ledger: read and write them as UTC, not as local time.
        timezone: 'Z',
      });
    } catch (error) {
      throw connectError(error, url, parsed);
    }
    const connection = new MysqlConnection(url, client, parsed);
    try {
      await connection.query("SET time_zone = '+00:00'");
    } catch (error) {
      await connection.close();
      throw error;
    }
    return connection;
  }

  get inTransaction(): boolean {
    return this.#inTransaction;
  }

  /**
   * The mysql2 connection. Reading it queues a transaction still held back and the deferred
   * statements on it (mysql2 runs a connection's commands in the order they were issued), and nothing
   * more is deferred until {@link sendDeferred}: what the caller sends through it, or through what it
   * hands out (`connection`, prepared statements, Drizzle's iterators), runs in the order it was
   * asked for. A caller that kept it from before gets the same order: each call on it first queues
   * what is held, and a command (`query`, `execute`, `prepare`…) waits for it to be answered, so that
   * after a failed deferred statement the caller's command is not sent but throws that failure.
   * A failure of what was queued is also thrown by this connection's next call, {@link sendDeferred}
   * at the latest.
   */
  get driver(): unknown {
    this.#sendEarly();
    this.#driverOut = true;
    return this.#driver;
  }

  /** Queues what is held and deferred on the driver now, not waiting for it (see {@link driver}). */
  #sendEarly(): void {
    this.#held.sendEarly((held) => this.#send(held, undefined), this.#deferred.pending);
  }

  /**
   * Sends what is held and waits for it; throws its failure, or that of a deferred statement before
   * it. Commands issued together all wait for the same send, and go out in the order they were issued.
   */
  async #driverReady(): Promise<void> {
    this.#sendEarly();
    await this.#held.outcome();
    if (this.#deferredFailure !== undefined) throw this.#deferredFailure;
  }

  /**
   * Defers `sql`, a statement that returns no rows (DDL, GRANT, SET, or INSERT, UPDATE, DELETE,
   * REPLACE without RETURNING) and takes no parameters, to go out in front of the next statement
   * sent, in the same round trip, or with {@link sendDeferred}. DDL commits by itself here: the
   * statements before a failing one stay done, and those after it do not run, as when each is sent
   * alone. False, and nothing deferred, inside a transaction {@link begin} opened, when `sql` is not
   * one such statement or is one that goes alone (`SET STATEMENT … FOR`, `SET NAMES`, `sql_mode`), or
   * when a thousand statements or a megabyte wait already. A deferred statement that fails is thrown,
   * quoting it, by the call that sent it, and again by {@link sendDeferred} should the caller catch it.
   */
  deferStatement(sql: string): boolean {
    return !this.#inTransaction && !this.#driverOut && this.#deferredFailure === undefined && this.#deferred.add(sql);
  }

  /**
   * Also throws the failure of what was sent early through the driver, or of a deferred statement
   * whose error the caller caught; the statements deferred after it are then dropped, as they would
   * never have run. Ends the statement-by-statement order the {@link driver} started.
   */
  async sendDeferred(): Promise<void> {
    let failure: unknown;
    try {
      await this.#held.settle();
      if (this.#deferredFailure === undefined && this.#deferred.pending) await this.#send(await this.#held.take(), undefined);
    } catch (error) {
      failure = error;
    }
    this.#driverOut = false;
    // The first deferred statement that failed is the one to tell, however it was thrown before.
    const first = this.#deferredFailure ?? failure;
    this.#deferredFailure = undefined;
    if (first === undefined) return;
    this.#deferred.drop();
    throw first;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    this.#refuseSeveral(sql);
    // After a deferred statement failed, nothing more runs: the caller would have stopped there.
    if (this.#deferredFailure !== undefined) throw this.#deferredFailure;
    // What a password travels in goes alone: an error about another statement could quote it.
    if (carriesSecret(sql)) await this.#sendHeld();
    // The text protocol with client-side escaping (as Kysely's MySQL driver does): prepared
    // statements would reject some DDL and bind JS numbers as DOUBLE.
    const rows = await this.#send(await this.#held.take(), { sql, text: sql, params });
    return Array.isArray(rows) ? (rows as Row[]) : [];
  }

  async executeScript(sql: string): Promise<void> {
    if (this.#deferredFailure !== undefined) throw this.#deferredFailure;
    await this.#sendHeld();
    await this.#run(sql, () => this.#client.query(sql));
  }

  async runTransaction(statements: readonly SqlStatement[]): Promise<void> {
    for (const { sql } of statements) this.#refuseSeveral(sql);
    const body = statements.map(({ sql }) => sql).join('; ');
    const held = await this.#held.take();
    this.#inTransaction = true;
    try {
      // mysql2 escapes the parameters of every statement into the one text, in order.
      await this.#send(held, { sql: body, text: `START TRANSACTION; ${body}; COMMIT`, params: statements.flatMap(({ params }) => [...params]) });
      this.#inTransaction = false;
    } catch (error) {
      // The server stops at the failing statement, inside the transaction: end it.
      await this.rollback().catch(() => undefined);
      throw error;
    }
  }

  holdTransaction(statements: readonly SqlStatement[], settled: HeldOutcome): void {
    // Held rows record work done: what is deferred must have gone out before them.
    if (this.#deferred.pending) throw new Error('MysqlConnection.holdTransaction: send the deferred statements first (sendDeferred)');
    for (const { sql } of statements) this.#refuseSeveral(sql);
    this.#held.hold((marker) => ({ statements, settled, marker, sql: statements.map(({ sql }) => sql).join('; ') }));
  }

  async begin(): Promise<void> {
    await this.#sendHeld();
    await this.#run('START TRANSACTION', () => this.#client.query('START TRANSACTION'));
    this.#inTransaction = true;
  }

  async commit(): Promise<void> {
    try {
      await this.#run('COMMIT', () => this.#client.query('COMMIT'));
    } finally {
      this.#inTransaction = false;
    }
  }

  async rollback(): Promise<void> {
    if (!this.#inTransaction) return;
    try {
      await this.#run('ROLLBACK', () => this.#client.query('ROLLBACK'));
    } finally {
      this.#inTransaction = false;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // A held transaction is the caller's record of work done: it goes out before the session ends.
    // Statements still deferred were not asked for by anyone who waited: they are dropped.
    this.#deferred.drop();
    await this.#sendHeld().catch(() => undefined);
    this.#closed = true;
    if (this.#lostReason !== undefined) {
      // end() would send COM_QUIT on a dead socket and wait; there is nothing left to close politely.
      this.#client.destroy();
      return;
    }
    await this.#client.end();
  }

  #refuseSeveral(sql: string): void {
    if (hasSeveralStatements(sql)) {
      throw new MultipleStatementsError({ dialect: 'mysql', redactedUrl: this.redactedUrl, sql: scrubPassword(sql, this.#url) });
    }
  }

  /** Sends a held transaction and the deferred statements, without a statement of the caller's. */
  async #sendHeld(): Promise<void> {
    const held = await this.#held.take();
    if (held !== undefined || this.#deferred.pending) await this.#send(held, undefined);
  }

  /**
   * Sends `statement` (its `text` with its `params`; `sql` is what error messages quote) behind the
   * `held` transaction and the deferred statements, in one round trip, and returns the statement's
   * result. The text goes out with its values already escaped (`format`), so a `?` in a deferred
   * statement's literal is left alone. The held transaction sets `@strata_held` after its COMMIT, and
   * each deferred statement `@strata_done` after it: when the round trip fails, they tell which part
   * failed (see `sendHeldRoundTrip`) and which statement.
   */
  async #send(held: HeldTransaction | undefined, statement: { sql: string; text: string; params: readonly unknown[] } | undefined): Promise<unknown> {
    const deferred = this.#deferred.take();
    if (held === undefined && deferred.length === 0) {
      if (statement === undefined) return undefined;
      const [rows] = await this.#run(statement.sql, () => this.#client.query(statement.text, [...statement.params]));
      return rows;
    }
    // Markers only where the failing statement must be told from another.
    const marked = deferred.length + (statement === undefined ? 0 : 1) > 1;
    const parts = [
      ...(held === undefined ? [] : [`START TRANSACTION; ${this.#client.format(held.sql, held.statements.flatMap(({ params }) => [...params]))}; COMMIT; SET @strata_held = ${held.marker}`]),
      ...(marked ? [`SET ${DONE_MARKER} = 0`, ...deferred.flatMap((sql, i) => [sql, `SET ${DONE_MARKER} = ${i + 1}`])] : deferred),
      ...(statement === undefined ? [] : [this.#client.format(statement.text, [...statement.params])]),
    ];
    const sendAll = async () => {
      const [results] = await this.#client.query(parts.join(STATEMENT_SEPARATOR));
      return statement === undefined ? undefined : (results as unknown[]).at(-1);
    };
    // After a failure: the deferred statement that failed (how many set the marker), else the caller's.
    let done: unknown;
    const failedDeferred = (): string | undefined => {
      const ran = Number(done);
      return Number.isInteger(ran) && ran < deferred.length ? deferred[ran] : statement === undefined ? deferred.at(-1) : undefined;
    };
    const failedSql = (): string => failedDeferred() ?? statement?.sql ?? '';
    // A deferred statement's failure is remembered, whoever catches it (see #deferredFailure).
    const remember = (error: unknown): never => {
      if (failedDeferred() !== undefined && !(error instanceof ConnectionLostError)) this.#deferredFailure = error as Error;
      throw error;
    };
    const readDone = async (): Promise<void> => {
      if (!marked) {
        done = 0;
        return;
      }
      if (this.#lostReason !== undefined) return;
      const [rows] = await this.#client.query(`SELECT ${DONE_MARKER} AS done`).catch(() => [[]]);
      done = (rows as { done?: unknown }[])[0]?.done;
    };
    if (held === undefined) {
      try {
        return await sendAll();
      } catch (error) {
        await readDone();
        return this.#run(failedSql(), () => Promise.reject(error)).catch(remember);
      }
    }
    return sendHeldRoundTrip(held, deferred.length === 0 && statement === undefined ? undefined : failedSql, {
      send: sendAll,
      // The server stopped inside the held transaction, or after it (user variables outlive a rollback).
      rollback: () => this.#client.query('ROLLBACK').then(() => undefined, () => undefined),
      readMarker: async () => {
        if (this.#lostReason !== undefined) return undefined;
        await readDone();
        const [rows] = await this.#client.query('SELECT @strata_held AS marker').catch(() => [[]]);
        return (rows as { marker?: unknown }[])[0]?.marker;
      },
      // The held transaction's own failure is the ledger's (DIALECT_HELD_TRANSACTION_FAILED), not a statement's.
      rethrow: (sql, error) => this.#run(sql, () => Promise.reject(error)).catch(sql === held.sql ? undefined : remember),
      context: { dialect: 'mysql', redactedUrl: this.redactedUrl },
    });
  }

  /** Runs one driver call, turning driver errors into `QueryFailedError` or `ConnectionLostError`. */
  async #run<T>(sql: string, call: () => Promise<T>): Promise<T> {
    const context: DialectErrorContext = { dialect: 'mysql', redactedUrl: this.redactedUrl };
    if (this.#lostReason !== undefined) {
      this.#inTransaction = false;
      throw new ConnectionLostError({ ...context, reason: this.#lostReason });
    }
    if (this.#closed) throw new Error(`The connection to ${this.redactedUrl} is closed.`);
    try {
      return await call();
    } catch (error) {
      const code = systemErrorCode(error);
      const fatal = (error as { fatal?: unknown }).fatal === true;
      if (this.#lostReason !== undefined || fatal || (code !== undefined && (LOST_CODES.has(code) || CONNECTION_LOST_CODES.has(code)))) {
        this.#lostReason ??= scrubPassword(messageOf(error), this.#url);
        this.#inTransaction = false;
        throw new ConnectionLostError({ ...context, reason: this.#lostReason, cause: error });
      }
      // mysql2 writes parameters into the text it sends, and the server's words may quote them; a
      // message of several statements may have them quote another statement's literals.
      const sent = (error as { sql?: unknown }).sql;
      const several = typeof sent === 'string' && sent.includes(STATEMENT_SEPARATOR);
      const failure = {
        ...context,
        cause: error,
        sql: scrubPassword(sql, this.#url),
        reason: maskQuotedSecrets(scrubPassword(messageOf(error), this.#url), typeof sent === 'string' ? [sent] : [], 'mysql', { nearAlways: several }),
        ...(code === undefined ? {} : { driverCode: code }),
      };
      if (code !== undefined && ACCESS_DENIED_CODES.has(code)) {
        const account = await this.#currentAccount();
        throw new PermissionDeniedError({ ...failure, missing: missingMysqlPrivilege(failure.reason, this.#login.database, account) });
      }
      if (code !== undefined && ONLINE_DDL_REFUSED_CODES.has(code)) throw new OnlineDdlRefusedError(failure);
      // ER_NO_DB_ERROR (1046): the URL has no database path.
      if (code === 'ER_NO_DB_ERROR') throw new NoDatabaseError(failure);
      throw new QueryFailedError(failure);
    }
  }

  /** The account the server matched this session to (`CURRENT_USER()`), asked only after a refusal; the URL's user@'%' if even that fails. */
  async #currentAccount(): Promise<string> {
    try {
      const [rows] = await this.#client.query('SELECT CURRENT_USER() AS account');
      const account = (rows as { account?: unknown }[])[0]?.account;
      if (typeof account === 'string') return account;
    } catch {
      // The session may be unusable after the refusal; the URL's user is the best guess left.
    }
    return `${this.#login.user}@%`;
  }
}

/** The URL facts connecting and error messages need. */
interface ParsedMysqlUrl {
  /** The URL as mysql2 wants it (`mysql:` scheme). */
  readonly uri: string;
  readonly host: string;
  readonly user: string;
  readonly database: string;
}

/** Validates the URL before mysql2 sees it, and accepts `mariadb://` as a synonym. */
function parseMysqlUrl(url: string, context: DialectErrorContext): ParsedMysqlUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidUrlError({ ...context, reason: 'it does not parse as a URL' });
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new InvalidUrlError({ ...context, reason: `the scheme must be mysql:// or mariadb://, not ${parsed.protocol}//` });
  }
  if (parsed.hostname === '') throw new InvalidUrlError({ ...context, reason: 'it names no host' });
  const uri = parsed.protocol === 'mysql:' ? url : `mysql:${url.slice(url.indexOf(':') + 1)}`;
  return {
    uri,
    host: parsed.hostname,
    user: decodeURIComponent(parsed.username),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
  };
}

/** Loads mysql2 on first use, so installs that never touch MySQL need not have it. */
async function loadMysql2(context: DialectErrorContext): Promise<MysqlModule> {
  try {
    const module = await import('mysql2/promise');
    return module.default as unknown as MysqlModule;
  } catch (error) {
    if (DriverMissingError.isMissingPackage(error, 'mysql2')) throw new DriverMissingError({ ...context, cause: error });
    throw error;
  }
}

/** Maps a failed connect to the error that says what to do about it. */
function connectError(error: unknown, url: string, parsed: ParsedMysqlUrl): Error {
  const context: DialectErrorContext = { dialect: 'mysql', redactedUrl: redactUrl(url), cause: error };
  const code = systemErrorCode(error);
  // ER_ACCESS_DENIED_ERROR (1045): bad user or password; ER_DBACCESS_DENIED_ERROR (1044): no rights on the database.
  if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR') {
    return new AuthenticationError({ ...context, user: parsed.user });
  }
  if (code === 'ER_BAD_DB_ERROR') return new UnknownDatabaseError({ ...context, database: parsed.database });
  if (code !== undefined && UNREACHABLE_CODES.has(code)) return new ConnectionRefusedError({ ...context, reason: `connection failed (${code})` });
  if (code !== undefined && HOST_NOT_FOUND_CODES.has(code)) return new HostNotFoundError({ ...context, host: parsed.host });
  return new ConnectionFailedError({ ...context, reason: scrubPassword(messageOf(error), url) });
}

/**
 * @internal True when `sql` holds a `;` followed by more SQL outside quotes and comments. It scans
 * MySQL's lexical forms: '…', "…", `…` (with doubled quotes and backslash escapes), `-- `, `#` and
 * `/* … *\/` comments, where the executable `/*! … *\/` form counts as SQL.
 */
export function hasSeveralStatements(sql: string): boolean {
  let i = 0;
  let ended = false;
  while (i < sql.length) {
    const char = sql[i] as string;
    const next = sql[i + 1];
    if (char === "'" || char === '"' || char === '`') {
      if (ended) return true;
      i = skipQuoted(sql, i, char);
    } else if ((char === '-' && next === '-' && /\s|$/.test(sql[i + 2] ?? '')) || char === '#') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (char === '/' && next === '*') {
      // `/*! … */` and MariaDB's `/*M! … */` are executable comments: SQL, not comments.
      if (ended && /^\/\*M?!/.test(sql.slice(i, i + 4))) return true;
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (char === ';') {
      ended = true;
      i += 1;
    } else {
      if (ended && !/\s/.test(char)) return true;
      i += 1;
    }
  }
  return false;
}

/** The index just past the quoted run starting at `start`. */
function skipQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    const char = sql[i];
    // Backslash escapes exist in strings, not in `identifiers` (MySQL, unless NO_BACKSLASH_ESCAPES).
    if (char === '\\' && quote !== '`') i += 2;
    else if (char === quote && sql[i + 1] === quote) i += 2;
    else if (char === quote) return i + 1;
    else i += 1;
  }
  return i;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
