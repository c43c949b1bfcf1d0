import { StrataError } from '../errors.js';
import type { DialectName } from './dialect.js';
import { maskStatementError, maskStatementSecrets } from './sql-secrets.js';

/**
 * Every code the dialect layer throws. A unit test checks they are unique across the engine.
 *
 * @example
 * ```ts
 * import { DIALECT_ERROR_CODES } from '@strata/engine';
 * DIALECT_ERROR_CODES.includes('DIALECT_LOCK_TIMEOUT'); // true
 * ```
 */
export const DIALECT_ERROR_CODES = [
  'DIALECT_DRIVER_MISSING',
  'DIALECT_INVALID_URL',
  'DIALECT_CONNECTION_REFUSED',
  'DIALECT_HOST_NOT_FOUND',
  'DIALECT_AUTHENTICATION_FAILED',
  'DIALECT_UNKNOWN_DATABASE',
  'DIALECT_NO_DATABASE',
  'DIALECT_CONNECTION_FAILED',
  'DIALECT_CONNECTION_LOST',
  'DIALECT_HELD_TRANSACTION_FAILED',
  'DIALECT_SQLITE_CANNOT_OPEN',
  'DIALECT_DATABASE_FILE_MISSING',
  'DIALECT_SQLITE_BUSY',
  'DIALECT_PGLITE_CANNOT_OPEN',
  'DIALECT_LOCK_TIMEOUT',
  'DIALECT_QUERY_FAILED',
  'DIALECT_PERMISSION_DENIED',
  'DIALECT_EMBEDDED_EXTENSION_MISSING',
  'DIALECT_MULTIPLE_STATEMENTS',
  'DIALECT_UNSUPPORTED_OPERATION',
  'DIALECT_RECREATE_NEEDS_TABLE',
  'DIALECT_EXISTING_COLUMN_UNKNOWN',
  'DIALECT_RECREATE_TARGET_MISSING',
  'DIALECT_IDENTIFIER_TOO_LONG',
  'DIALECT_ONLINE_DDL_REFUSED',
] as const;

/** One of {@link DIALECT_ERROR_CODES}. */
export type DialectErrorCode = (typeof DIALECT_ERROR_CODES)[number];

/** The server product a dialect talks to, as users call it in messages. */
const SERVER_NAMES: Record<DialectName, string> = {
  postgresql: 'PostgreSQL',
  mysql: 'MySQL/MariaDB',
  sqlite: 'SQLite',
};

/** The npm package each dialect's driver comes from. */
const DRIVER_PACKAGES: Readonly<Record<DialectName, string>> = {
  postgresql: 'pg',
  mysql: 'mysql2',
  sqlite: 'better-sqlite3',
};

/** What every connection-level error is built from: where it happened, password already masked. */
export interface DialectErrorContext {
  readonly dialect: DialectName;
  /** The URL with its password masked (`redactUrl`); never the raw URL. */
  readonly redactedUrl: string;
  /** The driver's error, kept as `cause` for debugging (it is not part of `toJSON`). */
  readonly cause?: unknown;
}

/** The first 500 characters of a statement, indented under the message's first line. */
function excerptOf(sql: string): string {
  const excerpt = sql.length > 500 ? `${sql.slice(0, 500)}…` : sql;
  return excerpt.replaceAll('\n', '\n  ');
}

/** Shared constructor plumbing: the code, the URL and the dialect always land in `details`. */
function options(
  context: DialectErrorContext,
  hint: string | undefined,
  details: Record<string, unknown> = {},
): { hint?: string; details: Record<string, unknown>; cause?: unknown } {
  return {
    ...(hint === undefined ? {} : { hint }),
    details: { dialect: context.dialect, url: context.redactedUrl, ...details },
    ...(context.cause === undefined ? {} : { cause: context.cause }),
  };
}

/**
 * The driver package for the dialect is not installed (drivers are optional peer dependencies).
 *
 * @example
 * ```ts
 * import { DriverMissingError } from '@strata/engine';
 * const error = new DriverMissingError({ dialect: 'postgresql', redactedUrl: 'postgres://db/app' });
 * error.hint; // 'Install it: npm install pg'
 * ```
 */
export class DriverMissingError extends StrataError {
  static readonly CODE = 'DIALECT_DRIVER_MISSING';
  /** The npm package to install. */
  readonly packageName: string;

