import type { CheckConstraintModel, ColumnModel, ForeignKeyModel, IndexModel, PolicyModel, UniqueConstraintModel, ViewModel } from '../schema/model.js';
import { statedDefault, statedDefinition, statedExpression, statedPolicy, statedWhere } from '../schema/stated.js';
import { plainIndexColumn } from './apply-to-model.js';
import type { CheckDefinition, ColumnDefinition, CreateIndexOp, ForeignKeyDefinition, CreatePolicyOp, CreateViewOp, IndexColumn, UniqueDefinition } from './op.js';

// The op definitions that create again what a model holds. Every piece of SQL text goes out as
// stated, never in its comparison form (see `statedDefault` in schema/model.ts): both the
// downgrades `reverseOp` derives and the ops autogenerate plans are built here.

/**
 * The definition that adds `column` as the model holds it. Fields at their op default are left out
 * (`nullable` true, no default), so a rendered revision stays short.
 * @internal
 */
export function columnDefinitionOf(column: ColumnModel): ColumnDefinition {
  const value = statedDefault(column);
  // A stated serial type says auto-increment (and NOT NULL) by itself.
  const serial = column.statedType !== undefined;
  return {
    name: column.name,
    type: column.statedType ?? column.type,
    ...(column.nullable || serial ? {} : { nullable: false }),
    ...(value !== undefined ? { default: value } : {}),
    ...(column.autoIncrement !== undefined && !serial ? { autoIncrement: column.autoIncrement } : {}),
    ...(column.identity !== undefined ? { identity: { ...column.identity } } : {}),
    ...(column.generated !== undefined ? { generated: { expression: statedExpression(column.generated), stored: column.generated.stored } } : {}),
  };
}

/**
 * The createIndex op that builds an index of the model (the inverse of `toIndexModel`): `unique`
 * only when true, keying, predicate, method and storage parameters as the model has them, the
 * expressions and the predicate as stated, and `concurrently` when the model states it.
 *
 * @example
 * ```ts
 * import { toCreateIndexOp } from '@strata/engine';
 * toCreateIndexOp('users', { name: 'ix', parts: [{ column: 'a', order: 'desc' }], unique: false, with: { fillfactor: '70' } });
 * // { kind: 'createIndex', table: 'users', name: 'ix', columns: [{ column: 'a', order: 'desc' }], with: { fillfactor: '70' } }
 * ```
 */
export function toCreateIndexOp(table: string, index: IndexModel): CreateIndexOp {
  const where = statedWhere(index);
  return {
    kind: 'createIndex',
    table,
    name: index.name,
    columns: index.parts.map((part): IndexColumn => {
      if (!('expression' in part)) return plainIndexColumn(part) ?? part;
      const { statedExpression: _stated, ...keyed } = part;
      return { ...keyed, expression: statedExpression(part) };
    }),
    ...(index.unique ? { unique: true } : {}),
    ...(where !== undefined ? { where } : {}),
    ...(index.method !== undefined ? { method: index.method } : {}),
    ...(index.with !== undefined ? { with: { ...index.with } } : {}),
    ...(index.concurrently === true ? { concurrently: true } : {}),
  };
}

/** The definition that creates `unique` again. @internal */
export function uniqueDefinitionOf(unique: UniqueConstraintModel): UniqueDefinition {
  return { name: unique.name, columns: [...unique.columns], ...(unique.nullsNotDistinct === true ? { nullsNotDistinct: true } : {}) };
}

/** The definition that creates `foreignKey` again, actions included. @internal */
export function foreignKeyDefinitionOf(foreignKey: ForeignKeyModel): ForeignKeyDefinition {
  return {
    name: foreignKey.name,
    columns: [...foreignKey.columns],
    referencedTable: foreignKey.referencedTable,
    referencedColumns: [...foreignKey.referencedColumns],
    onDelete: foreignKey.onDelete,
    onUpdate: foreignKey.onUpdate,
  };
}

/** The definition that creates `check` again. @internal */
export function checkDefinitionOf(check: CheckConstraintModel): CheckDefinition {
  return { name: check.name, expression: statedExpression(check) };
}

/** The op that creates `policy` on `table` again, fields at their defaults left out, expressions as stated. @internal */
export function toCreatePolicyOp(table: string, policy: PolicyModel): CreatePolicyOp {
  return {
    kind: 'createPolicy',
    table,
    policy: {
      name: policy.name,
      ...(policy.permissive ? {} : { permissive: false }),
      ...(policy.command !== 'all' ? { command: policy.command } : {}),
      ...(policy.roles.length === 1 && policy.roles[0] === 'public' ? {} : { roles: [...policy.roles] }),
      ...statedPolicy(policy),
    },
  };
}

/** The op that creates `view` again, its query as stated. @internal */
export function toCreateViewOp(view: ViewModel): CreateViewOp {
  return { kind: 'createView', name: view.name, definition: statedDefinition(view), ...(view.materialized ? { materialized: true } : {}) };
}
