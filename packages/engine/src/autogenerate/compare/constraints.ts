import type { CheckConstraintModel, ForeignKeyModel, PrimaryKeyModel, TableModel, UniqueConstraintModel } from '../../schema/model.js';
import type {
  CreateCheckConstraintOp,
  CreateForeignKeyOp,
  CreatePrimaryKeyOp,
  CreateUniqueConstraintOp,
  DropCheckConstraintOp,
  DropForeignKeyOp,
  DropPrimaryKeyOp,
  DropUniqueConstraintOp,
  ForeignKeyDefinition,
  PrimaryKeyDefinition,
} from '../../ops/op.js';
import { checkDefinitionOf, uniqueDefinitionOf } from '../../ops/from-model.js';
import { mentionsColumn } from '../../schema/expression-identifiers.js';
import { compareText } from './columns.js';

/** What to drop, create and rename for one kind of named object, each sorted by name. @internal */
export interface NamedComparison<T> {
  readonly drop: readonly T[];
  readonly create: readonly T[];
  /** Objects that only change their name: renamed in place, never dropped and created again. */
  readonly rename: readonly { readonly from: T; readonly to: T }[];
}

/**
 * Compares two lists of named objects: one that disappears or changes (`same` says no) is dropped,
 * and so is one that `forced` says must be rebuilt (it needs a column that is dropped and added
 * again, or its key changes under it); one that appears, changes or was forced is created.
 *
 * One that disappears while another with the same definition appears under a new name (a table
 * rename's `users_pkey` that the schema now calls `members_pkey`, or an index renamed in the
 * schema) is a rename instead: renaming in place keeps what depends on it (a foreign key on the
 * key) and rebuilds nothing. Pairs are taken in name order; a forced one is never renamed.
 * @internal
 */
export function compareNamed<T extends { readonly name: string }>(
  from: readonly T[],
  to: readonly T[],
  same: (a: T, b: T) => boolean,
  forced: (item: T) => boolean,
): NamedComparison<T> {
  const after = new Map(to.map((item) => [item.name, item]));
  const before = new Set(from.map((item) => item.name));
  const byName = (a: T, b: T): number => compareText(a.name, b.name);
  const drop = from
    .filter((item) => {
      const target = after.get(item.name);
      return target === undefined || !same(item, target) || forced(item);
    })
    .sort(byName);
  const dropped = new Set(drop.map((item) => item.name));
  const create = to.filter((item) => !before.has(item.name) || dropped.has(item.name)).sort(byName);
  const rename: { from: T; to: T }[] = [];
  for (const old of drop) {
    if (after.has(old.name) || forced(old)) continue;
    const target = create.find((item) => !before.has(item.name) && !rename.some((pair) => pair.to === item) && same(old, item));
    if (target !== undefined) rename.push({ from: old, to: target });
  }
  return {
    drop: drop.filter((item) => !rename.some((pair) => pair.from === item)),
    create: create.filter((item) => !rename.some((pair) => pair.to === item)),
    rename,
  };
}

/** Whether two name lists are equal, in order. @internal */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** A column set as a comparable key: a foreign key needs the key of the referenced table whose columns are the same set. @internal */
export function keyOf(columns: readonly string[]): string {
  return [...columns].sort(compareText).join('\u0000');
}

/**
 * The primary key changes of one table: drop the old one, create the new one (no server alters a
 * key's columns in place), or rename it when only its name changes.
 * @internal
 */
export interface PrimaryKeyComparison {
  readonly drop?: PrimaryKeyModel;
  readonly create?: PrimaryKeyModel;
  readonly rename?: { readonly from: string; readonly to: string };
}

/**
 * Compares the primary keys of a table present in both schemas: different columns (order
 * included) is a drop then a create, and so is a key on a column that is dropped and added again
 * (`gone`); a key whose name alone changes is renamed (a name appearing or disappearing, which only
 * a dialect that names keys sometimes could produce, is a drop then a create).
 * @internal
 */
export function comparePrimaryKey(from: TableModel, to: TableModel, gone: (column: string) => boolean): PrimaryKeyComparison {
  const before = from.primaryKey;
  const after = to.primaryKey;
  const rebuilt = before !== undefined && (after === undefined || !sameList(before.columns, after.columns) || before.columns.some(gone));
  if (!rebuilt && before?.name !== undefined && after?.name !== undefined && before.name !== after.name) return { rename: { from: before.name, to: after.name } };
  const changed = rebuilt || (before !== undefined && before.name !== after?.name);
  const drop = changed ? before : undefined;
  const create = after !== undefined && (before === undefined || changed) ? after : undefined;
  return { ...(drop !== undefined ? { drop } : {}), ...(create !== undefined ? { create } : {}) };
}

