import type {
  AddColumnOp,
  AlterColumnOp,
  ColumnDefinition,
  CreateIndexOp,
  DropForeignKeyOp,
  DropIndexOp,
  DropPrimaryKeyOp,
  DropUniqueConstraintOp,
  ForeignKeyDefinition,
  Op,
  PrimaryKeyDefinition,
  RenameConstraintOp,
  RenameIndexOp,
} from '../../ops/op.js';
import { ObjectMissingError } from '../../ops/errors.js';
import { checkDefinitionOf, foreignKeyDefinitionOf } from '../../ops/from-model.js';
import type { ForeignKeyAction } from '../../schema/model.js';
import { statedDefault } from '../../schema/stated.js';
import { ExistingColumnUnknownError } from '../errors.js';
import { literalOrParenthesized, RenderBase, type ColumnSite } from '../render-base.js';
import type { RenderContext } from '../renderer.js';

/** What `concurrently` asks of an index statement: build in place, with no lock on reads or writes. */
const ONLINE = 'ALGORITHM=INPLACE LOCK=NONE';

/** Index types written after the key parts (`USING BTREE`). */
const INDEX_TYPES: ReadonlySet<string> = new Set(['btree', 'hash']);
/** Index kinds written before `INDEX` (`CREATE FULLTEXT INDEX`). */
const INDEX_KINDS: ReadonlySet<string> = new Set(['fulltext', 'spatial']);

/**
 * MySQL 8 and MariaDB 10.11 DDL, in the syntax both accept: backtick quoting, `AUTO_INCREMENT`,
 * whole-column `MODIFY COLUMN` for alterations, and the MySQL spellings of the drops (uniques are
 * indexes, foreign keys have their own `DROP FOREIGN KEY`).
 *
 * Expression index parts render as `((expr))`: MySQL 8.0.13+ takes them
 * (https://dev.mysql.com/doc/refman/8.0/en/create-index.html#create-index-functional-key-parts);
 * MariaDB rejects them (it indexes a virtual generated column instead), and the server says so when
 * the statement runs.
 *
 * @example
 * ```ts
 * import { MysqlDialect, MysqlRenderer, emptySchema } from '@strata/engine';
 * const renderer = new MysqlRenderer(new MysqlDialect());
 * renderer.render({ kind: 'dropIndex', table: 'users', name: 'ix_email' }, { schema: emptySchema() });
 * // ['DROP INDEX `ix_email` ON `users`']
 * ```
 */
export class MysqlRenderer extends RenderBase {
  readonly dialect = 'mysql' as const;
  protected override readonly enumHint =
    "MySQL enums are column types: declare the column with the type enum('a','b') and change the list with alterColumn.";

  /** Expression defaults need parentheses (https://dev.mysql.com/doc/refman/8.0/en/data-type-defaults.html). */
  protected override renderDefault(expression: string): string {
    return literalOrParenthesized(expression);
  }

  protected override renderAutoIncrement(): string {
    return 'AUTO_INCREMENT';
  }

  /**
   * MariaDB refuses `NOT NULL` on a generated column (MySQL takes it), so a NOT NULL generated column
   * has no spelling both accept (https://mariadb.com/kb/en/generated-columns/).
   */
  protected override renderColumn(column: ColumnDefinition, site: ColumnSite): string {
    if (column.generated !== undefined && (column.nullable === false || site.primaryKey.includes(column.name))) {
      throw this.unsupportedColumn(
        site,
        `the generated column "${column.name}" is NOT NULL, which MariaDB rejects`,
        'Leave the generated column nullable; its expression decides whether it is ever NULL.',
      );
    }
    return super.renderColumn(column, site);
  }

  /** InnoDB rejects SET DEFAULT (https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html#foreign-key-referential-actions). */
  protected override renderForeignKeyAction(action: ForeignKeyAction, site: ColumnSite): string {
    if (action === 'set default') {
      throw this.unsupportedColumn(site, 'InnoDB rejects the SET DEFAULT foreign-key action', 'Use SET NULL, CASCADE, RESTRICT or NO ACTION.');
    }
    return super.renderForeignKeyAction(action, site);
  }

  /**
   * Both actions are always written: MariaDB reads an action left out as RESTRICT (MySQL 8 as NO
   * ACTION), so a key the model holds as `no action` must say so to read back the same on both
   * (https://mariadb.com/kb/en/foreign-keys/#constraints).
   */
  protected override renderForeignKey(foreignKey: ForeignKeyDefinition, site: ColumnSite): string {
    const onDelete = this.renderForeignKeyAction(foreignKey.onDelete ?? 'no action', site);
    const onUpdate = this.renderForeignKeyAction(foreignKey.onUpdate ?? 'no action', site);
    return (
      `FOREIGN KEY (${this.columnList(foreignKey.columns)}) REFERENCES ${this.quoteIdentifier(foreignKey.referencedTable)} ` +
      `(${this.columnList(foreignKey.referencedColumns)}) ON DELETE ${onDelete} ON UPDATE ${onUpdate}`
    );
  }

