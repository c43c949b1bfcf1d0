import { withConnection, type Connection } from '../dialects/connection.js';
import type { Dialect } from '../dialects/dialect.js';
import { lockCost, type LockCost } from '../dialects/safety.js';
import type { Op } from '../ops/op.js';
import type { RevisionGraph } from '../revision/revision-graph.js';
import type { SafetyAllowance } from '../revision/revision.js';
import type { PendingOperations } from './check-destructive.js';

/** One operation of a pending revision that holds a long or blocking lock on a live table. */
export interface UnsafeOperation extends LockCost {
  readonly revision: string;
  readonly kind: Op['kind'];
  /** The table the operation changes. */
  readonly table: string;
  /** The index, constraint or column it names, when it names one. */
  readonly name?: string;
  /** With `--db`: the table's row count as the server estimates it. */
  readonly rows?: number;
  /** Set when the revision accepts the finding (`safety.allow`): its reason. */
  readonly silenced?: string;
}

/**
 * The operations of the pending revisions that lock a live table for long, by the dialect's rules
 * (`Dialect.safetyRules`), each marked silenced when its revision's `safety.allow` accepts it. An
 * operation on a table its own revision created earlier is left out: that table is new and empty when
 * it runs. (A table an earlier revision created may have been deployed and filled since.) With the
 * server's version (`Dialect.serverVersion`, read once from the database), the rules that depend on it
 * judge for that server; without, for a server the dialect still supports.
 *
 * @example
 * ```ts
 * import { findUnsafeOperations, loadDialect, loadRevisions, recordPending, RevisionGraph } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('migrations'));
 * const pending = await recordPending({ dialect: 'postgresql', graph, stream: 'app', from: [], revisions: graph.sortTopologically(graph.heads()) });
 * const unsafe = findUnsafeOperations(await loadDialect('postgresql'), graph, pending);
 * ```
 */
export function findUnsafeOperations(dialect: Pick<Dialect, 'safetyRules'>, graph: RevisionGraph, pending: PendingOperations, serverVersion?: number): UnsafeOperation[] {
  const found: UnsafeOperation[] = [];
  for (const revision of pending.revisions) {
    const created = new Set<string>();
    const allow = graph.get(revision.revision).safetyAllow;
    for (const { op, table, column } of revision.operations) {
      if (op.kind === 'createTable') created.add(op.table);
      if (op.kind === 'renameTable' && created.has(op.table)) created.add(op.to);
      if (!('table' in op) || created.has(op.table)) continue;
      const cost = lockCost(dialect.safetyRules, op, { ...(table ? { table } : {}), ...(column ? { column } : {}), ...(serverVersion === undefined ? {} : { serverVersion }) });
      if (cost === undefined) continue;
      const name = subjectOf(op);
      const allowance = allow.find((a) => allows(a, op.kind, op.table, name));
      found.push({ revision: revision.revision, kind: op.kind, table: op.table, ...(name === undefined ? {} : { name }), ...cost, ...(allowance ? { silenced: allowance.reason } : {}) });
    }
  }
  return found;
}

/**
 * {@link findUnsafeOperations} judged against a live database: the rules that depend on the server's
 * version judge for its version (`Dialect.serverVersion`, read once), and each operation gets its
 * table's row estimate ({@link withRowEstimates}). One connection; none when nothing is pending.
 *
 * @example
 * ```ts
 * import { findLiveUnsafeOperations, loadDialect, loadRevisions, recordPending, RevisionGraph } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('migrations'));
 * const pending = await recordPending({ dialect: 'postgresql', graph, stream: 'app', from: [], revisions: graph.sortTopologically(graph.heads()) });
 * const unsafe = await findLiveUnsafeOperations(await loadDialect('postgresql'), 'postgres://127.0.0.1/app', graph, pending);
 * ```
 */
