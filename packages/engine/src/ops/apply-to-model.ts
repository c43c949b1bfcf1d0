import type { SchemaNormalizer } from '../dialects/renderer.js';
import { assertNever } from '../errors.js';
import type {
  CheckConstraintModel,
  ColumnModel,
  EnumModel,
  ForeignKeyModel,
  IdentityModel,
  IndexModel,
  IndexPart,
  IndexPartOptions,
  PolicyModel,
  PrimaryKeyModel,
  RoleModel,
  SchemaModel,
  SequenceModel,
  TableModel,
  UniqueConstraintModel,
  ViewModel,
} from '../schema/model.js';
import { mentionsColumn, renameIdentifier, renameQualifier } from '../schema/expression-identifiers.js';
import { builtKeys } from '../schema/model.js';
import { schemaOf } from '../schema/qualified-name.js';
import { TableMap } from '../schema/table-map.js';
import { defaultFields, expressionFields, policyExpressionFields, statedDefault, statedExpression, statedPair, statedPolicy, statedWhere, toSequenceModel, toViewModel } from '../schema/stated.js';
import { ColumnMissingError, InvalidOpError, ObjectExistsError, ObjectInUseError, ObjectMissingError, TableMissingError } from './errors.js';
import type {
  CheckDefinition,
  ColumnDefinition,
  CreateIndexOp,
  CreateTableOp,
  ForeignKeyDefinition,
  IndexColumn,
  IndexKeyOptions,
  Op,
  PolicyDefinition,
  UniqueDefinition,
} from './op.js';
import { validateOp } from './op-builders.js';

/**
 * A column definition as the model holds it: type and default in the dialect's canonical spelling,
 * `nullable` true unless said otherwise, NOT NULL for a `primaryKey: true` column.
 *
 * @example
 * ```ts
 * import { toColumnModel } from '@strata/engine';
 * import type { SchemaNormalizer } from '@strata/engine';
 * declare const normalizer: SchemaNormalizer;
 * toColumnModel({ name: 'id', type: 'INTEGER', primaryKey: true }, normalizer); // { name: 'id', type: 'integer', nullable: false }
 * ```
 */
export function toColumnModel(column: ColumnDefinition, normalizer: SchemaNormalizer): ColumnModel {
  const type = normalizer.normalizeType(column.type);
  // A serial is NOT NULL and auto-increment by itself; the model keeps the stated type to render it again.
  const serial = normalizer.impliesAutoIncrement?.(column.type) === true;
  return {
    name: column.name,
    type,
    ...(serial ? { statedType: column.type.trim().toLowerCase() } : {}),
    nullable: column.primaryKey || serial ? false : (column.nullable ?? true),
    ...defaultFields(column.default, type, normalizer),
    ...(serial ? { autoIncrement: true } : column.autoIncrement !== undefined ? { autoIncrement: column.autoIncrement } : {}),
    ...(column.autoIncrement === true ? identityFields(column.identity, type, normalizer) : {}),
    ...(column.generated !== undefined
      ? { generated: { ...expressionFields(column.generated.expression, normalizer), stored: column.generated.stored } }
      : {}),
  };
}

/**
 * An index part's keying as the model holds it: only what differs from the default (ascending; NULLS
 * LAST when ascending, NULLS FIRST when descending: https://www.postgresql.org/docs/15/indexes-ordering.html).
 * @internal
 */
function toIndexPartOptions(part: IndexKeyOptions): IndexPartOptions {
  const desc = part.order === 'desc';
  const nullsDefault = desc ? 'first' : 'last';
  return {
    ...(part.opclass !== undefined ? { opclass: part.opclass } : {}),
    ...(desc ? { order: 'desc' as const } : {}),
    ...(part.nulls !== undefined && part.nulls !== nullsDefault ? { nulls: part.nulls } : {}),
  };
}

/**
 * An index part as the model holds it: a column name becomes `{ column }`, keying only where it is
 * not the default, an expression normalized when a normalizer is given (a SQLite table recreate
 * copies expressions as they are).
 *
 * @example
 * ```ts
 * import { toIndexPart } from '@strata/engine';
 * toIndexPart({ column: 'a', order: 'desc', nulls: 'first' }); // { column: 'a', order: 'desc' }
 * ```
 */
export function toIndexPart(part: IndexColumn, normalizer?: SchemaNormalizer): IndexPart {
  if (typeof part === 'string') return { column: part };
  const options = toIndexPartOptions(part);
  if ('column' in part) return { column: part.column, ...options };
  return { ...(normalizer === undefined ? { expression: part.expression } : expressionFields(part.expression, normalizer)), ...options };
}

/**
 * The column an index part names when it is nothing more than that column (no expression, no
 * keying), else undefined.
 *
 * @example
 * ```ts
 * import { plainIndexColumn } from '@strata/engine';
 * plainIndexColumn({ column: 'email' }); // 'email'
 * plainIndexColumn({ column: 'email', order: 'desc' }); // undefined
 * ```
 */
export function plainIndexColumn(part: IndexColumn | IndexPart): string | undefined {
  if (typeof part === 'string') return part;
  if (!('column' in part)) return undefined;
  const keyed = part.opclass !== undefined || part.order === 'desc' || part.nulls !== undefined;
  return keyed ? undefined : part.column;
}

/**
 * An index as the model holds it: column names become `{ column }` parts, expressions and the
 * predicate are normalized, `unique` defaults to false, and a part's order, NULLS placement and the
 * storage parameters are kept only where they differ from the default. `concurrently` is left out:
 * it is how the index was built, which no catalog keeps.
 *
 * @example
 * ```ts
 * import { toIndexModel } from '@strata/engine';
 * import type { SchemaNormalizer } from '@strata/engine';
 * declare const normalizer: SchemaNormalizer;
 * toIndexModel({ name: 'ix', columns: ['a', { expression: 'lower(b)' }, { column: 'c', order: 'desc', nulls: 'first' }] }, normalizer);
 * // { name: 'ix', parts: [{ column: 'a' }, { expression: 'lower(b)' }, { column: 'c', order: 'desc' }], unique: false }
 * ```
 */
export function toIndexModel(
  index: Pick<CreateIndexOp, 'name' | 'columns' | 'unique' | 'where' | 'method' | 'with'>,
  normalizer: SchemaNormalizer,
): IndexModel {
  const withEntries = Object.entries(index.with ?? {});
  return {
    name: index.name,
    parts: index.columns.map((part) => toIndexPart(part, normalizer)),
    unique: index.unique ?? false,
    ...(index.where !== undefined ? statedPair('where', 'statedWhere', index.where, normalizer.normalizeExpression(index.where)) : {}),
    ...(index.method !== undefined ? { method: index.method } : {}),
    // pg_class.reloptions keeps `name=value` as text with the name folded to lower case.
    ...(withEntries.length > 0 ? { with: Object.fromEntries(withEntries.map(([name, value]) => [name.toLowerCase(), String(value)])) } : {}),
  };
}

