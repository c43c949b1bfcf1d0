import type { SchemaNormalizer } from '../dialects/renderer.js';
import { applyToModel } from '../ops/apply-to-model.js';
import type { Op } from '../ops/op.js';
import type { ForeignKeyModel, SchemaModel, TableModel } from '../schema/model.js';
import { statedDefinition } from '../schema/stated.js';
import { columnDefinitionOf, toCreateIndexOp, toCreatePolicyOp, toCreateViewOp } from '../ops/from-model.js';
import { addColumnRisk, compareColumns, compareText, resolveColumnRenames, type ColumnComparison } from './compare/columns.js';
import {
  compareCheckConstraints,
  compareNamed,
  comparePrimaryKey,
  compareUniqueConstraints,
  createCheckOp,
  createForeignKeyOp,
  createPrimaryKeyOp,
  createUniqueOp,
  dropCheckOp,
  dropForeignKeyOp,
  dropPrimaryKeyOp,
  dropUniqueOp,
  keyOf,
  sameForeignKey,
} from './compare/constraints.js';
import { compareEnums } from './compare/enums.js';
import { compareIndexes, dropIndexOp } from './compare/indexes.js';
import { comparePolicies, compareRoles, dropPolicyOp, rowLevelSecurityOp } from './compare/policies.js';
import { createTableOp, creationOrder, dropTables, resolveTableRenames } from './compare/tables.js';
import { compareSequences, compareViews, createdReaders, tableChanged } from './compare/views.js';

/**
 * What {@link diffSchemas} needs beyond the two schemas.
 *
 * @example
 * ```ts
 * import type { DiffOptions } from '@strata/engine';
 * const options: DiffOptions = {
 *   renames: { tables: { customer: 'clients' }, columns: { 'clients.mail': 'email' } },
 *   capabilities: { enums: true },
 * };
 * ```
 */
export interface DiffOptions {
  /**
   * Renames the diff cannot see by itself: `tables` maps an old table name to its new one;
   * `columns` maps `table.old` to the new column name, the table named as in the target schema.
   */
  readonly renames?: {
    readonly tables?: Readonly<Record<string, string>>;
    readonly columns?: Readonly<Record<string, string>>;
  };
  /** `enums`: the dialect has enum types of its own (PostgreSQL); elsewhere an enum lives in the column type. */
  readonly capabilities: { readonly enums: boolean };
}

/**
 * A possible rename the diff did not assume: tables (or columns of one table) that disappear while
 * others appear, with no hint naming them. The ops drop and add them; the caller decides whether to
 * ask for hints instead.
 *
 * @example
 * ```ts
 * import type { AmbiguousRename } from '@strata/engine';
 * const ambiguous: AmbiguousRename = { kind: 'column', table: 'clients', dropped: ['mail'], added: ['email'] };
 * ```
 */
export type AmbiguousRename =
  | { readonly kind: 'table'; readonly dropped: readonly string[]; readonly added: readonly string[] }
  | { readonly kind: 'column'; readonly table: string; readonly dropped: readonly string[]; readonly added: readonly string[] };

/**
 * An op of the diff that loses data or may fail on existing rows, by its position in `ops`.
 *
 * @example
 * ```ts
 * import type { DestructiveChange } from '@strata/engine';
 * const change: DestructiveChange = { index: 3, reason: 'drops column clients.fax and its data' };
 * ```
 */
export interface DestructiveChange {
  readonly index: number;
  readonly reason: string;
}

/**
 * The result of {@link diffSchemas}.
 *
 * @example
 * ```ts
 * import type { SchemaDiff } from '@strata/engine';
 * declare const diff: SchemaDiff;
 * if (diff.ambiguous.length > 0) console.log('rename hints needed?', diff.ambiguous);
 * ```
 */
export interface SchemaDiff {
  /** The ops, in an order that applies cleanly to the previous schema. */
  readonly ops: readonly Op[];
  /**
   * Drops, narrowing type changes, new NOT NULL without a default, recreated columns and tables,
   * dropped enums, dropped or recreated policies and roles, row-level security turned off.
   */
  readonly destructive: readonly DestructiveChange[];
  readonly ambiguous: readonly AmbiguousRename[];
}

