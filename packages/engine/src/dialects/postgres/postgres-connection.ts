import type { StrataError } from '../../errors.js';
import type { BeginOptions, Connection, Row, SqlStatement } from '../connection.js';
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
  PermissionDeniedError,
  QueryFailedError,
  systemErrorCode,
  UNREACHABLE_CODES,
  UnknownDatabaseError,
  type DialectErrorContext,
} from '../errors.js';
import { DeferredStatements, STATEMENT_SEPARATOR } from '../deferred-statements.js';
import { redactUrl, scrubPassword } from '../url.js';
import { INSUFFICIENT_PRIVILEGE, missingPostgresPrivilege } from './postgres-privileges.js';

/** @internal The part of pg's `QueryResult` Strata reads. */
interface PgResult {
  readonly rows: Row[];
}

/** @internal The part of a pg `Client` Strata uses: a structural type keeps `pg` an optional peer dependency. */
export interface PgClient {
  connect(): Promise<unknown>;
  query(config: { text: string; values?: unknown[]; queryMode?: 'extended' }): Promise<PgResult>;
  query(text: string): Promise<PgResult | PgResult[]>;
  query(query: PgQuery): PgQuery;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  /** pg's protocol connection, which reports the server's settings as they come (`server_encoding` at startup). */
  readonly connection?: { on(event: 'parameterStatus', listener: (message: { parameterName: string; parameterValue: string }) => void): unknown };
}

/** @internal A pg `Query` built by Strata, so that it can count the statements the server completed. */
interface PgQuery {
  handleCommandComplete(...args: unknown[]): unknown;
}

/** @internal pg's `Query` class: a simple query, told its results through `callback`. */
type PgQueryClass = new (text: string, values: undefined, callback: (error: Error | null, results: unknown) => void) => PgQuery;

/** @internal What Strata needs from the `pg` module. */
interface PgModule {
  Client: new (config: { connectionString: string; connectionTimeoutMillis: number; application_name: string }) => PgClient;
  Query: PgQueryClass;
}

/** One part of a simple-query message: its text, what an error in it quotes, and how many statements it holds. */
interface MessagePart {
  readonly text: string;
  readonly sql: string;
  readonly count: number;
}

/**
 * The index of the part of a message that `error` came from. PostgreSQL gives the position in the
 * message of a syntax error (found before any statement runs) and of an unknown name, counted in the
 * server's characters: `length` measures a text the same way. Otherwise `completed`, the statements
 * that completed before it, tells the failing statement.
 */
function failedPart(parts: readonly MessagePart[], error: unknown, completed: number, length: (text: string) => number): number {
  const position = Number((error as { position?: unknown }).position);
  if (Number.isInteger(position) && position > 0) {
    let end = 0;
    for (const [index, part] of parts.entries()) {
      end += length(part.text) + STATEMENT_SEPARATOR.length;
      if (position <= end) return index;
    }
  }
  let rest = completed;
  for (const [index, part] of parts.entries()) {
    if (rest < part.count) return index;
    rest -= part.count;
  }
  return parts.length - 1;
}

/** A text's length in characters as a server in `encoding` counts them: SQL_ASCII takes the client's UTF-8 bytes as they come. */
function serverLength(encoding: string | undefined): (text: string) => number {
  return encoding === 'SQL_ASCII' ? (text) => Buffer.byteLength(text) : (text) => Array.from(text).length;
}

/** What may be deferred (see `PostgresConnection.deferStatement`): the kinds of statement that return no rows. */
const DEFERRABLE = /^\s*(?:create|alter|drop|comment|grant|revoke|insert|update|delete|truncate|set)\b/i;
/**
 * Settings that change how the server reads string literals and text: PostgreSQL reads a whole
 * message before running any of it, so after one of these the rest of the message would be read the
 * old way. They go alone, their names quoted or not (PostgreSQL reads a setting's name case-blind).
 */
const READING_SETTINGS = /^\s*set\s+(?:(?:session|local)\s+)?"?(?:standard_conforming_strings|backslash_quote|client_encoding|names)\b/i;
/** A statement that may set, release or roll back to a savepoint: wherever the word stands, to be safe. */
const SAVEPOINT = /\bsavepoint\b/i;