export async function findLiveUnsafeOperations(dialect: Dialect, url: string, graph: RevisionGraph, pending: PendingOperations): Promise<UnsafeOperation[]> {
  if (pending.revisions.length === 0) return [];
  if (dialect.serverVersion === undefined) return withRowEstimates(dialect, url, findUnsafeOperations(dialect, graph, pending));
  return withConnection(
    dialect,
    url,
    async (connection) => {
      const serverVersion = await dialect.serverVersion?.(connection);
      return estimateRowsOn(dialect, connection, findUnsafeOperations(dialect, graph, pending, serverVersion));
    },
    { mustExist: true },
  );
}

/**
 * Adds each table's row estimate, read from the live database (`Dialect.estimateRows`).
 *
 * @example
 * ```ts
 * import { findUnsafeOperations, loadDialect, withRowEstimates } from '@strata/engine';
 * // const unsafe = findUnsafeOperations(dialect, graph, pending);
 * // const withRows = await withRowEstimates(await loadDialect('postgresql'), 'postgres://127.0.0.1/app', unsafe);
 * ```
 */
export async function withRowEstimates(dialect: Dialect, url: string, operations: readonly UnsafeOperation[]): Promise<UnsafeOperation[]> {
  if (operations.length === 0) return [];
  return withConnection(dialect, url, (connection) => estimateRowsOn(dialect, connection, operations), { mustExist: true });
}

async function estimateRowsOn(dialect: Dialect, connection: Connection, operations: readonly UnsafeOperation[]): Promise<UnsafeOperation[]> {
  const estimates = new Map<string, number | undefined>();
  for (const table of new Set(operations.map((o) => o.table))) {
    estimates.set(table, (await dialect.tableExists(connection, table)) ? await dialect.estimateRows(connection, table) : undefined);
  }
  return operations.map((o) => {
    const rows = estimates.get(o.table);
    return rows === undefined ? o : { ...o, rows };
  });
}

/**
 * One line for an unsafe operation: `createIndex ix_orders_user on orders: SHARE lock, blocks writes
 * while it builds (~1.2M rows)`.
 *
 * @example
 * ```ts
 * import { describeUnsafeOperation } from '@strata/engine';
 * describeUnsafeOperation({ revision: 'a1b2c3d4e5f6', kind: 'createIndex', table: 'orders', name: 'ix_orders_user', lock: 'SHARE', blocks: 'writes', work: 'build', tables: ['orders'], effect: 'blocks writes while it builds', rows: 1_200_000 });
 * // 'createIndex ix_orders_user on orders: SHARE lock, blocks writes while it builds (~1.2M rows)'
 * ```
 */
export function describeUnsafeOperation(operation: UnsafeOperation): string {
  const lock = /^[A-Z ]+$/.test(operation.lock) ? `${operation.lock} lock` : operation.lock;
  const rows = operation.rows === undefined ? '' : ` (~${formatRows(operation.rows)} rows)`;
  const safer = operation.saferWay === undefined ? '' : `; safer: ${operation.saferWay}`;
  return `${operation.kind}${operation.name === undefined ? '' : ` ${operation.name}`} on ${operation.table}: ${lock}, ${operation.effect}${rows}${safer}`;
}

function formatRows(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  return String(n);
}

/** The index, constraint or column an op names. */
function subjectOf(op: Op): string | undefined {
  switch (op.kind) {
    case 'addColumn':
      return op.column.name;
    case 'createForeignKey':
      return op.foreignKey.name;
    case 'createUniqueConstraint':
    case 'createCheckConstraint':
      return op.constraint.name;
    case 'createPrimaryKey':
      return op.primaryKey.name;
    default:
      if ('column' in op && typeof op.column === 'string') return op.column;
      return 'name' in op && typeof op.name === 'string' ? op.name : undefined;
  }
}

function allows(allowance: SafetyAllowance, kind: Op['kind'], table: string, name: string | undefined): boolean {
  if (allowance.op !== kind) return false;
  if (allowance.table !== undefined && allowance.table !== table) return false;
  return allowance.name === undefined || allowance.name === name || allowance.name === `${table}.${name ?? ''}`;
}
