import type { ConnectOptions, DialectName } from './dialect.js';

/** One row as the driver returns it: column name to value. */
export type Row = Record<string, unknown>;

/** How {@link Connection.begin} opens a transaction. */
export interface BeginOptions {
  /**
   * Hold BEGIN back and send it in the same round trip as the transaction's first statement, where
   * the driver can (PostgreSQL: `BEGIN; <statement>` as one simple-query message, for a statement
   * without parameters or semicolons; otherwise BEGIN goes alone just before it). A transaction that
   * sends nothing sends no BEGIN and no COMMIT. The transaction is the same: PostgreSQL takes its
   * snapshot at the first statement, not at BEGIN. Other dialects open the transaction at once.
   */
  readonly withFirstStatement?: boolean;
  /**
   * `false`: the commit may return before the transaction reaches the disk (PostgreSQL:
   * `SET LOCAL synchronous_commit TO off`, sent with BEGIN). The transaction stays atomic and its
   * effects are visible at once; it is flushed with the next durable commit on the server (the log is
   * flushed in order) or within a fraction of a second, and only a crash of the server before that
   * loses it, whole. Default `true`. Dialects without such a setting ignore it.
   */
  readonly durable?: boolean;
}

/**
 * One open database session. Every dialect's connection implements it over its driver
 * (pg `Client`, mysql2 `Connection`, better-sqlite3 `Database`); the runner never sees the driver.
 */
