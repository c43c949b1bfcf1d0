import type { SchemaModel } from '../../schema/model.js';
import { MYSQL_DRIZZLE_FLAVOUR } from './mysql-drizzle-flavour.js';
import { MYSQL_DRIZZLE_SNAPSHOT } from './mysql-drizzle-snapshot.js';
import type { Connection } from '../connection.js';
import type { Dialect, DialectCapabilities, LedgerTypes, LockOptions, MigrationLock } from '../dialect.js';
import { formatCommonLiteral, NO_REVISION_SCOPE, type RevisionScope } from '../revision-scope.js';
import { SQL_NOW } from '../sql-now.js';
import { MysqlConnection } from './mysql-connection.js';
import { acquireMysqlLock } from './mysql-lock.js';
import { exceedsLimit, shortenIdentifier } from '../../schema/identifiers.js';
import { IdentifierTooLongError } from '../errors.js';
import { MYSQL_IDENTIFIER_LIMIT, MysqlNormalizer } from './mysql-normalizer.js';
import { MysqlRenderer } from './mysql-renderer.js';
import { readMysqlSchema, readMysqlUnmodelled } from './mysql-schema-reader.js';
import type { DdlTimeouts, SafetyRules, TimeoutScope } from '../safety.js';
import { estimateMysqlRows, isMysqlLockTimeout, MYSQL_SAFETY_RULES, openMysqlTimeouts } from './mysql-safety.js';
import type { ScratchDatabases } from '../scratch.js';
import { mysqlScratch } from './mysql-scratch.js';

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
  readonly capabilities: DialectCapabilities = { transactionalDdl: false, enums: false, onlineIndexes: true };
  readonly scratch: ScratchDatabases = mysqlScratch(this);
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

  /** Refuses a name over 64 characters here, with one that fits, rather than leave the server to fail. */
  quoteIdentifier(name: string): string {
    if (exceedsLimit(name, MYSQL_IDENTIFIER_LIMIT)) {
      const { max, unit } = MYSQL_IDENTIFIER_LIMIT;
      throw new IdentifierTooLongError({ dialect: this.name, name, max, unit, fitting: shortenIdentifier(name, MYSQL_IDENTIFIER_LIMIT) });
    }
    return `\`${name.replaceAll('`', '``')}\``;
  }

  placeholder(): string {
    return '?';
  }

  acquireLock(connection: Connection, options: LockOptions): Promise<MigrationLock> {
    return acquireMysqlLock(connection, options);
  }

  /**
   * MySQL 8 has no `CREATE INDEX IF NOT EXISTS` (MariaDB has): the statement is chosen from
   * information_schema.STATISTICS and run as a prepared statement, which both servers and the mysql
   * client accept (https://dev.mysql.com/doc/refman/8.0/en/sql-prepared-statements.html).
   */
  createIndexIfMissing(table: string, name: string, columns: readonly string[]): readonly string[] {
    const create = `CREATE INDEX ${this.quoteIdentifier(name)} ON ${this.quoteIdentifier(table)} (${columns.map((c) => this.quoteIdentifier(c)).join(', ')})`;
    const text = (value: string) => `'${value.replaceAll("'", "''")}'`;
    return [
      `SET @strata_ddl = (SELECT IF(COUNT(*) = 0, ${text(create)}, 'SELECT 1') FROM information_schema.STATISTICS ` +
        `WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${text(table)} AND INDEX_NAME = ${text(name)})`,
      'PREPARE strata_ddl FROM @strata_ddl',
      'EXECUTE strata_ddl',
      'DEALLOCATE PREPARE strata_ddl',
    ];
  }

  tableExists(connection: Connection, name: string): Promise<boolean> {
    return connection
      .query('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?', [name])
      .then((rows) => Number(rows[0]?.n) > 0);
  }

  /** The canonical spelling of types, defaults and expressions (see MysqlNormalizer). */
  readonly normalizer = new MysqlNormalizer();

  /** Renders operations to this dialect's SQL, quoting through this dialect (see MysqlRenderer). */
  readonly renderer = new MysqlRenderer(this);

  /** Reflects the connection's schema into the model (see readMysqlSchema: four queries). */
  readSchema(connection: Connection): Promise<SchemaModel> {
    return readMysqlSchema(connection);
  }

  /** The objects `readSchema` does not model (see readMysqlUnmodelled). */
  readUnmodelled(connection: Connection): Promise<string[]> {
    return readMysqlUnmodelled(connection);
  }

  /** The Drizzle ORM adapter for this driver, for `ctx.drizzle()` in data migrations. */
  readonly drizzleAdapter = 'drizzle-orm/mysql2';
  readonly drizzleFlavour = MYSQL_DRIZZLE_FLAVOUR;
  readonly drizzleSnapshot = MYSQL_DRIZZLE_SNAPSHOT;

  /** Nothing to prepare around a revision's transaction. */
  openRevision(): Promise<RevisionScope> {
    return Promise.resolve(NO_REVISION_SCOPE);
  }

  /** Nothing to write around a revision in an offline script. */
  readonly offlineRevisionScope = { before: [], after: [] };

  formatLiteral(value: unknown): string {
    // DATETIME(3) rejects ISO's `T`/`Z`; backslash escapes in MySQL string literals unless NO_BACKSLASH_ESCAPES.
    return formatCommonLiteral(value, { booleans: ['0', '1'], date: (d) => d.toISOString().replace('T', ' ').replace('Z', ''), now: 'UTC_TIMESTAMP(3)', escapeBackslash: true }, SQL_NOW);
  }

  /** Session `lock_wait_timeout` and MariaDB `max_statement_time`, restored after the revision (see openMysqlTimeouts). */
  openTimeouts(connection: Connection, timeouts: DdlTimeouts): Promise<TimeoutScope> {
    return openMysqlTimeouts(connection, timeouts);
  }

  /** Error 1205 (ER_LOCK_WAIT_TIMEOUT). */
  isLockTimeout(error: unknown): boolean {
    return isMysqlLockTimeout(error);
  }

  /** The ALTERs that copy the table (see MYSQL_SAFETY_RULES). */
  readonly safetyRules: SafetyRules = MYSQL_SAFETY_RULES;

  /** `information_schema.TABLES.TABLE_ROWS`. */
  estimateRows(connection: Connection, table: string): Promise<number | undefined> {
    return estimateMysqlRows(connection, table);
  }
}