  /**
   * @param context.packageName the driver when it is not the dialect's usual one (PGlite for a `pglite:` URL)
   * @param context.otherwise what else the user can do instead of installing it, appended to the hint
   */
  constructor(context: DialectErrorContext & { readonly packageName?: string; readonly otherwise?: string }) {
    const packageName = context.packageName ?? DRIVER_PACKAGES[context.dialect];
    super(
      DriverMissingError.CODE,
      `Cannot connect to ${context.redactedUrl}: the ${SERVER_NAMES[context.dialect]} driver "${packageName}" is not installed.`,
      options(context, `Install it: npm install ${packageName}${context.otherwise === undefined ? '' : `; ${context.otherwise}`}`, { packageName }),
    );
    this.packageName = packageName;
  }

  /** True when `error` is the module loader failing to find `packageName` itself (not one of its dependencies). */
  static isMissingPackage(error: unknown, packageName: string): boolean {
    if (!(error instanceof Error)) return false;
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
    return error.message.includes(`'${packageName}'`) || error.message.includes(`"${packageName}"`);
  }
}

/**
 * The URL cannot be used: it does not parse, has the wrong scheme for the dialect, or a bad port.
 *
 * @example
 * ```ts
 * import { InvalidUrlError } from '@strata/engine';
 * new InvalidUrlError({ dialect: 'mysql', redactedUrl: 'mysql://x:***@:99999', reason: 'the port is not a number' });
 * ```
 */
export class InvalidUrlError extends StrataError {
  static readonly CODE = 'DIALECT_INVALID_URL';
  constructor(context: DialectErrorContext & { readonly reason: string }) {
    const examples: Record<DialectName, string> = {
      postgresql: 'postgres://user:password@host:5432/database (add ?schema=NAME for a tenant schema)',
      mysql: 'mysql://user:password@host:3306/database',
      sqlite: 'file:./data/app.db (or a path, or :memory:)',
    };
    super(
      InvalidUrlError.CODE,
      `Invalid ${SERVER_NAMES[context.dialect]} URL ${context.redactedUrl}: ${context.reason}.`,
      options(
        context,
        `Check the URL; the expected form is ${examples[context.dialect]}. Percent-encode special characters in the password (@ is %40).`,
        { reason: context.reason },
      ),
    );
  }
}

/**
 * Nothing answered at the URL's host and port (refused, unreachable or timed out).
 *
 * @example
 * ```ts
 * import { ConnectionRefusedError } from '@strata/engine';
 * new ConnectionRefusedError({ dialect: 'postgresql', redactedUrl: 'postgres://127.0.0.1:1/app', reason: 'ECONNREFUSED' });
 * ```
 */
export class ConnectionRefusedError extends StrataError {
  static readonly CODE = 'DIALECT_CONNECTION_REFUSED';
  constructor(context: DialectErrorContext & { readonly reason: string }) {
    super(
      ConnectionRefusedError.CODE,
      `Cannot connect to ${SERVER_NAMES[context.dialect]} at ${context.redactedUrl}: ${context.reason}.`,
      options(
        context,
        `Start the ${SERVER_NAMES[context.dialect]} server, or check the host and port in the URL.`,
        { reason: context.reason },
      ),
    );
  }
}

/**
 * The URL's host name does not resolve.
 *
 * @example
 * ```ts
 * import { HostNotFoundError } from '@strata/engine';
 * new HostNotFoundError({ dialect: 'mysql', redactedUrl: 'mysql://no-such-host/app', host: 'no-such-host' });
 * ```
 */
export class HostNotFoundError extends StrataError {
  static readonly CODE = 'DIALECT_HOST_NOT_FOUND';
  constructor(context: DialectErrorContext & { readonly host: string }) {
    super(
      HostNotFoundError.CODE,
      `Cannot connect to ${context.redactedUrl}: the host "${context.host}" does not resolve.`,
      options(context, 'Check the host name in the URL (and your DNS or /etc/hosts).', { host: context.host }),
    );
  }
}

/**
 * The server refused the user name or password (or the user's access to the database).
 *
 * @example
 * ```ts
 * import { AuthenticationError } from '@strata/engine';
 * new AuthenticationError({ dialect: 'mysql', redactedUrl: 'mysql://app:***@db/app', user: 'app' });
 * ```
 */
export class AuthenticationError extends StrataError {
  static readonly CODE = 'DIALECT_AUTHENTICATION_FAILED';
  constructor(context: DialectErrorContext & { readonly user: string }) {
    super(
      AuthenticationError.CODE,
      `${SERVER_NAMES[context.dialect]} at ${context.redactedUrl} refused user "${context.user}".`,
      options(
        context,
        'Check the user name and password in the URL (the password is masked here), and that the user may access this database.',
        { user: context.user },
      ),
    );
  }
}

