import { assertNever } from '../errors.js';
import type {
  AddColumnOp,
  AddEnumValueOp,
  AlterColumnOp,
  AlterPolicyOp,
  AlterSequenceOp,
  CreateSequenceOp,
  CreateViewOp,
  CreateSchemaOp,
  DropSchemaOp,
  DropSequenceOp,
  DropViewOp,
  ColumnDefinition,
  CreateCheckConstraintOp,
  CreateEnumOp,
  CreateForeignKeyOp,
  CreateIndexOp,
  CreatePolicyOp,
  CreatePrimaryKeyOp,
  CreateRoleOp,
  CreateTableOp,
  CreateUniqueConstraintOp,
  ValidateConstraintOp,
  DropCheckConstraintOp,
  DisableRowLevelSecurityOp,
  DropColumnOp,
  DropEnumOp,
  DropForeignKeyOp,
  DropIndexOp,
  DropPolicyOp,
  DropPrimaryKeyOp,
  DropRoleOp,
  DropTableOp,
  DropUniqueConstraintOp,
  EnableRowLevelSecurityOp,
  ForeignKeyDefinition,
  IndexColumn,
  StorageParameter,
  Op,
  PrimaryKeyDefinition,
  RenameColumnOp,
  RenameConstraintOp,
  RenameIndexOp,
  RenameEnumValueOp,
  RenameTableOp,
  UniqueDefinition,
} from '../ops/op.js';
import type { ForeignKeyAction, GeneratedColumn } from '../schema/model.js';
import { isParenthesized } from '../schema/expression-identifiers.js';
import { localName, splitQualifiedName } from '../schema/qualified-name.js';
import type { DialectName } from './dialect.js';
import { UnsupportedOperationError } from './errors.js';
import type { RenderContext, Renderer } from './renderer.js';

/** What a renderer needs from its dialect: identifier quoting (the dialect class owns it). */
export interface IdentifierQuoting {
  quoteIdentifier(name: string): string;
}

/** @internal Where a column definition is rendered: the op (for errors), its table's primary key, the schema. */
export interface ColumnSite {
  readonly kind: Op['kind'];
  readonly table: string;
  /** The columns of the table's primary key (a primary-key column is NOT NULL in every dialect). */
  readonly primaryKey: readonly string[];
  readonly context: RenderContext;
}

/**
 * The rendering every dialect shares, written once as SQL-standard DDL (which PostgreSQL speaks
 * as-is), with small hooks the dialect renderers override, the way Kysely's `MysqlQueryCompiler`
 * overrides `DefaultQueryCompiler`. Every identifier goes through {@link RenderBase.quoteIdentifier};
 * SQL text the op carries (types, defaults, check and index expressions, `execute`) is emitted as written.
 *
 * @example
 * ```ts
 * import { PostgresDialect, emptySchema } from '@strata/engine';
 * const sql = new PostgresDialect().renderer.render({ kind: 'dropTable', table: 'users' }, { schema: emptySchema() });
 * sql; // ['DROP TABLE "users"']
 * ```
 */
export abstract class RenderBase implements Renderer {
  /** The dialect, named in errors. */
  abstract readonly dialect: DialectName;
  /** What to suggest instead of row-level security, policies and roles where the dialect has none. */
  protected readonly securityHint: string =
    'Row-level security, policies and roles are PostgreSQL features: enforce the rule in the application, or use PostgreSQL.';
  /** What to suggest instead of standalone sequences and views where the model keeps none for the dialect. */
  protected readonly sequenceViewHint: string =
    'Strata migrates sequences and views on PostgreSQL only: create them here with op.execute (and drop them in the downgrade).';
  /** What to suggest instead of enum types where the dialect has none. */
  protected readonly enumHint: string =
    'Use a text column with a check constraint listing the values (createCheckConstraint).';
  readonly #quoting: IdentifierQuoting;

  constructor(quoting: IdentifierQuoting) {
    this.#quoting = quoting;
  }

