import { createIndexIfNotExists } from '../strata-tables.js';
import type { SchemaModel, StoredObject } from '../../schema/model.js';
import { SQLITE_DRIZZLE_FLAVOUR } from './sqlite-drizzle-flavour.js';
import { SQLITE_DRIZZLE_SNAPSHOT } from './sqlite-drizzle-snapshot.js';
import type { Connection } from '../connection.js';
import type { ConnectOptions, Dialect, DialectCapabilities, LedgerTypes, LockOptions, MigrationLock } from '../dialect.js';
import { formatCommonLiteral, type RevisionScope } from '../revision-scope.js';
import { SQL_NOW } from '../sql-now.js';
import { openSqliteRevision } from './sqlite-revision-scope.js';
import { SqliteConnection } from './sqlite-connection.js';
import { acquireSqliteLock } from './sqlite-lock.js';
import { SqliteNormalizer } from './sqlite-normalizer.js';
import { SqliteRenderer } from './sqlite-renderer.js';
import { readSqliteSchema, readSqliteStored, readSqliteUnmodelled } from './sqlite-schema-reader.js';
import type { DdlTimeouts, SafetyRules, TimeoutScope } from '../safety.js';
import { countSqliteRows, isSqliteLockTimeout, openSqliteTimeouts, SQLITE_SAFETY_RULES } from './sqlite-safety.js';
import type { ScratchDatabases } from '../scratch.js';
import { SQLITE_SCRATCH } from './sqlite-scratch.js';

/**
 * SQLite through better-sqlite3: transactional DDL, `?` placeholders, `"` quoting, a lock row.
 *
 * @example
 * ```ts
 * import { SqliteDialect } from '@strata/engine';
 * const dialect = new SqliteDialect();
 * const connection = await dialect.connect(':memory:');
 * await connection.close();
 * ```
 */
export class SqliteDialect implements Dialect {
  readonly name = 'sqlite' as const;
  readonly capabilities: DialectCapabilities = { transactionalDdl: true, enums: false, revisionSavepoints: true };
  readonly scratch: ScratchDatabases = SQLITE_SCRATCH;
  // SQLite columns have affinities, not types (https://www.sqlite.org/datatype3.html): these names
  // give TEXT and INTEGER affinity. Timestamps are ISO-8601 UTC strings, which sort in time order.
  readonly ledgerTypes: LedgerTypes = {
    shortText: 'text',
    longText: 'text',
    timestamp: 'text',
    integer: 'integer',
    // Only `integer primary key` aliases the rowid; AUTOINCREMENT keeps ids from being reused after deletes.
    autoIncrementPrimaryKey: 'integer primary key autoincrement',
  };

  /**
   * Opens the file a `file:`/`sqlite:` URL, a bare path (relative to the current directory) or
   * `:memory:` names, creating a missing file unless `options.mustExist`; statements wait up to
   * `options.lockTimeoutMs` for other processes' locks.
   */
  connect(url: string, options?: ConnectOptions): Promise<Connection> {
    return SqliteConnection.open(url, undefined, options);
  }

  quoteIdentifier(name: string): string {
    return `"${name.replaceAll('"', '""')}"`;
  }

  placeholder(): string {
    return '?';
  }

  acquireLock(connection: Connection, options: LockOptions): Promise<MigrationLock> {
    return acquireSqliteLock(connection, options);
  }

  createIndexIfMissing(table: string, name: string, columns: readonly string[]): readonly string[] {
    return createIndexIfNotExists((identifier) => this.quoteIdentifier(identifier), table, name, columns);
  }

  tableExists(connection: Connection, name: string): Promise<boolean> {
    return connection
      .query("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?", [name])
      .then((rows) => Number(rows[0]?.n) > 0);
  }

  /** The canonical spelling of types, defaults and expressions (see SqliteNormalizer). */
  readonly normalizer = new SqliteNormalizer();

  /** Renders operations to this dialect's SQL, quoting through this dialect (see SqliteRenderer). */
  readonly renderer = new SqliteRenderer(this);

  /** Reflects the connection's schema into the model (see readSqliteSchema: four queries). */
  readSchema(connection: Connection): Promise<SchemaModel> {
    return readSqliteSchema(connection);
  }

  /** The CREATE texts a table recreate keeps (see readSqliteStored: one query). */
  readStored(connection: Connection): Promise<readonly StoredObject[]> {
    return readSqliteStored(connection);
  }

  /** The objects `readSchema` does not model (see readSqliteUnmodelled). */
  readUnmodelled(connection: Connection): Promise<string[]> {
    return readSqliteUnmodelled(connection);
  }

  /** The Drizzle ORM adapter for this driver, for `ctx.drizzle()` in data migrations. */
  readonly drizzleAdapter = 'drizzle-orm/better-sqlite3';
  readonly drizzleFlavour = SQLITE_DRIZZLE_FLAVOUR;
  readonly drizzleSnapshot = SQLITE_DRIZZLE_SNAPSHOT;

  /** Foreign keys off outside the transaction, checked before commit (see openSqliteRevision). */
  openRevision(connection: Connection): Promise<RevisionScope> {
    return openSqliteRevision(connection);
  }

  /** A script cannot read the session's setting, so foreign keys come back on, as Strata's connections open. */
  readonly offlineRevisionScope = { before: ['PRAGMA foreign_keys = OFF'], after: ['PRAGMA foreign_keys = ON'] };

  formatLiteral(value: unknown): string {
    // Timestamps are ISO-8601 text here (ledgerTypes.timestamp), the form this strftime prints.
    return formatCommonLiteral(value, { booleans: ['0', '1'], date: (d) => d.toISOString(), now: "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", escapeBackslash: false }, SQL_NOW);
  }

  /** `busy_timeout` around the revision's BEGIN IMMEDIATE (see openSqliteTimeouts); SQLite has no statement timeout. */
  openTimeouts(connection: Connection, timeouts: DdlTimeouts): Promise<TimeoutScope> {
    return openSqliteTimeouts(connection, timeouts);
  }

  /** SQLITE_BUSY past the busy timeout. */
  isLockTimeout(error: unknown): boolean {
    return isSqliteLockTimeout(error);
  }

  /** The ops that recreate the table (see SQLITE_SAFETY_RULES). */
  readonly safetyRules: SafetyRules = SQLITE_SAFETY_RULES;

  /** `count(*)`: SQLite keeps no estimate; undefined for a table that is not there. */
  async estimateRows(connection: Connection, table: string): Promise<number | undefined> {
    return (await this.tableExists(connection, table)) ? countSqliteRows(connection, this.quoteIdentifier(table)) : undefined;
  }
}