/**
 * The server is up but the database the URL names does not exist.
 *
 * @example
 * ```ts
 * import { UnknownDatabaseError } from '@strata/engine';
 * const error = new UnknownDatabaseError({ dialect: 'postgresql', redactedUrl: 'postgres://db/app', database: 'app' });
 * error.hint; // 'Create it first: createdb app (or fix the database name in the URL).'
 * ```
 */
export class UnknownDatabaseError extends StrataError {
  static readonly CODE = 'DIALECT_UNKNOWN_DATABASE';
  constructor(context: DialectErrorContext & { readonly database: string }) {
    const create =
      context.dialect === 'mysql'
        ? `CREATE DATABASE \`${context.database.replaceAll('`', '``')}\``
        : `createdb ${context.database}`;
    super(
      UnknownDatabaseError.CODE,
      `The database "${context.database}" does not exist on ${context.redactedUrl}.`,
      options(context, `Create it first: ${create} (or fix the database name in the URL).`, {
        database: context.database,
      }),
    );
  }
}

/**
 * A statement needs a database and the URL names none (MySQL's `mysql://user@host:3306` with no path
 * selects no database, so creating the ledger fails with ER_NO_DB_ERROR). A server URL without a
 * database is right for `strata test --server`, which creates its own; a stream's URL needs one.
 *
 * @example
 * ```ts
 * import { NoDatabaseError } from '@strata/engine';
 * const error = new NoDatabaseError({ dialect: 'mysql', redactedUrl: 'mysql://root@db:3306', sql: 'CREATE TABLE t (id int)', reason: 'No database selected' });
 * error.code; // 'DIALECT_NO_DATABASE'
 * ```
 */
export class NoDatabaseError extends StrataError {
  static readonly CODE = 'DIALECT_NO_DATABASE';
  constructor(context: DialectErrorContext & { readonly sql: string; readonly reason: string }) {
    const { sql, reason } = maskStatementError(context);
    super(
      NoDatabaseError.CODE,
      `The URL ${context.redactedUrl} names no database, and the statement needs one (${reason}):\n  ${sql.split('\n')[0]}`,
      options(
        context,
        'Put the database in the URL\'s path (mysql://user@host:3306/<database>; CREATE DATABASE first if it does not exist). ' +
          'To test revisions on a throwaway database, give the server URL to `strata test --server` instead.',
        { sql, reason },
      ),
    );
  }
}

/**
 * Connecting failed for a reason with no more specific error (TLS, protocol, server refusing new
 * connections); the driver's message, password scrubbed, is in the message.
 *
 * @example
 * ```ts
 * import { ConnectionFailedError } from '@strata/engine';
 * new ConnectionFailedError({ dialect: 'postgresql', redactedUrl: 'postgres://db/app', reason: 'too many clients' });
 * ```
 */
export class ConnectionFailedError extends StrataError {
  static readonly CODE = 'DIALECT_CONNECTION_FAILED';
  constructor(context: DialectErrorContext & { readonly reason: string }) {
    super(
      ConnectionFailedError.CODE,
      `Cannot connect to ${SERVER_NAMES[context.dialect]} at ${context.redactedUrl}: ${context.reason}`,
      options(context, 'Check the server log and the URL options (TLS, connection limits).', {
        reason: context.reason,
      }),
    );
  }
}

/**
 * An open connection dropped (server restart, network, the session was killed). Work that was not
 * committed is gone; what was committed, including ledger rows, stays.
 *
 * @example
 * ```ts
 * import { ConnectionLostError } from '@strata/engine';
 * new ConnectionLostError({ dialect: 'mysql', redactedUrl: 'mysql://db/app', reason: 'the server closed the connection' });
 * ```
 */
export class ConnectionLostError extends StrataError {
  static readonly CODE = 'DIALECT_CONNECTION_LOST';
  constructor(context: DialectErrorContext & { readonly reason: string }) {
    super(
      ConnectionLostError.CODE,
      `Lost the connection to ${context.redactedUrl}: ${context.reason}.`,
      options(
        context,
        'Check that the server is up, then run the command again: committed revisions are recorded and will not run twice.',
        { reason: context.reason },
      ),
    );
  }
}

/**
 * A transaction held back to travel in front of the next statement (`Connection.holdTransaction`)
 * failed and rolled back; the statement it travelled with did not run. The cause is its statement's error.
 *
 * @example
 * ```ts
 * import { HeldTransactionError, QueryFailedError } from '@strata/engine';
 * const cause = new QueryFailedError({ dialect: 'mysql', redactedUrl: 'mysql://db/app', sql: 'UPDATE strata_version SET revision = ?', reason: "Table 'app.strata_version' doesn't exist" });
 * new HeldTransactionError({ dialect: 'mysql', redactedUrl: 'mysql://db/app', cause });
 * ```
 */