  render(op: Op, context: RenderContext): string[] {
    this.refuseSchemas(op);
    this.refuseOnlineForms(op);
    switch (op.kind) {
      case 'createTable':
        return this.createTable(op, context);
      case 'dropTable':
        return this.dropTable(op);
      case 'renameTable':
        return this.renameTable(op, context);
      case 'addColumn':
        return this.addColumn(op, context);
      case 'dropColumn':
        return this.dropColumn(op);
      case 'alterColumn':
        return this.alterColumn(op, context);
      case 'renameColumn':
        return this.renameColumn(op, context);
      case 'createIndex':
        return this.createIndex(op, context);
      case 'dropIndex':
        return this.dropIndex(op);
      case 'renameIndex':
        return this.renameIndex(op, context);
      case 'createForeignKey':
        return this.createForeignKey(op, context);
      case 'dropForeignKey':
        return this.dropForeignKey(op, context);
      case 'createUniqueConstraint':
        return this.createUniqueConstraint(op);
      case 'dropUniqueConstraint':
        return this.dropUniqueConstraint(op);
      case 'createCheckConstraint':
        return this.createCheckConstraint(op);
      case 'dropCheckConstraint':
        return this.dropCheckConstraint(op);
      case 'validateConstraint':
        return this.validateConstraint(op);
      case 'renameConstraint':
        return this.renameConstraint(op, context);
      case 'createPrimaryKey':
        return this.createPrimaryKey(op);
      case 'dropPrimaryKey':
        return this.dropPrimaryKey(op, context);
      case 'createEnum':
        return this.createEnum(op);
      case 'addEnumValue':
        return this.addEnumValue(op);
      case 'renameEnumValue':
        return this.renameEnumValue(op);
      case 'dropEnum':
        return this.dropEnum(op);
      case 'enableRowLevelSecurity':
        return this.enableRowLevelSecurity(op);
      case 'disableRowLevelSecurity':
        return this.disableRowLevelSecurity(op);
      case 'createPolicy':
        return this.createPolicy(op);
      case 'dropPolicy':
        return this.dropPolicy(op);
      case 'alterPolicy':
        return this.alterPolicy(op);
      case 'createRole':
        return this.createRole(op);
      case 'dropRole':
        return this.dropRole(op);
      case 'createSequence':
        return this.createSequence(op);
      case 'alterSequence':
        return this.alterSequence(op);
      case 'dropSequence':
        return this.dropSequence(op);
      case 'createView':
        return this.createView(op);
      case 'dropView':
        return this.dropView(op);
      case 'createSchema':
        return this.createSchema(op);
      case 'dropSchema':
        return this.dropSchema(op);
      case 'execute':
        // Parameters are bound by the runner; the text goes out as written.
        return [op.sql];
      default:
        return assertNever(op);
    }
  }

  // ---- hooks -------------------------------------------------------------------------------

  /** Quotes one identifier through the dialect. */
  protected quoteIdentifier(name: string): string {
    return this.#quoting.quoteIdentifier(name);
  }

  /**
   * A table, enum, sequence or view name, `schema.name` quoted part by part (`"billing"."invoices"`);
   * a bare name is quoted alone, so the default schema's SQL is as it always was.
   */
  protected quoteQualified(name: string): string {
    const { schema, name: local } = splitQualifiedName(name);
    return schema === undefined ? this.quoteIdentifier(local) : `${this.quoteIdentifier(schema)}.${this.quoteIdentifier(local)}`;
  }