/**
 * A foreign key as the model holds it: both actions default to `'no action'`.
 *
 * @example
 * ```ts
 * import { toForeignKeyModel } from '@strata/engine';
 * toForeignKeyModel({ name: 'fk', columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['id'] }).onDelete; // 'no action'
 * ```
 */
export function toForeignKeyModel(foreignKey: ForeignKeyDefinition): ForeignKeyModel {
  return {
    name: foreignKey.name,
    columns: [...foreignKey.columns],
    referencedTable: foreignKey.referencedTable,
    referencedColumns: [...foreignKey.referencedColumns],
    onDelete: foreignKey.onDelete ?? 'no action',
    onUpdate: foreignKey.onUpdate ?? 'no action',
  };
}

/**
 * A unique constraint as the model holds it.
 *
 * @example
 * ```ts
 * import { toUniqueConstraintModel } from '@strata/engine';
 * toUniqueConstraintModel({ name: 'uq', columns: ['email'] }); // { name: 'uq', columns: ['email'] }
 * ```
 */
export function toUniqueConstraintModel(constraint: UniqueDefinition): UniqueConstraintModel {
  return { name: constraint.name, columns: [...constraint.columns], ...(constraint.nullsNotDistinct === true ? { nullsNotDistinct: true as const } : {}) };
}

/**
 * A check constraint as the model holds it: the expression normalized.
 *
 * @example
 * ```ts
 * import { toCheckConstraintModel } from '@strata/engine';
 * import type { SchemaNormalizer } from '@strata/engine';
 * declare const normalizer: SchemaNormalizer;
 * toCheckConstraintModel({ name: 'ck', expression: 'amount >= 0' }, normalizer);
 * ```
 */
export function toCheckConstraintModel(constraint: CheckDefinition, normalizer: SchemaNormalizer): CheckConstraintModel {
  return { name: constraint.name, ...expressionFields(constraint.expression, normalizer) };
}

/**
 * An auto-increment column's identity as the model holds it, where the dialect has identity columns:
 * options at their defaults left out, nothing for a plain `BY DEFAULT` identity.
 * @internal
 */
function identityFields(identity: IdentityModel | undefined, type: string, normalizer: SchemaNormalizer): Pick<ColumnModel, 'identity'> {
  const normalized = identity === undefined ? undefined : normalizer.normalizeIdentity?.(identity, type);
  return normalized === undefined ? {} : { identity: normalized };
}

/**
 * A policy as the model holds it: permissive, `FOR ALL` and `TO public` unless said otherwise, the
 * roles sorted (the server keeps a set), expressions normalized like check constraints.
 *
 * @example
 * ```ts
 * import { toPolicyModel } from '@strata/engine';
 * import type { SchemaNormalizer } from '@strata/engine';
 * declare const normalizer: SchemaNormalizer;
 * toPolicyModel({ name: 'own_rows', command: 'select', using: "owner = current_user" }, normalizer);
 * // { name: 'own_rows', permissive: true, command: 'select', roles: ['public'], using: 'owner = current_user' }
 * ```
 */
export function toPolicyModel(policy: PolicyDefinition, normalizer: SchemaNormalizer): PolicyModel {
  return {
    name: policy.name,
    permissive: policy.permissive ?? true,
    command: policy.command ?? 'all',
    roles: toPolicyRoles(policy.roles),
    ...policyExpressionFields(policy, normalizer),
  };
}

/**
 * A policy's roles as the model holds them: sorted and distinct, `public` when none is named.
 * `public` among other roles is `public` alone: it already means every role.
 *
 * @example
 * ```ts
 * import { toPolicyRoles } from '@strata/engine';
 * toPolicyRoles(['writer', 'admin']); // ['admin', 'writer']
 * ```
 */
