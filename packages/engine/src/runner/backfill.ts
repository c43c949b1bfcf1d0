import type { Dialect } from '../dialects/dialect.js';
import type { SchemaInspector } from '../inspect/schema-inspector.js';
import type { BackfillOptions, BackfillResult } from '../revision/revision.js';
import { BackfillNeedsKeyError } from './errors.js';

/** A backfill's progress, for the run's events. */
export interface BackfillProgress {
  readonly table: string;
  readonly rows: number;
  readonly batches: number;
  readonly done: boolean;
}

/** What {@link runBackfill} runs statements through: the revision's connection or script. */
export interface BackfillTarget {
  readonly dialect: Dialect;
  readonly stream: string;
  readonly offline: boolean;
  readonly inspector: SchemaInspector;
  run(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  onProgress(progress: BackfillProgress): void;
}

const DEFAULT_BACKFILL_BATCH = 1000;
const DEFAULT_PROGRESS_EVERY = 10;

/**
 * Updates `table` in batches keyed by its one-column primary key: each batch reads the next keys the
 * WHERE still matches (`ORDER BY key LIMIT batchSize`), then updates that key range, so no statement
 * holds row locks on more than one batch. The statements run on the revision's connection: in a
 * `transactional: false` revision each batch commits on its own (a failure keeps the finished
 * batches, and a re-run carries on, the WHERE skipping the rows done), otherwise inside the
 * revision's transaction. Offline there is no row to read: the script gets one UPDATE of every
 * matching row.
 * @internal
 */
export async function runBackfill(target: BackfillTarget, table: string, options: BackfillOptions): Promise<BackfillResult> {
  const { dialect } = target;
  const name = table.split('.').map((part) => dialect.quoteIdentifier(part)).join('.');
  if (target.offline) {
    await target.run(`UPDATE ${name} SET ${options.set} WHERE (${options.where})`);
    return { rows: 0, batches: 0 };
  }
  const keyColumns = (await target.inspector.table(table))?.primaryKey?.columns;
  const [column] = keyColumns ?? [];
  if (keyColumns === undefined || keyColumns.length !== 1 || column === undefined) throw new BackfillNeedsKeyError(target.stream, table, keyColumns);
  const key = dialect.quoteIdentifier(column);
  const batchSize = options.batchSize ?? DEFAULT_BACKFILL_BATCH;
  const every = options.progressEvery ?? DEFAULT_PROGRESS_EVERY;
  let last: unknown;
  let rows = 0;
  let batches = 0;
  for (;;) {
    const after = last === undefined ? '' : ` AND ${key} > ${dialect.placeholder(1)}`;
    const keys = await target.run(`SELECT ${key} AS k FROM ${name} WHERE (${options.where})${after} ORDER BY ${key} LIMIT ${batchSize}`, last === undefined ? [] : [last]);
    if (keys.length === 0) break;
    const first = keys[0]?.k;
    last = keys[keys.length - 1]?.k;
    await target.run(`UPDATE ${name} SET ${options.set} WHERE ${key} >= ${dialect.placeholder(1)} AND ${key} <= ${dialect.placeholder(2)} AND (${options.where})`, [first, last]);
    rows += keys.length;
    batches += 1;
    if (batches % every === 0) target.onProgress({ table, rows, batches, done: false });
  }
  target.onProgress({ table, rows, batches, done: true });
  return { rows, batches };
}