export interface Connection {
  /** The dialect this connection speaks. */
  readonly dialect: DialectName;
  /** The URL it was opened with, password masked: safe for messages and logs. */
  readonly redactedUrl: string;
  /**
   * Runs one statement and returns its rows (an empty array for statements without rows).
   * Placeholders: `$1, $2…` on PostgreSQL, `?` on MySQL and SQLite.
   */
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (offline scripts, fixtures). */
  executeScript(sql: string): Promise<void>;
  /**
   * Opens a transaction (on SQLite `BEGIN IMMEDIATE`, which takes the write lock at once). See
   * {@link BeginOptions} for sending BEGIN together with the transaction's first statement.
   */
  begin(options?: BeginOptions): Promise<void>;
  /** Commits the open transaction. */
  commit(): Promise<void>;
  /** Rolls the open transaction back; a no-op when none is open. */
  rollback(): Promise<void>;
  /** True while a transaction opened by {@link begin} is open. */
  readonly inTransaction: boolean;
  /**
   * The driver's own object (pg `Client`, mysql2 `Connection`, better-sqlite3 `Database`), for data
   * migrations. What the caller sends through it runs inside the transaction, after what the
   * connection holds back (a BEGIN held by `begin({ withFirstStatement: true })`, a held ledger
   * transaction, deferred statements): each call on it sends those first (mysql2 queues calls in
   * order), or its queries wait for them (PostgreSQL: pg deprecates a query issued while another is
   * waiting), however long ago the caller got hold of it.
   */
  readonly driver: unknown;
  /** The Drizzle ORM adapter module for {@link driver}, when it is not the dialect's usual one (PGlite's). */
  readonly drizzleAdapter?: string;
  /**
   * Runs `statements` in order as one transaction of their own, in one round trip (MySQL/MariaDB:
   * `START TRANSACTION; …; COMMIT` as one multi-statement query, parameters escaped by the client).
   * A failing statement rolls the transaction back and its error is thrown. Absent where the driver
   * cannot: {@link inOneTransaction} then opens and commits the transaction around the statements.
   */
  runTransaction?(statements: readonly SqlStatement[]): Promise<void>;
  /**
   * Runs `statements` as the open transaction's last and commits it, in one round trip (PostgreSQL:
   * one simple-query message, the parameters written as literals). On a failure the transaction is
   * left to the caller's rollback. Absent where the driver cannot: {@link commitWith} then sends the
   * statements and COMMIT one by one.
   */
  commitWith?(statements: readonly SqlStatement[]): Promise<void>;
  /**
   * Holds `statements` back, to run as one transaction of their own in front of whatever this
   * connection is asked to send next: in the same round trip as a `query` or `runTransaction`
   * (MySQL/MariaDB: one multi-statement text), alone just before anything else (`begin`, `driver`,
   * `close`...). Only one transaction is held at a time; no transaction may be open. `settled` is told
   * the outcome as soon as it is known ({@link HeldOutcome}). When it failed, it rolled back, the
   * statement it travelled with did not run, and that call throws the same error. Absent where the
   * driver cannot: callers run the transaction at once ({@link inOneTransaction}).
   */
  holdTransaction?(statements: readonly SqlStatement[], settled: HeldOutcome): void;
  /**
   * Defers `sql` (one statement without parameters that returns no rows) to go out in this
   * connection's next message: with the next statement sent, with the COMMIT, or with
   * {@link sendDeferred}, one round trip for them all, in order. Returns false, deferring nothing,
   * when it cannot (the caller then sends it with {@link query}): PostgreSQL defers only inside a
   * transaction, MySQL/MariaDB only outside one. A deferred statement that fails is thrown, quoting
   * it, by the call that sent it, not by this one, and again by {@link sendDeferred} (and on
   * PostgreSQL by the COMMIT: its transaction is aborted and rolls back). Absent where the driver
   * cannot send several statements in one message (SQLite, PGlite).
   */
  deferStatement?(sql: string): boolean;
  /**
   * Sends the statements {@link deferStatement} keeps, now, as one message; nothing when it keeps none.
   * Throws the error of a deferred statement that failed since the last call, even one the caller
   * caught where it surfaced (its own later statement, which did not run): the caller's unit of work
   * (a revision) fails with the statement that did.
   */
  sendDeferred?(): Promise<void>;
  /** Closes the session; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Told the outcome of a held transaction ({@link Connection.holdTransaction}) once it is known:
 * `true` when it committed; `false` with the `DIALECT_HELD_TRANSACTION_FAILED` error
 * (`HeldTransactionError`, its cause the statement's error) when it rolled back, or with
 * `DIALECT_CONNECTION_LOST` when the session broke before it could tell.
 */
export type HeldOutcome = (committed: boolean, failure?: Error) => void;

/** One statement with its parameters (placeholders as {@link Connection.query} takes them). */
export interface SqlStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * Sends `statements` as the open transaction's last and commits it: through {@link Connection.commitWith}
 * where the connection has it (one round trip), else one by one and COMMIT. With no statement, a commit.
 */
export async function commitWith(connection: Connection, statements: readonly SqlStatement[]): Promise<void> {
  if (statements.length > 0 && connection.commitWith !== undefined) {
    await connection.commitWith(statements);
    return;
  }
  for (const { sql, params } of statements) await connection.query(sql, params);
  await connection.commit();
}

/**
 * Runs `statements` as one transaction of their own: through {@link Connection.runTransaction} where
 * the connection has it (one round trip), else through {@link inTransaction} (PostgreSQL: BEGIN, the
 * statements and COMMIT in one message). No transaction may be open.
 */
export async function inOneTransaction(connection: Connection, statements: readonly SqlStatement[]): Promise<void> {
  if (connection.runTransaction !== undefined) await connection.runTransaction(statements);
  else await inTransaction(connection, async () => statements);
}

/**
 * Runs `body` in a transaction and commits it, sending the statements `body` returns (if any) as the
 * transaction's last, with the COMMIT ({@link commitWith}); on a failure rolls back and throws the
 * body's error. BEGIN travels with the first statement where the driver allows it (`options` are
 * {@link BeginOptions} besides that).
 */
export async function inTransaction(
  connection: Connection,
  body: () => Promise<readonly SqlStatement[] | void>,
  options: Omit<BeginOptions, 'withFirstStatement'> = {},
): Promise<void> {
  await connection.begin({ ...options, withFirstStatement: true });
  try {
    await commitWith(connection, (await body()) ?? []);
  } catch (error) {
    // Report the statement's error, not a rollback that fails because the connection broke.
    await connection.rollback().catch(() => undefined);
    throw error;
  }
}

/**
 * Opens a connection to `url` (with `options`, see {@link ConnectOptions}), runs `body` with it, and
 * always closes it.
 *
 * @example
 * ```ts
 * import { loadDialect, withConnection } from '@strata/engine';
 * const dialect = await loadDialect('sqlite');
 * const schema = await withConnection(dialect, 'file:app.db', (connection) => dialect.readSchema(connection));
 * ```
 */
export async function withConnection<T>(
  dialect: { connect(url: string, options?: ConnectOptions): Promise<Connection> },
  url: string,
  body: (connection: Connection) => Promise<T>,
  options?: ConnectOptions,
): Promise<T> {
  const connection = await dialect.connect(url, options);
  try {
    return await body(connection);
  } finally {
    await connection.close();
  }
}
