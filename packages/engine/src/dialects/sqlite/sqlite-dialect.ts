import type { Connection } from '../connection.js';
import type { Dialect, DialectCapabilities, LedgerTypes, LockOptions, MigrationLock } from '../dialect.js';
import { SqliteConnection } from './sqlite-connection.js';
import { acquireSqliteLock } from './sqlite-lock.js';

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
  readonly capabilities: DialectCapabilities = { transactionalDdl: true };
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

  /** Opens the file a `file:`/`sqlite:` URL, a bare path (relative to the current directory) or `:memory:` names. */
  connect(url: string): Promise<Connection> {
    return SqliteConnection.open(url);
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

  tableExists(connection: Connection, name: string): Promise<boolean> {
    return connection
      .query("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?", [name])
      .then((rows) => Number(rows[0]?.n) > 0);
  }
}
