import { assertNever } from '../errors.js';
import type { ColumnModel, SchemaModel, TableModel } from '../schema/model.js';
import { statedDefault, statedPolicy } from '../schema/stated.js';
import { ColumnMissingError, IrreversibleOpError, ObjectMissingError, TableMissingError } from './errors.js';
import { checkDefinitionOf, columnDefinitionOf, foreignKeyDefinitionOf, toCreateIndexOp, toCreatePolicyOp, toCreateViewOp, uniqueDefinitionOf } from './from-model.js';
import type { AlterColumnOp, AlterPolicyOp, Op } from './op.js';

/** The ops that give a table its row-level security switches and policies back (after a createTable). @internal */
function securityOf(table: TableModel): Op[] {
  const ops: Op[] = [];
  const security = table.rowLevelSecurity;
  if (security !== undefined) {
    ops.push({ kind: security.enabled ? 'enableRowLevelSecurity' : 'disableRowLevelSecurity', table: table.name, ...(security.forced ? { force: true } : {}) });
  }
  for (const policy of table.policies ?? []) ops.push(toCreatePolicyOp(table.name, policy));
  return ops;
}

/**
 * alterPolicy's inverse: the changed fields set back. `ALTER POLICY` cannot remove an expression, so
 * when the op gave the policy a `USING` or `WITH CHECK` it did not have, the inverse drops the
 * policy and creates it as it was.
 * @internal
 */
function reverseAlterPolicy(before: SchemaModel, op: AlterPolicyOp): Op[] {
  const table = requireTable(before, op.table, op.kind);
  const policy = table.policies?.find((p) => p.name === op.name);
  if (policy === undefined) throw new ObjectMissingError('policy', op.name, op.table, op.kind);
  if ((op.using !== undefined && policy.using === undefined) || (op.withCheck !== undefined && policy.withCheck === undefined)) {
    return [{ kind: 'dropPolicy', table: op.table, name: op.name }, toCreatePolicyOp(op.table, policy)];
  }
  return [
    {
      kind: 'alterPolicy',
      table: op.table,
      name: op.name,
      ...(op.roles !== undefined ? { roles: [...policy.roles] } : {}),
      ...(op.using !== undefined ? { using: statedPolicy(policy).using } : {}),
      ...(op.withCheck !== undefined ? { withCheck: statedPolicy(policy).withCheck } : {}),
    },
  ];
}

/** @internal */
function requireTable(before: SchemaModel, table: string, op: string): TableModel {
  const found = before.tables.get(table);
  if (found === undefined) throw new TableMissingError(table, op);
  return found;
}

/** @internal */
function requireColumn(table: TableModel, column: string, op: string): ColumnModel {
  const found = table.columns.find((c) => c.name === column);
  if (found === undefined) throw new ColumnMissingError(table.name, column, op);
  return found;
}

/** @internal */
function requireNamed<T extends { readonly name: string }>(
  list: readonly T[],
  name: string,
  object: 'index' | 'foreign key' | 'unique constraint' | 'check constraint',
  table: string,
  op: string,
): T {
  const found = list.find((item) => item.name === name);
  if (found === undefined) throw new ObjectMissingError(object, name, table, op);
  return found;
}

/**
 * dropColumn's inverse: add the column back with its full definition, then recreate what the drop
 * took with it (`applyToModel`'s rule: the indexes, unique constraints and primary key made of that
 * column alone). The column comes back last: no dialect-neutral op puts it back in place.
 * @internal
 */
function reverseDropColumn(before: SchemaModel, tableName: string, columnName: string, op: string): Op[] {
  const table = requireTable(before, tableName, op);
  const column = requireColumn(table, columnName, op);
  const alone = (columns: readonly string[]): boolean => columns.every((c) => c === columnName);
  const ops: Op[] = [{ kind: 'addColumn', table: tableName, column: columnDefinitionOf(column) }];
  if (table.primaryKey !== undefined && alone(table.primaryKey.columns)) {
    ops.push({ kind: 'createPrimaryKey', table: tableName, primaryKey: { ...table.primaryKey, columns: [...table.primaryKey.columns] } });
  }
  for (const unique of table.uniqueConstraints) {
    if (alone(unique.columns)) ops.push({ kind: 'createUniqueConstraint', table: tableName, constraint: uniqueDefinitionOf(unique) });
  }
  for (const index of table.indexes) {
    if (index.parts.every((part) => 'column' in part && part.column === columnName)) ops.push(toCreateIndexOp(tableName, index));
  }
  return ops;
}

/** alterColumn's inverse: the fields the op changed, set back to the column's values before it. @internal */
function reverseAlterColumn(before: SchemaModel, op: AlterColumnOp): Op[] {
  const column = requireColumn(requireTable(before, op.table, op.kind), op.column, op.kind);
  return [
    {
      kind: 'alterColumn',
      table: op.table,
      column: op.column,
      ...(op.type !== undefined ? { type: column.type } : {}),
      ...(op.nullable !== undefined ? { nullable: column.nullable } : {}),
      ...(op.default !== undefined ? { default: statedDefault(column) ?? null } : {}),
      ...(op.identity !== undefined ? { identity: column.identity ?? { always: false } } : {}),
    },
  ];
}

