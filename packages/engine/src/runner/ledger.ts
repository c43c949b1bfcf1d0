import { hostname, userInfo } from 'node:os';
import { isAbsolute, relative, sep } from 'node:path';
import { inOneTransaction, type Connection, type Row, type SqlStatement } from '../dialects/connection.js';
import type { Dialect } from '../dialects/dialect.js';
import type { SqlSink } from './sql-sink.js';
import { SQL_NOW } from '../dialects/sql-now.js';
import { HISTORY_INDEX, HISTORY_TABLE, VERSION_TABLE } from '../dialects/strata-tables.js';
import { TOOL_VERSION } from '../version.js';

/** One statement under construction: {@link Binder.bind} adds a parameter and returns its placeholder. */
type Statement = (binder: Binder) => string;

/** Numbers the parameters of one statement in the dialect's placeholder style. */
class Binder {
  readonly params: unknown[] = [];
  readonly #dialect: Dialect;

  constructor(dialect: Dialect) {
    this.#dialect = dialect;
  }

  bind(value: unknown): string {
    this.params.push(value);
    return this.#dialect.placeholder(this.params.length);
  }
}

/**
 * A revision file as the ledger and offline scripts record it: relative to the stream's project folder
 * (the folder of its config file), with `/` separators, so that a row names the file on every machine
 * and no row carries one machine's home folder. Without a project folder, the path as given.
 */
export function recordedFile(file: string | undefined, projectDir: string | undefined): string | null {
  if (file === undefined) return null;
  if (projectDir === undefined || !isAbsolute(file)) return file;
  return relative(projectDir, file).split(sep).join('/');
}

/**
 * What a history row says happened to a revision; `repair` records the checksum of an applied
 * revision's edited file (`strata repair`), the revision staying applied.
 */
export type HistoryDirection = 'up' | 'down' | 'stamp' | 'unstamp' | 'repair';

/** One row of `strata_history`. */
export interface HistoryEntry {
  readonly id: number;
  readonly stream: string;
  readonly revision: string;
  readonly direction: HistoryDirection;
  readonly message: string;
  readonly file: string | null;
  readonly checksum: string | null;
  /** ISO 8601, UTC. */
  readonly startedAt: string;
  /** ISO 8601, UTC. */
  readonly finishedAt: string;
  readonly durationMs: number;
  /** `user@host` of the process that wrote the row. */
  readonly appliedBy: string;
  readonly toolVersion: string;
}

/** What a history row says about its revision's state: all that {@link appliedFromHistory} reads. */
export type HistoryState = Pick<HistoryEntry, 'revision' | 'direction' | 'checksum'>;

/** A history row before it is written (the ledger fills in who and the tool version). */
export type NewHistoryEntry = Omit<HistoryEntry, 'id' | 'stream' | 'appliedBy' | 'toolVersion'>;

/**
 * Reads and writes one stream's rows in the two ledger tables. Several streams share the tables;
 * every statement is filtered by stream, so streams never touch each other's rows.
 */
export class Ledger {
  readonly #sink: SqlSink;
  readonly #connection: Connection | undefined;
  readonly #dialect: Dialect;
  readonly #stream: string;
  readonly #version: string;
  readonly #history: string;
  readonly #who: string;

  /**
   * @param sink where the ledger's statements go (the database, or an offline script).
   * @param connection the live connection, for {@link exists}; undefined offline.
   */
  constructor(sink: SqlSink, dialect: Dialect, stream: string, connection?: Connection) {
    this.#sink = sink;
    this.#connection = connection;
    this.#dialect = dialect;
    this.#stream = stream;
    this.#version = dialect.quoteIdentifier(VERSION_TABLE);
    this.#history = dialect.quoteIdentifier(HISTORY_TABLE);
    this.#who = whoAmI();
  }

  /**
   * Creates both tables (and the history index) when absent, through the ledger's sink: the offline
   * script's statements. Call it while holding the migration lock.
   */
  async ensureTables(): Promise<void> {
    for (const sql of this.tableStatements()) await this.#sink.run(sql);
  }

