import type { Op } from '../../ops/op.js';
import type { Connection } from '../connection.js';
import { isDatabaseLocked } from '../errors.js';
import { NO_TIMEOUT_SCOPE, type DdlTimeouts, type LockCost, type SafetyRuleContext, type SafetyRules, type TimeoutScope } from '../safety.js';
import { needsRecreate } from './sqlite-recreate.js';

/** An ALTER SQLite lacks becomes a table recreate: every row is copied while the database is locked for writes. */
const recreate = (op: Op, { table }: SafetyRuleContext): LockCost | undefined =>
  'table' in op && needsRecreate(op, table)
    ? {
        lock: 'database write lock',
        blocks: 'writes',
        work: 'copy',
        tables: [op.table],
        effect: 'recreates the table: copies every row while the database is locked for writes',
      }
    : undefined;

/**
 * The SQLite rules: a revision holds the database's write lock anyway, so only the ops that copy a
 * whole table (the recreate of https://www.sqlite.org/lang_altertable.html#otheralter) are findings.
 *
 * @example
 * ```ts
 * import { lockCost, SQLITE_SAFETY_RULES } from '@strata/engine';
 * lockCost(SQLITE_SAFETY_RULES, { kind: 'dropForeignKey', table: 'orders', name: 'fk_orders_user' }, {})?.work; // 'copy'
 * ```
 */
export const SQLITE_SAFETY_RULES: SafetyRules = {
  addColumn: recreate,
  dropColumn: recreate,
  alterColumn: recreate,
  renameColumn: recreate,
  createForeignKey: recreate,
  dropForeignKey: recreate,
  createUniqueConstraint: recreate,
  dropUniqueConstraint: recreate,
  createCheckConstraint: recreate,
  dropCheckConstraint: recreate,
  createPrimaryKey: recreate,
  dropPrimaryKey: recreate,
  renameConstraint: recreate,
};

/** @internal `busy_timeout` for one revision, set before its BEGIN IMMEDIATE (which is what waits), the previous value restored after. */
export async function openSqliteTimeouts(connection: Connection, timeouts: DdlTimeouts): Promise<TimeoutScope> {
  if (timeouts.lockTimeoutMs === undefined) return NO_TIMEOUT_SCOPE;
  const [row] = await connection.query('PRAGMA busy_timeout');
  const previous = Number(row?.['timeout'] ?? 0);
  await connection.query(`PRAGMA busy_timeout = ${timeouts.lockTimeoutMs}`);
  return { afterBegin: () => Promise.resolve(), close: () => connection.query(`PRAGMA busy_timeout = ${previous}`).then(() => undefined) };
}

/** @internal SQLITE_BUSY after the busy timeout. */
export function isSqliteLockTimeout(error: unknown): boolean {
  return isDatabaseLocked(error);
}

/** @internal SQLite keeps no estimate: the rows are counted. */
export async function countSqliteRows(connection: Connection, quotedTable: string): Promise<number> {
  const [row] = await connection.query(`SELECT count(*) AS n FROM ${quotedTable}`);
  return Number(row?.['n'] ?? 0);
}