  /**
   * Refuses an op that names a table in another schema (`billing.invoices`), or a schema itself,
   * where the dialect has no schemas inside a database (MySQL's schema is the database; SQLite has
   * none); PostgreSQL overrides it.
   */
  protected refuseSchemas(op: Op): void {
    const named = [
      ...('table' in op ? [op.table] : []),
      ...(op.kind === 'renameTable' ? [op.to] : []),
      ...(op.kind === 'createTable' ? (op.foreignKeys ?? []).map((key) => key.referencedTable) : []),
      ...(op.kind === 'createForeignKey' ? [op.foreignKey.referencedTable] : []),
    ];
    const qualified = named.find((name) => splitQualifiedName(name).schema !== undefined);
    if (qualified !== undefined) {
      throw this.unsupported(
        op,
        `the table name ${qualified} names a schema; schemas inside a database are PostgreSQL's (a dot separates a schema from a name)`,
        'Name the table without a schema (the stream migrates the database its URL names), or use PostgreSQL.',
      );
    }
  }

  /** A SQL string literal: single quotes, an embedded quote doubled (SQL standard). */
  protected quoteString(value: string): string {
    return `'${value.replaceAll("'", "''")}'`;
  }

  /** A column type as the op spells it. */
  protected renderType(type: string, _context: RenderContext): string {
    return type;
  }

  /** A default expression as the op spells it (PostgreSQL takes any expression). */
  protected renderDefault(expression: string): string {
    return expression;
  }

  /** The clause that makes a column auto-increment (identity, `AUTO_INCREMENT`, `AUTOINCREMENT`). */
  protected abstract renderAutoIncrement(column: ColumnDefinition, site: ColumnSite): string;

  /** A generated column's clause (MySQL and SQLite spelling: stored or virtual). */
  protected renderGenerated(generated: GeneratedColumn, _site: ColumnSite): string {
    return `GENERATED ALWAYS AS (${generated.expression}) ${generated.stored ? 'STORED' : 'VIRTUAL'}`;
  }

  /** One column definition: `name type [GENERATED …] [NOT NULL] [DEFAULT …] [auto-increment]`. */
  protected renderColumn(column: ColumnDefinition, site: ColumnSite): string {
    const parts = [this.quoteIdentifier(column.name), this.renderType(column.type, site.context)];
    if (column.generated !== undefined) parts.push(this.renderGenerated(column.generated, site));
    if (column.nullable === false || site.primaryKey.includes(column.name)) parts.push('NOT NULL');
    if (column.default !== undefined) parts.push(`DEFAULT ${this.renderDefault(column.default)}`);
    if (column.autoIncrement === true) parts.push(this.renderAutoIncrement(column, site));
    return parts.join(' ');
  }

  /** A foreign-key action keyword (`ON DELETE <action>`). */
  protected renderForeignKeyAction(action: ForeignKeyAction, _site: ColumnSite): string {
    return action.toUpperCase();
  }

  /** `FOREIGN KEY (…) REFERENCES t (…) [ON DELETE …] [ON UPDATE …]`; `no action` is every dialect's default and is left out. */
  protected renderForeignKey(foreignKey: ForeignKeyDefinition, site: ColumnSite): string {
    let sql = `FOREIGN KEY (${this.columnList(foreignKey.columns)}) REFERENCES ${this.quoteQualified(foreignKey.referencedTable)} (${this.columnList(foreignKey.referencedColumns)})`;
    if (foreignKey.onDelete !== undefined && foreignKey.onDelete !== 'no action') {
      sql += ` ON DELETE ${this.renderForeignKeyAction(foreignKey.onDelete, site)}`;
    }
    if (foreignKey.onUpdate !== undefined && foreignKey.onUpdate !== 'no action') {
      sql += ` ON UPDATE ${this.renderForeignKeyAction(foreignKey.onUpdate, site)}`;
    }
    return sql;
  }

  /** `[CONSTRAINT name] PRIMARY KEY (…)`. */
  protected renderPrimaryKey(primaryKey: PrimaryKeyDefinition): string {
    const columns = `PRIMARY KEY (${this.columnList(primaryKey.columns)})`;
    return primaryKey.name === undefined ? columns : `CONSTRAINT ${this.quoteIdentifier(primaryKey.name)} ${columns}`;
  }

