import { withConnection, type Connection } from '../dialects/connection.js';
import type { Dialect, DialectName } from '../dialects/dialect.js';
import { loadDialect } from '../dialects/registry.js';
import { maskStatementSecrets } from '../dialects/sql-secrets.js';
import { recordOperations, type RecordedOperation, type RecordedRevision } from '../offline/offline-runner.js';
import type { Op } from '../ops/op.js';
import { planUpgrade } from '../revision/plan.js';
import { resolveTarget } from '../revision/resolve-target.js';
import type { RevisionGraph } from '../revision/revision-graph.js';
import { LedgerMismatchError } from '../runner/errors.js';
import { compareLedger } from '../runner/ledger-check.js';
import { readLedger, type StreamTarget } from '../runner/runner.js';
import type { ColumnModel } from '../schema/model.js';
import { findLiveUnsafeOperations, type UnsafeOperation } from './check-safety.js';
import { isWideningType } from './compare/columns.js';

/**
 * How sure the finding is: `destructive` loses rows, values or a definition for certain; `unknown` is
 * raw SQL (`execute`) whose effect no model can see.
 */
export type DestructiveSeverity = 'destructive' | 'unknown';

/** One operation of a pending revision that may lose data. */
export interface PendingDestructiveOperation {
  readonly revision: string;
  readonly kind: Op['kind'];
  readonly severity: DestructiveSeverity;
  /** What it drops, one short phrase: `drops table users`, `narrows column users.name from text to varchar(40)`. */
  readonly description: string;
  readonly table?: string;
  readonly column?: string;
  /**
   * Only from {@link previewUpgrade} with `estimateRows`: the rows that hold what the operation drops,
   * read from the live database (a dropped table's row count, a dropped column's non-null count).
   * Absent for other operations and for objects the database does not have yet.
   */
  readonly rows?: number;
}

/** A pending revision whose operations could not be listed (its upgrade failed against the model). */
export interface UnanalyzedRevision {
  readonly revision: string;
  readonly reason: string;
}

/** What the pending revisions would drop. */
export interface DestructiveReport {
  readonly operations: readonly PendingDestructiveOperation[];
  readonly unanalyzed: readonly UnanalyzedRevision[];
}

type Finding = Omit<PendingDestructiveOperation, 'revision' | 'kind'>;
type Classifier<K extends Op['kind']> = (op: Extract<Op, { kind: K }>, column: ColumnModel | undefined) => Finding | undefined;

const none = (): undefined => undefined;
const destructive = (description: string, where: { table?: string; column?: string } = {}): Finding => ({ severity: 'destructive', description, ...where });

/**
 * Whether each operation kind may lose data, and how it says so. A `Record` over every op kind, so a
 * new operation fails compilation until it is classified here.
 */
const CLASSIFIERS: { readonly [K in Op['kind']]: Classifier<K> } = {
  createTable: none,
  dropTable: (op) => destructive(`drops table ${op.table} and its rows`, { table: op.table }),
  renameTable: none,
  addColumn: none,
  dropColumn: (op) => destructive(`drops column ${op.table}.${op.column} and its values`, { table: op.table, column: op.column }),
  alterColumn: (op, column) => {
    const from = op.existing?.type ?? column?.type;
    if (op.type === undefined || from === undefined || isWideningType(from, op.type)) return undefined;
    return destructive(`changes column ${op.table}.${op.column} from ${from} to ${op.type}, which may truncate or reject existing values`, { table: op.table, column: op.column });
  },
  renameColumn: none,
  createIndex: none,
  renameIndex: none,
  dropIndex: (op) => destructive(`drops index ${op.name} on ${op.table}`, { table: op.table }),
  createForeignKey: none,
  dropForeignKey: (op) => destructive(`drops foreign key ${op.name} on ${op.table}`, { table: op.table }),
  createUniqueConstraint: none,
  dropUniqueConstraint: (op) => destructive(`drops unique constraint ${op.name} on ${op.table}`, { table: op.table }),
  createCheckConstraint: none,
  dropCheckConstraint: (op) => destructive(`drops check constraint ${op.name} on ${op.table}`, { table: op.table }),
  validateConstraint: none,
  createPrimaryKey: none,
  dropPrimaryKey: (op) => destructive(`drops the primary key of ${op.table}`, { table: op.table }),
  renameConstraint: none,
  createEnum: none,
  addEnumValue: none,
  renameEnumValue: none,
  dropEnum: (op) => destructive(`drops enum ${op.name}`),
  enableRowLevelSecurity: none,
  disableRowLevelSecurity: none,
  createPolicy: none,
  dropPolicy: none,
  alterPolicy: none,
  createRole: none,
  dropRole: none,
  createSequence: none,
  alterSequence: none,
  dropSequence: (op) => destructive(`drops sequence ${op.name} and its current value`),
  createView: none,
  dropView: none,
  createSchema: none,
  // dropSchema never cascades: the server refuses a schema that still holds anything.
  dropSchema: none,
  // Listed before a run and in `strata check`: the passwords the statement writes are masked.
  execute: (op) => (HARMLESS_SQL.test(op.sql) ? undefined : { severity: 'unknown', description: `runs raw SQL: ${oneLine(maskStatementSecrets(op.sql))}` }),
};