/** An op with the reason it is destructive, if it is. @internal */
export interface PlannedOp {
  readonly op: Op;
  readonly reason?: string;
}

/**
 * Replays renames into the previous schema. The models are already normalized, so the normalizer
 * only has to leave text as it is; `applyToModel` carries a rename into indexes, constraints,
 * expressions and the foreign keys of other tables, as the servers do.
 * @internal
 */
const AS_IS: SchemaNormalizer = {
  normalizeType: (type) => type,
  normalizeDefault: (expression) => expression,
  normalizeExpression: (expression) => expression,
};

/** The names of a schema's tables, sorted. @internal */
function tableNames(model: SchemaModel): string[] {
  return [...model.tables.keys()].sort(compareText);
}

/** A table known to exist. @internal */
function tableOf(model: SchemaModel, name: string): TableModel {
  return model.tables.get(name) as TableModel;
}

/**
 * The ops that turn schema `from` into schema `to`, with the destructive ones and the possible
 * renames listed. Both models are normalized by the same dialect. Pure and deterministic: the
 * same input gives the same ops in the same order (by name wherever no dependency decides).
 *
 * The order, which `applyToModel` accepts op by op:
 * 000. `createSchema` for each new PostgreSQL schema, before any object is created in it;
 * 00. `dropView` for each view that goes or is recreated: its query or kind changes, or anything
 *    about a table or view it mentions changes (conservative: PostgreSQL refuses to drop or retype
 *    a column a view reads), dependent views first;
 * 0. new roles (`createRole`; a role whose options change is dropped and created again), before
 *    the policies that name them;
 * 1. new enums (`createEnum`), then new values of kept enums (`addEnumValue`, placed with
 *    `before`/`after` so the order matches `to`); then new sequences (`createSequence`) and those
 *    whose options change (`alterSequence`), before the columns whose defaults may use them;
 * 2. hinted renames: tables, then columns;
 * 2b. per kept table, `renameConstraint` for a primary key, unique or check constraint, and
 *    `renameIndex` for an index, whose name alone changes (a renamed table's `users_pkey` that the
 *    schema calls `members_pkey`): renamed in place, nothing that depends on it is rebuilt;
 * 3. `renameConstraint` for each foreign key whose name alone changes, then `dropForeignKey` for
 *    each foreign key that disappears or changes, whose own or referenced
 *    columns are dropped, recreated or change type, or whose referenced key is dropped or table
 *    recreated (such keys are created again in step 10);
 * 3b. `dropPolicy` for each policy of a kept table that disappears, changes in a way `ALTER POLICY`
 *    cannot express, or uses a column that is dropped, recreated or changes type (PostgreSQL
 *    refuses those column changes while a policy uses the column);
 * 4. per kept table: `dropIndex`, `dropUniqueConstraint`, `dropCheckConstraint`, `dropPrimaryKey`
 *    for what disappears, changes, or needs a column that is dropped and added again;
 * 5. `dropTable` of kept tables none of whose columns survive (see below);
 * 6. per kept table: `addColumn` (new ordinary columns, first, so the table never runs out of
 *    columns), `dropColumn`, `alterColumn` (one per column, only the fields that change), then
 *    `addColumn` for the recreated columns and the new generated ones;
 * 7. per kept table: `createPrimaryKey`, `createUniqueConstraint`, `createCheckConstraint`,
 *    `createIndex` (before new tables, whose foreign keys may need these keys);
 * 8. `createTable` of new tables, each after the new tables it references; a cycle is broken by
 *    leaving the first table's foreign keys to later tables out (created in step 10);
 * 9. `createIndex` on the new tables;
 * 10. `createForeignKey` for the kept tables' new, changed or rebuilt keys and the deferred ones;
 * 10b. row-level security: per kept table the switch that changes (`enable…`/`disableRowLevelSecurity`),
 *     `alterPolicy`, `createPolicy`; per new table `enableRowLevelSecurity`, then its policies (every
 *     column and table a policy may use exists by now);
 * 10c. `createView` for the new and recreated views, each after the views it reads;
 * 11. `dropTable`, each table after the tables that reference it (on a cycle, the referencing
 *     foreign keys are dropped first); a table's policies go with it, as on the server;
 * 12. `dropEnum`, then `dropSequence`;
 * 13. `dropRole`, once no policy names the role;
 * 14. `dropSchema` for each schema that goes, once every object in it is gone.
 *
 * Decisions: a change alterColumn cannot express is a drop and an add of the column, listed in
 * `destructive` with the reason: a generated column's expression or storage, and a change of
 * `autoIncrement` (the op vocabulary has no field for it). A kept generated column whose expression
 * uses such a column, or a column whose type changes, is recreated too. A kept table left with
 * no column of its own (every one recreated) is dropped and created again. Column order is not
 * compared: new columns are appended, as the servers do. An enum that loses values or reorders
 * them throws `AUTOGENERATE_ENUM_CHANGE_UNSUPPORTED` (PostgreSQL cannot express it). Setting NOT
 * NULL on a column, and adding a NOT NULL column without a default to a kept table, are listed as
 * destructive because they fail on existing rows.
 *
 * Renames: without a hint, a table (or a kept table's column) that disappears while another
 * appears is listed in `ambiguous`, and still dropped and added. A hint naming something absent
 * throws `AUTOGENERATE_UNKNOWN_RENAME`; one that cannot be a rename throws `AUTOGENERATE_INVALID_RENAME`.
 *
 * @example
 * ```ts
 * import { diffSchemas, emptySchema } from '@strata/engine';
 * import type { SchemaModel } from '@strata/engine';
 * declare const target: SchemaModel;
 * const diff = diffSchemas(emptySchema(), target, { capabilities: { enums: true } });
 * for (const op of diff.ops) console.log(op.kind);
 * ```
 */