  /** `UNIQUE (…)`; `NULLS NOT DISTINCT` is PostgreSQL's alone, which overrides this. */
  protected renderUnique(unique: UniqueDefinition, op: Op): string {
    if (unique.nullsNotDistinct === true) {
      throw this.unsupported(op, `unique constraint "${unique.name}" is NULLS NOT DISTINCT, which only PostgreSQL 15+ has`, 'Leave `nullsNotDistinct` out, or make the columns NOT NULL.');
    }
    return `UNIQUE (${this.columnList(unique.columns)})`;
  }

  /** Whether the primary key is already stated in a column definition (SQLite `INTEGER PRIMARY KEY AUTOINCREMENT`). */
  protected primaryKeyInline(_primaryKey: PrimaryKeyDefinition, _columns: readonly ColumnDefinition[]): boolean {
    return false;
  }

  /**
   * An index access method after `USING` or an operator class: a plain word as written (`gin`,
   * `gin_trgm_ops`), anything else quoted.
   */
  protected renderIndexWord(word: string): string {
    return /^[a-z_][a-z0-9_]*$/.test(word) ? word : this.quoteIdentifier(word);
  }

  /**
   * The parenthesised part list of an index; an expression part is parenthesised on its own, and
   * each part is followed by its operator class, order and NULLS placement as the op states them
   * (https://www.postgresql.org/docs/15/sql-createindex.html).
   */
  protected renderIndexParts(columns: readonly IndexColumn[]): string {
    return columns
      .map((part) => {
        if (typeof part === 'string') return this.quoteIdentifier(part);
        const target = 'column' in part ? this.quoteIdentifier(part.column) : `(${part.expression})`;
        return [
          target,
          ...(part.opclass !== undefined ? [this.renderIndexWord(part.opclass)] : []),
          ...(part.order !== undefined ? [part.order.toUpperCase()] : []),
          ...(part.nulls !== undefined ? [`NULLS ${part.nulls.toUpperCase()}`] : []),
        ].join(' ');
      })
      .join(', ');
  }

  /**
   * `WITH (name = value, ...)`: numbers, booleans and plain words bare, anything else as a string
   * literal, which PostgreSQL accepts for any storage parameter
   * (https://www.postgresql.org/docs/15/sql-createindex.html#SQL-CREATEINDEX-STORAGE-PARAMETERS).
   */
  protected renderStorageParameters(parameters: Readonly<Record<string, StorageParameter>>): string {
    const rendered = Object.entries(parameters).map(([name, value]) => {
      const text = String(value);
      const bare = typeof value !== 'string' || /^(?:-?\d+(?:\.\d+)?|[a-z_][a-z0-9_]*)$/i.test(text);
      // A parameter name is a keyword PostgreSQL folds to lower case, never a quoted identifier.
      const key = /^[a-z_][a-z0-9_.]*$/i.test(name) ? name : this.quoteIdentifier(name);
      return `${key} = ${bare ? text : this.quoteString(text)}`;
    });
    return `WITH (${rendered.join(', ')})`;
  }

  /**
   * Refuses what only PostgreSQL indexes have (operator classes, NULLS placement, storage
   * parameters), for a dialect whose index parts take an order alone.
   */
  protected refusePostgresIndexOptions(op: CreateIndexOp): void {
    const parts = op.columns.filter((part) => typeof part !== 'string');
    if (parts.some((part) => part.opclass !== undefined)) {
      throw this.unsupported(op, 'it has no operator classes', 'Leave `opclass` out of the index parts.');
    }
    if (parts.some((part) => part.nulls !== undefined)) {
      throw this.unsupported(op, 'its indexes cannot place NULLs first or last', 'Leave `nulls` out of the index parts.');
    }
    if (op.with !== undefined && Object.keys(op.with).length > 0) {
      throw this.unsupported(op, 'it has no index storage parameters', 'Leave `with` out of the index.');
    }
  }

