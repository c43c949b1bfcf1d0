import { ObjectMissingError } from '../../ops/errors.js';
import { toCreateIndexOp } from '../../ops/from-model.js';
import type { ColumnDefinition, CreateIndexOp, Op, PrimaryKeyDefinition, RenameIndexOp } from '../../ops/op.js';
import { RecreateNeedsTableError } from '../errors.js';
import { literalOrParenthesized, RenderBase, type ColumnSite } from '../render-base.js';
import type { RenderContext } from '../renderer.js';
import { isRecreateChange, needsRecreate, planRecreate, type RecreateChange } from './sqlite-recreate.js';

/**
 * SQLite DDL. What ALTER TABLE can do (rename a table or column, add a column, drop an unreferenced
 * one) renders natively; everything else (`needsRecreate`) renders as a table recreate planned by
 * `planRecreate` from `context.table`, the table as it is. Enum types and index methods do not exist.
 *
 * @example
 * ```ts
 * import { SqliteDialect, SqliteRenderer, emptySchema } from '@strata/engine';
 * const renderer = new SqliteRenderer(new SqliteDialect());
 * renderer.render({ kind: 'renameColumn', table: 'users', column: 'mail', to: 'email' }, { schema: emptySchema() });
 * // ['ALTER TABLE "users" RENAME COLUMN "mail" TO "email"']
 * ```
 */
export class SqliteRenderer extends RenderBase {
  readonly dialect = 'sqlite' as const;

  override render(op: Op, context: RenderContext): string[] {
    if (!needsRecreate(op, context.table)) return super.render(op, context);
    this.refuseSchemas(op);
    this.refuseOnlineForms(op);
    return this.#recreate([op], context);
  }

  /**
   * A batch on one table: when any of its ops needs a recreate, one recreate carries them all (one
   * copy of the rows, like Alembic's batch mode); otherwise each renders natively.
   *
   * @example
   * ```ts
   * import { SqliteDialect } from '@strata/engine';
   * const renderer = new SqliteDialect().renderer;
   * renderer.renderBatch([{ kind: 'createIndex', table: 'users', name: 'ix_users_email', columns: ['email'] }], { schema: { tables: new Map(), enums: new Map() } });
   * // ['CREATE INDEX "ix_users_email" ON "users" ("email")']
   * ```
   */
  renderBatch(ops: readonly Op[], context: RenderContext): string[] {
    const changes = ops.filter((op): op is RecreateChange => isRecreateChange(op));
    if (changes.length < ops.length || !changes.some((op) => needsRecreate(op, context.table))) {
      return ops.flatMap((op) => this.render(op, context));
    }
    changes.forEach((op) => {
      this.refuseSchemas(op);
      this.refuseOnlineForms(op);
    });
    return this.#recreate(changes, context);
  }

  #recreate(changes: readonly RecreateChange[], context: RenderContext): string[] {
    const [first] = changes;
    if (first === undefined) return [];
    if (context.table === undefined) {
      throw new RecreateNeedsTableError({ dialect: this.dialect, kind: first.kind, table: first.table });
    }
    return planRecreate(
      context.table,
      changes,
      {
        quoteIdentifier: (name) => this.quoteIdentifier(name),
        quoteString: (value) => this.quoteString(value),
        createTable: (statement) => this.createTable(statement, context, { kind: first.kind, table: first.table }),
        createIndex: (statement) => this.createIndex(statement),
      },
      context.schema.stored,
    );
  }

  /** Expression defaults need parentheses (https://www.sqlite.org/lang_createtable.html#the_default_clause). */
  protected override renderDefault(expression: string): string {
    return literalOrParenthesized(expression);
  }

  /**
   * AUTOINCREMENT exists only as `INTEGER PRIMARY KEY AUTOINCREMENT` on a table's one primary-key
   * column (https://www.sqlite.org/autoinc.html); the key is then stated here, not as a table constraint.
   */
  protected override renderAutoIncrement(column: ColumnDefinition, site: ColumnSite): string {
    const soleKey = site.primaryKey.length === 1 && site.primaryKey[0] === column.name;
    if (!soleKey || column.type.toLowerCase() !== 'integer') {
      throw this.unsupportedColumn(
        site,
        `AUTOINCREMENT needs "${column.name}" to be the table's only primary-key column, of type integer`,
        'Declare the column as integer and as the whole primary key, in createTable.',
      );
    }
    return 'PRIMARY KEY AUTOINCREMENT';
  }

  protected override primaryKeyInline(primaryKey: PrimaryKeyDefinition, columns: readonly ColumnDefinition[]): boolean {
    return primaryKey.columns.length === 1 && columns.some((column) => column.name === primaryKey.columns[0] && column.autoIncrement === true);
  }

  /**
   * SQLite cannot rename an index (https://www.sqlite.org/lang_altertable.html): it is dropped and
   * created again under the new name, from the definition `context.table` holds.
   */
  protected override renameIndex(op: RenameIndexOp, context: RenderContext): string[] {
    const index = context.table?.indexes.find((i) => i.name === op.name);
    if (index === undefined) throw new ObjectMissingError('index', op.name, op.table, op.kind);
    return [...this.dropIndex({ kind: 'dropIndex', table: op.table, name: op.name }), ...this.createIndex(toCreateIndexOp(op.table, { ...index, name: op.to }))];
  }

  /**
   * SQLite indexes have one structure, a B-tree: there is no method to choose; a part may be ASC or
   * DESC, but there are no operator classes, NULLS placement, storage parameters or concurrent
   * builds (https://www.sqlite.org/lang_createindex.html).
   */
  protected override createIndex(op: CreateIndexOp): string[] {
    this.refusePostgresIndexOptions(op);
    if (op.concurrently === true) {
      throw this.unsupported(op, 'it has no CREATE INDEX CONCURRENTLY (a write locks the whole database)', 'Leave `concurrently` out of the index.');
    }
    if (op.method !== undefined) {
      throw this.unsupported(op, `it has no index methods ("${op.method}")`, 'Leave the index method out.');
    }
    return super.createIndex(op);
  }
}