/**
 * The operation(s) that undo `op`, given the schema as it was before `op` ran. Applied after `op`
 * (in order), they give `before` back; autogenerate renders a revision's downgrade from them, the
 * revision's ops reversed in reverse order.
 *
 * - createX → dropX; renameX → rename back; alterColumn → alterColumn to the old type,
 *   nullability and/or default (only the fields the op changed);
 * - dropTable → createTable with its columns, primary key, unique and check constraints and foreign
 *   keys, then one createIndex per index; dropColumn → addColumn with the full old definition, then
 *   the single-column indexes, uniques and primary key the drop removed (the column comes back
 *   last); dropIndex/dropForeignKey/drop…Constraint/dropPrimaryKey/dropEnum/dropPolicy/dropRole/
 *   dropSequence/dropView →
 *   create it as it was; a dropped table gets its row-level security and policies back too;
 * - enable/disableRowLevelSecurity → the switch (and `force`, if the op set it) as it was;
 *   alterSequence → the sequence's options as they were (the op states them in full);
 *   alterPolicy → the changed fields as they were, or drop and create when the op added an
 *   expression (`ALTER POLICY` cannot remove one);
 * - createPrimaryKey → dropPrimaryKey, then alterColumn `nullable: true` for the key columns that
 *   were nullable before (adding the key made them NOT NULL);
 * - addEnumValue and execute throw `OPS_IRREVERSIBLE` ({@link IrreversibleOpError}): PostgreSQL
 *   cannot drop an enum value, and raw SQL has no known inverse.
 *
 * A drop or alter whose object is missing from `before` throws `OPS_TABLE_MISSING`,
 * `OPS_COLUMN_MISSING` or `OPS_OBJECT_MISSING`.
 *
 * @example
 * ```ts
 * import { reverseOp } from '@strata/engine';
 * import type { SchemaModel } from '@strata/engine';
 * declare const before: SchemaModel;
 * reverseOp({ kind: 'dropColumn', table: 'clients', column: 'status' }, before);
 * // [{ kind: 'addColumn', table: 'clients', column: { name: 'status', type: 'varchar(20)', nullable: true } }]
 * ```
 */