  /** A comma-separated list of quoted column names. */
  protected columnList(columns: readonly string[]): string {
    return columns.map((column) => this.quoteIdentifier(column)).join(', ');
  }

  /** The error for an op (or variant) this dialect cannot express. */
  /**
   * Refuses the online forms of constraint ops (`notValid`, `usingIndex`) where the dialect has none;
   * PostgreSQL overrides it. A dialect that validates every new constraint at once must not take
   * `notValid` silently: the lock it would save is taken anyway. `addColumn`'s `concurrently` is the
   * dialect's own to take: refused here.
   */
  protected refuseOnlineForms(op: Op): void {
    if (op.kind === 'addColumn' && op.concurrently === true) {
      throw this.unsupported(op, 'it cannot add a column without blocking writes', 'Leave `concurrently` out of the addColumn.');
    }
    if ((op.kind === 'createForeignKey' || op.kind === 'createCheckConstraint') && op.notValid === true) {
      throw this.unsupported(op, 'it has no NOT VALID constraints (a new constraint is checked against every row at once)', 'Leave `notValid` out, or add the constraint in a quiet window.');
    }
    if (op.kind === 'createUniqueConstraint' && op.usingIndex !== undefined) {
      throw this.unsupported(op, 'it cannot make a unique constraint from an existing index', 'Leave `usingIndex` out: the constraint builds its own index.');
    }
  }

  /** Only PostgreSQL validates a constraint added NOT VALID. */
  protected validateConstraint(op: ValidateConstraintOp): string[] {
    throw this.unsupported(op, 'it has no VALIDATE CONSTRAINT (constraints are validated when added)', 'Leave the op out: the constraint was checked when it was added.');
  }

  protected unsupported(op: Op, reason: string, hint: string): UnsupportedOperationError {
    return new UnsupportedOperationError({
      dialect: this.dialect,
      kind: op.kind,
      ...('table' in op ? { table: op.table } : {}),
      reason,
      hint,
    });
  }

  /** The error for a column definition this dialect cannot express. */
  /** An identity change where the dialect has no identity columns (everywhere but PostgreSQL, which overrides it). */
  protected refuseIdentityChange(op: AlterColumnOp): void {
    if (op.identity !== undefined) {
      throw this.unsupported(op, 'it has no identity columns (an auto-increment column has no kind or sequence options)', 'Leave `identity` out of the alterColumn.');
    }
  }

  protected unsupportedColumn(site: ColumnSite, reason: string, hint: string): UnsupportedOperationError {
    return new UnsupportedOperationError({ dialect: this.dialect, kind: site.kind, table: site.table, reason, hint });
  }

  // ---- operations --------------------------------------------------------------------------

  /**
   * `CREATE TABLE` with every column and constraint. `origin` is the op errors name: the createTable
   * itself, or the op a SQLite recreate renders the new table for.
   */
  protected createTable(op: CreateTableOp, context: RenderContext, origin: Pick<ColumnSite, 'kind' | 'table'> = op): string[] {
    const primaryKey = primaryKeyOf(op);
    const site: ColumnSite = { kind: origin.kind, table: origin.table, primaryKey: primaryKey?.columns ?? [], context };
    const lines = op.columns.map((column) => this.renderColumn(column, site));
    if (primaryKey !== undefined && !this.primaryKeyInline(primaryKey, op.columns)) {
      lines.push(this.renderPrimaryKey(primaryKey));
    }
    for (const unique of op.uniqueConstraints ?? []) {
      lines.push(`CONSTRAINT ${this.quoteIdentifier(unique.name)} ${this.renderUnique(unique, op)}`);
    }
    for (const check of op.checkConstraints ?? []) {
      lines.push(`CONSTRAINT ${this.quoteIdentifier(check.name)} CHECK (${check.expression})`);
    }
    for (const foreignKey of op.foreignKeys ?? []) {
      lines.push(`CONSTRAINT ${this.quoteIdentifier(foreignKey.name)} ${this.renderForeignKey(foreignKey, site)}`);
    }
    return [`CREATE TABLE ${this.quoteQualified(op.table)} (\n  ${lines.join(',\n  ')}\n)`];
  }