export function toPolicyRoles(roles: readonly string[] | undefined): string[] {
  if (roles === undefined || roles.length === 0 || roles.includes('public')) return ['public'];
  return [...new Set(roles)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Orders named objects by name, so that a model does not depend on the order they were created in. @internal */
function byName<T extends { readonly name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Inserts `item` before the first item whose name sorts after it. @internal */
function insertByName<T extends { readonly name: string }>(items: readonly T[], item: T): T[] {
  const at = items.findIndex((existing) => existing.name > item.name);
  return at === -1 ? [...items, item] : [...items.slice(0, at), item, ...items.slice(at)];
}

/**
 * The table a `createTable` operation makes, as the model holds it: columns through
 * {@link toColumnModel}; the primary key from `primaryKey` or from the columns marked
 * `primaryKey: true` (in column order), its columns NOT NULL; foreign keys with `'no action'`
 * defaults; no indexes (those are separate operations). Constraints are kept in name order.
 *
 * @example
 * ```ts
 * import { toTableModel } from '@strata/engine';
 * import type { SchemaNormalizer } from '@strata/engine';
 * declare const normalizer: SchemaNormalizer;
 * toTableModel({ table: 'clients', columns: [{ name: 'id', type: 'integer', primaryKey: true }] }, normalizer).primaryKey; // { columns: ['id'] }
 * ```
 */
export function toTableModel(op: Omit<CreateTableOp, 'kind'>, normalizer: SchemaNormalizer): TableModel {
  const shorthand = op.columns.filter((c) => c.primaryKey).map((c) => c.name);
  const primaryKey: PrimaryKeyModel | undefined =
    op.primaryKey !== undefined
      ? toPrimaryKeyModel(op.table, op.primaryKey.name, op.primaryKey.columns, normalizer)
      : shorthand.length > 0
        ? toPrimaryKeyModel(op.table, undefined, shorthand, normalizer)
        : undefined;
  const keyColumns = new Set(primaryKey?.columns ?? []);
  const keys = builtKeys(primaryKey, (op.uniqueConstraints ?? []).map(toUniqueConstraintModel), {
    absorbs: normalizer.primaryKeyAbsorbsUnique,
    keyNamed: op.primaryKey?.name !== undefined,
  });
  return {
    name: op.table,
    columns: op.columns.map((definition) => {
      const column = toColumnModel(definition, normalizer);
      return keyColumns.has(column.name) ? { ...column, nullable: false } : column;
    }),
    ...(keys.primaryKey !== undefined ? { primaryKey: keys.primaryKey } : {}),
    indexes: [],
    foreignKeys: byName((op.foreignKeys ?? []).map(toForeignKeyModel)),
    uniqueConstraints: byName(keys.uniqueConstraints),
    checkConstraints: byName((op.checkConstraints ?? []).map((c) => toCheckConstraintModel(c, normalizer))),
  };
}

/** A primary key as the server keeps it: named as the dialect names it (`<table>_pkey` on PostgreSQL, none on MySQL and SQLite). @internal */
function toPrimaryKeyModel(table: string, name: string | undefined, columns: readonly string[], normalizer: SchemaNormalizer): PrimaryKeyModel {
  const kept = normalizer.primaryKeyName ? normalizer.primaryKeyName(table, name) : name;
  return { ...(kept !== undefined ? { name: kept } : {}), columns: [...columns] };
}

/** Whether the dialect keeps this index as a unique constraint (MySQL: a unique index on plain columns). @internal */
function indexIsUniqueConstraint(index: { readonly unique?: boolean; readonly columns: readonly IndexColumn[] }, normalizer: SchemaNormalizer): boolean {
  return normalizer.uniqueIndexIsConstraint === true && index.unique === true && index.columns.every((part) => plainIndexColumn(part) !== undefined);
}

/**
 * An array literal default (`'{new,"a b"}'`) with each element equal to `from` replaced by `to`, quoted
 * as the server prints elements (https://www.postgresql.org/docs/current/arrays.html#ARRAYS-IO);
 * anything that is not one quoted literal is returned as it is.
 */
function renameArrayElement(literal: string, from: string, to: string): string {
  const body = /^'(\{(?:[^']|'')*\})'$/s.exec(literal)?.[1];
  if (body === undefined) return literal;
  const text = body.replaceAll("''", "'");
  const quoted = /^$|^null$|[{},"\\\s]/i.test(to) ? `"${to.replace(/["\\]/g, '\\$&')}"` : to;
  const replaced = text.replace(/"((?:[^"\\]|\\.)*)"|[^,{}"]+/g, (element, inner: string | undefined) => {
    const value = inner === undefined ? element.trim() : inner.replace(/\\(.)/g, '$1');
    return value === from ? quoted : element;
  });
  return `'${replaced.replaceAll("'", "''")}'`;
}

/**
 * A new model with `table` set (added or replaced in place). A model whose tables are a
 * {@link TableMap} keeps one, sharing the old model's storage. @internal
 */
function withTable(model: SchemaModel, table: TableModel): SchemaModel {
  return { ...model, tables: model.tables instanceof TableMap ? model.tables.with(table) : new Map(model.tables).set(table.name, table) };
}

/** A new model without the table `name`, a {@link TableMap} kept as one. @internal */
function withoutTable(model: SchemaModel, name: string): SchemaModel {
  if (model.tables instanceof TableMap) return { ...model, tables: model.tables.without(name) };
  const tables = new Map(model.tables);
  tables.delete(name);
  return { ...model, tables };
}

/** A new model with `tables` as its tables, held as a {@link TableMap} when the model's were one. @internal */
function withTables(model: SchemaModel, tables: ReadonlyMap<string, TableModel>): SchemaModel {
  return { ...model, tables: model.tables instanceof TableMap ? TableMap.from(tables) : tables };
}

/** A new model with `name` set to `value` (added or replaced in place). @internal */
function withEnum(model: SchemaModel, value: EnumModel): SchemaModel {
  const enums = new Map(model.enums);
  enums.set(value.name, value);
  return { ...model, enums };
}

/** A new model with the table's policies replaced; a table without policies holds no `policies` list. @internal */
function withPolicies(model: SchemaModel, table: TableModel, policies: readonly PolicyModel[]): SchemaModel {
  const { policies: _previous, ...rest } = table;
  return withTable(model, policies.length === 0 ? rest : { ...rest, policies });
}

/** The table's policy, or OPS_OBJECT_MISSING. @internal */
function requirePolicy(table: TableModel, name: string, op: string): PolicyModel {
  const found = table.policies?.find((p) => p.name === name);
  if (found === undefined) throw new ObjectMissingError('policy', name, table.name, op);
  return found;
}

/** The table, or OPS_TABLE_MISSING. @internal */
function requireTable(model: SchemaModel, table: string, op: string): TableModel {
  const found = model.tables.get(table);
  if (found === undefined) throw new TableMissingError(table, op);
  return found;
}

/** Throws OPS_COLUMN_MISSING for the first of `columns` the table lacks. @internal */
function requireColumns(table: TableModel, columns: readonly string[], op: string): void {
  for (const column of columns) {
    if (!table.columns.some((c) => c.name === column)) throw new ColumnMissingError(table.name, column, op);
  }
}

/** The enum, or OPS_OBJECT_MISSING. @internal */
function requireEnum(model: SchemaModel, name: string, op: string): EnumModel {
  const found = model.enums.get(name);
  if (found === undefined) throw new ObjectMissingError('enum', name, undefined, op);
  return found;
}

/**
 * Checks that a foreign key's referenced columns exist when the referenced table is in the model
 * (`self` is the table being created). A table the model does not hold belongs to another stream
 * that migrates the same database (billing's invoices → accounts' users): the stream's model cannot
 * see it, the database checks it, and the stream's `dependsOn` orders the two. @internal
 */
function requireReferenced(model: SchemaModel, foreignKey: ForeignKeyDefinition, self: TableModel, op: string): void {
  const referenced = foreignKey.referencedTable === self.name ? self : model.tables.get(foreignKey.referencedTable);
  if (referenced !== undefined) requireColumns(referenced, foreignKey.referencedColumns, op);
}

/**
 * The tables holding a foreign key that references the table `name`, in the schema's order; a
 * {@link TableMap} finds them without looking at every table. @internal
 */
function tablesReferencing(model: SchemaModel, name: string): TableModel[] {
  if (model.tables instanceof TableMap) return model.tables.referencing(name);
  return [...model.tables.values()].filter((table) => table.foreignKeys.some((fk) => fk.referencedTable === name));
}

/** The foreign keys that reference the table `name`, with the tables that hold them, in the schema's order. @internal */
function foreignKeysReferencing(model: SchemaModel, name: string): { table: TableModel; foreignKey: ForeignKeyModel }[] {
  return tablesReferencing(model, name).flatMap((table) => table.foreignKeys.filter((fk) => fk.referencedTable === name).map((foreignKey) => ({ table, foreignKey })));
}

/** `foreign key fk on table t`, for in-use messages. @internal */
function foreignKeyLabel(table: TableModel, foreignKey: ForeignKeyModel): string {
  return `foreign key ${foreignKey.name} on table ${table.name}`;
}

/**
 * dropColumn, as the three servers agree:
 * - indexes, unique constraints and a primary key made of this column alone go with it (PostgreSQL
 *   drops them, MySQL drops an index whose columns are all gone; SQLite's renderer recreates the table);
 * - anything else that still needs the column is an error (`OPS_OBJECT_IN_USE`), because the servers
 *   disagree or refuse: a multi-column index/unique/primary key (PostgreSQL drops it, MySQL narrows
 *   it), an expression index or partial-index predicate, a check constraint or generated column that
 *   mentions it, a foreign key of this table that uses it, a foreign key of any table that references
 *   it; the revision drops or changes those first;
 * - the last column of a table cannot be dropped (MySQL and SQLite refuse): `OPS_INVALID`.
 * @internal
 */
function dropColumn(model: SchemaModel, tableName: string, column: string, op: string): SchemaModel {
  const table = requireTable(model, tableName, op);
  requireColumns(table, [column], op);
  if (table.columns.length === 1) throw new InvalidOpError(op, `column ${column} is the last column of table ${tableName}; drop the table instead.`);
  const inUse = (usedBy: string): never => {
    throw new ObjectInUseError('column', column, tableName, op, usedBy);
  };
  const alone = (columns: readonly string[]): boolean => columns.every((c) => c === column);
  const indexes = table.indexes.filter((index) => {
    const columns = index.parts.flatMap((part) => ('column' in part ? [part.column] : []));
    if (columns.length === index.parts.length && alone(columns)) return false;
    if (columns.includes(column) || index.parts.some((part) => 'expression' in part && mentionsColumn(part.expression, column)) || mentionsColumn(index.where, column)) {
      inUse(`index ${index.name}`);
    }
    return true;
  });
  const uniqueConstraints = table.uniqueConstraints.filter((unique) => {
    if (alone(unique.columns)) return false;
    if (unique.columns.includes(column)) inUse(`unique constraint ${unique.name}`);
    return true;
  });
  let primaryKey = table.primaryKey;
  if (primaryKey !== undefined && alone(primaryKey.columns)) primaryKey = undefined;
  else if (primaryKey?.columns.includes(column)) inUse(`the primary key of table ${tableName}`);
  for (const check of table.checkConstraints) if (mentionsColumn(check.expression, column)) inUse(`check constraint ${check.name}`);
  // A policy's expressions depend on the columns they use: PostgreSQL refuses the drop without CASCADE.
  for (const policy of table.policies ?? []) if (mentionsColumn(policy.using, column) || mentionsColumn(policy.withCheck, column)) inUse(`policy ${policy.name}`);
  for (const other of table.columns) if (other.name !== column && mentionsColumn(other.generated?.expression, column)) inUse(`generated column ${other.name}`);
  for (const foreignKey of table.foreignKeys) if (foreignKey.columns.includes(column)) inUse(foreignKeyLabel(table, foreignKey));
  for (const { table: holder, foreignKey } of foreignKeysReferencing(model, tableName)) {
    if (foreignKey.referencedColumns.includes(column)) inUse(foreignKeyLabel(holder, foreignKey));
  }
  const { primaryKey: _dropped, ...rest } = table;
  return withTable(model, {
    ...rest,
    ...(primaryKey !== undefined ? { primaryKey } : {}),
    columns: table.columns.filter((c) => c.name !== column),
    indexes,
    uniqueConstraints,
  });
}

/**
 * renameColumn, as the servers do it: the new name replaces the old one in the table's indexes
 * (column parts, expressions, predicate), unique constraints, check constraints, primary key,
 * generated columns and foreign keys, and in the referenced columns of every foreign key (of any
 * table, this one included) that references the column.
 * @internal
 */
function renameColumn(model: SchemaModel, tableName: string, from: string, to: string, normalizer: SchemaNormalizer, op: string): SchemaModel {
  const table = requireTable(model, tableName, op);
  requireColumns(table, [from], op);
  if (table.columns.some((c) => c.name === to)) throw new ObjectExistsError('column', to, tableName, op);
  const rename = (name: string): string => (name === from ? to : name);
  // Renamed in the stated text, then compared anew: both forms follow the rename.
  const renameIn = <T extends { readonly expression: string; readonly statedExpression?: string }>(value: T): T => {
    const { statedExpression: _stated, ...rest } = value;
    return { ...rest, ...expressionFields(renameIdentifier(statedExpression(value), from, to), normalizer) } as T;
  };
  const renamed: TableModel = {
    ...table,
    columns: table.columns.map((column) => ({
      ...column,
      name: rename(column.name),
      ...(column.generated !== undefined ? { generated: renameIn(column.generated) } : {}),
    })),
    ...(table.primaryKey !== undefined ? { primaryKey: { ...table.primaryKey, columns: table.primaryKey.columns.map(rename) } } : {}),
    indexes: table.indexes.map((index) => {
      const { statedWhere: _where, ...rest } = index;
      const where = statedWhere(index);
      return {
        ...rest,
        parts: index.parts.map((part): IndexPart => ('column' in part ? { ...part, column: rename(part.column) } : renameIn(part))),
        ...(where !== undefined ? statedPair('where', 'statedWhere', renameIdentifier(where, from, to), normalizer.normalizeExpression(renameIdentifier(where, from, to))) : {}),
      };
    }),
    foreignKeys: table.foreignKeys.map((foreignKey) => ({ ...foreignKey, columns: foreignKey.columns.map(rename) })),
    uniqueConstraints: table.uniqueConstraints.map((unique) => ({ ...unique, columns: unique.columns.map(rename) })),
    checkConstraints: table.checkConstraints.map(renameIn),
    ...(table.policies !== undefined
      ? {
          policies: table.policies.map((policy) => {
            const { statedUsing: _using, statedWithCheck: _check, using: _compared, withCheck: _comparedCheck, ...rest } = policy;
            const stated = statedPolicy(policy);
            const renamedText = {
              ...(stated.using !== undefined ? { using: renameIdentifier(stated.using, from, to) } : {}),
              ...(stated.withCheck !== undefined ? { withCheck: renameIdentifier(stated.withCheck, from, to) } : {}),
            };
            return { ...rest, ...policyExpressionFields(renamedText, normalizer) };
          }),
        }
      : {}),
  };
  let result = withTable(model, renamed);
  for (const holder of tablesReferencing(result, tableName)) {
    if (!holder.foreignKeys.some((fk) => fk.referencedTable === tableName && fk.referencedColumns.includes(from))) continue;
    result = withTable(result, {
      ...holder,
      foreignKeys: holder.foreignKeys.map((fk) => (fk.referencedTable === tableName ? { ...fk, referencedColumns: fk.referencedColumns.map(rename) } : fk)),
    });
  }
  return result;
}

/**
 * renameTable: the table keeps its place, columns, indexes and constraints (the servers do not
 * rename indexes or constraints); every foreign key that references it (its own included) follows,
 * and so do its own expressions that qualify a column by the table's name (SQLite rewrites them).
 * @internal
 */
function renameTable(model: SchemaModel, from: string, to: string, op: string): SchemaModel {
  requireTable(model, from, op);
  if (model.tables.has(to)) throw new ObjectExistsError('table', to, undefined, op);
  const tables = new Map<string, TableModel>();
  for (const [name, table] of model.tables) {
    const referencing = table.foreignKeys.some((fk) => fk.referencedTable === from);
    const updated = referencing
      ? { ...table, foreignKeys: table.foreignKeys.map((fk) => (fk.referencedTable === from ? { ...fk, referencedTable: to } : fk)) }
      : table;
    if (name === from) tables.set(to, requalified({ ...updated, name: to }, from));
    else tables.set(name, updated);
  }
  return withTables(model, tables);
}

/** A renamed table whose own expressions still qualify columns by its old name `from`, qualified by its new one. @internal */
function requalified(table: TableModel, from: string): TableModel {
  const text = (expression: string): string => renameQualifier(expression, from, table.name);
  const optional = (expression: string | undefined): string | undefined => (expression === undefined ? undefined : text(expression));
  return {
    ...table,
    columns: table.columns.map((column) =>
      column.generated === undefined
        ? column
        : { ...column, generated: { ...column.generated, expression: text(column.generated.expression), ...withText('statedExpression', optional(column.generated.statedExpression)) } },
    ),
    checkConstraints: table.checkConstraints.map((check) => ({ ...check, expression: text(check.expression), ...withText('statedExpression', optional(check.statedExpression)) })),
    indexes: table.indexes.map((index) => ({
      ...index,
      parts: index.parts.map((part) => ('expression' in part ? { ...part, expression: text(part.expression), ...withText('statedExpression', optional(part.statedExpression)) } : part)),
      ...withText('where', optional(index.where)),
      ...withText('statedWhere', optional(index.statedWhere)),
    })),
  };
}

/** `{ [key]: value }`, or nothing when the value is undefined (the model leaves absent fields out). @internal */
function withText<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

/**
 * renameIndex: the index keeps its definition and place in name order. MySQL keeps a unique index
 * on plain columns as the table's unique constraint (`uniqueIndexIsConstraint`), so it is renamed there.
 * @internal
 */
function renameIndex(model: SchemaModel, tableName: string, from: string, to: string, normalizer: SchemaNormalizer, op: string): SchemaModel {
  const table = requireTable(model, tableName, op);
  requireFreeName(table.indexes, to, 'index', tableName, op);
  if (table.indexes.some((index) => index.name === from)) {
    return withTable(model, { ...table, indexes: byName(table.indexes.map((index) => (index.name === from ? { ...index, name: to } : index))) });
  }
  if (normalizer.uniqueIndexIsConstraint === true && table.uniqueConstraints.some((unique) => unique.name === from)) {
    requireFreeName(table.uniqueConstraints, to, 'index', tableName, op);
    return withTable(model, { ...table, uniqueConstraints: byName(table.uniqueConstraints.map((u) => (u.name === from ? { ...u, name: to } : u))) });
  }
  throw new ObjectMissingError('index', from, tableName, op);
}

/**
 * renameConstraint: whichever of the table's constraints has the name (primary key, unique, check,
 * foreign key) takes the new one; the new name must be free among all of them, as constraint names
 * share one namespace per table on every server.
 * @internal
 */
function renameConstraint(model: SchemaModel, tableName: string, from: string, to: string, op: string): SchemaModel {
  const table = requireTable(model, tableName, op);
  const names = [
    ...(table.primaryKey?.name !== undefined ? [{ name: table.primaryKey.name }] : []),
    ...table.uniqueConstraints,
    ...table.checkConstraints,
    ...table.foreignKeys,
  ];
  if (!names.some((item) => item.name === from)) throw new ObjectMissingError('constraint', from, tableName, op);
  if (names.some((item) => item.name === to)) throw new ObjectExistsError('constraint', to, tableName, op);
  const rename = <T extends { readonly name: string }>(items: readonly T[]): T[] => byName(items.map((item) => (item.name === from ? { ...item, name: to } : item)));
  return withTable(model, {
    ...table,
    ...(table.primaryKey?.name === from ? { primaryKey: { ...table.primaryKey, name: to } } : {}),
    uniqueConstraints: rename(table.uniqueConstraints),
    checkConstraints: rename(table.checkConstraints),
    foreignKeys: rename(table.foreignKeys),
  });
}

/** The table without the named object of one kind, or OPS_OBJECT_MISSING. @internal */
function dropNamed<K extends 'indexes' | 'foreignKeys' | 'uniqueConstraints' | 'checkConstraints'>(
  model: SchemaModel,
  tableName: string,
  key: K,
  name: string,
  object: 'index' | 'foreign key' | 'unique constraint' | 'check constraint',
  op: string,
): SchemaModel {
  const table = requireTable(model, tableName, op);
  const list = table[key] as readonly { readonly name: string }[];
  if (!list.some((item) => item.name === name)) throw new ObjectMissingError(object, name, tableName, op);
  return withTable(model, { ...table, [key]: list.filter((item) => item.name !== name) });
}

/** Throws OPS_OBJECT_EXISTS when the table already has an object of that kind and name. @internal */
function requireFreeName(
  list: readonly { readonly name: string }[],
  name: string,
  object: 'index' | 'foreign key' | 'unique constraint' | 'check constraint',
  table: string,
  op: string,
): void {
  if (list.some((item) => item.name === name)) throw new ObjectExistsError(object, name, table, op);
}

/**
 * Replays one operation into a schema model: the model as it is after the op. Pure: the input is
 * not changed (unchanged tables are shared). Types, defaults and expressions go through the
 * dialect's `normalizer`, so the result compares equal with what the live inspector reads back.
 * Named objects (indexes, foreign keys, unique and check constraints) are kept in name order.
 *
 * An op that cannot apply throws what the server would refuse, as a `StrataError` offline mode
 * reports for an unguarded op: `OPS_TABLE_MISSING`, `OPS_COLUMN_MISSING`, `OPS_OBJECT_MISSING`,
 * `OPS_OBJECT_EXISTS`, `OPS_OBJECT_IN_USE`, `OPS_INVALID`. Object names are checked per table and
 * per kind (index names against the table's indexes...), the rule all three dialects share.
 *
 * Rules where the servers have a choice: `dropColumn` removes the indexes, unique constraints and
 * primary key made of that column alone and refuses when anything else still needs the column;
 * `renameColumn` and `renameTable` carry the new name into indexes, constraints, expressions and
 * the foreign keys of other tables; `dropTable` refuses while another table's foreign key
 * references it; `dropEnum` refuses while a column uses the type; `createPrimaryKey` makes its
 * columns NOT NULL and `dropPrimaryKey` leaves them so; `alterColumn` keeps a kept default as it is.
 * Row-level security: `dropTable` takes the table's policies with it; `dropColumn` refuses while a
 * policy's expression uses the column and `renameColumn` renames it there; enabling or disabling
 * row-level security in the state it is in is no error (as on the server); `dropRole` refuses while a
 * policy names the role.
 * `execute` returns the model unchanged: the caller decides what raw SQL means (the live inspector
 * reloads).
 *
 * @example
 * ```ts
 * import { applyToModel, emptySchema } from '@strata/engine';
 * import type { SchemaNormalizer } from '@strata/engine';
 * declare const normalizer: SchemaNormalizer;
 * const model = applyToModel(emptySchema(), { kind: 'createTable', table: 'clients', columns: [{ name: 'id', type: 'integer', primaryKey: true }] }, normalizer);
 * model.tables.has('clients'); // true
 * ```
 */
export function applyToModel(model: SchemaModel, op: Op, normalizer: SchemaNormalizer): SchemaModel {
  validateOp(op);
  switch (op.kind) {
    case 'createTable': {
      if (model.tables.has(op.table)) throw new ObjectExistsError('table', op.table, undefined, op.kind);
      const table = toTableModel(op, normalizer);
      for (const foreignKey of op.foreignKeys ?? []) requireReferenced(model, foreignKey, table, op.kind);
      return withTable(model, table);
    }
    case 'dropTable': {
      requireTable(model, op.table, op.kind);
      for (const { table, foreignKey } of foreignKeysReferencing(model, op.table)) {
        if (table.name !== op.table) {
          throw new ObjectInUseError('table', op.table, undefined, op.kind, foreignKeyLabel(table, foreignKey));
        }
      }
      // The table's policies go with it (PostgreSQL drops them as dependent objects).
      return withoutTable(model, op.table);
    }
    case 'renameTable':
      return renameTable(model, op.table, op.to, op.kind);
    case 'addColumn': {
      const table = requireTable(model, op.table, op.kind);
      if (table.columns.some((c) => c.name === op.column.name)) throw new ObjectExistsError('column', op.column.name, op.table, op.kind);
      return withTable(model, { ...table, columns: [...table.columns, toColumnModel(op.column, normalizer)] });
    }
    case 'dropColumn':
      return dropColumn(model, op.table, op.column, op.kind);
    case 'alterColumn': {
      const table = requireTable(model, op.table, op.kind);
      const column = table.columns.find((c) => c.name === op.column);
      if (column === undefined) throw new ColumnMissingError(op.table, op.column, op.kind);
      if (op.nullable === true && table.primaryKey?.columns.includes(op.column)) {
        throw new InvalidOpError(op.kind, `column ${op.column} is part of the primary key of table ${op.table} and cannot be made nullable.`);
      }
      const type = op.type !== undefined ? normalizer.normalizeType(op.type) : column.type;
      const { default: _previous, statedDefault: _stated, ...rest } = column;
      const defaults =
        op.default === undefined
          ? defaultFields(statedDefault(column), type, normalizer)
          : op.default === null
            ? {}
            : defaultFields(op.default, type, normalizer);
      if (op.identity !== undefined && column.autoIncrement !== true) {
        throw new InvalidOpError(op.kind, `column ${op.column} of table ${op.table} is not an identity column, so its identity cannot change.`);
      }
      const { identity: _identity, ...plain } = rest;
      const altered: ColumnModel = {
        ...plain,
        type,
        nullable: op.nullable ?? column.nullable,
        ...defaults,
        ...identityFields(op.identity ?? column.identity, type, normalizer),
      };
      return withTable(model, { ...table, columns: table.columns.map((c) => (c.name === op.column ? altered : c)) });
    }
    case 'renameColumn':
      return renameColumn(model, op.table, op.column, op.to, normalizer, op.kind);
    case 'renameIndex':
      return renameIndex(model, op.table, op.name, op.to, normalizer, op.kind);
    case 'renameConstraint':
      return renameConstraint(model, op.table, op.name, op.to, op.kind);
    case 'createIndex': {
      const found = requireTable(model, op.table, op.kind);
      // An INVALID index of that name (a failed concurrent build) is dropped by the create: it repairs it.
      const table = found.indexes.some((i) => i.name === op.name && i.valid === false) ? { ...found, indexes: found.indexes.filter((i) => i.name !== op.name) } : found;
      requireFreeName(table.indexes, op.name, 'index', op.table, op.kind);
      requireColumns(table, op.columns.flatMap((c) => (typeof c === 'string' ? [c] : 'column' in c ? [c.column] : [])), op.kind);
      if (indexIsUniqueConstraint(op, normalizer)) {
        // MySQL: the index is its unique constraint, as the reader reports it (and in the same namespace).
        requireFreeName(table.uniqueConstraints, op.name, 'index', op.table, op.kind);
        const columns = op.columns.flatMap((c) => plainIndexColumn(c) ?? []);
        return withTable(model, { ...table, uniqueConstraints: insertByName(table.uniqueConstraints, toUniqueConstraintModel({ name: op.name, columns })) });
      }
      return withTable(model, { ...table, indexes: insertByName(table.indexes, toIndexModel(op, normalizer)) });
    }
    case 'dropIndex': {
      const table = model.tables.get(op.table);
      if (normalizer.uniqueIndexIsConstraint === true && table !== undefined && !table.indexes.some((i) => i.name === op.name) && table.uniqueConstraints.some((u) => u.name === op.name)) {
        return dropNamed(model, op.table, 'uniqueConstraints', op.name, 'index', op.kind);
      }
      return dropNamed(model, op.table, 'indexes', op.name, 'index', op.kind);
    }
    case 'createForeignKey': {
      const table = requireTable(model, op.table, op.kind);
      requireFreeName(table.foreignKeys, op.foreignKey.name, 'foreign key', op.table, op.kind);
      requireColumns(table, op.foreignKey.columns, op.kind);
      requireReferenced(model, op.foreignKey, table, op.kind);
      return withTable(model, { ...table, foreignKeys: insertByName(table.foreignKeys, toForeignKeyModel(op.foreignKey)) });
    }
    case 'dropForeignKey':
      return dropNamed(model, op.table, 'foreignKeys', op.name, 'foreign key', op.kind);
    case 'createUniqueConstraint': {
      const found = requireTable(model, op.table, op.kind);
      // `usingIndex`: the index becomes the constraint (PostgreSQL renames it to the constraint's name).
      if (op.usingIndex !== undefined && !found.indexes.some((i) => i.name === op.usingIndex)) throw new ObjectMissingError('index', op.usingIndex, op.table, op.kind);
      const table = op.usingIndex === undefined ? found : { ...found, indexes: found.indexes.filter((i) => i.name !== op.usingIndex) };
      requireFreeName(table.uniqueConstraints, op.constraint.name, 'unique constraint', op.table, op.kind);
      requireColumns(table, op.constraint.columns, op.kind);
      return withTable(model, { ...table, uniqueConstraints: insertByName(table.uniqueConstraints, toUniqueConstraintModel(op.constraint)) });
    }
    case 'dropUniqueConstraint':
      return dropNamed(model, op.table, 'uniqueConstraints', op.name, 'unique constraint', op.kind);
    case 'createCheckConstraint': {
      const table = requireTable(model, op.table, op.kind);
      requireFreeName(table.checkConstraints, op.constraint.name, 'check constraint', op.table, op.kind);
      return withTable(model, {
        ...table,
        checkConstraints: insertByName(table.checkConstraints, toCheckConstraintModel(op.constraint, normalizer)),
      });
    }
    case 'dropCheckConstraint':
      return dropNamed(model, op.table, 'checkConstraints', op.name, 'check constraint', op.kind);
    case 'validateConstraint': {
      // The model holds no validity for constraints: validating changes nothing it keeps, but the constraint must exist.
      const table = requireTable(model, op.table, op.kind);
      if (![...table.foreignKeys, ...table.checkConstraints].some((c) => c.name === op.name)) throw new ObjectMissingError('check constraint', op.name, op.table, op.kind);
      return model;
    }
    case 'createPrimaryKey': {
      const table = requireTable(model, op.table, op.kind);
      if (table.primaryKey !== undefined) {
        throw new ObjectExistsError('primary key', table.primaryKey.name ?? `(${table.primaryKey.columns.join(', ')})`, op.table, op.kind);
      }
      requireColumns(table, op.primaryKey.columns, op.kind);
      const keyColumns = new Set(op.primaryKey.columns);
      return withTable(model, {
        ...table,
        columns: table.columns.map((c) => (keyColumns.has(c.name) && c.nullable ? { ...c, nullable: false } : c)),
        primaryKey: toPrimaryKeyModel(op.table, op.primaryKey.name, op.primaryKey.columns, normalizer),
      });
    }
    case 'dropPrimaryKey': {
      const table = requireTable(model, op.table, op.kind);
      const existing = table.primaryKey;
      if (existing === undefined || (op.name !== undefined && existing.name !== undefined && existing.name !== op.name)) {
        throw new ObjectMissingError('primary key', op.name ?? `of table ${op.table}`, op.table, op.kind);
      }
      const { primaryKey: _dropped, ...rest } = table;
      return withTable(model, rest);
    }
    case 'createEnum':
      if (model.enums.has(op.name)) throw new ObjectExistsError('enum', op.name, undefined, op.kind);
      return withEnum(model, { name: op.name, values: [...op.values] });
    case 'addEnumValue': {
      const existing = requireEnum(model, op.name, op.kind);
      if (existing.values.includes(op.value)) throw new ObjectExistsError('enum value', op.value, undefined, op.kind);
      const anchor = op.before ?? op.after;
      let at = existing.values.length;
      if (anchor !== undefined) {
        const index = existing.values.indexOf(anchor);
        if (index === -1) throw new ObjectMissingError('enum value', anchor, undefined, op.kind);
        at = op.before !== undefined ? index : index + 1;
      }
      return withEnum(model, { name: op.name, values: [...existing.values.slice(0, at), op.value, ...existing.values.slice(at)] });
    }
    case 'renameEnumValue': {
      const existing = requireEnum(model, op.name, op.kind);
      if (!existing.values.includes(op.value)) throw new ObjectMissingError('enum value', op.value, undefined, op.kind);
      if (existing.values.includes(op.to)) throw new ObjectExistsError('enum value', op.to, undefined, op.kind);
      // A column default holding the value follows it: the server stores the default as the enum
      // value itself, and prints it back renamed (ALTER TYPE ... RENAME VALUE).
      const spelling = normalizer.normalizeType(`"${op.name.replaceAll('"', '""')}"`);
      const literal = (value: string): string => `'${value.replaceAll("'", "''")}'`;
      let renamed = withEnum(model, { name: op.name, values: existing.values.map((v) => (v === op.value ? op.to : v)) });
      for (const table of model.tables.values()) {
        const columns = table.columns.map((column) => {
          if (column.default === undefined) return column;
          let next: string | undefined;
          if (column.type === spelling && column.default === normalizer.normalizeDefault(literal(op.value), column.type)) {
            next = normalizer.normalizeDefault(literal(op.to), column.type);
          } else if (column.type.startsWith(`${spelling}[`)) {
            // An array default (`'{new,paid}'`, in comparison form) holds the value as an element.
            const renamedArray = renameArrayElement(column.default, op.value, op.to);
            if (renamedArray !== column.default) next = normalizer.normalizeDefault(renamedArray, column.type);
          }
          if (next === undefined) return column;
          const { statedDefault: _stated, ...rest } = column;
          return { ...rest, default: next };
        });
        if (columns.some((column, i) => column !== table.columns[i])) renamed = withTable(renamed, { ...table, columns });
      }
      return renamed;
    }
    case 'dropEnum': {
      requireEnum(model, op.name, op.kind);
      // The type as a column spells it: the quoted name in canonical form (`"Mood"`, or `mood` bare), arrays of it too.
      const spelling = normalizer.normalizeType(`"${op.name.replaceAll('"', '""')}"`);
      for (const table of model.tables.values()) {
        const user = table.columns.find((c) => c.type === spelling || c.type.startsWith(`${spelling}[`));
        if (user !== undefined) throw new ObjectInUseError('enum', op.name, undefined, op.kind, `column ${user.name} of table ${table.name}`);
      }
      const enums = new Map(model.enums);
      enums.delete(op.name);
      return { ...model, enums };
    }
    case 'enableRowLevelSecurity':
    case 'disableRowLevelSecurity': {
      // Like the server, switching row-level security to the state it is in is no error.
      const table = requireTable(model, op.table, op.kind);
      const enabled = op.kind === 'enableRowLevelSecurity';
      const forced = op.force ?? table.rowLevelSecurity?.forced ?? false;
      const { rowLevelSecurity: _previous, ...rest } = table;
      return withTable(model, enabled || forced ? { ...rest, rowLevelSecurity: { enabled, forced } } : rest);
    }
    case 'createPolicy': {
      const table = requireTable(model, op.table, op.kind);
      const policies = table.policies ?? [];
      if (policies.some((p) => p.name === op.policy.name)) throw new ObjectExistsError('policy', op.policy.name, op.table, op.kind);
      return withPolicies(model, table, insertByName(policies, toPolicyModel(op.policy, normalizer)));
    }
    case 'dropPolicy': {
      const table = requireTable(model, op.table, op.kind);
      requirePolicy(table, op.name, op.kind);
      return withPolicies(model, table, (table.policies ?? []).filter((p) => p.name !== op.name));
    }
    case 'alterPolicy': {
      const table = requireTable(model, op.table, op.kind);
      const existing = requirePolicy(table, op.name, op.kind);
      const { using: _using, statedUsing: _statedUsing, withCheck: _withCheck, statedWithCheck: _statedWithCheck, ...kept } = existing;
      const stated = statedPolicy(existing);
      const altered: PolicyModel = {
        ...kept,
        ...(op.roles !== undefined ? { roles: toPolicyRoles(op.roles) } : {}),
        ...policyExpressionFields({ ...stated, ...(op.using !== undefined ? { using: op.using } : {}), ...(op.withCheck !== undefined ? { withCheck: op.withCheck } : {}) }, normalizer),
      };
      return withPolicies(model, table, (table.policies ?? []).map((p) => (p.name === op.name ? altered : p)));
    }
    case 'createRole': {
      if (model.roles?.has(op.name)) throw new ObjectExistsError('role', op.name, undefined, op.kind);
      const role: RoleModel = { name: op.name, createDb: op.createDb ?? false, createRole: op.createRole ?? false, inherit: op.inherit ?? true };
      const roles: [string, RoleModel][] = [...(model.roles ?? new Map<string, RoleModel>()), [op.name, role]];
      return { ...model, roles: new Map(roles.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
    }
    case 'dropRole': {
      if (!model.roles?.has(op.name)) throw new ObjectMissingError('role', op.name, undefined, op.kind);
      // DROP ROLE fails while a policy names the role (https://www.postgresql.org/docs/15/sql-droprole.html).
      for (const table of model.tables.values()) {
        const user = table.policies?.find((p) => p.roles.includes(op.name));
        if (user !== undefined) throw new ObjectInUseError('role', op.name, undefined, op.kind, `policy ${user.name} on table ${table.name}`);
      }
      const roles = new Map(model.roles);
      roles.delete(op.name);
      const { roles: _all, ...rest } = model;
      return roles.size === 0 ? rest : { ...rest, roles };
    }
    case 'createSequence':
    case 'alterSequence': {
      const exists = model.sequences?.has(op.name) === true;
      if (op.kind === 'createSequence' && exists) throw new ObjectExistsError('sequence', op.name, undefined, op.kind);
      if (op.kind === 'alterSequence' && !exists) throw new ObjectMissingError('sequence', op.name, undefined, op.kind);
      if (op.kind === 'createSequence' && model.views?.has(op.name) === true) throw new ObjectExistsError('view', op.name, undefined, op.kind);
      return withNamed(model, 'sequences', toSequenceModel(op, normalizer));
    }
    case 'dropSequence':
      if (model.sequences?.has(op.name) !== true) throw new ObjectMissingError('sequence', op.name, undefined, op.kind);
      return withoutNamed(model, 'sequences', op.name);
    case 'createView': {
      // Views share the relation namespace with tables and sequences.
      if (model.views?.has(op.name) === true || model.tables.has(op.name) || model.sequences?.has(op.name) === true) {
        throw new ObjectExistsError('view', op.name, undefined, op.kind);
      }
      return withNamed(model, 'views', toViewModel(op, normalizer));
    }
    case 'dropView': {
      const existing = model.views?.get(op.name);
      if (existing === undefined || (op.materialized !== undefined && existing.materialized !== op.materialized)) {
        throw new ObjectMissingError(op.materialized === true ? 'materialized view' : 'view', op.name, undefined, op.kind);
      }
      return withoutNamed(model, 'views', op.name);
    }
    case 'createSchema': {
      // `CREATE SCHEMA IF NOT EXISTS`: a schema already there is left as it is.
      const schemas = model.schemas ?? [];
      return schemas.includes(op.name) ? model : { ...model, schemas: [...schemas, op.name].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
    }
    case 'dropSchema': {
      // `DROP SCHEMA IF EXISTS` without CASCADE: refused while an object is left in it.
      const user = objectsInSchema(model, op.name)[0];
      if (user !== undefined) throw new ObjectInUseError('schema', op.name, undefined, op.kind, user);
      const schemas = (model.schemas ?? []).filter((name) => name !== op.name);
      const { schemas: _all, ...rest } = model;
      return schemas.length === 0 ? rest : { ...rest, schemas };
    }
    case 'execute':
      return model;
    default:
      return assertNever(op);
  }
}

/** The objects of `model` in the PostgreSQL schema `schema`, named (`table billing.invoices`). @internal */
export function objectsInSchema(model: SchemaModel, schema: string): string[] {
  const kinds: [string, Iterable<string>][] = [
    ['table', model.tables.keys()],
    ['enum', model.enums.keys()],
    ['sequence', model.sequences?.keys() ?? []],
    ['view', model.views?.keys() ?? []],
  ];
  return kinds.flatMap(([kind, names]) => [...names].filter((name) => schemaOf(name) === schema).map((name) => `${kind} ${name}`));
}

/** The model with `item` set in one of its optional name-keyed maps, kept in name order. @internal */
function withNamed<K extends 'sequences' | 'views'>(model: SchemaModel, key: K, item: K extends 'sequences' ? SequenceModel : ViewModel): SchemaModel {
  const entries: [string, SequenceModel | ViewModel][] = [...(model[key] ?? new Map<string, SequenceModel | ViewModel>())].filter(([name]) => name !== item.name);
  entries.push([item.name, item]);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { ...model, [key]: new Map(entries) };
}

/** The model without `name` in one of its optional maps; the map left out once empty. @internal */
function withoutNamed(model: SchemaModel, key: 'sequences' | 'views', name: string): SchemaModel {
  const map = new Map<string, unknown>(model[key]);
  map.delete(name);
  const { [key]: _all, ...rest } = model;
  return map.size === 0 ? rest : { ...rest, [key]: map };
}