  /**
   * The same on a live connection, as one transaction of its own: one round trip where the driver
   * allows (`inOneTransaction`), and on SQLite one commit to disk for a new database instead of three.
   */
  async ensureTablesOn(connection: Connection): Promise<void> {
    await inOneTransaction(connection, this.tableStatements().map((sql) => ({ sql, params: [] })));
  }

  /** The statements that create the tables and the history index when absent. */
  tableStatements(): string[] {
    const t = this.#dialect.ledgerTypes;
    const q = (name: string) => this.#dialect.quoteIdentifier(name);
    return [
      `CREATE TABLE IF NOT EXISTS ${this.#version} (${q('stream')} ${t.shortText} NOT NULL, ${q('version_num')} ${t.shortText} NOT NULL, ` +
        `PRIMARY KEY (${q('stream')}, ${q('version_num')}))`,
      `CREATE TABLE IF NOT EXISTS ${this.#history} (${q('id')} ${t.autoIncrementPrimaryKey}, ` +
        `${q('stream')} ${t.shortText} NOT NULL, ${q('revision')} ${t.shortText} NOT NULL, ${q('direction')} ${t.shortText} NOT NULL, ` +
        `${q('message')} ${t.longText} NOT NULL, ${q('file')} ${t.longText}, ${q('checksum')} ${t.shortText}, ` +
        `${q('started_at')} ${t.timestamp} NOT NULL, ${q('finished_at')} ${t.timestamp} NOT NULL, ${q('duration_ms')} ${t.integer} NOT NULL, ` +
        `${q('applied_by')} ${t.longText} NOT NULL, ${q('tool_version')} ${t.shortText} NOT NULL)`,
      // Also added to ledgers made before the index existed; the migration lock keeps two runners from racing here.
      ...this.#dialect.createIndexIfMissing(HISTORY_TABLE, HISTORY_INDEX, ['stream', 'revision', 'id']),
    ];
  }