/** True when `sql` holds no `;` but a final one: one statement, as far as a plain look can tell. */
function isOneStatement(sql: string): boolean {
  return !sql.replace(/;\s*$/, '').includes(';');
}

/** An error code the server sent (five characters), not one of Node's or the client's. */
const SQLSTATE = /^[0-9A-Z]{5}$/;

/** SQLSTATE in_failed_sql_transaction: a statement sent after an earlier one of the transaction failed. */
const IN_FAILED_TRANSACTION = '25P02';

/** SQLSTATEs (and pg's own messages) that mean the session is gone, not that the statement was wrong. */
const LOST_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006']);

/** How long connecting may take before it counts as unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * A PostgreSQL session over one pg `Client` (not a pool: the advisory lock and transactions belong
 * to one session).
 *
 * @example
 * ```ts
 * import { PostgresConnection } from '@strata/engine';
 * const connection = await PostgresConnection.open('postgres://postgres@127.0.0.1:5432/postgres');
 * const rows = await connection.query('select $1::int as n', [1]);
 * await connection.close();
 * ```
 */
export class PostgresConnection implements Connection {
  readonly dialect = 'postgresql' as const;
  readonly redactedUrl: string;
  /**
   * The schema the URL's `?schema=` names (schema-per-tenant), else undefined. The session's
   * `search_path` is that schema alone, so the stream's tables and its ledger live there and no
   * unqualified name reaches another tenant's objects or `public`'s; the migration lock is per schema.
   */
  readonly schema: string | undefined;
  readonly #url: string;
  readonly #client: PgClient;
  /** The role the URL logs in as, named in the grant a refused statement needs. */
  readonly #user: string;
  #inTransaction = false;
  /** BEGIN held back by `begin({ withFirstStatement: true })`, not yet sent. */
  #beginHeld = false;
  /** Statements of the open transaction {@link deferStatement} keeps for its next message. */
  readonly #deferred = new DeferredStatements(DEFERRABLE, READING_SETTINGS);
  /**
   * The error of the first statement that failed in the open transaction (before any SAVEPOINT: whoever
   * sets one handles errors statement by statement). Whoever catches it (a deferred statement's error
   * surfaces at the caller's next statement) cannot go on: the transaction is aborted, and the COMMIT,
   * {@link sendDeferred}, the driver's next query or any later statement throw this error again rather
   * than PostgreSQL's "current transaction is aborted".
   */
  #abortedBy: Error | undefined;
  /** The server's encoding (from its startup report): how it counts the characters of an error's position. */
  #serverEncoding: string | undefined;
  /** A SAVEPOINT was sent in the open transaction: nothing more is deferred in it. */
  #savepointSet = false;
  /** pg's `Query` class: `#sendWithHeld` builds its messages with it, to count the statements that completed. */
  readonly #Query: PgQueryClass;
  /** What opens the transaction `begin` was asked for: BEGIN, with the setting of a commit that need not wait for the disk. */
  #beginSql = 'BEGIN';
  /** The pg `Client` as {@link driver} hands it out: its `query` first sends what the connection holds. */
  readonly #driver: unknown;
  /** What is held, being sent ahead of a query the caller made through the driver. */
  #driverReady: Promise<void> | undefined;
  #closed = false;
  /** Why the session dropped, once pg has reported it; every later call fails fast with it. */
  #lostReason: string | undefined;

