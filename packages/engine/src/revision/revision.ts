import type { Connection } from '../dialects/connection.js';
import type { DialectName } from '../dialects/dialect.js';
import type { Inspector } from '../inspect/inspector.js';
import type { OpBuilders } from '../ops/op-builders.js';
import { InvalidRevisionError } from './errors.js';

/**
 * What `ctx.backfill` updates: `set` and `where` are SQL, as written after `SET` and `WHERE`.
 *
 * @example
 * ```ts
 * import type { BackfillOptions } from '@strata/engine';
 * const options: BackfillOptions = { set: "status = 'new'", where: 'status IS NULL', batchSize: 1000 };
 * ```
 */
export interface BackfillOptions {
  /** The assignments, as after `SET` (`status = 'new'`, `total = price * qty`). */
  readonly set: string;
  /**
   * The rows still to update, as after `WHERE`. It must stop matching a row once `set` has updated
   * it (`status IS NULL`): that is what makes a re-run continue where a failed one stopped.
   */
  readonly where: string;
  /** Rows per batch (default 1000). */
  readonly batchSize?: number;
  /** A progress event every this many batches (default 10), and one when done. */
  readonly progressEvery?: number;
}

/** What a backfill did. Offline (one UPDATE in the script), both are 0. */
export interface BackfillResult {
  readonly rows: number;
  readonly batches: number;
}

/**
 * What `upgrade` and `downgrade` receive: the operations (`op`), the guards (`inspect`), raw SQL and,
 * for data migrations, a Drizzle database on the migration's own connection and transaction.
 *
 * @example
 * ```ts
 * import { revision } from '@strata/engine';
 * export default revision({
 *   id: '3f2a9c1d4e5b',
 *   parents: [],
 *   async upgrade({ op, inspect }) {
 *     if (!(await inspect.hasColumn('clients', 'status'))) await op.addColumn('clients', { name: 'status', type: 'varchar(20)' });
 *   },
 *   async downgrade({ op, inspect }) {
 *     if (await inspect.hasColumn('clients', 'status')) await op.dropColumn('clients', 'status');
 *   },
 * });
 * ```
 */
