import type { Row } from '../dialects/connection.js';
import type { Dialect } from '../dialects/dialect.js';
import type { SchemaInspector } from '../inspect/schema-inspector.js';
import type { SqlSink } from './sql-sink.js';
import type { Op } from '../ops/op.js';
import { withServerNames } from '../ops/server-names.js';
import { ConcurrentIndexInTransactionError } from './errors.js';
import type { ContextParts } from './migration-context.js';

/**
 * Statements that may change the schema: anything but reads and row changes. After one of them
 * ran as raw SQL, the inspector's cached model is dropped (it cannot see what the SQL did).
 */
const ROWS_ONLY = /^\s*(?:select|with|insert|update|delete|replace|values|show|explain|table)\b/i;

/**
 * Runs operations: renders each with the schema as it is now (from the inspector's cache, so no
 * round trip), sends the statements through the sink (database or script), then replays the op
 * into the cached model so the next guard sees its effect.
 */
export class OpExecutor {
  readonly #dialect: Dialect;
  readonly #sink: SqlSink;
  readonly #inspector: SchemaInspector;
  readonly #onBlindSql: (sql: string) => void;
  readonly #transaction: ContextParts['transaction'];

  /**
   * @param onBlindSql told of raw SQL that may change the schema while the model cannot follow
   *   (offline: the model replayed from base is all there is, so it is kept rather than reloaded).
   * @param transaction the revision running now, and whether it runs in a transaction
   */
  constructor(dialect: Dialect, sink: SqlSink, inspector: SchemaInspector, onBlindSql: (sql: string) => void, transaction: ContextParts['transaction']) {
    this.#transaction = transaction;
    this.#dialect = dialect;
    this.#sink = sink;
    this.#inspector = inspector;
    this.#onBlindSql = onBlindSql;
  }

  /**
   * Renders and runs one op, keeping the inspector's model current. Names go out as the server
   * keeps them (`withServerNames`): cut where it cuts, refused where it refuses.
   */
  async run(given: Op): Promise<void> {
    if (given.kind === 'execute') {
      await this.execute(given.sql, given.params);
      return;
    }
    const op = withServerNames(given, this.#dialect.normalizer.identifierLimit);
    if ((op.kind === 'createIndex' || op.kind === 'dropIndex') && op.concurrently === true) {
      const running = this.#transaction();
      if (running.atomic) throw new ConcurrentIndexInTransactionError(running.stream, running.revision, op.table, op.name, op.kind === 'createIndex' ? 'create' : 'drop');
    }
    const schema = await this.#inspector.model();
    const table = 'table' in op ? schema.tables.get(op.table) : undefined;
    for (const sql of this.#dialect.renderer.render(op, { schema, ...(table ? { table } : {}) })) {
      await this.#sink.run(sql);
    }
    await this.#inspector.apply(op);
  }

  /**
   * Runs one `batchAlterTable`'s ops. Where the renderer renders ops on one table as one unit
   * (`renderBatch`: SQLite rebuilds the table once for all of them), the ops between two column
   * renames go to it together; a rename runs on its own, since the server rewrites what names the
   * column and the model follows it by reading the schema again. Elsewhere the ops run one by one.
   */
  async runBatch(given: readonly Op[]): Promise<void> {
    const ops = given.map((op) => withServerNames(op, this.#dialect.normalizer.identifierLimit));
    let group: Op[] = [];
    for (const op of ops) {
      if (op.kind !== 'renameColumn') {
        group.push(op);
        continue;
      }
      await this.#runGroup(group);
      group = [];
      await this.run(op);
    }
    await this.#runGroup(group);
  }

  async #runGroup(ops: readonly Op[]): Promise<void> {
    const [first] = ops;
    const renderBatch = this.#dialect.renderer.renderBatch?.bind(this.#dialect.renderer);
    if (renderBatch === undefined || ops.length < 2 || first === undefined || !('table' in first)) {
      for (const op of ops) await this.run(op);
      return;
    }
    const schema = await this.#inspector.model();
    const table = schema.tables.get(first.table);
    for (const sql of renderBatch(ops, { schema, ...(table ? { table } : {}) })) {
      await this.#sink.run(sql);
    }
    for (const op of ops) await this.#inspector.apply(op);
  }

  /** Raw SQL with optional parameters; returns the rows online (none offline). */
  async execute(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    const rows = await this.#sink.run(sql, params);
    if (!ROWS_ONLY.test(sql)) {
      if (this.#sink.offline) this.#onBlindSql(sql);
      else this.#inspector.invalidate();
    }
    return rows;
  }
}