export class HeldTransactionError extends StrataError {
  static readonly CODE = 'DIALECT_HELD_TRANSACTION_FAILED';
  constructor(context: DialectErrorContext & { readonly cause: unknown }) {
    const reason = (context.cause instanceof Error ? context.cause.message : String(context.cause)).replace(/\.\s*$/, '');
    super(
      HeldTransactionError.CODE,
      `A transaction held back to run before the next statement on ${context.redactedUrl} failed and rolled back: ${reason}.`,
      options(context, context.cause instanceof StrataError ? context.cause.hint : undefined, {
        ...(context.cause instanceof StrataError ? { causeCode: context.cause.code } : {}),
      }),
    );
  }
}

/**
 * The SQLite database file cannot be opened (missing directory, a directory, no permission, not a
 * SQLite file).
 *
 * @example
 * ```ts
 * import { SqliteCannotOpenError } from '@strata/engine';
 * new SqliteCannotOpenError({ dialect: 'sqlite', redactedUrl: 'file:./nope/app.db', path: '/repo/nope/app.db', reason: 'the directory /repo/nope does not exist', hint: 'Create it: mkdir -p /repo/nope' });
 * ```
 */
export class SqliteCannotOpenError extends StrataError {
  static readonly CODE = 'DIALECT_SQLITE_CANNOT_OPEN';
  constructor(context: DialectErrorContext & { readonly path: string; readonly reason: string; readonly hint: string }) {
    super(
      SqliteCannotOpenError.CODE,
      `Cannot open the SQLite database ${context.path} (from ${context.redactedUrl}): ${context.reason}.`,
      options(context, context.hint, { path: context.path, reason: context.reason }),
    );
  }
}

/**
 * A command that only reads was pointed at a database file that does not exist
 * (`ConnectOptions.mustExist`). Opening it would create an empty database, and the command would
 * answer "nothing applied" for what is most likely a mistyped path; so nothing is created, and the
 * error names the path and the two ways forward.
 *
 * @example
 * ```ts
 * import { DatabaseFileMissingError } from '@strata/engine';
 * const error = new DatabaseFileMissingError({ dialect: 'sqlite', redactedUrl: 'file:./app.db', path: '/repo/app.db' });
 * error.code; // 'DIALECT_DATABASE_FILE_MISSING'
 * ```
 */
export class DatabaseFileMissingError extends StrataError {
  static readonly CODE = 'DIALECT_DATABASE_FILE_MISSING';
  /** The absolute path that was looked for. */
  readonly path: string;
  /** @param context.what what the path names, when not the dialect's database file (`PGlite data directory`) */
  constructor(context: DialectErrorContext & { readonly path: string; readonly what?: string }) {
    super(
      DatabaseFileMissingError.CODE,
      `The ${context.what ?? `${SERVER_NAMES[context.dialect]} database file`} ${context.path} (from ${context.redactedUrl}) does not exist; this command only reads, so it was not created.`,
      options(context, 'Check the path in the URL; for a new database, run `strata upgrade` to create it.', { path: context.path }),
    );
    this.path = context.path;
  }
}

/**
 * A `pglite:` data directory PGlite cannot open or create: its parent folder is missing, the path is a
 * file, or the folder holds something that is not a PGlite database. Like a SQLite file, the last folder
 * is created on first use; the folders above it must exist.
 *
 * @example
 * ```ts
 * import { PgliteCannotOpenError } from '@strata/engine';
 * new PgliteCannotOpenError({ dialect: 'postgresql', redactedUrl: 'pglite:./nope/pg', path: '/repo/nope/pg', reason: 'the directory /repo/nope does not exist', hint: 'Create it: mkdir -p /repo/nope' });
 * ```
 */
export class PgliteCannotOpenError extends StrataError {
  static readonly CODE = 'DIALECT_PGLITE_CANNOT_OPEN';
  constructor(context: DialectErrorContext & { readonly path: string; readonly reason: string; readonly hint: string }) {
    super(
      PgliteCannotOpenError.CODE,
      `Cannot open the PGlite database ${context.path} (from ${context.redactedUrl}): ${context.reason}.`,
      options(context, context.hint, { path: context.path, reason: context.reason }),
    );
  }
}

