import type { RoleModel, SchemaModel, StoredObject } from '../schema/model.js';
import type { Connection, SqlStatement } from './connection.js';
import type { DrizzleFlavour } from './drizzle-flavour.js';
import type { DrizzleSnapshotRules } from './drizzle-snapshot.js';
import type { Renderer, SchemaNormalizer } from './renderer.js';
import type { RevisionScope } from './revision-scope.js';
import type { ScratchDatabases } from './scratch.js';
import type { DdlTimeouts, SafetyRules, TimeoutScope } from './safety.js';

/** The dialects Strata speaks, named as drizzle-kit's `dialect` setting names them. */
export type DialectName = 'postgresql' | 'mysql' | 'sqlite';

/** Every dialect name, in a stable order (tests iterate over it). */
export const DIALECT_NAMES: readonly DialectName[] = ['postgresql', 'mysql', 'sqlite'];

/** Facts the runner asks instead of testing the dialect's name. */
export interface DialectCapabilities {
  /** DDL runs inside a transaction and rolls back with it (PostgreSQL, SQLite; not MySQL). */
  readonly transactionalDdl: boolean;
  /** Enum types exist at the schema level (PostgreSQL); elsewhere an enum is a column type. */
  readonly enums: boolean;
  /**
   * An index can be built and dropped without blocking writes (`concurrently`: PostgreSQL CONCURRENTLY,
   * MySQL/MariaDB ALGORITHM=INPLACE LOCK=NONE); autogenerate's safe forms use it. Absent: no.
   */
  readonly onlineIndexes?: boolean;
  /**
   * Foreign keys and checks can be added NOT VALID and validated later, a unique constraint made from a
   * unique index, and SET NOT NULL skips its scan over a valid `IS NOT NULL` check (PostgreSQL 12+).
   * Absent: no.
   */
  readonly notValidConstraints?: boolean;
  /**
   * A data-modifying statement may sit in a `WITH` clause of another (PostgreSQL's
   * `WITH moved AS (UPDATE … RETURNING 1) INSERT …`,
   * https://www.postgresql.org/docs/current/queries-with.html#QUERIES-WITH-MODIFYING), so the ledger
   * moves the version rows and appends the history row in one statement. Absent: no.
   */
  readonly dataModifyingCte?: boolean;
  /**
   * Per revision (`--transaction revision`), consecutive revisions share one transaction, each behind a
   * savepoint: a failing revision rolls back to its savepoint and the revisions before it commit, the
   * outcome of one transaction per revision without a COMMIT per revision. For SQLite, where the write
   * lock covers the whole file either way and every COMMIT waits for the disk. The cost: other
   * connections see the run's revisions only at its end, and a killed run keeps none of them (the
   * re-run applies them again). Absent: one transaction per revision.
   */
  readonly revisionSavepoints?: boolean;
}

/** A held migration lock; release it in a `finally`. */
export interface MigrationLock {
  release(): Promise<void>;
  /**
   * For a lock held as a row (SQLite): the statements that release it, for the caller to send with
   * its last transaction's COMMIT instead of committing the release on its own. Once that transaction
   * has committed, the caller calls {@link releasedWith}; if it rolled back, {@link release} still releases.
   */
  readonly releaseStatements?: readonly SqlStatement[];
  /** The transaction that carried {@link releaseStatements} committed: `release()` has nothing left to do. */
  releasedWith?(): void;
}

/** How long a runner waits for another runner's lock before it gives up. */
export interface LockOptions {
  /** Milliseconds to wait; 0 fails at once when the lock is taken. */
  readonly timeoutMs: number;
}

/** How a connection behaves when other sessions hold locks. */
export interface ConnectOptions {
  /**
   * Milliseconds a statement waits for a lock another session holds on the database before it
   * fails (SQLite: the busy timeout on the file); the migration lock's wait is {@link LockOptions}.
   */
  readonly lockTimeoutMs?: number;
  /**
   * Fail with `DIALECT_DATABASE_FILE_MISSING` instead of creating a database that does not exist
   * yet (a SQLite file). For the commands that only read: opening a mistyped path must not leave an
   * empty database behind. Server databases are never created on connect, so only file-based
   * dialects look at it; an in-memory database always opens. Default `false`.
   */
  readonly mustExist?: boolean;
}

