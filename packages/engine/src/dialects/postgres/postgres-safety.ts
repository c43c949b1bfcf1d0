import type { AddColumnOp, AlterColumnOp } from '../../ops/op.js';
import type { TableModel } from '../../schema/model.js';
import type { Connection } from '../connection.js';
import { QueryFailedError } from '../errors.js';
import { NO_TIMEOUT_SCOPE, type DdlTimeouts, type LockCost, type SafetyRules, type TimeoutScope } from '../safety.js';

/** SQLSTATE lock_not_available: a statement gave up waiting under `lock_timeout` (https://www.postgresql.org/docs/15/errcodes-appendix.html). */
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Functions whose value differs per row, so a column added with one as its DEFAULT is filled by
 * rewriting the table; a non-volatile default (a constant, `now()`) is stored once in the catalog
 * since PostgreSQL 11 (https://www.postgresql.org/docs/15/sql-altertable.html, Notes).
 */
const VOLATILE_DEFAULT = /\b(?:random|gen_random_uuid|uuid_generate_v[14]|clock_timestamp|timeofday|nextval|txid_current)\s*\(/i;

/**
 * The PostgreSQL lock rules, from the table of lock levels each ALTER TABLE form takes
 * (https://www.postgresql.org/docs/15/sql-altertable.html, https://www.postgresql.org/docs/15/explicit-locking.html).
 *
 * @example
 * ```ts
 * import { lockCost, POSTGRES_SAFETY_RULES } from '@strata/engine';
 * lockCost(POSTGRES_SAFETY_RULES, { kind: 'dropTable', table: 'orders' }, {})?.lock; // 'ACCESS EXCLUSIVE'
 * ```
 */
export const POSTGRES_SAFETY_RULES: SafetyRules = {
  createIndex: (op) =>
    op.concurrently === true
      ? undefined
      : {
          lock: 'SHARE',
          blocks: 'writes',
          work: 'build',
          tables: [op.table],
          effect: 'blocks writes while it builds',
          saferWay: '`concurrently: true` in a revision with `transactional: false`',
        },
  // NOT VALID skips the scan; VALIDATE CONSTRAINT scans under SHARE UPDATE EXCLUSIVE, which lets writes through.
  createForeignKey: (op) =>
    op.notValid === true
      ? undefined
      : {
          lock: 'SHARE ROW EXCLUSIVE',
          blocks: 'writes',
          work: 'scan',
          tables: [op.table, op.foreignKey.referencedTable],
          effect: `blocks writes on ${op.table} and ${op.foreignKey.referencedTable} while it scans ${op.table} to validate`,
          saferWay: '`notValid: true`, then `op.validateConstraint` in a revision with `transactional: false`',
        },
  createCheckConstraint: (op) =>
    op.notValid === true
      ? undefined
      : {
          lock: 'ACCESS EXCLUSIVE',
          blocks: 'reads and writes',
          work: 'scan',
          tables: [op.table],
          effect: 'blocks reads and writes while it scans every row',
          saferWay: '`notValid: true`, then `op.validateConstraint` in a revision with `transactional: false`',
        },
  // USING INDEX takes the index built concurrently before: a brief lock, no build.
  createUniqueConstraint: (op) =>
    op.usingIndex !== undefined
      ? undefined
      : {
          lock: 'ACCESS EXCLUSIVE',
          blocks: 'reads and writes',
          work: 'build',
          tables: [op.table],
          effect: 'blocks reads and writes while it builds the unique index',
          saferWay: 'build a unique index `concurrently`, then `createUniqueConstraint` with `usingIndex`',
        },
  createPrimaryKey: (op) => ({
    lock: 'ACCESS EXCLUSIVE',
    blocks: 'reads and writes',
    work: 'build',
    tables: [op.table],
    effect: 'blocks reads and writes while it scans and builds the index',
    saferWay: 'build a unique index `concurrently`, then `ADD PRIMARY KEY USING INDEX` (execute)',
  }),
  alterColumn: (op, { column, table, serverVersion }) => alterColumnCost(op, column?.type, column?.nullable, table, serverVersion),
  addColumn: (op, { serverVersion }) => addColumnCost(op, serverVersion),
  dropTable: (op) => brief(op.table),
  renameTable: (op) => brief(op.table),
};

/** `server_version_num` of PostgreSQL 12, the first whose SET NOT NULL skips the scan over a valid check. */
const NOT_NULL_PROOF_SINCE = 120_000;

/**
 * `server_version_num` of PostgreSQL 11, the first that stores a non-volatile default of a new column in
 * the catalog instead of writing it into every row (https://www.postgresql.org/docs/11/release-11.html,
 * "Allow ALTER TABLE to add a column with a non-null default without doing a table rewrite").
 */
const STORED_DEFAULT_SINCE = 110_000;

/**
 * Whether SET NOT NULL on this server skips its scan when a valid check proves the column holds no
 * NULL: from PostgreSQL 12 on (https://www.postgresql.org/docs/12/release-12.html, "Allow ALTER TABLE
 * ... SET NOT NULL to avoid unnecessary table scans"). An unknown version (the lint without a
 * database) counts as a supported server: 11 and older are past their end of life.
 *
 * @example
 * ```ts
 * import { notNullProofSkipsScan } from '@strata/engine';
 * notNullProofSkipsScan(110_022); // false: PostgreSQL 11 scans the table anyway
 * notNullProofSkipsScan(150_004); // true
 * ```
 */
export function notNullProofSkipsScan(serverVersion: number | undefined): boolean {
  return serverVersion === undefined || serverVersion >= NOT_NULL_PROOF_SINCE;
}

/**
 * Whether the table has a check constraint that proves the column holds no NULL (`col IS NOT NULL`):
 * SET NOT NULL then skips its scan, from PostgreSQL 12 on, when that constraint is valid
 * (https://www.postgresql.org/docs/15/sql-altertable.html, SET NOT NULL). The model holds no
 * validity: the safe form validates it in the statement before.
 */
function provenNotNull(table: TableModel | undefined, column: string): boolean {
  const proof = new RegExp(`^\\(*\\s*"?${column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?\\s+is\\s+not\\s+null\\s*\\)*$`, 'i');
  return table?.checkConstraints.some((check) => proof.test(check.expression.trim())) ?? false;
}

function alterColumnCost(
  op: AlterColumnOp,
  fromType: string | undefined,
  wasNullable: boolean | undefined,
  table: TableModel | undefined,
  serverVersion: number | undefined,
): LockCost | undefined {
  const from = op.existing?.type ?? fromType;
  if (op.type !== undefined && (from === undefined || !isBinaryCoercible(from, op.type))) {
    return {
      lock: 'ACCESS EXCLUSIVE',
      blocks: 'reads and writes',
      work: 'rewrite',
      tables: [op.table],
      effect: `blocks reads and writes while it rewrites the table (${op.column}: ${from ?? '?'} to ${op.type})`,
      saferWay: 'add a new column, backfill it in batches, then switch readers and drop the old one',
    };
  }
  if (op.nullable === false && (op.existing?.nullable ?? wasNullable) !== false) {
    const proven = provenNotNull(table, op.column);
    if (proven && notNullProofSkipsScan(serverVersion)) return undefined;
    return {
      lock: 'ACCESS EXCLUSIVE',
      blocks: 'reads and writes',
      work: 'scan',
      tables: [op.table],
      effect: `blocks reads and writes while it scans every row for NULL in ${op.column}`,
      // Before 12 the check proves nothing to SET NOT NULL: there is no safer form, only a quieter moment.
      saferWay: proven
        ? `none on this server (${formatVersion(serverVersion)}): SET NOT NULL scans even over a valid check before PostgreSQL 12; run it when the table is quiet, or upgrade the server`
        : `add \`CHECK (${op.column} IS NOT NULL) NOT VALID\`, validate it, then SET NOT NULL (no scan since PostgreSQL 12)`,
    };
  }
  return undefined;
}

/** `PostgreSQL 11.22` from `server_version_num` 110022 (10 and later: major * 10000 + minor; before: 90624 is 9.6.24). */
function formatVersion(serverVersion: number | undefined): string {
  if (serverVersion === undefined) return 'PostgreSQL';
  const major = Math.floor(serverVersion / 10_000);
  if (serverVersion >= 100_000) return `PostgreSQL ${major}.${serverVersion % 10_000}`;
  return `PostgreSQL ${major}.${Math.floor(serverVersion / 100) % 100}.${serverVersion % 100}`;
}

/**
 * @internal `server_version_num`: the server's version as one number (150004 for 15.4), read once per
 * lint run (https://www.postgresql.org/docs/15/runtime-config-preset.html).
 */
export async function readPostgresServerVersion(connection: Connection): Promise<number> {
  const [row] = await connection.query("SELECT current_setting('server_version_num')::integer AS n");
  return Number(row?.['n']);
}

/** Why adding this column rewrites the table, or undefined when it is a catalog change. @internal */
function rewriteReason(op: AddColumnOp): string | undefined {
  const { column } = op;
  if (column.default !== undefined && VOLATILE_DEFAULT.test(column.default)) return `the volatile default ${column.default} is computed for every row`;
  if (column.generated?.stored === true) return 'the stored generated column is computed for every row';
  if (column.identity !== undefined || (column.autoIncrement === true && /serial/i.test(column.type))) return 'every row gets a sequence value';
  return undefined;
}

/** Whether adding this column rewrites the table (the renderer refuses it `concurrently`). @internal */
export function addColumnRewrites(op: AddColumnOp): boolean {
  return rewriteReason(op) !== undefined;
}

function addColumnCost(op: AddColumnOp, serverVersion: number | undefined): LockCost | undefined {
  const oldDefault = serverVersion !== undefined && serverVersion < STORED_DEFAULT_SINCE && op.column.default !== undefined && !/^\s*null\s*$/i.test(op.column.default);
  const why = rewriteReason(op) ?? (oldDefault ? `the default ${op.column.default ?? ''} is written into every row on ${formatVersion(serverVersion)}; from 11 on it is not` : undefined);
  if (why === undefined) return undefined;
  return {
    lock: 'ACCESS EXCLUSIVE',
    blocks: 'reads and writes',
    work: 'rewrite',
    tables: [op.table],
    effect: `blocks reads and writes while it rewrites the table (${why})`,
    saferWay: 'add the column without the default, set the default, then backfill in batches',
  };
}

function brief(table: string): LockCost {
  return {
    lock: 'ACCESS EXCLUSIVE',
    blocks: 'reads and writes',
    work: 'brief',
    tables: [table],
    effect: 'blocks reads and writes; brief, but queued behind every running query on the table (set a DDL lock timeout)',
  };
}

/**
 * Whether a type change keeps the stored bytes, so PostgreSQL changes only the catalog: a
 * `varchar` widened or made unbounded, `varchar` to `text`, `numeric` given more precision at the
 * same scale (https://www.postgresql.org/docs/15/sql-altertable.html, Notes).
 */
export function isBinaryCoercible(from: string, to: string): boolean {
  const a = parseType(from);
  const b = parseType(to);
  if (a.base === b.base && a.args.join() === b.args.join()) return true;
  if (a.base === 'varchar' && (b.base === 'text' || (b.base === 'varchar' && (b.args.length === 0 || (a.args.length > 0 && (b.args[0] ?? 0) >= (a.args[0] ?? 0)))))) return true;
  if (a.base === 'text' && b.base === 'varchar' && b.args.length === 0) return true;
  if (a.base === 'numeric' && b.base === 'numeric' && a.args.length === 2 && b.args.length === 2) {
    return (b.args[1] ?? 0) === (a.args[1] ?? 0) && (b.args[0] ?? 0) >= (a.args[0] ?? 0);
  }
  return false;
}

function parseType(type: string): { base: string; args: number[] } {
  const match = /^\s*([a-z ]+?)\s*(?:\(([\d\s,]+)\))?\s*$/i.exec(type);
  if (match === null) return { base: type.trim().toLowerCase(), args: [] };
  const base = (match[1] as string).toLowerCase().replace(/\s+/g, ' ');
  const aliases: Record<string, string> = { 'character varying': 'varchar', decimal: 'numeric' };
  return { base: aliases[base] ?? base, args: match[2] === undefined ? [] : match[2].split(',').map((n) => Number(n.trim())) };
}

/**
 * @internal
 * `lock_timeout` and `statement_timeout` for one revision: `SET LOCAL` inside its transaction, which
 * ends with it; outside one, session `SET`s that `close` resets.
 */
export async function openPostgresTimeouts(connection: Connection, timeouts: DdlTimeouts, inTransaction: boolean): Promise<TimeoutScope> {
  const settings = ([['lock_timeout', timeouts.lockTimeoutMs], ['statement_timeout', timeouts.statementTimeoutMs]] as const).filter(
    (entry): entry is readonly ['lock_timeout' | 'statement_timeout', number] => entry[1] !== undefined,
  );
  if (settings.length === 0) return NO_TIMEOUT_SCOPE;
  // Inside the transaction a SET LOCAL goes out with the revision's next statement where the connection defers it.
  const setLocal = async (sql: string) => {
    if (connection.deferStatement?.(sql) !== true) await connection.query(sql);
  };
  if (inTransaction) {
    return {
      afterBegin: async () => {
        for (const [name, ms] of settings) await setLocal(`SET LOCAL ${name} = '${ms}ms'`);
      },
      // After a committed revision SET LOCAL is gone with its transaction. Inside a transaction that
      // goes on (one per run), the next revisions must not inherit this one's values: back to the session's.
      close: async () => {
        if (!connection.inTransaction) return;
        for (const [name] of settings) await setLocal(`SET LOCAL ${name} TO DEFAULT`);
      },
    };
  }
  for (const [name, ms] of settings) await connection.query(`SET ${name} = '${ms}ms'`);
  return {
    afterBegin: () => Promise.resolve(),
    close: async () => {
      for (const [name] of settings) await connection.query(`RESET ${name}`);
    },
  };
}

/** @internal SQLSTATE 55P03: the statement waited `lock_timeout` for a table lock. */
export function isPostgresLockTimeout(error: unknown): boolean {
  // Strata's error, or the driver's own (a query sent through the driver or Drizzle).
  return error instanceof QueryFailedError ? error.driverCode === LOCK_NOT_AVAILABLE : (error as { code?: unknown } | null)?.code === LOCK_NOT_AVAILABLE;
}

/** @internal `pg_class.reltuples`: the planner's row estimate, -1 before the first VACUUM or ANALYZE. */
export async function estimatePostgresRows(connection: Connection, quotedTable: string): Promise<number | undefined> {
  const [row] = await connection.query('SELECT reltuples::bigint AS n FROM pg_class WHERE oid = to_regclass($1)', [quotedTable]);
  const n = row === undefined ? -1 : Number(row['n']);
  return n >= 0 ? n : undefined;
}