  protected dropTable(op: DropTableOp): string[] {
    return [`DROP TABLE ${this.quoteQualified(op.table)}`];
  }

  protected renameTable(op: RenameTableOp, _context: RenderContext): string[] {
    return [`ALTER TABLE ${this.quoteQualified(op.table)} RENAME TO ${this.quoteIdentifier(localName(op.to))}`];
  }

  protected addColumn(op: AddColumnOp, context: RenderContext): string[] {
    if (op.column.primaryKey === true) {
      throw this.unsupported(
        op,
        'the primaryKey shorthand belongs to createTable',
        'Add the column, then add the key with createPrimaryKey.',
      );
    }
    const site: ColumnSite = { kind: op.kind, table: op.table, primaryKey: [], context };
    return [`ALTER TABLE ${this.quoteQualified(op.table)} ADD COLUMN ${this.renderColumn(op.column, site)}`];
  }

  protected dropColumn(op: DropColumnOp): string[] {
    return [`ALTER TABLE ${this.quoteQualified(op.table)} DROP COLUMN ${this.quoteIdentifier(op.column)}`];
  }

  /**
   * One statement per change, type first so that a new default is checked against the new type
   * (https://www.postgresql.org/docs/15/sql-altertable.html).
   */
  protected alterColumn(op: AlterColumnOp, context: RenderContext): string[] {
    this.refuseIdentityChange(op);
    if (op.using !== undefined && op.type === undefined) {
      throw this.unsupported(op, 'USING converts values for a type change, and no type is given', 'Give the new type with `type`, or drop `using`.');
    }
    const target = `ALTER TABLE ${this.quoteQualified(op.table)} ALTER COLUMN ${this.quoteIdentifier(op.column)}`;
    const statements: string[] = [];
    if (op.type !== undefined) {
      const using = op.using === undefined ? '' : ` USING (${op.using})`;
      statements.push(`${target} TYPE ${this.renderType(op.type, context)}${using}`);
    }
    if (op.nullable !== undefined) statements.push(`${target} ${op.nullable ? 'DROP' : 'SET'} NOT NULL`);
    if (op.default === null) statements.push(`${target} DROP DEFAULT`);
    else if (op.default !== undefined) statements.push(`${target} SET DEFAULT ${this.renderDefault(op.default)}`);
    return statements;
  }

  protected renameColumn(op: RenameColumnOp, _context: RenderContext): string[] {
    return [
      `ALTER TABLE ${this.quoteQualified(op.table)} RENAME COLUMN ${this.quoteIdentifier(op.column)} TO ${this.quoteIdentifier(op.to)}`,
    ];
  }

  protected createIndex(op: CreateIndexOp, _context?: RenderContext): string[] {
    const unique = op.unique === true ? 'UNIQUE ' : '';
    const concurrently = op.concurrently === true ? 'CONCURRENTLY ' : '';
    const method = op.method === undefined ? '' : ` USING ${this.renderIndexWord(op.method)}`;
    const parameters = op.with === undefined || Object.keys(op.with).length === 0 ? '' : ` ${this.renderStorageParameters(op.with)}`;
    const where = op.where === undefined ? '' : ` WHERE ${op.where}`;
    return [
      `CREATE ${unique}INDEX ${concurrently}${this.quoteIdentifier(op.name)} ON ${this.quoteQualified(op.table)}${method} (${this.renderIndexParts(op.columns)})${parameters}${where}`,
    ];
  }

  protected dropIndex(op: DropIndexOp): string[] {
    if (op.concurrently === true) throw this.unsupported(op, 'it has no DROP INDEX CONCURRENTLY', 'Leave `concurrently` out of the drop.');
    return [`DROP INDEX ${this.quoteIdentifier(op.name)}`];
  }