  private constructor(url: string, client: PgClient, Query: PgQueryClass, user: string, schema: string | undefined) {
    this.#url = url;
    this.#Query = Query;
    this.#user = user;
    this.schema = schema;
    this.redactedUrl = redactUrl(url);
    this.#client = client;
    this.#driver = new Proxy(client, {
      get: (target, key) => {
        if (key === 'query') return (...args: unknown[]) => this.#driverQuery(args);
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    // pg emits 'error' on the client when an idle session dies (server restart, pg_terminate_backend);
    // without a listener Node would crash the process on it.
    client.on('error', (error) => {
      this.#lostReason ??= scrubPassword(error.message, url);
    });
    client.on('end', () => {
      if (!this.#closed) this.#lostReason ??= 'the server closed the connection';
    });
    client.connection?.on('parameterStatus', (message) => {
      if (message.parameterName === 'server_encoding') this.#serverEncoding = message.parameterValue;
    });
  }

  /**
   * Opens a session. Connection failures become `StrataError`s (`DIALECT_CONNECTION_REFUSED`,
   * `DIALECT_AUTHENTICATION_FAILED`, `DIALECT_UNKNOWN_DATABASE`, ...) whose messages carry the masked URL.
   * A `?schema=NAME` parameter is Strata's, not pg's: it sets the session's `search_path` to that
   * schema alone (see {@link schema}); the schema need not exist yet (a writer creates it).
   */
  static async open(url: string): Promise<PostgresConnection> {
    const context: DialectErrorContext = { dialect: 'postgresql', redactedUrl: redactUrl(url) };
    const parsed = parsePostgresUrl(url, context);
    const pg = await loadPg(context);
    const client = new pg.Client({
      connectionString: parsed.connectionString,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: 'strata',
    });
    const connection = new PostgresConnection(url, client, pg.Query, parsed.user, parsed.schema);
    try {
      await client.connect();
    } catch (error) {
      throw connectError(error, url, parsed);
    }
    if (parsed.schema !== undefined) {
      try {
        await connection.query(`SET search_path TO ${quoteSchema(parsed.schema)}`);
      } catch (error) {
        await connection.close().catch(() => undefined);
        throw error;
      }
    }
    return connection;
  }

  get inTransaction(): boolean {
    return this.#inTransaction;
  }

  /**
   * The pg `Client`, for the caller's own queries (Drizzle's among them). Its `query` first sends
   * what the connection holds back (a BEGIN, deferred statements), so the caller's query runs
   * inside the current transaction, and only after those are answered: pg never has two queries
   * waiting (which it deprecates). A held part that fails fails the caller's query.
   */
  get driver(): unknown {
    return this.#driver;
  }

  /**
   * The driver's `query(...args)`: at once when nothing is held, else once what is held is sent.
   * Returns what pg's own would: the promise, or, for a callback or a submittable (pg-cursor,
   * pg-query-stream), what pg returns for those, the failure of the held part going to them.
   */
  #driverQuery(args: unknown[]): unknown {
    const [first] = args;
    const text = typeof first === 'string' ? first : (first as { text?: unknown } | undefined)?.text;
    if (typeof text === 'string' && SAVEPOINT.test(text)) this.#savepointSet = true;
    // The caller's own failure aborts the transaction as any other: it is remembered (see #abortedBy).
    const noted = (error: unknown): void => this.#noteFailure(typeof text === 'string' ? text : '', error);
    const last = args.at(-1);
    const callback = typeof last === 'function' ? (last as (error: unknown, ...rest: unknown[]) => unknown) : undefined;
    const callArgs =
      callback === undefined
        ? args
        : [
            ...args.slice(0, -1),
            (error: unknown, ...rest: unknown[]) => {
              if (error) noted(error);
              return callback(error, ...rest);
            },
          ];
    const query = (): unknown => {
      const result = (this.#client.query as (...values: unknown[]) => unknown)(...callArgs);
      if (!(result instanceof Promise)) return result;
      return result.catch((error: unknown) => {
        noted(error);
        throw error;
      });
    };
    const aborted = this.#abortedBy;
    if (aborted === undefined && this.#driverReady === undefined && !this.#holdsAnything()) return query();
    // In an aborted transaction the query fails with what aborted it, not with "current transaction is aborted".
    const ready = aborted !== undefined ? Promise.reject(aborted) : this.#driverSend();
    const submittable = typeof (first as { submit?: unknown } | undefined)?.submit === 'function' ? (first as { handleError?: (error: unknown) => void }) : undefined;
    if (submittable !== undefined || callback !== undefined) {
      const fail = submittable !== undefined ? (error: unknown) => submittable.handleError?.(error) : (callback as (error: unknown) => void);
      ready.then(query, fail);
      return submittable;
    }
    return ready.then(query);
  }

  /** Remembers the failure of a query the caller sent through the driver, as `#run` does for the connection's own. */
  #noteFailure(sql: string, error: unknown): void {
    // Only the server's refusals (a SQLSTATE) abort the transaction; a client-side error sent nothing.
    const code = (error as { code?: unknown }).code;
    if (this.#abortedBy !== undefined || typeof code !== 'string' || !SQLSTATE.test(code) || isLost(error)) return;
    this.#aborts(this.#refused(sql, error));
  }

  /** The error for a statement PostgreSQL refused, quoting `sql`; passwords scrubbed. */
  #refused(sql: string, error: unknown): StrataError {
    const context: DialectErrorContext = { dialect: 'postgresql', redactedUrl: this.redactedUrl };
    return statementError(context, error, scrubPassword(sql, this.#url), scrubPassword(messageOf(error), this.#url), this.#user);
  }

  /** Remembers `failure` as what aborted the open transaction, if it is the first (see #abortedBy). */
  #aborts(failure: Error): void {
    if (this.#inTransaction && !this.#savepointSet) this.#abortedBy ??= failure;
  }

  /** Sends what is held, after what the driver's earlier queries are sending; the driver's next query waits for it. */
  #driverSend(): Promise<void> {
    const before = this.#driverReady;
    const ready = (before === undefined ? this.#sendWithHeld(undefined) : before.catch(() => undefined).then(() => this.#sendWithHeld(undefined)))
      .then(() => undefined)
      .finally(() => {
        if (this.#driverReady === ready) this.#driverReady = undefined;
      });
    this.#driverReady = ready;
    return ready;
  }

  /**
   * Defers `sql`, a statement that returns no rows (DDL, GRANT, COMMENT, SET, or INSERT, UPDATE,
   * DELETE without RETURNING) and takes no parameters, to go out in the open transaction's next
   * message: with the next statement sent, or with the COMMIT. False, and nothing deferred, when no
   * transaction is open, when `sql` is not one such statement, after a SAVEPOINT in this
   * transaction (whoever sets one catches errors statement by statement), for a setting that
   * changes how the server reads text (`standard_conforming_strings`, `client_encoding`...), or when
   * a thousand statements or a megabyte wait already (the caller's query then sends them with `sql`).
   * A deferred statement that fails aborts its transaction (as any failed statement does on
   * PostgreSQL); its error, quoting it, is thrown by the call that sent it, and again by the COMMIT
   * or any later statement of that transaction, should the caller catch it and go on.
   */
  deferStatement(sql: string): boolean {
    return this.#inTransaction && !this.#savepointSet && this.#abortedBy === undefined && this.#deferred.add(sql);
  }

  /** Also throws the failure of the statement that aborted the transaction, should the caller have caught it. */
  async sendDeferred(): Promise<void> {
    if (this.#abortedBy !== undefined) throw this.#abortedBy;
    if (this.#deferred.pending) await this.#sendWithHeld(undefined);
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    // Nothing more is sent in an aborted transaction: it would fail there, or, where the failed
    // message held its BEGIN (never run then), commit on its own.
    if (this.#abortedBy !== undefined) throw this.#abortedBy;
    if (SAVEPOINT.test(sql)) this.#savepointSet = true;
    // What is held (a BEGIN, deferred statements) rides along in one simple-query message
    // when the statement is alone and has no parameters (the simple protocol takes no parameters and
    // would run a second statement too).
    if (this.#holdsAnything() && params.length === 0 && isOneStatement(sql)) {
      const results = await this.#sendWithHeld({ sql, text: sql });
      return Array.isArray(results) ? (results.at(-1)?.rows ?? []) : (results?.rows ?? []);
    }
    await this.#sendWithHeld(undefined);
    // The extended protocol runs exactly one statement, with or without parameters, so query()
    // means the same thing on every dialect; executeScript() is the way to run several.
    const result = await this.#run(sql, () => this.#client.query({ text: sql, values: [...params], queryMode: 'extended' }));
    return result.rows;
  }

  async executeScript(sql: string): Promise<void> {
    if (this.#abortedBy !== undefined) throw this.#abortedBy;
    if (SAVEPOINT.test(sql)) this.#savepointSet = true;
    await this.#sendWithHeld({ sql, text: sql });
  }

  async begin(options?: BeginOptions): Promise<void> {
    // A new transaction starts clean, however the last one ended (user SQL may have ended it).
    this.#abortedBy = undefined;
    this.#savepointSet = false;
    this.#beginSql = options?.durable === false ? 'BEGIN; SET LOCAL synchronous_commit TO off' : 'BEGIN';
    // BEGIN waits to go out with the transaction's first statement, unless asked to go now.
    if (options?.withFirstStatement) this.#beginHeld = true;
    else await this.#sendWithHeld({ sql: this.#beginSql, text: this.#beginSql });
    this.#inTransaction = true;
  }

  async commit(): Promise<void> {
    // PostgreSQL would answer COMMIT on the aborted transaction with a rollback, and no error.
    const failure = this.#abortedBy;
    if (failure !== undefined) {
      await this.rollback().catch(() => undefined);
      throw failure;
    }
    if (this.#beginHeld && !this.#deferred.pending) {
      // Nothing was sent: there is no transaction to end.
      this.#endTransaction();
      return;
    }
    try {
      await this.#sendWithHeld({ sql: 'COMMIT', text: 'COMMIT' });
    } catch (error) {
      // A failed COMMIT (a deferred constraint) ends the transaction on PostgreSQL; a deferred
      // statement that failed before it left the transaction open, aborted: it ends here too.
      await this.#client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      this.#endTransaction();
    }
  }

  async commitWith(statements: readonly SqlStatement[]): Promise<void> {
    // The transaction is aborted: nothing more is sent in it, the caller rolls it back.
    if (this.#abortedBy !== undefined) throw this.#abortedBy;
    const last = statements.map(({ sql, params }) => withLiterals(sql, params)).join('; ');
    // What is held back, the statements and COMMIT are one message. A failing statement leaves the
    // transaction open (aborted) for the caller's rollback.
    await this.#sendWithHeld({ sql: last, text: `${last}; COMMIT` });
    this.#endTransaction();
  }

  async rollback(): Promise<void> {
    // Deferred statements would be rolled back: they are dropped.
    this.#deferred.drop();
    if (!this.#inTransaction) return;
    if (this.#beginHeld) {
      this.#endTransaction();
      return;
    }
    await this.#driverReady?.catch(() => undefined);
    try {
      await this.#run('ROLLBACK', () => this.#client.query('ROLLBACK'));
    } finally {
      this.#endTransaction();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // An open transaction ends with the session, its deferred statements with it.
    this.#closed = true;
    if (this.#lostReason !== undefined) return;
    await this.#client.end();
  }

  #endTransaction(): void {
    this.#inTransaction = false;
    this.#beginHeld = false;
    this.#savepointSet = false;
    this.#abortedBy = undefined;
  }

  #holdsAnything(): boolean {
    return this.#beginHeld || this.#deferred.pending;
  }

  /**
   * Sends, in one simple-query message, what is held back (a BEGIN, the deferred statements), then
   * `own` when given (one or more statements; `sql` is what an error in it quotes), and returns pg's
   * results (undefined when there was nothing to send). A failure quotes the part it came from.
   */
  async #sendWithHeld(own: { sql: string; text: string } | undefined): Promise<PgResult | PgResult[] | undefined> {
    const parts: MessagePart[] = [];
    if (this.#beginHeld) parts.push({ text: this.#beginSql, sql: this.#beginSql, count: this.#beginSql.split(';').length });
    this.#beginHeld = false;
    for (const sql of this.#deferred.take()) parts.push({ text: sql, sql, count: 1 });
    if (own !== undefined) parts.push({ ...own, count: Infinity });
    if (parts.length === 0) return undefined;
    let completed = 0;
    return this.#run(
      (error) => parts[failedPart(parts, error, completed, serverLength(this.#serverEncoding))]?.sql ?? '',
      () =>
        new Promise<PgResult | PgResult[]>((resolve, reject) => {
          const text = parts.map((part) => part.text).join(STATEMENT_SEPARATOR);
          const query = new this.#Query(text, undefined, (error, results) => (error ? reject(error) : resolve(results as PgResult | PgResult[])));
          const complete = query.handleCommandComplete;
          query.handleCommandComplete = (...args: unknown[]) => {
            completed += 1;
            return complete.apply(query, args);
          };
          this.#client.query(query);
        }),
    );
  }

  /** Runs one driver call, turning driver errors into `QueryFailedError` or `ConnectionLostError`. */
  async #run<T>(sql: string | ((error: unknown) => string), call: () => Promise<T>): Promise<T> {
    const context: DialectErrorContext = { dialect: 'postgresql', redactedUrl: this.redactedUrl };
    if (this.#lostReason !== undefined) {
      this.#endTransaction();
      throw new ConnectionLostError({ ...context, reason: this.#lostReason });
    }
    if (this.#closed) throw new Error(`The connection to ${this.redactedUrl} is closed.`);
    try {
      return await call();
    } catch (error) {
      if (this.#lostReason !== undefined || isLost(error)) {
        this.#lostReason ??= scrubPassword(messageOf(error), this.#url);
        // The transaction ended with the session: nothing of it is held or remembered any more.
        this.#endTransaction();
        throw new ConnectionLostError({ ...context, reason: this.#lostReason, cause: error });
      }
      // "current transaction is aborted": the statement that aborted it is the error to tell.
      if ((error as { code?: unknown }).code === IN_FAILED_TRANSACTION && this.#abortedBy !== undefined) throw this.#abortedBy;
      const failure = this.#refused(typeof sql === 'string' ? sql : sql(error), error);
      this.#aborts(failure);
      throw failure;
    }
  }
}

/**
 * `sql` with its `$n` placeholders replaced by literals, for a simple-query message (which takes no
 * parameters). Strings with a backslash are written `E'…'` with it doubled, so the literal means the
 * same whatever `standard_conforming_strings` says; dates as ISO text, which the column's type reads.
 * Placeholders inside the statement's own string literals are not told apart: the ledger's have none.
 */
function withLiterals(sql: string, params: readonly unknown[]): string {
  return sql.replace(/\$(\d+)/g, (placeholder, index: string) => {
    const n = Number(index);
    return n >= 1 && n <= params.length ? postgresLiteral(params[n - 1]) : placeholder;
  });
}

function postgresLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : undefined;
  if (text === undefined) throw new TypeError(`No PostgreSQL literal for a parameter of type ${typeof value}`);
  const quoted = `'${text.replaceAll("'", "''")}'`;
  return text.includes('\\') ? `E${quoted.replaceAll('\\', '\\\\')}` : quoted;
}

/**
 * @internal The error for a statement PostgreSQL refused (pg and PGlite alike): a missing privilege
 * names the grant `user` needs; anything else keeps the server's message and SQLSTATE. `sql` and
 * `reason` come with any password already scrubbed.
 */
export function statementError(context: DialectErrorContext, error: unknown, sql: string, reason: string, user: string): StrataError {
  const code = (error as { code?: unknown }).code;
  const failure = { ...context, cause: error, sql, reason, ...(typeof code === 'string' ? { driverCode: code } : {}) };
  if (code === INSUFFICIENT_PRIVILEGE) return new PermissionDeniedError({ ...failure, missing: missingPostgresPrivilege(sql, reason, user) });
  return new QueryFailedError(failure);
}

/**
 * The schema a PostgreSQL URL's `?schema=` names (see {@link PostgresConnection.schema}), else
 * undefined; throws `DIALECT_INVALID_URL` for a URL or schema name it cannot mean.
 *
 * @example
 * ```ts
 * import { postgresUrlSchema } from '@strata/engine';
 * postgresUrlSchema('postgres://db.internal/app?schema=tenant_7'); // 'tenant_7'
 * ```
 */
export function postgresUrlSchema(url: string): string | undefined {
  return parsePostgresUrl(url, { dialect: 'postgresql', redactedUrl: redactUrl(url) }).schema;
}

/** The URL facts error messages need, the schema it names, and the URL pg is given (without Strata's `schema`). */
interface ParsedPostgresUrl {
  readonly user: string;
  readonly database: string;
  readonly schema: string | undefined;
  readonly connectionString: string;
}

/** PostgreSQL's limit on an identifier, in bytes (NAMEDATALEN - 1). */
const MAX_SCHEMA_BYTES = 63;

/** `name` as a quoted identifier. */
function quoteSchema(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Validates the URL before pg sees it (pg's own parser accepts nearly anything and fails later, obscurely). */
function parsePostgresUrl(url: string, context: DialectErrorContext): ParsedPostgresUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidUrlError({ ...context, reason: 'it does not parse as a URL' });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new InvalidUrlError({ ...context, reason: `the scheme must be postgres:// or postgresql://, not ${parsed.protocol}//` });
  }
  if (parsed.hostname === '' && !parsed.searchParams.has('host')) {
    throw new InvalidUrlError({ ...context, reason: 'it names no host' });
  }
  const user = decodeURIComponent(parsed.username) || process.env['PGUSER'] || process.env['USER'] || '';
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user;
  const schemas = parsed.searchParams.getAll('schema');
  if (schemas.length === 0) return { user, database, schema: undefined, connectionString: url };
  const schema = schemas[0] as string;
  if (schemas.length > 1) throw new InvalidUrlError({ ...context, reason: 'it names ?schema= more than once' });
  if (schema === '') throw new InvalidUrlError({ ...context, reason: '?schema= names no schema' });
  if (Buffer.byteLength(schema) > MAX_SCHEMA_BYTES) throw new InvalidUrlError({ ...context, reason: `the schema name is longer than PostgreSQL's ${MAX_SCHEMA_BYTES} bytes` });
  if (/^pg_/i.test(schema)) throw new InvalidUrlError({ ...context, reason: `schema names starting with pg_ are reserved for the system (${schema})` });
  parsed.searchParams.delete('schema');
  return { user, database, schema, connectionString: parsed.toString() };
}

/** Loads pg on first use, so installs that never touch PostgreSQL need not have it. */
async function loadPg(context: DialectErrorContext): Promise<PgModule> {
  try {
    const module = await import('pg');
    return module.default as unknown as PgModule;
  } catch (error) {
    if (DriverMissingError.isMissingPackage(error, 'pg')) throw new DriverMissingError({ ...context, cause: error });
    throw error;
  }
}

/** Maps a failed `connect()` to the error that says what to do about it. */
function connectError(error: unknown, url: string, parsed: ParsedPostgresUrl): Error {
  const context: DialectErrorContext = { dialect: 'postgresql', redactedUrl: redactUrl(url), cause: error };
  const code = systemErrorCode(error);
  if (code === '28P01' || code === '28000') return new AuthenticationError({ ...context, user: parsed.user });
  if (code === '3D000') return new UnknownDatabaseError({ ...context, database: parsed.database });
  if (code !== undefined && UNREACHABLE_CODES.has(code)) return new ConnectionRefusedError({ ...context, reason: `connection failed (${code})` });
  if (code !== undefined && HOST_NOT_FOUND_CODES.has(code)) {
    return new HostNotFoundError({ ...context, host: new URL(url).hostname });
  }
  if (/timeout/i.test(messageOf(error))) {
    return new ConnectionRefusedError({ ...context, reason: `no answer within ${CONNECT_TIMEOUT_MS} ms` });
  }
  return new ConnectionFailedError({ ...context, reason: scrubPassword(messageOf(error), url) });
}

/** True when a failed call means the session itself broke. */
function isLost(error: unknown): boolean {
  const code = systemErrorCode(error);
  if (code !== undefined && (LOST_SQLSTATES.has(code) || CONNECTION_LOST_CODES.has(code))) return true;
  return /Connection terminated|not queryable|ECONNRESET/i.test(messageOf(error));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
