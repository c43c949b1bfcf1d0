import type { AlterColumnOp } from '../../ops/op.js';
import type { Connection } from '../connection.js';
import { QueryFailedError } from '../errors.js';
import { NO_TIMEOUT_SCOPE, type DdlTimeouts, type LockCost, type SafetyRules, type TimeoutScope } from '../safety.js';

/** mysql2's code for error 1205, ER_LOCK_WAIT_TIMEOUT (a metadata or row lock not granted within the timeout). */
const LOCK_WAIT_TIMEOUT = 'ER_LOCK_WAIT_TIMEOUT';

/**
 * The InnoDB online-DDL rules: an ALTER that cannot run INPLACE or INSTANT copies the table and
 * blocks writes while it does (https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html,
 * https://mariadb.com/kb/en/innodb-online-ddl-operations-with-the-inplace-alter-algorithm/).
 *
 * @example
 * ```ts
 * import { lockCost, MYSQL_SAFETY_RULES } from '@strata/engine';
 * lockCost(MYSQL_SAFETY_RULES, { kind: 'alterColumn', table: 'orders', column: 'total', type: 'bigint' }, {})?.lock; // 'ALGORITHM=COPY'
 * ```
 */
export const MYSQL_SAFETY_RULES: SafetyRules = {
  alterColumn: (op, { column }) => alterColumnCost(op, op.existing?.type ?? column?.type),
  // INPLACE only with foreign_key_checks off; Strata adds foreign keys with it on.
  createForeignKey: (op) =>
    copy(op.table, `copies ${op.table} and blocks writes while it validates the foreign key against ${op.foreignKey.referencedTable}`, 'SET foreign_key_checks = 0 around the ALTER (execute) lets it run INPLACE, unvalidated'),
  // Dropping a primary key without adding another in the same statement is COPY only.
  dropPrimaryKey: (op) => copy(op.table, 'copies the table and blocks writes while it does'),
};

function alterColumnCost(op: AlterColumnOp, from: string | undefined): LockCost | undefined {
  if (op.type === undefined || (from !== undefined && isInplaceTypeChange(from, op.type))) return undefined;
  return copy(op.table, `copies the table and blocks writes while it does (${op.column}: ${from ?? '?'} to ${op.type})`, 'add a new column, backfill it in batches, then switch readers and drop the old one');
}

function copy(table: string, effect: string, saferWay?: string): LockCost {
  return { lock: 'ALGORITHM=COPY', blocks: 'writes', work: 'copy', tables: [table], effect, ...(saferWay === undefined ? {} : { saferWay }) };
}

/**
 * A VARCHAR widened within the same length-prefix size (both up to 255 bytes, or both over, with
 * utf8mb4's 4 bytes a character) is INPLACE; so is an unchanged type.
 */
export function isInplaceTypeChange(from: string, to: string): boolean {
  const a = /^\s*varchar\s*\(\s*(\d+)\s*\)\s*$/i.exec(from);
  const b = /^\s*varchar\s*\(\s*(\d+)\s*\)\s*$/i.exec(to);
  if (a === null || b === null) return from.trim().toLowerCase() === to.trim().toLowerCase();
  const [n, m] = [Number(a[1]), Number(b[1])];
  return m >= n && n * 4 <= 255 === m * 4 <= 255;
}

/**
 * @internal
 * `lock_wait_timeout` (whole seconds, at least 1) and MariaDB's `max_statement_time` (seconds) as
 * session values; MySQL DDL is never inside a transaction, so `close` puts the previous values back.
 */
export async function openMysqlTimeouts(connection: Connection, timeouts: DdlTimeouts): Promise<TimeoutScope> {
  const settings = ([['lock_wait_timeout', timeouts.lockTimeoutMs, (ms: number) => Math.max(1, Math.ceil(ms / 1000))], ['max_statement_time', timeouts.statementTimeoutMs, (ms: number) => ms / 1000]] as const).filter(
    (entry) => entry[1] !== undefined,
  );
  if (settings.length === 0) return NO_TIMEOUT_SCOPE;
  const previous: [string, unknown][] = [];
  for (const [name, ms, toServer] of settings) {
    const [row] = await connection.query(`SELECT @@SESSION.${name} AS v`);
    previous.push([name, row?.['v']]);
    await connection.query(`SET SESSION ${name} = ?`, [toServer(ms as number)]);
  }
  return {
    afterBegin: () => Promise.resolve(),
    close: async () => {
      for (const [name, value] of previous) await connection.query(`SET SESSION ${name} = ?`, [value]);
    },
  };
}

/** @internal Error 1205: the statement waited `lock_wait_timeout` for a lock. */
export function isMysqlLockTimeout(error: unknown): boolean {
  // Strata's error, or the driver's own (a query sent through the driver or Drizzle).
  return error instanceof QueryFailedError ? error.driverCode === LOCK_WAIT_TIMEOUT : (error as { code?: unknown } | null)?.code === LOCK_WAIT_TIMEOUT;
}

/** @internal `information_schema.TABLES.TABLE_ROWS`: InnoDB's sampled estimate. */
export async function estimateMysqlRows(connection: Connection, table: string): Promise<number | undefined> {
  const [row] = await connection.query('SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [table]);
  return row === undefined || row['n'] === null ? undefined : Number(row['n']);
}