  /** PostgreSQL's form (https://www.postgresql.org/docs/15/sql-alterindex.html): the index is renamed, not rebuilt. */
  protected renameIndex(op: RenameIndexOp, _context: RenderContext): string[] {
    return [`ALTER INDEX ${this.quoteIdentifier(op.name)} RENAME TO ${this.quoteIdentifier(op.to)}`];
  }

  /**
   * PostgreSQL's form (https://www.postgresql.org/docs/15/sql-altertable.html, RENAME CONSTRAINT):
   * any constraint, the index behind a primary key or unique constraint renamed with it, and nothing
   * that depends on it (a foreign key referencing the key) touched.
   */
  protected renameConstraint(op: RenameConstraintOp, _context: RenderContext): string[] {
    return [`ALTER TABLE ${this.quoteQualified(op.table)} RENAME CONSTRAINT ${this.quoteIdentifier(op.name)} TO ${this.quoteIdentifier(op.to)}`];
  }

  protected createForeignKey(op: CreateForeignKeyOp, context: RenderContext): string[] {
    const site: ColumnSite = { kind: op.kind, table: op.table, primaryKey: [], context };
    return [
      `ALTER TABLE ${this.quoteQualified(op.table)} ADD CONSTRAINT ${this.quoteIdentifier(op.foreignKey.name)} ${this.renderForeignKey(op.foreignKey, site)}`,
    ];
  }

  protected dropForeignKey(op: DropForeignKeyOp, _context?: RenderContext): string[] {
    return [this.dropConstraint(op.table, op.name)];
  }

  protected createUniqueConstraint(op: CreateUniqueConstraintOp): string[] {
    return [
      `ALTER TABLE ${this.quoteQualified(op.table)} ADD CONSTRAINT ${this.quoteIdentifier(op.constraint.name)} ${this.renderUnique(op.constraint, op)}`,
    ];
  }

  protected dropUniqueConstraint(op: DropUniqueConstraintOp): string[] {
    return [this.dropConstraint(op.table, op.name)];
  }

  protected createCheckConstraint(op: CreateCheckConstraintOp): string[] {
    return [
      `ALTER TABLE ${this.quoteQualified(op.table)} ADD CONSTRAINT ${this.quoteIdentifier(op.constraint.name)} CHECK (${op.constraint.expression})`,
    ];
  }

  protected dropCheckConstraint(op: DropCheckConstraintOp): string[] {
    return [this.dropConstraint(op.table, op.name)];
  }

  protected createPrimaryKey(op: CreatePrimaryKeyOp): string[] {
    return [`ALTER TABLE ${this.quoteQualified(op.table)} ADD ${this.renderPrimaryKey(op.primaryKey)}`];
  }

  /**
   * Drops the primary key by its constraint name: the op's, else the table's, else PostgreSQL's
   * default `<table>_pkey` (https://www.postgresql.org/docs/15/ddl-constraints.html#DDL-CONSTRAINTS-PRIMARY-KEYS).
   */
  protected dropPrimaryKey(op: DropPrimaryKeyOp, context: RenderContext): string[] {
    const name = op.name ?? context.table?.primaryKey?.name ?? `${localName(op.table)}_pkey`;
    return [this.dropConstraint(op.table, name)];
  }

  protected createEnum(op: CreateEnumOp): string[] {
    throw this.unsupported(op, 'it has no enum types', this.enumHint);
  }

  protected addEnumValue(op: AddEnumValueOp): string[] {
    throw this.unsupported(op, 'it has no enum types', this.enumHint);
  }

  protected renameEnumValue(op: RenameEnumValueOp): string[] {
    throw this.unsupported(op, 'it has no enum types', this.enumHint);
  }

  protected dropEnum(op: DropEnumOp): string[] {
    throw this.unsupported(op, 'it has no enum types', this.enumHint);
  }

  protected enableRowLevelSecurity(op: EnableRowLevelSecurityOp): string[] {
    throw this.unsupported(op, 'it has no row-level security', this.securityHint);
  }

