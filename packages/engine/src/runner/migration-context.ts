import type { Connection } from '../dialects/connection.js';
import type { Dialect } from '../dialects/dialect.js';
import { bindDrizzle } from '../dialects/drizzle-binding.js';
import { StrataError } from '../errors.js';
import type { SchemaInspector } from '../inspect/schema-inspector.js';
import type { SqlSink } from './sql-sink.js';
import { createOpBuilders } from '../ops/op-builders.js';
import type { Op } from '../ops/op.js';
import type { MigrationContext } from '../revision/revision.js';
import { runBackfill, type BackfillProgress } from './backfill.js';
import { OpExecutor } from './op-executor.js';
import { asciiCaseKey } from '../schema/identifiers.js';

/** A revision read `ctx.connection` or asked for Drizzle while an offline script was being written. */
export class OfflineNeedsDatabaseError extends StrataError {
  static readonly CODE = 'RUNNER_OFFLINE_NEEDS_DATABASE';
  constructor(stream: string, what: string) {
    super(OfflineNeedsDatabaseError.CODE, `Stream "${stream}": a revision uses ${what}, which needs a live database, while writing an offline (--sql) script.`, {
      hint: 'Run it online, or make the revision check `ctx.offline` and use `execute`/`op` only when offline.',
      details: { stream, what },
    });
  }
}

/** What a migration context is made of, online or offline. */
export interface ContextParts {
  readonly dialect: Dialect;
  readonly stream: string;
  /** Where statements go: the database, or a script. */
  readonly sink: SqlSink;
  /** The guards' view of the schema, shared by the run's revisions and kept current by the ops. */
  readonly inspector: SchemaInspector;
  /** The live connection; undefined offline. */
  readonly connection: Connection | undefined;
  /**
   * Told of every operation (raw SQL as an `execute` op) just before it runs, once its guards let it
   * through: how a pending revision's operations are listed without running them on a database.
   */
  readonly onOp?: (op: Op) => Promise<void>;
  /** Told of raw SQL the offline model cannot follow. */
  readonly onBlindSql?: (sql: string) => void;
  /** Told of `ctx.backfill`'s progress (the runner makes run events of it). */
  readonly onBackfill?: (progress: BackfillProgress) => void;
  /** Kept told of which tables the running revision changes (see {@link RevisionTouches}). */
  readonly touches?: RevisionTouches;
  /**
   * The revision running now and whether it runs inside a transaction (its `transactional` and the
   * dialect's transactional DDL), asked before a statement that cannot (CREATE INDEX CONCURRENTLY).
   */
  readonly transaction: () => { readonly stream: string; readonly revision: string; readonly atomic: boolean };
}

/**
 * One statement that changes no row of an existing table: a `CREATE` (a table, index, view or
 * trigger: something new), or a `DROP VIEW`/`DROP TRIGGER`. No `;` before its end (a second statement,
 * or one in a literal, counts as unknown). Not `DROP INDEX`: a parent key's unique index may go with it.
 */
const CHANGES_NO_ROW = /^\s*(?:create|drop\s+(?:view|trigger))\s[^;]*;?\s*$/i;

/** A table name as SQLite, MySQL and PostgreSQL write it: "quoted", `backticked`, [bracketed] or bare. */
const TABLE_NAME = String.raw`("(?:[^"]|"")+"|\`(?:[^\`]|\`\`)+\`|\[[^\]]+\]|[a-z_][\w$]*)`;
/** The main schema before a name, if named. */
const IN_MAIN = String.raw`(?:(?:main|"main")\s*\.\s*)?`;

/** A lone `DROP TABLE [IF EXISTS] name` of the main schema; group 1 is the name as written. */
const DROP_TABLE = new RegExp(String.raw`^\s*drop\s+table\s+(?:if\s+exists\s+)?${IN_MAIN}${TABLE_NAME}\s*;?\s*$`, 'i');

/** The start of `CREATE TABLE [IF NOT EXISTS] name` of the main schema (not a temp table); group 1 is `IF NOT EXISTS`, group 2 the name. */
const CREATE_TABLE = new RegExp(String.raw`^\s*create\s+table\s+(if\s+not\s+exists\s+)?${IN_MAIN}${TABLE_NAME}(?!\s*\.)`, 'i');

/** A name as written, unquoted. */
function unquoted(name: string): string {
  if (name.startsWith('"')) return name.slice(1, -1).replaceAll('""', '"');
  if (name.startsWith('`')) return name.slice(1, -1).replaceAll('``', '`');
  if (name.startsWith('[')) return name.slice(1, -1);
  return name;
}

/** The table a lone `DROP TABLE` drops, unquoted; undefined for any other statement. */
function droppedTable(sql: string): string | undefined {
  const name = DROP_TABLE.exec(sql)?.[1];
  return name === undefined ? undefined : unquoted(name);
}

/**
 * The table `sql`, a lone statement of {@link CHANGES_NO_ROW}, makes if it is a `CREATE TABLE`,
 * unquoted, and whether it is surely new: with `IF NOT EXISTS` an older table of that name may be
 * there. Undefined for any other statement.
 */
function createdTable(sql: string): { readonly table: string; readonly new: boolean } | undefined {
  const match = CREATE_TABLE.exec(sql);
  return match?.[2] === undefined ? undefined : { table: unquoted(match[2]), new: match[1] === undefined };
}