  /** True when the ledger tables exist (read-only commands must not create them). */
  async exists(): Promise<boolean> {
    if (this.#connection === undefined) throw new Error('Ledger.exists() needs a live connection');
    return this.#dialect.tableExists(this.#connection, VERSION_TABLE);
  }

  /** The stream's current heads, sorted. */
  async heads(): Promise<string[]> {
    const rows = await this.#sink.run(
      `SELECT ${this.#dialect.quoteIdentifier('version_num')} AS v FROM ${this.#version} WHERE ${this.#dialect.quoteIdentifier('stream')} = ${this.#dialect.placeholder(1)}`,
      [this.#stream],
    );
    return rows.map((r) => String(r.v)).sort();
  }

  /** Replaces the rows `before` with `after`, touching only the rows that differ (one UPDATE along a chain). */
  async moveHeads(before: readonly string[], after: readonly string[]): Promise<void> {
    for (const statement of this.#moves(before, after)) await this.#runStatement(statement);
  }

  /**
   * The statements of steps of a run: {@link moveHeads} from `before` to `after` and one history row
   * per entry, in order (several revisions whose bodies sent nothing are recorded together, with the
   * next revision that writes). Where the dialect has data-modifying `WITH` clauses the move and the
   * first rows are one statement; elsewhere the same statements one after another. The caller sends
   * them inside a transaction (`LedgerQueue`).
   */
  advanceStatements(before: readonly string[], after: readonly string[], entries: readonly NewHistoryEntry[]): SqlStatement[] {
    const moves = this.#moves(before, after);
    const [first = [], ...rest] = chunks(entries, HISTORY_ROWS_PER_INSERT);
    const q = (name: string) => this.#dialect.quoteIdentifier(name);
    const statements: Statement[] =
      this.#dialect.capabilities.dataModifyingCte && moves.length > 0
        ? // Every data-modifying WITH clause runs to completion whether or not the main statement reads it.
          [(b) => `WITH ${moves.map((move, i) => `${q(`moved_${i}`)} AS (${move(b)} RETURNING 1)`).join(', ')} ${this.#insertHistory(first)(b)}`]
        : [...moves, this.#insertHistory(first)];
    return [...statements, ...rest.map((chunk) => this.#insertHistory(chunk))].map((statement) => {
      const binder = new Binder(this.#dialect);
      return { sql: statement(binder), params: binder.params };
    });
  }

  /** The statements that turn the version rows `before` into `after`. */
  #moves(before: readonly string[], after: readonly string[]): Statement[] {
    const q = (name: string) => this.#dialect.quoteIdentifier(name);
    const removed = before.filter((h) => !after.includes(h));
    const added = after.filter((h) => !before.includes(h));
    if (removed.length === 1 && added.length === 1) {
      return [(b) => `UPDATE ${this.#version} SET ${q('version_num')} = ${b.bind(added[0])} WHERE ${q('stream')} = ${b.bind(this.#stream)} AND ${q('version_num')} = ${b.bind(removed[0])}`];
    }
    return [
      ...removed.map((gone): Statement => (b) => `DELETE FROM ${this.#version} WHERE ${q('stream')} = ${b.bind(this.#stream)} AND ${q('version_num')} = ${b.bind(gone)}`),
      ...added.map((head): Statement => (b) => `INSERT INTO ${this.#version} (${q('stream')}, ${q('version_num')}) VALUES (${b.bind(this.#stream)}, ${b.bind(head)})`),
    ];
  }

  async #runStatement(statement: Statement): Promise<Row[]> {
    const binder = new Binder(this.#dialect);
    const sql = statement(binder);
    return this.#sink.run(sql, binder.params);
  }

  /** Removes every row of the stream (`stamp --purge`). */
  async purgeHeads(): Promise<void> {
    await this.#sink.run(
      `DELETE FROM ${this.#version} WHERE ${this.#dialect.quoteIdentifier('stream')} = ${this.#dialect.placeholder(1)}`,
      [this.#stream],
    );
  }

  /** Appends one history row. */
  async record(entry: NewHistoryEntry): Promise<void> {
    await this.#runStatement(this.#insertHistory([entry]));
  }

  /** One INSERT of the history rows of `entries`, in order (ids ascend with it on every dialect). */
  #insertHistory(entries: readonly NewHistoryEntry[]): Statement {
    const columns = ['stream', 'revision', 'direction', 'message', 'file', 'checksum', 'started_at', 'finished_at', 'duration_ms', 'applied_by', 'tool_version'];
    const row = (entry: NewHistoryEntry) => [
      this.#stream,
      entry.revision,
      entry.direction,
      entry.message,
      entry.file,
      entry.checksum,
      // Offline, the script records when it runs, not when it was written.
      this.#sink.offline ? SQL_NOW : new Date(entry.startedAt),
      this.#sink.offline ? SQL_NOW : new Date(entry.finishedAt),
      Math.round(entry.durationMs),
      this.#who,
      TOOL_VERSION,
    ];
    return (b) =>
      `INSERT INTO ${this.#history} (${columns.map((c) => this.#dialect.quoteIdentifier(c)).join(', ')}) VALUES ` +
      entries.map((entry) => `(${row(entry).map((v) => b.bind(v)).join(', ')})`).join(', ');
  }

  /** The stream's history rows, oldest first. */
  async history(): Promise<HistoryEntry[]> {
    return this.#selectHistory((b) => `${this.#history} WHERE ${this.#dialect.quoteIdentifier('stream')} = ${b.bind(this.#stream)}`);
  }

  /**
   * The history rows that decide what is applied, oldest first: per revision, its latest row other
   * than `repair` and its latest `repair` row. {@link appliedFromHistory} reads the same from them as
   * from the whole history (a revision is applied when its latest other row is `up`/`stamp`; a later
   * `repair` replaces its checksum). One pass over the stream's rows, numbered newest first per
   * revision: the form `id IN (SELECT MAX(id) … GROUP BY …)` let PostgreSQL, on a history table grown
   * faster than its statistics, pick a nested loop over every pair of rows (1.5 s for 3,500 rows).
   */
  async latestStates(): Promise<HistoryState[]> {
    const q = (name: string) => this.#dialect.quoteIdentifier(name);
    // Only the columns that decide the state: a run reads this before every upgrade, however long the history.
    const rows = await this.#runStatement(
      (b) =>
        `SELECT ${q('revision')} AS revision, ${q('direction')} AS direction, ${q('checksum')} AS checksum FROM ` +
        `(SELECT ${q('id')}, ${q('revision')}, ${q('direction')}, ${q('checksum')}, ROW_NUMBER() OVER (PARTITION BY ${q('revision')}, ` +
        `CASE WHEN ${q('direction')} = 'repair' THEN 1 ELSE 0 END ORDER BY ${q('id')} DESC) AS ${q('newest')} ` +
        `FROM ${this.#history} WHERE ${q('stream')} = ${b.bind(this.#stream)}) ${q('latest')} WHERE ${q('newest')} = 1 ORDER BY ${q('id')}`,
    );
    return rows.map((r) => ({ revision: String(r.revision), direction: String(r.direction) as HistoryDirection, checksum: r.checksum === null ? null : String(r.checksum) }));
  }

  /** The history rows `source` (a table or subquery with the history's columns, and its WHERE) yields, oldest first. */
  async #selectHistory(source: Statement): Promise<HistoryEntry[]> {
    const q = (name: string) => this.#dialect.quoteIdentifier(name);
    const rows = await this.#runStatement(
      (b) =>
        `SELECT ${q('id')} AS id, ${q('stream')} AS stream, ${q('revision')} AS revision, ${q('direction')} AS direction, ${q('message')} AS message, ` +
        `${q('file')} AS file, ${q('checksum')} AS checksum, ${q('started_at')} AS started_at, ${q('finished_at')} AS finished_at, ` +
        `${q('duration_ms')} AS duration_ms, ${q('applied_by')} AS applied_by, ${q('tool_version')} AS tool_version ` +
        `FROM ${source(b)} ORDER BY ${q('id')}`,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      stream: String(r.stream),
      revision: String(r.revision),
      direction: String(r.direction) as HistoryDirection,
      message: String(r.message),
      file: r.file === null ? null : String(r.file),
      checksum: r.checksum === null ? null : String(r.checksum),
      startedAt: isoTimestamp(r.started_at),
      finishedAt: isoTimestamp(r.finished_at),
      durationMs: Number(r.duration_ms),
      appliedBy: String(r.applied_by),
      toolVersion: String(r.tool_version),
    }));
  }

  /**
   * The checksum each revision was last applied, stamped or repaired with: the latest `up`/`stamp`/`repair` row
   * per revision, dropped again by a later `down`/`unstamp` row.
   */
  async appliedChecksums(): Promise<Map<string, string | null>> {
    return appliedFromHistory(await this.latestStates());
  }
}

/**
 * History rows per INSERT: 11 parameters each stay far below every driver's limit (SQLite's 32,766
 * variables, PostgreSQL's and MySQL's 65,535), however many revisions a run records at once.
 */
const HISTORY_ROWS_PER_INSERT = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/** Drivers return timestamps as `Date` (pg, mysql2) or ISO text (SQLite): one form for callers. */
function isoTimestamp(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

/**
 * The revisions history rows leave applied, each with the checksum it was last applied or stamped
 * with: the latest `up`/`stamp` row per revision, dropped again by a later `down`/`unstamp` row; a
 * `repair` row replaces the checksum of a revision that is applied and applies nothing by itself.
 */
export function appliedFromHistory(rows: readonly HistoryState[]): Map<string, string | null> {
  const result = new Map<string, string | null>();
  for (const row of rows) {
    if (row.direction === 'up' || row.direction === 'stamp') result.set(row.revision, row.checksum);
    else if (row.direction === 'repair') {
      if (result.has(row.revision)) result.set(row.revision, row.checksum);
    } else result.delete(row.revision);
  }
  return result;
}

function whoAmI(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
  return `${user}@${hostname()}`;
}