/** Raw SQL that cannot lose data: reads, inserts, and CREATE statements that replace nothing. */
const HARMLESS_SQL = /^\s*(?:select|show|explain|insert|create(?!\s+or\s+replace))\b/i;

/**
 * Whether an operation may lose data, and what it drops; undefined when it cannot.
 *
 * @example
 * ```ts
 * import { classifyOperation } from '@strata/engine';
 * classifyOperation({ op: { kind: 'dropColumn', table: 'users', column: 'bio' } })?.description;
 * // 'drops column users.bio and its values'
 * ```
 */
export function classifyOperation(recorded: RecordedOperation): Finding | undefined {
  const classify = CLASSIFIERS[recorded.op.kind] as Classifier<Op['kind']>;
  return classify(recorded.op as never, recorded.column);
}

/**
 * The destructive operations of `revisions` (in plan order) as they would run on a database at `from`:
 * each revision runs against the schema model, guards answered by it, and every operation it would
 * run is classified (see {@link classifyOperation}).
 */
export async function findDestructiveOperations(options: PendingOptions): Promise<DestructiveReport> {
  return destructiveOperationsOf(await recordPending(options));
}

/** Which revisions of a stream are pending, from where: what {@link recordPending} lists. */
export interface PendingOptions {
  readonly dialect: DialectName;
  readonly graph: RevisionGraph;
  readonly stream: string;
  readonly from: readonly string[];
  readonly revisions: readonly string[];
}

/** The operations of the pending revisions, listed once for every check that reads them (destructive, safety). */
export interface PendingOperations {
  readonly revisions: readonly RecordedRevision[];
  /** Revisions whose operations could not be listed (in part or at all), and why. */
  readonly unanalyzed: readonly UnanalyzedRevision[];
}

/**
 * Lists the operations the pending `revisions` would run on a database at `from`, without a
 * database ({@link recordOperations}); what cannot be listed is said, never guessed.
 *
 * @example
 * ```ts
 * import { destructiveOperationsOf, loadRevisions, recordPending, RevisionGraph } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('migrations'));
 * const pending = await recordPending({ dialect: 'sqlite', graph, stream: 'app', from: [], revisions: graph.sortTopologically(graph.heads()) });
 * const { operations } = destructiveOperationsOf(pending);
 * ```
 */
export async function recordPending(options: PendingOptions): Promise<PendingOperations> {
  if (options.revisions.length === 0) return { revisions: [], unanalyzed: [] };
  let recorded: RecordedRevision[];
  try {
    recorded = await recordOperations(options);
  } catch (error) {
    // Replaying the applied revisions into the model failed (raw SQL it cannot follow, a revision that
    // needs a live database): nothing pending can be listed.
    const reason = `the applied revisions could not be replayed into the schema model: ${error instanceof Error ? error.message : String(error)}`;
    return { revisions: [], unanalyzed: options.revisions.map((revision) => ({ revision, reason })) };
  }
  const unanalyzed = recorded.flatMap((r) => (r.error === undefined ? [] : [{ revision: r.revision, reason: r.error }]));
  return { revisions: recorded, unanalyzed };
}

/**
 * The destructive operations among the pending ones (see {@link classifyOperation}).
 *
 * @example
 * ```ts
 * import { destructiveOperationsOf } from '@strata/engine';
 * destructiveOperationsOf({ revisions: [{ revision: 'a1b2c3d4e5f6', operations: [{ op: { kind: 'dropTable', table: 'users' } }] }], unanalyzed: [] }).operations[0]?.description;
 * // 'drops table users and its rows'
 * ```
 */