/**
 * Whether `error` says another session kept a lock the statement needed past the lock timeout: the
 * database was busy, the statement itself is not at fault (SQLite: {@link SqliteBusyError}). The
 * runner reports such an error as it is rather than as a failed revision.
 *
 * @example
 * ```ts
 * import { isDatabaseLocked, SqliteBusyError } from '@strata/engine';
 * isDatabaseLocked(new SqliteBusyError({ dialect: 'sqlite', redactedUrl: 'file:app.db', path: '/repo/app.db', timeoutMs: 300, sql: 'COMMIT' })); // true
 * ```
 */
export function isDatabaseLocked(error: unknown): boolean {
  return error instanceof SqliteBusyError;
}

/**
 * SQLite answered SQLITE_BUSY after waiting the lock timeout (its busy timeout,
 * https://www.sqlite.org/c3ref/busy_timeout.html): another process holds a lock on the file, a write
 * transaction (it blocks this one's reads and writes) or a read transaction (it blocks this one's
 * COMMIT in rollback-journal mode, https://www.sqlite.org/lockingv3.html).
 *
 * @example
 * ```ts
 * import { SqliteBusyError } from '@strata/engine';
 * new SqliteBusyError({ dialect: 'sqlite', redactedUrl: 'file:app.db', path: '/repo/app.db', timeoutMs: 60000, sql: 'BEGIN IMMEDIATE' });
 * ```
 */
export class SqliteBusyError extends StrataError {
  static readonly CODE = 'DIALECT_SQLITE_BUSY';
  constructor(context: DialectErrorContext & { readonly path: string; readonly timeoutMs: number; readonly sql: string }) {
    const sql = maskStatementSecrets(context.sql, context.dialect);
    const statement = sql.trim().split('\n')[0] ?? '';
    super(
      SqliteBusyError.CODE,
      `The SQLite database ${context.path} (from ${context.redactedUrl}) stayed locked by another process for ${context.timeoutMs} ms ` +
        `(database is locked, at ${statement.length > 80 ? `${statement.slice(0, 80)}…` : statement}): another connection holds the file in a transaction.`,
      options(
        context,
        'Finish or close the other process\'s transaction (the application, a sqlite3 shell, a database browser, another migration run), ' +
          'then run the same command again; or let Strata wait longer with --lock-timeout <ms>.',
        { path: context.path, timeoutMs: context.timeoutMs, sql },
      ),
    );
  }
}

/**
 * A revision created an extension the embedded PostgreSQL (PGlite) does not have loaded. PGlite
 * bundles some contrib extensions, loaded when the URL asks for them; others it cannot run at all.
 *
 * @example
 * ```ts
 * import { EmbeddedExtensionMissingError } from '@strata/engine';
 * new EmbeddedExtensionMissingError({ dialect: 'postgresql', redactedUrl: 'pglite:memory://', extension: 'pg_trgm', bundled: true }).hint;
 * // 'PGlite bundles it: load it with the URL ...'
 * ```
 */
export class EmbeddedExtensionMissingError extends StrataError {
  static readonly CODE = 'DIALECT_EMBEDDED_EXTENSION_MISSING';
  constructor(context: DialectErrorContext & { readonly extension: string; readonly bundled: boolean }) {
    const module = context.extension.replaceAll('-', '_');
    super(
      EmbeddedExtensionMissingError.CODE,
      `The embedded PostgreSQL (PGlite) at ${context.redactedUrl} has no extension "${context.extension}" loaded.`,
      options(
        context,
        context.bundled
          ? `PGlite bundles it: load it with the URL (pglite:memory://?extensions=${module}; for \`strata test\`: --server "pglite:?extensions=${module}"), or use a PostgreSQL server (--url/--server postgres://…).`
          : 'PGlite cannot run it: use a PostgreSQL server that has it (--url, or --server postgres://… for `strata test`).',
        { extension: context.extension, bundled: context.bundled },
      ),
    );
  }
}

/**
 * Another runner held the migration lock for longer than the allowed wait.
 *
 * @example
 * ```ts
 * import { LockTimeoutError } from '@strata/engine';
 * new LockTimeoutError({ dialect: 'postgresql', redactedUrl: 'postgres://db/app', timeoutMs: 300 });
 * ```
 */