  /** A MySQL primary key is always named PRIMARY; a name given would be ignored, so none is written. */
  protected override renderPrimaryKey(primaryKey: PrimaryKeyDefinition): string {
    return `PRIMARY KEY (${this.columnList(primaryKey.columns)})`;
  }

  /**
   * `MODIFY COLUMN` restates the whole column (https://dev.mysql.com/doc/refman/8.0/en/alter-table.html):
   * the column as it is (`op.existing`, else the table the runner passed) with the op's changes on top.
   * An attribute left out of `MODIFY` is lost, which is why the current definition is required.
   */
  protected override alterColumn(op: AlterColumnOp, context: RenderContext): string[] {
    if (op.using !== undefined) {
      throw this.unsupported(
        op,
        'MODIFY COLUMN converts values itself and has no USING clause',
        'Drop `using`; convert the values with an execute op (UPDATE) before or after the type change.',
      );
    }
    this.refuseIdentityChange(op);
    if (op.type === undefined && op.nullable === undefined && op.default === undefined) return [];
    const existing = op.existing ?? context.table?.columns.find((column) => column.name === op.column);
    if (existing === undefined) {
      throw new ExistingColumnUnknownError({ dialect: this.dialect, kind: op.kind, table: op.table, column: op.column });
    }
    const changed: ColumnDefinition = {
      name: existing.name,
      type: op.type ?? existing.type,
      nullable: op.nullable ?? existing.nullable,
      ...(existing.autoIncrement === undefined ? {} : { autoIncrement: existing.autoIncrement }),
      ...(existing.generated === undefined ? {} : { generated: existing.generated }),
      ...(op.default === null ? {} : { default: op.default ?? statedDefault(existing) }),
    };
    const site: ColumnSite = { kind: op.kind, table: op.table, primaryKey: context.table?.primaryKey?.columns ?? [], context };
    return [`ALTER TABLE ${this.quoteIdentifier(op.table)} MODIFY COLUMN ${this.renderColumn(changed, site)}`];
  }

  /**
   * MySQL has no partial indexes; `btree`/`hash` go after the key parts (`USING BTREE`), `fulltext` and
   * `spatial` are index kinds (`CREATE FULLTEXT INDEX`), both as MySQL and MariaDB accept them
   * (https://mariadb.com/kb/en/create-index/). A key part may be `DESC` (honoured by MySQL 8.0 and
   * MariaDB 10.8+; https://dev.mysql.com/doc/refman/8.0/en/descending-indexes.html); operator classes,
   * NULLS placement and storage parameters do not exist. `concurrently` is `ALGORITHM=INPLACE
   * LOCK=NONE`: reads and writes go on during the build, or the server refuses the statement
   * (https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html#online-ddl-index-operations,
   * https://mariadb.com/kb/en/innodb-online-ddl-operations-with-the-inplace-alter-algorithm/).
   */
  protected override createIndex(op: CreateIndexOp): string[] {
    this.refusePostgresIndexOptions(op);
    if (op.where !== undefined) {
      throw this.unsupported(op, 'it has no partial indexes', 'Index the whole column, or index a generated column that is NULL outside the predicate.');
    }
    const method = op.method?.toLowerCase();
    let kind = op.unique === true ? 'UNIQUE ' : '';
    let using = '';
    if (method !== undefined && INDEX_TYPES.has(method)) using = ` USING ${method.toUpperCase()}`;
    else if (method !== undefined && INDEX_KINDS.has(method)) kind = `${method.toUpperCase()} `;
    else if (method !== undefined) {
      throw this.unsupported(op, `it has no index method "${op.method}"`, 'Use btree, hash, fulltext or spatial, or leave the method out.');
    }
    return [
      `CREATE ${kind}INDEX ${this.quoteIdentifier(op.name)} ON ${this.quoteIdentifier(op.table)} (${this.renderIndexParts(op.columns)})${using}${op.concurrently === true ? ` ${ONLINE}` : ''}`,
    ];
  }

  /**
   * `concurrently`: `ALGORITHM=INPLACE, LOCK=NONE`, so reads and writes go on while the column is
   * added, or the server refuses the statement (https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html#online-ddl-column-operations).
   */
  protected override addColumn(op: AddColumnOp, context: RenderContext): string[] {
    return super.addColumn(op, context).map((sql) => (op.concurrently === true ? `${sql}, ALGORITHM=INPLACE, LOCK=NONE` : sql));
  }

  /** MySQL renders every `concurrently` it is given. */
  protected override refuseOnlineForms(op: Op): void {
    if (op.kind !== 'addColumn') super.refuseOnlineForms(op);
  }