export function destructiveOperationsOf(pending: PendingOperations): DestructiveReport {
  const operations: PendingDestructiveOperation[] = [];
  for (const revision of pending.revisions) {
    for (const operation of revision.operations) {
      const finding = classifyOperation(operation);
      if (finding) operations.push({ revision: revision.revision, kind: operation.op.kind, ...finding });
    }
  }
  return { operations, unanalyzed: pending.unanalyzed };
}

/** What {@link previewUpgrade} found: the plan and what it would drop. Nothing was changed. */
export interface UpgradePreview {
  readonly stream: string;
  readonly headsBefore: readonly string[];
  /** The revisions the upgrade would apply, in order. */
  readonly revisions: readonly string[];
  readonly destructive: DestructiveReport;
  /** With `judgeSafety`: the pending operations that lock a live table for long, when there are any. */
  readonly unsafe?: readonly UnsafeOperation[];
}

/**
 * The plan of an upgrade and the destructive operations in it, without changing anything (`strata
 * upgrade --dry-run`, and the list `strata upgrade` prints before it runs). Reads the stream's ledger
 * (refusing a ledger whose tables disagree, as the upgrade would); with `estimateRows`, also counts
 * the rows each dropped table and column holds in the live database.
 *
 * @example
 * ```ts
 * import { loadRevisions, previewUpgrade, RevisionGraph } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('migrations'));
 * const preview = await previewUpgrade({ stream: { name: 'app', dialect: 'sqlite', url: 'file:app.db' }, graph, target: 'head', estimateRows: true });
 * ```
 */
export async function previewUpgrade(options: {
  readonly stream: StreamTarget;
  readonly graph: RevisionGraph;
  readonly target: string;
  readonly estimateRows?: boolean;
  /** Also judge each pending operation's lock against the live tables, as the upgrade's own lint does (`unsafe`). */
  readonly judgeSafety?: boolean;
}): Promise<UpgradePreview> {
  const { stream, graph } = options;
  const { heads, history } = await readLedger(stream);
  const disagreement = compareLedger(graph, heads, history);
  if (disagreement) throw new LedgerMismatchError(stream.name, disagreement);
  const revisions = planUpgrade(graph, heads, resolveTarget(graph, options.target, heads, 'upgrade')).map((step) => step.revision.id);
  const pending = await recordPending({ dialect: stream.dialect, graph, stream: stream.name, from: heads, revisions });
  const found = destructiveOperationsOf(pending);
  const dialect = options.estimateRows || options.judgeSafety ? await loadDialect(stream.dialect) : undefined;
  const destructive = options.estimateRows && dialect ? await withRowCounts(dialect, stream.url, found) : found;
  const unsafe = options.judgeSafety && dialect ? await findLiveUnsafeOperations(dialect, stream.url, graph, pending) : [];
  return { stream: stream.name, headsBefore: heads, revisions, destructive, ...(unsafe.length > 0 ? { unsafe } : {}) };
}

/** Adds the live row counts to the dropped tables and columns. */
async function withRowCounts(dialect: Dialect, url: string, report: DestructiveReport): Promise<DestructiveReport> {
  const operations = await withConnection(
    dialect,
    url,
    async (connection) => {
      const counted: PendingDestructiveOperation[] = [];
      for (const operation of report.operations) {
        const rows = await countRows(dialect, connection, operation);
        counted.push(rows === undefined ? operation : { ...operation, rows });
      }
      return counted;
    },
    { mustExist: true },
  );
  return { ...report, operations };
}

/** A dropped table's rows, a dropped column's non-null values; undefined for other operations or a table not there yet. */
async function countRows(dialect: Dialect, connection: Connection, operation: PendingDestructiveOperation): Promise<number | undefined> {
  if ((operation.kind !== 'dropTable' && operation.kind !== 'dropColumn') || operation.table === undefined) return undefined;
  if (!(await dialect.tableExists(connection, operation.table))) return undefined;
  const what = operation.kind === 'dropColumn' && operation.column !== undefined ? dialect.quoteIdentifier(operation.column) : '*';
  const [row] = await connection.query(`SELECT COUNT(${what}) AS n FROM ${dialect.quoteIdentifier(operation.table)}`);
  return Number(row?.['n'] ?? 0);
}

function oneLine(sql: string): string {
  const line = sql.replace(/\s+/g, ' ').trim();
  return line.length <= 80 ? line : `${line.slice(0, 79)}…`;
}