export class LockTimeoutError extends StrataError {
  static readonly CODE = 'DIALECT_LOCK_TIMEOUT';
  constructor(context: DialectErrorContext & { readonly timeoutMs: number; readonly holder?: string }) {
    const held = context.holder === undefined ? 'another runner holds it' : `held by ${context.holder}`;
    super(
      LockTimeoutError.CODE,
      `Timed out after ${context.timeoutMs} ms waiting for the migration lock on ${context.redactedUrl} (${held}).`,
      options(
        context,
        context.dialect === 'sqlite'
          ? 'Wait for the other migration run to finish, or raise --lock-timeout. A row left by a crashed run on this host is taken over; one left from another host must be deleted from strata_lock by hand.'
          : 'Wait for the other migration run to finish, or raise --lock-timeout. A crashed run holds nothing: its lock ends with its session.',
        { timeoutMs: context.timeoutMs, ...(context.holder === undefined ? {} : { holder: context.holder }) },
      ),
    );
  }
}

/**
 * A statement failed on the server. The driver's message and codes are kept; the runner wraps this
 * with the revision that ran it.
 *
 * @example
 * ```ts
 * import { QueryFailedError } from '@strata/engine';
 * const error = new QueryFailedError({ dialect: 'postgresql', redactedUrl: 'postgres://db/app', sql: 'select nope', reason: 'column "nope" does not exist', driverCode: '42703' });
 * error.driverCode; // '42703'
 * ```
 */
export class QueryFailedError extends StrataError {
  static readonly CODE = 'DIALECT_QUERY_FAILED';
  /** The driver's error code: SQLSTATE on PostgreSQL, `ER_*` on MySQL, `SQLITE_*` on SQLite. */
  readonly driverCode: string | undefined;

  constructor(context: DialectErrorContext & { readonly sql: string; readonly reason: string; readonly driverCode?: string }) {
    const { sql, reason } = maskStatementError(context);
    super(
      QueryFailedError.CODE,
      `Statement failed on ${context.redactedUrl}: ${reason}\n  ${excerptOf(sql)}`,
      options(context, undefined, { sql, reason, driverCode: context.driverCode ?? null }),
    );
    this.driverCode = context.driverCode;
  }
}

/**
 * The server cannot run a statement without blocking writes, as the op asked (`concurrently: true`
 * rendered as MySQL/MariaDB `ALGORITHM=INPLACE, LOCK=NONE`): it refused rather than take a stronger
 * lock (ER_ALTER_OPERATION_NOT_SUPPORTED_REASON, https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html).
 *
 * @example
 * ```ts
 * import { OnlineDdlRefusedError } from '@strata/engine';
 * const error = new OnlineDdlRefusedError({ dialect: 'mysql', redactedUrl: 'mysql://db/app', sql: 'CREATE FULLTEXT INDEX ix ON t (a) ALGORITHM=INPLACE LOCK=NONE', reason: 'LOCK=NONE is not supported' });
 * error.code; // 'DIALECT_ONLINE_DDL_REFUSED'
 * ```
 */
export class OnlineDdlRefusedError extends StrataError {
  static readonly CODE = 'DIALECT_ONLINE_DDL_REFUSED';
  /** The driver's error code. */
  readonly driverCode: string | undefined;

  constructor(context: DialectErrorContext & { readonly sql: string; readonly reason: string; readonly driverCode?: string }) {
    const { sql, reason } = maskStatementError(context);
    super(
      OnlineDdlRefusedError.CODE,
      `${SERVER_NAMES[context.dialect]} at ${context.redactedUrl} cannot run this statement without blocking writes: ${reason}\n  ${excerptOf(sql)}`,
      options(
        context,
        'Leave `concurrently` out of the op to let the server take the lock it needs (in a quiet window), or change the operation to one the server runs in place.',
        { sql, reason, driverCode: context.driverCode ?? null },
      ),
    );
    this.driverCode = context.driverCode;
  }
}

/** What a dialect makes of a refused statement: the privilege it lacked and the statement that grants it. */
export interface MissingPrivilege {
  /** The privilege in words, e.g. `CREATE on schema public`, `ownership of table items`. */
  readonly privilege: string;
  /** The SQL an owner or administrator runs to grant it. */
  readonly grant: string;
}

/**
 * The server refused a statement for lack of a privilege (PostgreSQL SQLSTATE 42501, MySQL's
 * `ER_*ACCESS_DENIED*`). It names the privilege the statement needs and the statement that grants it,
 * since a bare "permission denied" leaves the user guessing which of many grants is missing.
 *
 * @example
 * ```ts
 * import { PermissionDeniedError } from '@strata/engine';
 * const error = new PermissionDeniedError({
 *   dialect: 'postgresql', redactedUrl: 'postgres://reader@db/app', sql: 'CREATE TABLE "items" ()',
 *   reason: 'permission denied for schema public', driverCode: '42501',
 *   missing: { privilege: 'CREATE on schema public', grant: 'GRANT USAGE, CREATE ON SCHEMA public TO "reader";' },
 * });
 * error.code; // 'DIALECT_PERMISSION_DENIED'
 * ```
 */