export function reverseOp(op: Op, before: SchemaModel): Op[] {
  switch (op.kind) {
    case 'createTable':
      return [{ kind: 'dropTable', table: op.table }];
    case 'dropTable': {
      const table = requireTable(before, op.table, op.kind);
      return [
        {
          kind: 'createTable',
          table: table.name,
          columns: table.columns.map(columnDefinitionOf),
          ...(table.primaryKey !== undefined ? { primaryKey: { ...table.primaryKey, columns: [...table.primaryKey.columns] } } : {}),
          uniqueConstraints: table.uniqueConstraints.map(uniqueDefinitionOf),
          checkConstraints: table.checkConstraints.map(checkDefinitionOf),
          foreignKeys: table.foreignKeys.map(foreignKeyDefinitionOf),
        },
        ...table.indexes.map((index) => toCreateIndexOp(table.name, index)),
        ...securityOf(table),
      ];
    }
    case 'renameTable':
      return [{ kind: 'renameTable', table: op.to, to: op.table }];
    case 'addColumn':
      return [{ kind: 'dropColumn', table: op.table, column: op.column.name }];
    case 'dropColumn':
      return reverseDropColumn(before, op.table, op.column, op.kind);
    case 'alterColumn':
      return reverseAlterColumn(before, op);
    case 'renameColumn':
      return [{ kind: 'renameColumn', table: op.table, column: op.to, to: op.column }];
    case 'renameIndex':
    case 'renameConstraint':
      return [{ kind: op.kind, table: op.table, name: op.to, to: op.name }];
    case 'createIndex':
      return [{ kind: 'dropIndex', table: op.table, name: op.name, ...(op.concurrently === true ? { concurrently: true } : {}) }];
    case 'dropIndex': {
      const table = requireTable(before, op.table, op.kind);
      const created = toCreateIndexOp(op.table, requireNamed(table.indexes, op.name, 'index', op.table, op.kind));
      return [op.concurrently === true ? { ...created, concurrently: true } : created];
    }
    case 'createForeignKey':
      return [{ kind: 'dropForeignKey', table: op.table, name: op.foreignKey.name }];
    case 'dropForeignKey': {
      const table = requireTable(before, op.table, op.kind);
      const foreignKey = requireNamed(table.foreignKeys, op.name, 'foreign key', op.table, op.kind);
      return [{ kind: 'createForeignKey', table: op.table, foreignKey: foreignKeyDefinitionOf(foreignKey) }];
    }
    case 'createUniqueConstraint':
      return [{ kind: 'dropUniqueConstraint', table: op.table, name: op.constraint.name }];
    case 'dropUniqueConstraint': {
      const table = requireTable(before, op.table, op.kind);
      const unique = requireNamed(table.uniqueConstraints, op.name, 'unique constraint', op.table, op.kind);
      return [{ kind: 'createUniqueConstraint', table: op.table, constraint: uniqueDefinitionOf(unique) }];
    }
    case 'createCheckConstraint':
      return [{ kind: 'dropCheckConstraint', table: op.table, name: op.constraint.name }];
    case 'dropCheckConstraint': {
      const table = requireTable(before, op.table, op.kind);
      const check = requireNamed(table.checkConstraints, op.name, 'check constraint', op.table, op.kind);
      return [{ kind: 'createCheckConstraint', table: op.table, constraint: checkDefinitionOf(check) }];
    }
    case 'createPrimaryKey': {
      const table = requireTable(before, op.table, op.kind);
      const keyColumns = new Set(op.primaryKey.columns);
      return [
        { kind: 'dropPrimaryKey', table: op.table, ...(op.primaryKey.name !== undefined ? { name: op.primaryKey.name } : {}) },
        ...table.columns
          .filter((c) => keyColumns.has(c.name) && c.nullable)
          .map((c): Op => ({ kind: 'alterColumn', table: op.table, column: c.name, nullable: true })),
      ];
    }
    case 'dropPrimaryKey': {
      const table = requireTable(before, op.table, op.kind);
      if (table.primaryKey === undefined) throw new ObjectMissingError('primary key', op.name ?? `of table ${op.table}`, op.table, op.kind);
      return [{ kind: 'createPrimaryKey', table: op.table, primaryKey: { ...table.primaryKey, columns: [...table.primaryKey.columns] } }];
    }
    case 'createEnum':
      return [{ kind: 'dropEnum', name: op.name }];
    case 'addEnumValue':
      throw new IrreversibleOpError(op.kind, `value ${op.value} of enum ${op.name}`, 'PostgreSQL cannot drop a value from an enum');
    case 'renameEnumValue':
      return [{ kind: 'renameEnumValue', name: op.name, value: op.to, to: op.value }];
    case 'dropEnum': {
      const existing = before.enums.get(op.name);
      if (existing === undefined) throw new ObjectMissingError('enum', op.name, undefined, op.kind);
      return [{ kind: 'createEnum', name: existing.name, values: [...existing.values] }];
    }
    case 'enableRowLevelSecurity':
    case 'disableRowLevelSecurity': {
      const security = requireTable(before, op.table, op.kind).rowLevelSecurity ?? { enabled: false, forced: false };
      return [
        {
          kind: security.enabled ? 'enableRowLevelSecurity' : 'disableRowLevelSecurity',
          table: op.table,
          ...(op.force !== undefined ? { force: security.forced } : {}),
        },
      ];
    }
    case 'createPolicy':
      return [{ kind: 'dropPolicy', table: op.table, name: op.policy.name }];
    case 'dropPolicy': {
      const policy = requireTable(before, op.table, op.kind).policies?.find((p) => p.name === op.name);
      if (policy === undefined) throw new ObjectMissingError('policy', op.name, op.table, op.kind);
      return [toCreatePolicyOp(op.table, policy)];
    }
    case 'alterPolicy':
      return reverseAlterPolicy(before, op);
    case 'createRole':
      return [{ kind: 'dropRole', name: op.name }];
    case 'dropRole': {
      const role = before.roles?.get(op.name);
      if (role === undefined) throw new ObjectMissingError('role', op.name, undefined, op.kind);
      return [{ kind: 'createRole', name: role.name, createDb: role.createDb, createRole: role.createRole, inherit: role.inherit }];
    }
    case 'createSequence':
      return [{ kind: 'dropSequence', name: op.name }];
    case 'alterSequence': {
      const sequence = before.sequences?.get(op.name);
      if (sequence === undefined) throw new ObjectMissingError('sequence', op.name, undefined, op.kind);
      return [{ ...sequence, kind: 'alterSequence' }];
    }
    case 'dropSequence': {
      const sequence = before.sequences?.get(op.name);
      if (sequence === undefined) throw new ObjectMissingError('sequence', op.name, undefined, op.kind);
      return [{ ...sequence, kind: 'createSequence' }];
    }
    case 'createView':
      return [{ kind: 'dropView', name: op.name, ...(op.materialized === true ? { materialized: true } : {}), definition: op.definition }];
    case 'dropView': {
      const view = before.views?.get(op.name);
      if (view === undefined) throw new ObjectMissingError(op.materialized === true ? 'materialized view' : 'view', op.name, undefined, op.kind);
      return [toCreateViewOp(view)];
    }
    case 'validateConstraint':
      // Nothing the model keeps changed: dropping the constraint is its create's reverse.
      return [];
    case 'createSchema':
      return [{ kind: 'dropSchema', name: op.name }];
    case 'dropSchema':
      return [{ kind: 'createSchema', name: op.name }];
    case 'execute':
      throw new IrreversibleOpError(op.kind, op.sql.length > 60 ? `${op.sql.slice(0, 57)}...` : op.sql, 'the schema model cannot see what raw SQL does');
    default:
      return assertNever(op);
  }
}
