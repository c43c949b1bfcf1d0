import type { Connection } from '../connection.js';
import type { Dialect, DialectCapabilities, LedgerTypes, LockOptions, MigrationLock } from '../dialect.js';
import { MysqlConnection } from './mysql-connection.js';
import { acquireMysqlLock } from './mysql-lock.js';

/**
 * MySQL 8 and MariaDB 10.11 (the tested stand-in): DDL commits implicitly, `?` placeholders,
 * backtick quoting, `GET_LOCK`.
 *
 * @example
 * ```ts
 * import { MysqlDialect } from '@strata/engine';
 * const dialect = new MysqlDialect();
 * dialect.quoteIdentifier('odd`name'); // '`odd``name`'
 * ```
 */
export class MysqlDialect implements Dialect {
  readonly name = 'mysql' as const;
  // Every DDL statement commits the open transaction (https://dev.mysql.com/doc/refman/8.0/en/implicit-commit.html).
  readonly capabilities: DialectCapabilities = { transactionalDdl: false };
  readonly ledgerTypes: LedgerTypes = {
    // 191 utf8mb4 characters = 764 bytes: an index on (stream, version_num) fits even the old
    // 767-byte per-column limit of COMPACT rows, and the 3072-byte key limit.
    shortText: 'varchar(191)',
    longText: 'text',
    // DATETIME, not TIMESTAMP: no 2038 limit and no implicit ON UPDATE on older MariaDB settings;
    // the connection reads and writes it as UTC.
    timestamp: 'datetime(3)',
    integer: 'bigint',
    autoIncrementPrimaryKey: 'bigint NOT NULL AUTO_INCREMENT PRIMARY KEY',
  };

  connect(url: string): Promise<Connection> {
    return MysqlConnection.open(url);
  }

  quoteIdentifier(name: string): string {
    return `\`${name.replaceAll('`', '``')}\``;
  }

  placeholder(): string {
    return '?';
  }

  acquireLock(connection: Connection, options: LockOptions): Promise<MigrationLock> {
    return acquireMysqlLock(connection, options);
  }

  tableExists(connection: Connection, name: string): Promise<boolean> {
    return connection
      .query('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?', [name])
      .then((rows) => Number(rows[0]?.n) > 0);
  }
}