  protected disableRowLevelSecurity(op: DisableRowLevelSecurityOp): string[] {
    throw this.unsupported(op, 'it has no row-level security', this.securityHint);
  }

  protected createPolicy(op: CreatePolicyOp): string[] {
    throw this.unsupported(op, 'it has no row-level security policies', this.securityHint);
  }

  protected dropPolicy(op: DropPolicyOp): string[] {
    throw this.unsupported(op, 'it has no row-level security policies', this.securityHint);
  }

  protected alterPolicy(op: AlterPolicyOp): string[] {
    throw this.unsupported(op, 'it has no row-level security policies', this.securityHint);
  }

  protected createRole(op: CreateRoleOp): string[] {
    throw this.unsupported(op, 'roles are not part of a migrated schema there', this.securityHint);
  }

  protected dropRole(op: DropRoleOp): string[] {
    throw this.unsupported(op, 'roles are not part of a migrated schema there', this.securityHint);
  }

  protected createSequence(op: CreateSequenceOp): string[] {
    throw this.unsupported(op, 'Strata keeps no standalone sequences for it', this.sequenceViewHint);
  }

  protected alterSequence(op: AlterSequenceOp): string[] {
    throw this.unsupported(op, 'Strata keeps no standalone sequences for it', this.sequenceViewHint);
  }

  protected dropSequence(op: DropSequenceOp): string[] {
    throw this.unsupported(op, 'Strata keeps no standalone sequences for it', this.sequenceViewHint);
  }

  protected createView(op: CreateViewOp): string[] {
    throw this.unsupported(op, 'Strata keeps no views for it', this.sequenceViewHint);
  }

  protected dropView(op: DropViewOp): string[] {
    throw this.unsupported(op, 'Strata keeps no views for it', this.sequenceViewHint);
  }

  protected createSchema(op: CreateSchemaOp): string[] {
    throw this.unsupported(op, 'it has no schemas inside a database', 'Leave the schema out: the stream migrates the database its URL names.');
  }

  protected dropSchema(op: DropSchemaOp): string[] {
    throw this.unsupported(op, 'it has no schemas inside a database', 'Leave the schema out: the stream migrates the database its URL names.');
  }

  /** `ALTER TABLE t DROP CONSTRAINT name`. */
  protected dropConstraint(table: string, name: string): string {
    return `ALTER TABLE ${this.quoteQualified(table)} DROP CONSTRAINT ${this.quoteIdentifier(name)}`;
  }
}

/**
 * @internal The primary key a createTable declares: its `primaryKey`, else the columns flagged with
 * the `primaryKey` shorthand (the explicit key wins when a revision gives both).
 */
export function primaryKeyOf(op: CreateTableOp): PrimaryKeyDefinition | undefined {
  if (op.primaryKey !== undefined) return op.primaryKey;
  const flagged = op.columns.filter((column) => column.primaryKey === true).map((column) => column.name);
  return flagged.length === 0 ? undefined : { columns: flagged };
}

/**
 * @internal A default in the form MySQL and SQLite accept: literals (numbers, strings, NULL, TRUE,
 * FALSE, hex/bit strings, CURRENT_TIMESTAMP/DATE/TIME) as written, any other expression wrapped in
 * parentheses (https://www.sqlite.org/lang_createtable.html#the_default_clause,
 * https://dev.mysql.com/doc/refman/8.0/en/data-type-defaults.html).
 */
export function literalOrParenthesized(expression: string): string {
  const text = expression.trim();
  const literal =
    /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text) ||
    /^'(?:[^']|'')*'$/.test(text) ||
    /^[bx]'[0-9a-f]*'$/i.test(text) ||
    /^(null|true|false)$/i.test(text) ||
    /^current_(timestamp|date|time)(\(\d*\))?$/i.test(text);
  return literal || isParenthesized(text) ? text : `(${text})`;
}
