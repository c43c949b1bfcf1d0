import type { CheckConstraintModel, ColumnModel, IndexModel } from '../schema/model.js';
import { statedDefault, statedExpression, statedWhere } from '../schema/stated.js';
import type { CheckDefinition, ColumnDefinition, CreateIndexOp } from './op.js';

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
  return {
    name: column.name,
    type: column.type,
    ...(column.nullable ? {} : { nullable: false }),
    ...(value !== undefined ? { default: value } : {}),
    ...(column.autoIncrement !== undefined ? { autoIncrement: column.autoIncrement } : {}),
    ...(column.identity !== undefined ? { identity: { ...column.identity } } : {}),
    ...(column.generated !== undefined ? { generated: { expression: statedExpression(column.generated), stored: column.generated.stored } } : {}),
  };
}

/** The op that creates `index` on `table` (`unique` only when true: the op's default is false). @internal */
export function createIndexOpOf(table: string, index: IndexModel): CreateIndexOp {
  const where = statedWhere(index);
  return {
    kind: 'createIndex',
    table,
    name: index.name,
    columns: index.parts.map((part) => ('column' in part ? part.column : { expression: statedExpression(part) })),
    ...(index.unique ? { unique: true } : {}),
    ...(where !== undefined ? { where } : {}),
    ...(index.method !== undefined ? { method: index.method } : {}),
  };
}

/** The definition that creates `check` again. @internal */
export function checkDefinitionOf(check: CheckConstraintModel): CheckDefinition {
  return { name: check.name, expression: statedExpression(check) };
}