/** Column types the ledger tables use in this dialect. */
export interface LedgerTypes {
  /** A short string column (stream names, revision ids, directions). */
  readonly shortText: string;
  /** A longer string column (messages, file paths, host and user names). */
  readonly longText: string;
  /** A timestamp with millisecond precision, stored in UTC. */
  readonly timestamp: string;
  /** A whole number large enough for durations in milliseconds and auto-increment ids. */
  readonly integer: string;
  /** The definition of an auto-increment primary key column, without the column name. */
  readonly autoIncrementPrimaryKey: string;
}

/**
 * One database dialect: a factory for connections and locks plus the facts the dialect-neutral
 * code needs (quoting, placeholders, capabilities). Dialect differences live behind this interface.
 */
export interface Dialect extends SchemaSupport {
  readonly name: DialectName;
  readonly capabilities: DialectCapabilities;
  /** Throwaway databases for migration tests, and whether the dialect needs a server for them. */
  readonly scratch: ScratchDatabases;
  /** Column types for the ledger tables. */
  readonly ledgerTypes: LedgerTypes;
  /**
   * Opens a connection. A malformed URL, a refused connection, an unknown database or bad
   * credentials throw a `StrataError` whose message carries the URL with its password masked.
   */
  connect(url: string, options?: ConnectOptions): Promise<Connection>;
  /** Quotes one identifier (table, column, index name), escaping the quote character. */
  quoteIdentifier(name: string): string;
  /** The placeholder for the 1-based `index`-th parameter (`$1` or `?`). */
  placeholder(index: number): string;
  /**
   * Takes the per-database migration lock on `connection`, waiting up to `timeoutMs` for a
   * runner that holds it (PostgreSQL advisory lock, MySQL `GET_LOCK`, SQLite lock row).
   */
  acquireLock(connection: Connection, options: LockOptions): Promise<MigrationLock>;
  /**
   * Creates the place the ledger (and the stream's objects) live when the connection names one that
   * does not exist yet (PostgreSQL: the URL's `?schema=`, a tenant's schema). Writers (the runner,
   * `push`) call it holding the migration lock, before they write. Absent: nothing to create.
   */
  ensureLedgerHome?(connection: Connection): Promise<void>;
  /**
   * What an offline script for `url` runs first so that its statements land where an online run's
   * would (PostgreSQL with `?schema=`: create the schema when missing, then set the search path to it).
   * Absent, or an empty list: nothing.
   */
  offlinePreamble?(url: string): readonly string[];
  /**
   * The statements that create index `name` on `table (columns)` unless an index of that name exists,
   * safe to run again (the ledger adds its history index to ledgers made before it had one). They go
   * through a sink, so they must be valid in an offline script too.
   */
  createIndexIfMissing(table: string, name: string, columns: readonly string[]): readonly string[];
  /**
   * Whether a table of that name exists in the connection's database (PostgreSQL: on the search
   * path). Read-only commands ask it so that they never create the ledger.
   */
  tableExists(connection: Connection, name: string): Promise<boolean>;
  /**
   * Prepares `connection` for one revision's transaction (called before BEGIN); the scope's
   * `beforeCommit` runs inside it and `close` after it.
   */
  openRevision(connection: Connection): Promise<RevisionScope>;
  /**
   * What an offline script writes around each revision's BEGIN/COMMIT to match `openRevision`
   * (SQLite: foreign keys off before BEGIN, on again after COMMIT).
   */
  readonly offlineRevisionScope: { readonly before: readonly string[]; readonly after: readonly string[] };
  /**
   * One value as an SQL literal, for offline scripts: strings quoted, dates in the form the ledger's
   * timestamp column takes, `SQL_NOW` as the dialect's current-time expression.
   */
  formatLiteral(value: unknown): string;
  /**
   * Sets a revision's DDL timeouts on `connection`, called before its transaction begins (or before
   * it runs, outside one when `inTransaction` is false). PostgreSQL sets them with `SET LOCAL` in
   * `afterBegin` inside a transaction, with a session `SET` reset in `close` outside one; MySQL and
   * SQLite set session values now and put the previous ones back in `close`.
   */
  openTimeouts(connection: Connection, timeouts: DdlTimeouts, inTransaction: boolean): Promise<TimeoutScope>;
  /**
   * Whether `error` is a statement that gave up waiting for a table lock under the DDL lock timeout
   * (PostgreSQL SQLSTATE 55P03, MySQL ER_LOCK_WAIT_TIMEOUT 1205, SQLite SQLITE_BUSY): what a retry may
   * cure. `error` is Strata's, or the driver's own for a query sent through the driver or Drizzle.
   */
  isLockTimeout(error: unknown): boolean;
  /** The lock each op takes on a live table and the work it does under it (the safety lint's rules). */
  readonly safetyRules: SafetyRules;
  /**
   * The table's row count as the server estimates it (PostgreSQL `pg_class.reltuples`, MySQL
   * `information_schema.TABLES.TABLE_ROWS`, SQLite `count(*)`); undefined when the table does not
   * exist or was never analysed.
   */
  estimateRows(connection: Connection, table: string): Promise<number | undefined>;
  /**
   * The server's version as one number, for the safety rules that depend on it
   * (`SafetyRuleContext.serverVersion`); absent where no rule does (PostgreSQL: `server_version_num`).
   */
  serverVersion?(connection: Connection): Promise<number>;
}