/** @internal */
export function primaryKeyDefinition(primaryKey: PrimaryKeyModel): PrimaryKeyDefinition {
  return { ...(primaryKey.name !== undefined ? { name: primaryKey.name } : {}), columns: [...primaryKey.columns] };
}

/** @internal */
export function createPrimaryKeyOp(table: string, primaryKey: PrimaryKeyModel): CreatePrimaryKeyOp {
  return { kind: 'createPrimaryKey', table, primaryKey: primaryKeyDefinition(primaryKey) };
}

/** @internal */
export function dropPrimaryKeyOp(table: string, primaryKey: PrimaryKeyModel): DropPrimaryKeyOp {
  return { kind: 'dropPrimaryKey', table, ...(primaryKey.name !== undefined ? { name: primaryKey.name } : {}) };
}

/** Unique constraints of a table present in both schemas; one on a `gone` column is rebuilt. @internal */
export function compareUniqueConstraints(from: TableModel, to: TableModel, gone: (column: string) => boolean): NamedComparison<UniqueConstraintModel> {
  return compareNamed(
    from.uniqueConstraints,
    to.uniqueConstraints,
    (a, b) => sameList(a.columns, b.columns) && a.nullsNotDistinct === b.nullsNotDistinct,
    (unique) => unique.columns.some(gone),
  );
}

/** @internal */
export function createUniqueOp(table: string, unique: UniqueConstraintModel): CreateUniqueConstraintOp {
  return { kind: 'createUniqueConstraint', table, constraint: uniqueDefinitionOf(unique) };
}

/** @internal */
export function dropUniqueOp(table: string, unique: UniqueConstraintModel): DropUniqueConstraintOp {
  return { kind: 'dropUniqueConstraint', table, name: unique.name };
}

/**
 * Check constraints of a table present in both schemas: a changed expression is a drop then a
 * create; one whose expression uses a `gone` column is rebuilt.
 * @internal
 */
export function compareCheckConstraints(from: TableModel, to: TableModel, gone: (column: string) => boolean): NamedComparison<CheckConstraintModel> {
  return compareNamed(
    from.checkConstraints,
    to.checkConstraints,
    (a, b) => a.expression === b.expression,
    (check) => from.columns.some((c) => gone(c.name) && mentionsColumn(check.expression, c.name)),
  );
}

/** @internal */
export function createCheckOp(table: string, check: CheckConstraintModel): CreateCheckConstraintOp {
  return { kind: 'createCheckConstraint', table, constraint: checkDefinitionOf(check) };
}

/** @internal */
export function dropCheckOp(table: string, check: CheckConstraintModel): DropCheckConstraintOp {
  return { kind: 'dropCheckConstraint', table, name: check.name };
}

/** Whether two foreign keys of the same name have the same definition. @internal */
export function sameForeignKey(a: ForeignKeyModel, b: ForeignKeyModel): boolean {
  return (
    sameList(a.columns, b.columns) &&
    a.referencedTable === b.referencedTable &&
    sameList(a.referencedColumns, b.referencedColumns) &&
    a.onDelete === b.onDelete &&
    a.onUpdate === b.onUpdate
  );
}

/** The definition that creates `foreignKey` (actions only when not the default `no action`). @internal */
export function foreignKeyDefinition(foreignKey: ForeignKeyModel): ForeignKeyDefinition {
  return {
    name: foreignKey.name,
    columns: [...foreignKey.columns],
    referencedTable: foreignKey.referencedTable,
    referencedColumns: [...foreignKey.referencedColumns],
    ...(foreignKey.onDelete !== 'no action' ? { onDelete: foreignKey.onDelete } : {}),
    ...(foreignKey.onUpdate !== 'no action' ? { onUpdate: foreignKey.onUpdate } : {}),
  };
}

/** @internal */
export function createForeignKeyOp(table: string, foreignKey: ForeignKeyModel): CreateForeignKeyOp {
  return { kind: 'createForeignKey', table, foreignKey: foreignKeyDefinition(foreignKey) };
}

/** @internal */
export function dropForeignKeyOp(table: string, foreignKey: ForeignKeyModel): DropForeignKeyOp {
  return { kind: 'dropForeignKey', table, name: foreignKey.name };
}