export class PermissionDeniedError extends StrataError {
  static readonly CODE = 'DIALECT_PERMISSION_DENIED';
  /** The driver's error code (SQLSTATE or `ER_*`). */
  readonly driverCode: string | undefined;

  constructor(
    context: DialectErrorContext & { readonly sql: string; readonly reason: string; readonly driverCode?: string; readonly missing: MissingPrivilege },
  ) {
    const { sql, reason } = maskStatementError(context);
    super(
      PermissionDeniedError.CODE,
      `Permission denied on ${context.redactedUrl}: ${reason.replace(/\.\s*$/, '')}. The statement needs ${context.missing.privilege}:\n  ${excerptOf(sql)}`,
      options(
        context,
        `Grant it as the object's owner or an administrator (${context.missing.grant}), or run migrations as a role that owns the schema.`,
        { sql, reason, driverCode: context.driverCode ?? null, privilege: context.missing.privilege, grant: context.missing.grant },
      ),
    );
    this.driverCode = context.driverCode;
  }
}

/**
 * `query()` was given more than one statement on MySQL, where it would otherwise run them all, or on
 * SQLite, whose driver refuses it.
 *
 * @example
 * ```ts
 * import { MultipleStatementsError } from '@strata/engine';
 * new MultipleStatementsError({ dialect: 'mysql', redactedUrl: 'mysql://db/app', sql: 'select 1; select 2' });
 * ```
 */
export class MultipleStatementsError extends StrataError {
  static readonly CODE = 'DIALECT_MULTIPLE_STATEMENTS';
  constructor(context: DialectErrorContext & { readonly sql: string }) {
    const sql = maskStatementSecrets(context.sql, context.dialect);
    super(
      MultipleStatementsError.CODE,
      `query() runs one statement, but the SQL sent to ${context.redactedUrl} holds several: ${sql.slice(0, 200)}`,
      options(context, 'Run scripts of several statements (or a trigger/procedure body) with executeScript().', { sql }),
    );
  }
}

/** @internal The system error code of a socket failure, looking inside Node's `AggregateError` (IPv4 + IPv6 attempts). */
export function systemErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner)) {
    for (const item of inner) {
      const innerCode = systemErrorCode(item);
      if (innerCode !== undefined) return innerCode;
    }
  }
  return undefined;
}

/** @internal Socket codes meaning "nothing answered at that address". */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

/** @internal Socket codes meaning "the host name does not resolve". */
export const HOST_NOT_FOUND_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL']);

/** @internal Socket codes meaning "an open connection broke". */
export const CONNECTION_LOST_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** What a rendering error is built from: rendering has no connection, so no URL. */
export interface RenderErrorContext {
  readonly dialect: DialectName;
  /** The op's kind (`alterColumn`, `createEnum`...). */
  readonly kind: string;
  /** The table the op works on, when it has one. */
  readonly table?: string;
}

/** Shared constructor plumbing for rendering errors: the dialect, the op kind and the table land in `details`. */
function renderOptions(context: RenderErrorContext, hint: string, details: Record<string, unknown> = {}): { hint: string; details: Record<string, unknown> } {
  return {
    hint,
    details: {
      dialect: context.dialect,
      kind: context.kind,
      ...(context.table === undefined ? {} : { table: context.table }),
      ...details,
    },
  };
}

/**
 * The dialect cannot express an operation (or one variant of it: a partial index on MySQL, an enum
 * outside PostgreSQL). Renderers throw it rather than skip the op.
 *
 * @example
 * ```ts
 * import { UnsupportedOperationError } from '@strata/engine';
 * const error = new UnsupportedOperationError({
 *   dialect: 'mysql',
 *   kind: 'createEnum',
 *   reason: 'MySQL has no enum types, only enum columns',
 *   hint: "Declare the column with the type enum('a','b') instead.",
 * });
 * error.code; // 'DIALECT_UNSUPPORTED_OPERATION'
 * ```
 */
export class UnsupportedOperationError extends StrataError {
  static readonly CODE = 'DIALECT_UNSUPPORTED_OPERATION';
  constructor(context: RenderErrorContext & { readonly reason: string; readonly hint: string }) {
    const on = context.table === undefined ? '' : ` on table "${context.table}"`;
    super(
      UnsupportedOperationError.CODE,
      `${SERVER_NAMES[context.dialect]} cannot run ${context.kind}${on}: ${context.reason}.`,
      renderOptions(context, context.hint, { reason: context.reason }),
    );
  }
}