  /**
   * `concurrently`: `ALGORITHM=INPLACE, LOCK=NONE`, as for the create (dropping a secondary index is in
   * place, metadata only). Written as `ALTER TABLE … DROP INDEX`: MariaDB's `DROP INDEX` takes no
   * algorithm or lock clause (https://mariadb.com/kb/en/drop-index/).
   */
  protected override dropIndex(op: DropIndexOp): string[] {
    if (op.concurrently === true) return [`ALTER TABLE ${this.quoteIdentifier(op.table)} DROP INDEX ${this.quoteIdentifier(op.name)}, ALGORITHM=INPLACE, LOCK=NONE`];
    return [`DROP INDEX ${this.quoteIdentifier(op.name)} ON ${this.quoteIdentifier(op.table)}`];
  }

  /**
   * InnoDB creates an index named after a foreign key when no index starts with its columns, and
   * keeps it when the key is dropped (https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html);
   * the reader does not report it while the key exists. It is dropped with the key, so that the
   * table reads back as before the key was created (a generated downgrade would otherwise leave it).
   */
  protected override dropForeignKey(op: DropForeignKeyOp, context?: RenderContext): string[] {
    const table = this.quoteIdentifier(op.table);
    const statements = [`ALTER TABLE ${table} DROP FOREIGN KEY ${this.quoteIdentifier(op.name)}`];
    const model = context?.table;
    const foreignKey = model?.foreignKeys.find((fk) => fk.name === op.name);
    if (model === undefined || foreignKey === undefined) return statements;
    const startsWithKey = (columns: readonly string[]): boolean => foreignKey.columns.every((column, i) => columns[i] === column);
    const covered =
      (model.primaryKey !== undefined && startsWithKey(model.primaryKey.columns)) ||
      model.uniqueConstraints.some((unique) => startsWithKey(unique.columns)) ||
      model.indexes.some((index) => index.name !== op.name && startsWithKey(index.parts.map((part) => ('column' in part ? part.column : ''))));
    const nameTaken = model.indexes.some((index) => index.name === op.name) || model.uniqueConstraints.some((unique) => unique.name === op.name);
    if (!covered && !nameTaken) statements.push(`ALTER TABLE ${table} DROP INDEX ${this.quoteIdentifier(op.name)}`);
    return statements;
  }

  /** A unique constraint is a unique index in MySQL, dropped as one. */
  protected override dropUniqueConstraint(op: DropUniqueConstraintOp): string[] {
    return [`ALTER TABLE ${this.quoteIdentifier(op.table)} DROP INDEX ${this.quoteIdentifier(op.name)}`];
  }

  /** In place (MySQL 5.7+, MariaDB 10.5.2+: https://mariadb.com/kb/en/alter-table/#rename-indexkey). */
  protected override renameIndex(op: RenameIndexOp): string[] {
    return [`ALTER TABLE ${this.quoteIdentifier(op.table)} RENAME INDEX ${this.quoteIdentifier(op.name)} TO ${this.quoteIdentifier(op.to)}`];
  }

  /**
   * A unique constraint is an index and is renamed in place. MySQL and MariaDB have no rename for a
   * foreign key or a check constraint (https://dev.mysql.com/doc/refman/8.0/en/alter-table.html), so
   * those are dropped and added again under the new name, from the definition `context.table` holds;
   * the primary key is always named `PRIMARY`.
   */
  protected override renameConstraint(op: RenameConstraintOp, context: RenderContext): string[] {
    const table = context.table;
    if (table?.uniqueConstraints.some((unique) => unique.name === op.name) === true) {
      return this.renameIndex({ kind: 'renameIndex', table: op.table, name: op.name, to: op.to });
    }
    const foreignKey = table?.foreignKeys.find((fk) => fk.name === op.name);
    if (foreignKey !== undefined) {
      return [
        ...this.dropForeignKey({ kind: 'dropForeignKey', table: op.table, name: op.name }, context),
        ...this.createForeignKey({ kind: 'createForeignKey', table: op.table, foreignKey: { ...foreignKeyDefinitionOf(foreignKey), name: op.to } }, context),
      ];
    }
    const check = table?.checkConstraints.find((c) => c.name === op.name);
    if (check !== undefined) {
      return [
        ...this.dropCheckConstraint({ kind: 'dropCheckConstraint', table: op.table, name: op.name }),
        ...this.createCheckConstraint({ kind: 'createCheckConstraint', table: op.table, constraint: { ...checkDefinitionOf(check), name: op.to } }),
      ];
    }
    if (table?.primaryKey !== undefined && op.name === 'PRIMARY') {
      throw this.unsupported(op, 'its primary key is always named PRIMARY', 'Leave the primary key name alone.');
    }
    throw new ObjectMissingError('constraint', op.name, op.table, op.kind);
  }

  protected override dropPrimaryKey(op: DropPrimaryKeyOp): string[] {
    return [`ALTER TABLE ${this.quoteIdentifier(op.table)} DROP PRIMARY KEY`];
  }
}