export function diffSchemas(from: SchemaModel, to: SchemaModel, options: DiffOptions): SchemaDiff {
  const planned: PlannedOp[] = [];
  const ambiguous: AmbiguousRename[] = [];
  const push = (op: Op, reason?: string): void => {
    planned.push(reason === undefined ? { op } : { op, reason });
  };

  // 000. New schemas, before anything is created in them.
  const fromSchemas = new Set(from.schemas ?? []);
  const toSchemas = new Set(to.schemas ?? []);
  for (const schema of to.schemas ?? []) if (!fromSchemas.has(schema)) push({ kind: 'createSchema', name: schema });

  // 00. Views that go or are rebuilt, before anything they read changes.
  const changedTables = new Set([
    ...tableNames(from).filter((name) => !to.tables.has(name) || tableChanged(from, to, name)),
    ...Object.keys(options.renames?.tables ?? {}),
  ]);
  const views = compareViews(from, to, changedTables);
  const recreatedViews = new Set(views.create.map((v) => v.name));
  for (const view of views.drop) {
    const reason = recreatedViews.has(view.name) ? undefined : `drops ${view.materialized ? 'materialized view' : 'view'} ${view.name}`;
    const created = recreatedViews.has(view.name) ? createdReaders(view.name, views.create, from) : [];
    push(
      {
        kind: 'dropView',
        name: view.name,
        ...(view.materialized ? { materialized: true } : {}),
        definition: statedDefinition(view),
        ...(created.length > 0 ? { skipIfCreated: created } : {}),
      },
      reason,
    );
  }

  // 0. Roles first: the policies created later may name them.
  const roles = compareRoles(from, to);
  for (const op of roles.recreate) {
    push({ kind: 'dropRole', name: op.name }, `recreates role ${op.name} with other options (the role's grants and memberships are lost)`);
    push(op);
  }
  for (const op of roles.create) push(op);

  // 1. Enums first: new columns and changed types may use them.
  const enums = options.capabilities.enums ? compareEnums(from.enums, to.enums) : undefined;
  for (const created of enums?.create ?? []) push({ kind: 'createEnum', name: created.name, values: [...created.values] });
  for (const op of enums?.addValues ?? []) push(op);
  const sequences = compareSequences(from, to);
  for (const op of sequences.create) push(op);
  for (const op of sequences.alter) push(op);

  // 2. Renames, replayed so that everything after compares under the target's names.
  let before = from;
  for (const rename of resolveTableRenames(options.renames?.tables, from, to)) {
    const op: Op = { kind: 'renameTable', table: rename.from, to: rename.to };
    push(op);
    before = applyToModel(before, op, AS_IS);
  }
  for (const rename of resolveColumnRenames(options.renames?.columns, before, to)) {
    const op: Op = { kind: 'renameColumn', table: rename.table, column: rename.from, to: rename.to };
    push(op);
    before = applyToModel(before, op, AS_IS);
  }

  const droppedTables = tableNames(before).filter((name) => !to.tables.has(name));
  const addedTables = tableNames(to).filter((name) => !before.tables.has(name));
  if (droppedTables.length > 0 && addedTables.length > 0) ambiguous.push({ kind: 'table', dropped: droppedTables, added: addedTables });

  const columns = new Map<string, ColumnComparison>();
  const recreatedTables = new Map<string, string>();
  for (const name of tableNames(to).filter((n) => before.tables.has(n))) {
    const old = tableOf(before, name);
    const comparison = compareColumns(old, tableOf(to, name));
    const droppedColumns = comparison.dropped.map((c) => c.name).sort(compareText);
    const addedColumns = tableOf(to, name)
      .columns.filter((c) => !old.columns.some((o) => o.name === c.name))
      .map((c) => c.name)
      .sort(compareText);
    if (droppedColumns.length > 0 && addedColumns.length > 0) ambiguous.push({ kind: 'column', table: name, dropped: droppedColumns, added: addedColumns });
    if (comparison.kept.length === 0 && comparison.added.length === 0) {
      // Dropping the last column of a table is refused (MySQL, SQLite), so a table whose every
      // column is recreated is recreated as a whole.
      recreatedTables.set(name, `every column of table ${name} is dropped or recreated (${[...comparison.recreated.values()].join('; ')}): the table is dropped and created again and its rows are lost`);
    } else {
      columns.set(name, comparison);
    }
  }
  const keptTables = [...columns.keys()];
  const droppedSet = new Set(droppedTables);

  const gone = (table: string, column: string): boolean => {
    const comparison = columns.get(table);
    return comparison === undefined || comparison.recreated.has(column) || comparison.dropped.some((c) => c.name === column);
  };
  const typeChanged = (table: string, column: string): boolean => columns.get(table)?.typeChanged.has(column) ?? false;

  // Per kept table: what to drop and create among indexes and constraints.
  const tableChanges = keptTables.map((name) => {
    const old = tableOf(before, name);
    const target = tableOf(to, name);
    const isGone = (column: string): boolean => gone(name, column);
    return {
      name,
      indexes: compareIndexes(old, target, isGone),
      uniques: compareUniqueConstraints(old, target, isGone),
      checks: compareCheckConstraints(old, target, isGone),
      primaryKey: comparePrimaryKey(old, target, isGone),
      policies: comparePolicies(old, target, (column) => isGone(column) || typeChanged(name, column)),
    };
  });
  // The keys (primary, unique constraint, unique index) step 4 drops: a foreign key that needs one
  // must go first, or the server refuses the drop.
  const droppedKeys = new Map<string, Set<string>>(
    tableChanges.map((change) => [
      change.name,
      new Set([
        ...(change.primaryKey.drop !== undefined ? [keyOf(change.primaryKey.drop.columns)] : []),
        ...change.uniques.drop.map((u) => keyOf(u.columns)),
        ...change.indexes.drop.filter((i) => i.unique && i.parts.every((p) => 'column' in p)).map((i) => keyOf(i.parts.map((p) => ('column' in p ? p.column : '')))),
      ]),
    ]),
  );

  // 2b. Keys, checks and indexes whose name alone changes are renamed in place, before anything
  // below needs them under either name.
  for (const change of tableChanges) {
    const rename = (kind: 'renameConstraint' | 'renameIndex', from: string, to: string): void => push({ kind, table: change.name, name: from, to });
    if (change.primaryKey.rename !== undefined) rename('renameConstraint', change.primaryKey.rename.from, change.primaryKey.rename.to);
    for (const pair of [...change.uniques.rename, ...change.checks.rename]) rename('renameConstraint', pair.from.name, pair.to.name);
    for (const pair of change.indexes.rename) rename('renameIndex', pair.from.name, pair.to.name);
  }
  const referencedSideChanges = (table: string, fk: ForeignKeyModel): boolean => {
    const target = fk.referencedTable;
    if (target === table) return false;
    if (recreatedTables.has(target)) return true;
    if (!columns.has(target)) return false;
    return fk.referencedColumns.some((c) => gone(target, c) || typeChanged(target, c)) || (droppedKeys.get(target)?.has(keyOf(fk.referencedColumns)) ?? false);
  };

  // 3. Foreign keys. Those of tables about to be dropped go early only when they would block a
  // drop in between (their referenced key, column or table changes); the rest go with their table.
  const earlyDropped = new Set<string>();
  const foreignKeyCreates: { table: string; foreignKey: ForeignKeyModel }[] = [];
  for (const name of tableNames(before)) {
    const old = tableOf(before, name);
    if (columns.has(name)) {
      const rebuilt = (fk: ForeignKeyModel): boolean => fk.columns.some((c) => gone(name, c) || typeChanged(name, c)) || referencedSideChanges(name, fk);
      const comparison = compareNamed(old.foreignKeys, tableOf(to, name).foreignKeys, sameForeignKey, rebuilt);
      for (const pair of comparison.rename) push({ kind: 'renameConstraint', table: name, name: pair.from.name, to: pair.to.name });
      for (const fk of comparison.drop) push(dropForeignKeyOp(name, fk));
      for (const fk of comparison.create) foreignKeyCreates.push({ table: name, foreignKey: fk });
    } else {
      for (const fk of old.foreignKeys) {
        if (droppedSet.has(fk.referencedTable) || !referencedSideChanges(name, fk)) continue;
        push(dropForeignKeyOp(name, fk));
        earlyDropped.add(`${name}\u0000${fk.name}`);
      }
    }
  }

  // 3b. Policies that go, or must be rebuilt, before the columns they use change.
  for (const change of tableChanges) {
    const recreated = new Set(change.policies.create.map((p) => p.name));
    for (const policy of change.policies.drop) {
      const what = recreated.has(policy.name) ? 'recreates' : 'drops';
      push(dropPolicyOp(change.name, policy), `${what} row-level security policy ${policy.name} on ${change.name}: until it exists again its rule does not apply`);
    }
  }

  // 4. Indexes and constraints that disappear, change, or need a column that goes.
  for (const change of tableChanges) {
    for (const index of change.indexes.drop) push(dropIndexOp(change.name, index));
    for (const unique of change.uniques.drop) push(dropUniqueOp(change.name, unique));
    for (const check of change.checks.drop) push(dropCheckOp(change.name, check));
    if (change.primaryKey.drop !== undefined) push(dropPrimaryKeyOp(change.name, change.primaryKey.drop));
  }

  // 5. Tables recreated as a whole: every foreign key that references them went in step 3.
  for (const [name, reason] of recreatedTables) push({ kind: 'dropTable', table: name }, reason);

  // 6. Columns.
  for (const [name, comparison] of columns) {
    const old = tableOf(before, name);
    for (const column of comparison.added) push({ kind: 'addColumn', table: name, column: columnDefinitionOf(column) }, addColumnRisk(name, column));
    for (const column of old.columns) {
      const recreated = comparison.recreated.get(column.name);
      if (recreated !== undefined) push({ kind: 'dropColumn', table: name, column: column.name }, recreated);
      else if (comparison.dropped.includes(column)) push({ kind: 'dropColumn', table: name, column: column.name }, `drops column ${name}.${column.name} and its data`);
    }
    for (const { op, reason } of comparison.altered) push(op, reason);
    for (const column of comparison.addedLate) {
      push({ kind: 'addColumn', table: name, column: columnDefinitionOf(column) }, comparison.recreated.has(column.name) ? undefined : addColumnRisk(name, column));
    }
  }

  // 7. Keys, checks and indexes of kept tables.
  for (const change of tableChanges) {
    if (change.primaryKey.create !== undefined) push(createPrimaryKeyOp(change.name, change.primaryKey.create));
    for (const unique of change.uniques.create) push(createUniqueOp(change.name, unique));
    for (const check of change.checks.create) push(createCheckOp(change.name, check));
    for (const index of change.indexes.create) push(toCreateIndexOp(change.name, index));
  }

  // 8–9. New (and recreated) tables, then their indexes.
  const created = creationOrder([...addedTables, ...recreatedTables.keys()].map((name) => tableOf(to, name)));
  for (const table of created.order) {
    const deferred = new Set(created.deferred.filter((d) => d.table === table.name).map((d) => d.foreignKey.name));
    push(createTableOp(table, deferred));
  }
  for (const table of [...created.order].sort((a, b) => compareText(a.name, b.name))) {
    for (const index of table.indexes) push(toCreateIndexOp(table.name, index));
  }

  // 10. Foreign keys last: every table, column and key they need exists by now.
  const foreignKeys = [...foreignKeyCreates, ...created.deferred].sort(
    (a, b) => compareText(a.table, b.table) || compareText(a.foreignKey.name, b.foreignKey.name),
  );
  for (const { table, foreignKey } of foreignKeys) push(createForeignKeyOp(table, foreignKey));

  // 10b. Row-level security and policies, once every table and column they use exists.
  for (const change of tableChanges) {
    const security = rowLevelSecurityOp(tableOf(before, change.name), tableOf(to, change.name));
    if (security !== undefined) {
      const reason =
        security.kind === 'disableRowLevelSecurity' ? `turns row-level security off on ${change.name}: its policies no longer restrict any row` : undefined;
      push(security, reason);
    }
    for (const op of change.policies.alter) push(op);
    for (const policy of change.policies.create) push(toCreatePolicyOp(change.name, policy));
  }
  for (const table of [...created.order].sort((a, b) => compareText(a.name, b.name))) {
    const security = rowLevelSecurityOp(undefined, table);
    if (security !== undefined) push(security);
    for (const policy of table.policies ?? []) push(toCreatePolicyOp(table.name, policy));
  }

  // 10c. Views, once every table, column and view they read exists.
  for (const view of views.create) push(toCreateViewOp(view));

  // 11–12. Drops last, once nothing kept depends on them.
  for (const step of dropTables(
    droppedTables.map((name) => tableOf(before, name)),
    (table, fk) => earlyDropped.has(`${table}\u0000${fk}`),
  )) {
    planned.push(step);
  }
  for (const dropped of enums?.drop ?? []) push({ kind: 'dropEnum', name: dropped.name }, `drops enum ${dropped.name}`);
  for (const dropped of sequences.drop) push({ kind: 'dropSequence', name: dropped.name }, `drops sequence ${dropped.name} and its current value`);
  // 13. Roles last: every policy that named them is gone.
  for (const role of roles.drop) push({ kind: 'dropRole', name: role.name }, `drops role ${role.name} (its grants and memberships are lost)`);
  // 14. Schemas last: every object in them is gone (the server refuses to drop a schema that holds one).
  for (const schema of from.schemas ?? []) if (!toSchemas.has(schema)) push({ kind: 'dropSchema', name: schema });

  return {
    ops: planned.map((p) => p.op),
    destructive: planned.flatMap((p, index) => (p.reason === undefined ? [] : [{ index, reason: p.reason }])),
    ambiguous,
  };
}