/**
 * The tables one revision changed, as far as its operations say: each op's table (a renamed table
 * under both names). Raw SQL, the revision's own connection or Drizzle could change any table, which
 * makes the set unknown, except a lone statement whose effect a plain look can tell: a `CREATE` (a
 * table, index, view or trigger), `DROP VIEW` or `DROP TRIGGER` changes no row of an existing table,
 * a `CREATE TABLE` counts as the `createTable` op of its table (unless `IF NOT EXISTS`: then it names
 * the table, which may be an older one) and a `DROP TABLE` as the `dropTable` op. The dialect's check before commit
 * (SQLite's `foreign_key_check`) covers only these tables when the set is known.
 */
export class RevisionTouches {
  #tables = new Set<string>();
  /** The names of {@link tables} as SQLite (the one dialect that reads {@link created}) compares them: whether a name was named before. */
  #named = new Set<string>();
  /** The tables created, by that same key. */
  #created = new Map<string, string>();
  #unknown = false;

  /** Starts over, for the next revision. */
  reset(): void {
    this.#tables = new Set();
    this.#named = new Set();
    this.#created = new Map();
    this.#unknown = false;
  }

  /** Counts an operation that is about to run. */
  record(op: Op): void {
    // A table the revision creates before any other op of it names the name, in any case, is new: no
    // existing row points at it. Dropped or renamed away, the name is free; renamed to, it is an older table's.
    // Raw SQL: whether it is one statement that changes no row, and then the table it makes, if any.
    const lone = op.kind === 'execute' && CHANGES_NO_ROW.test(op.sql);
    const raw = op.kind === 'execute' && lone ? createdTable(op.sql) : undefined;
    const made = op.kind === 'createTable' ? { table: op.table, new: true } : raw;
    if (made?.new === true && !this.#named.has(asciiCaseKey(made.table))) this.#created.set(asciiCaseKey(made.table), made.table);
    const dropped = op.kind === 'dropTable' ? op.table : op.kind === 'execute' ? droppedTable(op.sql) : undefined;
    if (dropped !== undefined) {
      this.#created.delete(asciiCaseKey(dropped));
      this.#name(dropped);
    } else if (raw !== undefined) this.#name(raw.table);
    else if (op.kind === 'execute') this.#unknown ||= !lone;
    else if ('table' in op) this.#name(op.table);
    if (op.kind === 'renameTable') {
      // A new table stays new under its new name; an older one brings its rows.
      const moved = this.#created.has(asciiCaseKey(op.table));
      this.#name(op.to);
      this.#created.delete(asciiCaseKey(op.table));
      this.#created.delete(asciiCaseKey(op.to));
      if (moved) this.#created.set(asciiCaseKey(op.to), op.to);
    }
  }

  #name(table: string): void {
    this.#tables.add(table);
    this.#named.add(asciiCaseKey(table));
  }

  /** The revision reached past the operations (its connection, Drizzle). */
  markUnknown(): void {
    this.#unknown = true;
  }

  /** The tables changed, or undefined when any may have been. */
  get tables(): ReadonlySet<string> | undefined {
    return this.#unknown ? undefined : this.#tables;
  }

  /** Those of {@link tables} the revision created: no row that was there before it can point at them. */
  get created(): ReadonlySet<string> {
    return new Set(this.#created.values());
  }
}

/**
 * Builds the context one revision's `upgrade`/`downgrade` receives. All statements go through one
 * executor, so ops, raw SQL and the inspector's model stay in step.
 */
export function createMigrationContext(parts: ContextParts): MigrationContext {
  const executor = new OpExecutor(parts.dialect, parts.sink, parts.inspector, parts.onBlindSql ?? (() => undefined), parts.transaction);
  const live = (what: string): Connection => {
    if (parts.connection === undefined) throw new OfflineNeedsDatabaseError(parts.stream, what);
    parts.touches?.markUnknown();
    return parts.connection;
  };
  const announce = async (op: Op): Promise<void> => {
    parts.touches?.record(op);
    await parts.onOp?.(op);
  };
  let drizzle: Promise<unknown> | undefined;
  return {
    dialect: parts.dialect.name,
    stream: parts.stream,
    offline: parts.sink.offline,
    op: createOpBuilders(
      async (op) => {
        await announce(op);
        await executor.run(op);
      },
      async (ops) => {
        for (const op of ops) await announce(op);
        await executor.runBatch(ops);
      },
    ),
    inspect: parts.inspector,
    execute: async (sql, params) => {
      await announce({ kind: 'execute', sql, ...(params ? { params } : {}) });
      return executor.execute(sql, params);
    },
    backfill: (table, options) => {
      // Rows change outside what the ops say: the dialect's check before commit covers every table.
      parts.touches?.markUnknown();
      return runBackfill(
        {
          dialect: parts.dialect,
          stream: parts.stream,
          offline: parts.sink.offline,
          inspector: parts.inspector,
          run: (sql, params) => executor.execute(sql, params),
          onProgress: (progress) => parts.onBackfill?.(progress),
        },
        table,
        options,
      );
    },
    get connection(): Connection {
      return live('ctx.connection');
    },
    drizzle<Database>(): Promise<Database> {
      const connection = live('ctx.drizzle()');
      // The Drizzle instance bound in an earlier revision calls the driver directly, and must query after what the
      // connection holds back now: reading the driver sends that where the driver queues calls (Connection.driver).
      void connection.driver;
      drizzle ??= bindDrizzle(connection, connection.drizzleAdapter ?? parts.dialect.drizzleAdapter);
      return drizzle as Promise<Database>;
    },
  };
}