/**
 * A SQLite operation needs a table recreate, which restates the whole table, but the renderer was
 * not told what the table looks like (offline SQL without the model, or a table the model lacks).
 *
 * @example
 * ```ts
 * import { RecreateNeedsTableError } from '@strata/engine';
 * new RecreateNeedsTableError({ dialect: 'sqlite', kind: 'dropForeignKey', table: 'orders' }).code; // 'DIALECT_RECREATE_NEEDS_TABLE'
 * ```
 */
export class RecreateNeedsTableError extends StrataError {
  static readonly CODE = 'DIALECT_RECREATE_NEEDS_TABLE';
  constructor(context: RenderErrorContext & { readonly table: string }) {
    super(
      RecreateNeedsTableError.CODE,
      `${SERVER_NAMES[context.dialect]} runs ${context.kind} on table "${context.table}" by recreating the table, but its current definition is unknown.`,
      renderOptions(
        context,
        'Run against a live database, or make sure the revisions before this one create the table (offline SQL replays them to know it).',
      ),
    );
  }
}

/**
 * An `alterColumn` must restate the whole column (MySQL `MODIFY COLUMN`), but neither the op's
 * `existing` nor the table the renderer was given knows the column.
 *
 * @example
 * ```ts
 * import { ExistingColumnUnknownError } from '@strata/engine';
 * new ExistingColumnUnknownError({ dialect: 'mysql', kind: 'alterColumn', table: 'users', column: 'email' }).code; // 'DIALECT_EXISTING_COLUMN_UNKNOWN'
 * ```
 */
export class ExistingColumnUnknownError extends StrataError {
  static readonly CODE = 'DIALECT_EXISTING_COLUMN_UNKNOWN';
  constructor(context: RenderErrorContext & { readonly table: string; readonly column: string }) {
    super(
      ExistingColumnUnknownError.CODE,
      `${SERVER_NAMES[context.dialect]} restates the whole column to alter "${context.table}"."${context.column}", but the column's current definition is unknown.`,
      renderOptions(
        context,
        'Pass `existing` (the column as it is: type, nullable, default) to alterColumn, or run against a live database.',
        { column: context.column },
      ),
    );
  }
}

/**
 * A SQLite table recreate was asked to change something the table does not have (a column, index or
 * constraint of that name); the server would refuse the equivalent ALTER on other dialects.
 *
 * @example
 * ```ts
 * import { RecreateTargetMissingError } from '@strata/engine';
 * new RecreateTargetMissingError({ dialect: 'sqlite', kind: 'dropForeignKey', table: 'orders', target: 'foreign key "fk_orders_user"' }).code;
 * // 'DIALECT_RECREATE_TARGET_MISSING'
 * ```
 */
export class RecreateTargetMissingError extends StrataError {
  static readonly CODE = 'DIALECT_RECREATE_TARGET_MISSING';
  constructor(context: RenderErrorContext & { readonly table: string; readonly target: string }) {
    super(
      RecreateTargetMissingError.CODE,
      `Cannot run ${context.kind} on table "${context.table}": it has no ${context.target}.`,
      renderOptions(context, 'Check the name against the table as it is (strata current, or the revisions before this one).', {
        target: context.target,
      }),
    );
  }
}

/**
 * An identifier longer than the server allows, where the server would refuse it (MySQL/MariaDB: 64
 * characters). Raised before the statement is sent, with a name that fits.
 *
 * @example
 * ```ts
 * import { IdentifierTooLongError } from '@strata/engine';
 * new IdentifierTooLongError({ dialect: 'mysql', name: 'x'.repeat(70), max: 64, unit: 'characters', fitting: 'x'.repeat(55) + '_1a2b3c4d' }).code;
 * // 'DIALECT_IDENTIFIER_TOO_LONG'
 * ```
 */
export class IdentifierTooLongError extends StrataError {
  static readonly CODE = 'DIALECT_IDENTIFIER_TOO_LONG';
  constructor(context: { readonly dialect: DialectName; readonly name: string; readonly max: number; readonly unit: string; readonly fitting: string }) {
    super(
      IdentifierTooLongError.CODE,
      `${SERVER_NAMES[context.dialect]} allows identifiers of at most ${context.max} ${context.unit}; "${context.name}" is longer, and the server would refuse the statement.`,
      {
        hint: `Give the object a shorter name, for example "${context.fitting}" (in the revision, and in the Drizzle schema's name for it).`,
        details: { dialect: context.dialect, name: context.name, max: context.max, unit: context.unit, suggestion: context.fitting },
      },
    );
  }
}