/** The schema half of a dialect: rendering operations, reflecting the schema, canonical spellings. */
export interface SchemaSupport {
  /** Renders operations to this dialect's SQL. */
  readonly renderer: Renderer;
  /** The canonical spelling of types, defaults and expressions in this dialect. */
  readonly normalizer: SchemaNormalizer;
  /**
   * Reflects the connection's default schema (PostgreSQL: `current_schema()`; MySQL: the URL's
   * database; SQLite: `main`) into the model in a few batched queries, leaving out Strata's own
   * tables (`strata_version`, `strata_history`, `strata_lock`). PostgreSQL also reads every other
   * non-system schema, its objects named `schema.name` (`schema/qualified-name.ts`).
   */
  readSchema(connection: Connection): Promise<SchemaModel>;
  /**
   * Reads the named roles that exist on the server (PostgreSQL; absent where the dialect has no
   * roles in the schema's sense). Roles are cluster-wide: `readSchema` leaves them out, and callers
   * ask only for the roles their expected schema names.
   */
  readRoles?(connection: Connection, names: readonly string[]): Promise<Map<string, RoleModel>>;
  /**
   * Reads the server's own definitions of the schema's objects, for the renderer's
   * `SchemaModel.stored` (SQLite: `sqlite_schema`, which a table recreate needs); absent where
   * rendering needs only the model.
   */
  readStored?(connection: Connection): Promise<readonly StoredObject[]>;
  /**
   * The objects of the connection's database that {@link readSchema} does not model, each as
   * `kind name` (`view active_users`, `trigger users_audit on users`): `strata pull` names them and
   * refuses rather than write a schema without them.
   */
  readUnmodelled(connection: Connection): Promise<string[]>;
  /** The Drizzle ORM adapter module for this dialect's driver (`drizzle-orm/node-postgres`...). */
  readonly drizzleAdapter: string;
  /** How this dialect's schema is written as a Drizzle schema file (`strata pull`). */
  readonly drizzleFlavour: DrizzleFlavour;
  /** How drizzle-kit's snapshot of a Drizzle schema reads into the schema model on this dialect (autogenerate, check, push). */
  readonly drizzleSnapshot: DrizzleSnapshotRules;
}