export interface MigrationContext {
  /** The dialect of the database being migrated. */
  readonly dialect: DialectName;
  /** The stream being migrated. */
  readonly stream: string;
  /** Schema operations, rendered for the dialect (a SQLite ALTER it lacks becomes a table recreate). */
  readonly op: OpBuilders;
  /** Guards: what exists, read once and kept current as operations run (the model, in offline mode). */
  readonly inspect: Inspector;
  /**
   * Runs one SQL statement (placeholders: `$1` on PostgreSQL, `?` on MySQL and SQLite) and returns its
   * rows; offline, appends it to the script and returns none. On PostgreSQL and MySQL/MariaDB, a
   * statement without parameters that returns no rows (DDL, SET, or INSERT, UPDATE, DELETE without
   * RETURNING) goes out with the next statement that reads, or when the body returns: its failure
   * is thrown there (quoting it), not by this call (on PostgreSQL, unless a SAVEPOINT was set before).
   */
  execute(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** True while writing an offline script (`--sql`): nothing can be read from a database. */
  readonly offline: boolean;
  /**
   * Updates the rows `where` matches with `set`, in batches keyed by the table's one-column primary
   * key (the expand/contract backfill). In a `transactional: false` revision each batch commits on
   * its own, so a long backfill holds no lock for long and a failure keeps the batches done; a re-run
   * continues where the WHERE leaves off (it must stop matching updated rows). In a transactional
   * revision the batches run in its transaction. Progress goes to the run's events. Offline, the
   * script gets one `UPDATE … WHERE …` of every matching row. Throws `RUNNER_BACKFILL_NEEDS_KEY` for a
   * table without a one-column primary key.
   * @example
   * ```ts
   * await ctx.backfill('orders', { set: "status = 'new'", where: 'status IS NULL', batchSize: 1000 });
   * ```
   */
  backfill(table: string, options: BackfillOptions): Promise<BackfillResult>;
  /**
   * The migration's own connection, inside the revision's transaction where the dialect has
   * transactional DDL. Offline there is none: reading it throws.
   */
  readonly connection: Connection;
  /**
   * A Drizzle database (`drizzle-orm/node-postgres`, `/mysql2` or `/better-sqlite3`) bound to the
   * migration's connection, so data migrations use Drizzle's query builder inside the revision's
   * transaction. Needs drizzle-orm installed; not available offline.
   */
  drizzle<Database = unknown>(): Promise<Database>;
}

/** The fields a revision file passes to {@link revision}. */
export interface RevisionDefinition {
  /** 12 lowercase hexadecimal characters (4 to 40 accepted), unique in the stream. */
  readonly id: string;
  /** Alembic's down_revision: `[]` for a base, one id normally, several for a merge. */
  readonly parents: readonly string[];
  /** One line saying what the revision does. */
  readonly message?: string;
  /** Revisions that must be applied first: ids of this stream, or `stream@id` of another stream. */
  readonly dependsOn?: readonly string[];
  /** Names for the branch this revision starts or belongs to (`label@head`). */
  readonly branchLabels?: readonly string[];
  /** Run inside a transaction where the dialect allows it (default true). */
  readonly transactional?: boolean;
  /**
   * How long each statement may wait for a table lock (`'5s'`, `'500ms'`, `'1min'` or milliseconds):
   * PostgreSQL `lock_timeout`, MySQL/MariaDB `lock_wait_timeout`, SQLite `busy_timeout`. Overrides the
   * stream's `--ddl-lock-timeout` for this revision.
   */
  readonly lockTimeout?: string | number;
  /** How long each statement may run (PostgreSQL `statement_timeout`, MariaDB `max_statement_time`); same forms. */
  readonly statementTimeout?: string | number;
  /** Safety-lint findings accepted for this revision (`strata check`), each with its reason. */
  readonly safety?: { readonly allow: readonly SafetyAllowance[] };
  /** Applies the revision. */
  readonly upgrade: (ctx: MigrationContext) => Promise<void> | void;
  /** Reverts the revision. */
  readonly downgrade: (ctx: MigrationContext) => Promise<void> | void;
}

/**
 * One safety-lint finding a revision accepts: the operation kind, optionally narrowed to an object name
 * (index, constraint or column) or a table, and why it is safe here.
 *
 * @example
 * ```ts
 * import type { SafetyAllowance } from '@strata/engine';
 * const allowance: SafetyAllowance = { op: 'createIndex', name: 'ix_orders_user', reason: 'orders is empty until launch' };
 * ```
 */
export interface SafetyAllowance {
  /** An op kind: `createIndex`, `alterColumn`... */
  readonly op: string;
  /** The index, constraint or column the finding names; any when left out. */
  readonly name?: string;
  /** The table; any when left out. */
  readonly table?: string;
  /** Why the lock is acceptable here; printed beside the silenced finding. */
  readonly reason: string;
}

/** A revision as the engine holds it: the definition with defaults filled in. */
export interface Revision {
  readonly id: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly dependsOn: readonly string[];
  readonly branchLabels: readonly string[];
  readonly transactional: boolean;
  /** The revision's `lockTimeout` in milliseconds, when it sets one. */
  readonly lockTimeoutMs?: number;
  /** The revision's `statementTimeout` in milliseconds, when it sets one. */
  readonly statementTimeoutMs?: number;
  /** The safety-lint findings the revision accepts (empty when none). */
  readonly safetyAllow: readonly SafetyAllowance[];
  readonly upgrade: (ctx: MigrationContext) => Promise<void> | void;
  readonly downgrade: (ctx: MigrationContext) => Promise<void> | void;
  /** The file it was loaded from, when loaded from disk. */
  readonly file?: string;
  /** sha256 of the file's bytes, when loaded from disk. */
  readonly checksum?: string;
}

const REVISION_BRAND: unique symbol = Symbol.for('strata.revision');
/** Revision ids: lowercase hex or word characters, 4 to 40, so that prefixes and `label@id` stay unambiguous. */
export const REVISION_ID_PATTERN = /^[0-9a-z_]{4,40}$/;
/** Stream names (the Nx project names): letters, digits, `-`, `_`, `.`. */
export const STREAM_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Declares a revision. A revision file default-exports its result.
 *
 * @example
 * ```ts
 * import { revision } from '@strata/engine';
 *
 * export default revision({
 *   id: '3f2a9c1d4e5b',
 *   parents: [],
 *   message: 'create users',
 *   async upgrade({ execute }) {
 *     await execute('CREATE TABLE IF NOT EXISTS users (id integer primary key)');
 *   },
 *   async downgrade({ execute }) {
 *     await execute('DROP TABLE IF EXISTS users');
 *   },
 * });
 * ```
 */
export function revision(definition: RevisionDefinition): Revision {
  const r = normalizeRevision(definition);
  Object.defineProperty(r, REVISION_BRAND, { value: true, enumerable: false });
  return r;
}

/**
 * @internal Validates a definition (from {@link revision} or a plain object) and fills defaults.
 * `file` names the source in the error.
 */
export function normalizeRevision(value: unknown, file?: string, checksum?: string): Revision {
  const where = file ? ` in ${file}` : '';
  const fail = (problem: string): never => {
    throw new InvalidRevisionError(`Invalid revision${where}: ${problem}.`, { file, problem });
  };
  if (value === undefined) fail('the file has no default export (write `export default revision({ ... })`)');
  if (value === null || typeof value !== 'object') fail('the default export is not a revision({ ... }) value');
  const d = value as Record<string, unknown>;
  if (typeof d.id !== 'string' || d.id.length === 0) fail('`id` is missing');
  const id = d.id as string;
  if (!REVISION_ID_PATTERN.test(id)) fail(`id "${id}" must be 4 to 40 characters of a-z, 0-9 or _`);
  const list = (name: string, pattern: RegExp): string[] => {
    const v = d[name];
    if (v === undefined || v === null) return [];
    if (typeof v === 'string') return check([v]);
    if (!Array.isArray(v)) return fail(`\`${name}\` must be an array of strings`);
    return check(v);
    function check(items: unknown[]): string[] {
      for (const item of items) {
        if (typeof item !== 'string' || !pattern.test(item)) fail(`\`${name}\` holds an invalid entry ${JSON.stringify(item)}`);
      }
      return items as string[];
    }
  };
  if (d.parents === undefined) fail('`parents` is missing (use [] for a base revision)');
  const parents = list('parents', REVISION_ID_PATTERN);
  // A revision id, or a branch label of the stream (Alembic accepts labels in depends_on), or `stream@id`.
  const dependsOn = list('dependsOn', /^(?:[A-Za-z0-9][A-Za-z0-9._-]*@)?(?:[0-9a-z_]{4,40}|[A-Za-z][A-Za-z0-9_.-]*)$/);
  const branchLabels = list('branchLabels', /^[A-Za-z][A-Za-z0-9_.-]*$/);
  if (typeof d.upgrade !== 'function') fail('`upgrade` must be a function');
  if (typeof d.downgrade !== 'function') fail('`downgrade` must be a function');
  if (d.message !== undefined && typeof d.message !== 'string') fail('`message` must be a string');
  if (d.transactional !== undefined && typeof d.transactional !== 'boolean') fail('`transactional` must be a boolean');
  // A value from revision() is normalized already (the loader normalizes the default export again).
  const duration = (name: string): number | undefined => {
    const v = d[name] ?? d[`${name}Ms`];
    if (v === undefined) return undefined;
    const ms = parseDuration(v);
    return ms ?? fail(`\`${name}\` must be a whole number of milliseconds or a duration such as '500ms', '5s' or '2min', not ${JSON.stringify(v)}`);
  };
  const lockTimeoutMs = duration('lockTimeout');
  const statementTimeoutMs = duration('statementTimeout');
  const safetyAllow = allowances(d.safety === undefined && Array.isArray(d.safetyAllow) ? { allow: d.safetyAllow } : d.safety, fail);
  return {
    id,
    parents,
    message: (d.message as string | undefined) ?? '',
    dependsOn,
    branchLabels,
    transactional: (d.transactional as boolean | undefined) ?? true,
    ...(lockTimeoutMs === undefined ? {} : { lockTimeoutMs }),
    ...(statementTimeoutMs === undefined ? {} : { statementTimeoutMs }),
    safetyAllow,
    upgrade: d.upgrade as Revision['upgrade'],
    downgrade: d.downgrade as Revision['downgrade'],
    ...(file ? { file } : {}),
    ...(checksum ? { checksum } : {}),
  };
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, min: 60_000 };

/**
 * A revision's timeout in milliseconds: a whole non-negative number, or a string `<n>ms`, `<n>s`,
 * `<n>min`; undefined when it is neither.
 *
 * @example
 * ```ts
 * import { parseDuration } from '@strata/engine';
 * parseDuration('5s'); // 5000
 * parseDuration(250); // 250
 * parseDuration('soon'); // undefined
 * ```
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min)\s*$/.exec(value);
  if (match === null) return undefined;
  const ms = Number(match[1]) * (DURATION_UNITS[match[2] as string] as number);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

function allowances(value: unknown, fail: (problem: string) => never): SafetyAllowance[] {
  if (value === undefined) return [];
  const allow = value !== null && typeof value === 'object' ? (value as { allow?: unknown }).allow : undefined;
  if (!Array.isArray(allow)) return fail('`safety` must be `{ allow: [{ op, name?, table?, reason }] }`');
  return allow.map((entry: unknown, index) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const where = `\`safety.allow[${index}]\``;
    if (typeof e.op !== 'string' || !/^[a-z][A-Za-z]*$/.test(e.op)) fail(`${where} needs \`op\`, an operation kind such as 'createIndex'`);
    if (typeof e.reason !== 'string' || e.reason.trim() === '') fail(`${where} needs a \`reason\`: say why the lock is acceptable`);
    for (const key of ['name', 'table'] as const) {
      if (e[key] !== undefined && (typeof e[key] !== 'string' || e[key] === '')) fail(`${where}.${key} must be a non-empty string`);
    }
    return {
      op: e.op as string,
      ...(e.name === undefined ? {} : { name: e.name as string }),
      ...(e.table === undefined ? {} : { table: e.table as string }),
      reason: (e.reason as string).trim(),
    };
  });
}
