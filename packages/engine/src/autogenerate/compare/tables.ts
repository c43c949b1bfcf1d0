import type { ForeignKeyModel, SchemaModel, TableModel } from '../../schema/model.js';
import type { CreateTableOp } from '../../ops/op.js';
import type { PlannedOp } from '../diff.js';
import { InvalidRenameError, UnknownRenameError } from '../errors.js';
import { checkDefinitionOf, columnDefinitionOf, uniqueDefinitionOf } from '../../ops/from-model.js';
import { compareText } from './columns.js';
import { dropForeignKeyOp, foreignKeyDefinition, primaryKeyDefinition } from './constraints.js';

/** One table rename. @internal */
export interface TableRename {
  readonly from: string;
  readonly to: string;
}

/**
 * The table rename hints, checked: the old name exists in `from` only, the new name in `to` only,
 * and no two hints share a new name. Sorted by old name. (Swapping two names is not a rename the
 * hints can express; it takes two revisions.)
 * @internal
 */
export function resolveTableRenames(hints: Readonly<Record<string, string>> | undefined, from: SchemaModel, to: SchemaModel): TableRename[] {
  const renames: TableRename[] = [];
  for (const [oldName, newName] of Object.entries(hints ?? {})) {
    if (!from.tables.has(oldName)) throw new UnknownRenameError('table', oldName, newName, `table ${oldName} does not exist in the previous schema`);
    if (!to.tables.has(newName)) throw new UnknownRenameError('table', oldName, newName, `table ${newName} does not exist in the target schema`);
    if (to.tables.has(oldName)) throw new InvalidRenameError('table', oldName, newName, `table ${oldName} still exists in the target schema`);
    if (from.tables.has(newName)) throw new InvalidRenameError('table', oldName, newName, `table ${newName} already exists in the previous schema`);
    if (renames.some((rename) => rename.to === newName)) {
      throw new InvalidRenameError('table', oldName, newName, `another hint also renames a table to ${newName}`);
    }
    renames.push({ from: oldName, to: newName });
  }
  return renames.sort((a, b) => compareText(a.from, b.from));
}

/**
 * The createTable op for `table`: columns, primary key, unique and check constraints, and the
 * foreign keys not named in `deferred` (those are created afterwards, to break a cycle). Indexes
 * are separate ops.
 * @internal
 */
export function createTableOp(table: TableModel, deferred: ReadonlySet<string>): CreateTableOp {
  const foreignKeys = table.foreignKeys.filter((fk) => !deferred.has(fk.name));
  return {
    kind: 'createTable',
    table: table.name,
    columns: table.columns.map(columnDefinitionOf),
    ...(table.primaryKey !== undefined ? { primaryKey: primaryKeyDefinition(table.primaryKey) } : {}),
    ...(table.uniqueConstraints.length > 0 ? { uniqueConstraints: table.uniqueConstraints.map(uniqueDefinitionOf) } : {}),
    ...(table.checkConstraints.length > 0 ? { checkConstraints: table.checkConstraints.map(checkDefinitionOf) } : {}),
    ...(foreignKeys.length > 0 ? { foreignKeys: foreignKeys.map(foreignKeyDefinition) } : {}),
  };
}

/** Tables in creation order, and the foreign keys left out of their createTable to break cycles. @internal */
export interface CreationOrder {
  readonly order: readonly TableModel[];
  readonly deferred: readonly { readonly table: string; readonly foreignKey: ForeignKeyModel }[];
}

/**
 * Orders the tables to create so that a table comes after every other new table its foreign keys
 * reference (a self-reference is fine: createTable accepts it). Among the tables ready, the first
 * by name goes first. On a cycle, the first remaining table by name is created without its foreign
 * keys to tables not created yet, and those keys are returned as `deferred`.
 * @internal
 */
export function creationOrder(tables: readonly TableModel[]): CreationOrder {
  const remaining = [...tables].sort((a, b) => compareText(a.name, b.name));
  const pending = new Set(remaining.map((t) => t.name));
  const waitsOn = (table: TableModel, fk: ForeignKeyModel): boolean => fk.referencedTable !== table.name && pending.has(fk.referencedTable);
  const order: TableModel[] = [];
  const deferred: { table: string; foreignKey: ForeignKeyModel }[] = [];
  while (remaining.length > 0) {
    const readyAt = remaining.findIndex((table) => !table.foreignKeys.some((fk) => waitsOn(table, fk)));
    const table = remaining.splice(readyAt === -1 ? 0 : readyAt, 1)[0] as TableModel;
    if (readyAt === -1) {
      for (const foreignKey of table.foreignKeys) if (waitsOn(table, foreignKey)) deferred.push({ table: table.name, foreignKey });
    }
    pending.delete(table.name);
    order.push(table);
  }
  return { order, deferred };
}

/**
 * The ops that drop `tables`: a table goes only once no other table still to drop references it
 * (among the tables ready, the first by name). On a cycle, the foreign keys that reference the
 * first remaining table by name are dropped first. `gone` says which foreign keys an earlier op
 * already dropped.
 * @internal
 */
export function dropTables(tables: readonly TableModel[], gone: (table: string, foreignKey: string) => boolean): PlannedOp[] {
  const remaining = [...tables].sort((a, b) => compareText(a.name, b.name));
  const dropped = new Set<string>();
  const ops: PlannedOp[] = [];
  const referencing = (target: string): { table: TableModel; foreignKey: ForeignKeyModel }[] =>
    remaining.flatMap((table) =>
      table.name === target
        ? []
        : table.foreignKeys
            .filter((fk) => fk.referencedTable === target && !gone(table.name, fk.name) && !dropped.has(`${table.name}\u0000${fk.name}`))
            .map((foreignKey) => ({ table, foreignKey })),
    );
  while (remaining.length > 0) {
    const readyAt = remaining.findIndex((table) => referencing(table.name).length === 0);
    const table = remaining[readyAt === -1 ? 0 : readyAt] as TableModel;
    for (const { table: holder, foreignKey } of referencing(table.name)) {
      dropped.add(`${holder.name}\u0000${foreignKey.name}`);
      ops.push({ op: dropForeignKeyOp(holder.name, foreignKey) });
    }
    remaining.splice(remaining.indexOf(table), 1);
    ops.push({ op: { kind: 'dropTable', table: table.name }, reason: `drops table ${table.name} and its rows` });
  }
  return ops;
}
