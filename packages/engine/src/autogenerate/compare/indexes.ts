import type { IndexModel, IndexPart, TableModel } from '../../schema/model.js';
import type { DropIndexOp } from '../../ops/op.js';
import { mentionsColumn } from '../../schema/expression-identifiers.js';
import { compareNamed, type NamedComparison } from './constraints.js';

/** @internal */
export function dropIndexOp(table: string, index: IndexModel): DropIndexOp {
  return { kind: 'dropIndex', table, name: index.name };
}

/** Whether two parts key the same column or expression the same way. @internal */
function samePart(a: IndexPart, b: IndexPart): boolean {
  const target = 'column' in a ? 'column' in b && a.column === b.column : 'expression' in b && a.expression === b.expression;
  return target && a.opclass === b.opclass && a.order === b.order && a.nulls === b.nulls;
}

/** Whether two sets of storage parameters are the same (the model keeps values as text). @internal */
function sameParameters(a: IndexModel['with'], b: IndexModel['with']): boolean {
  const left = Object.entries(a ?? {});
  return left.length === Object.keys(b ?? {}).length && left.every(([name, value]) => b?.[name] === value);
}

/**
 * Whether two indexes of the same name have the same definition. `concurrently` is left out: it is
 * how an index is built, not what it is. An INVALID index (`valid: false`, left by a failed
 * concurrent build) differs from the valid one of the same definition: it is drift, rebuilt by a
 * drop and a create.
 * @internal
 */
function sameIndex(a: IndexModel, b: IndexModel): boolean {
  return (
    a.valid === b.valid &&
    a.unique === b.unique &&
    a.where === b.where &&
    a.method === b.method &&
    sameParameters(a.with, b.with) &&
    a.parts.length === b.parts.length &&
    a.parts.every((part, i) => {
      const other = b.parts[i];
      return other !== undefined && samePart(part, other);
    })
  );
}

/** Whether the index needs `column`: as a part, inside an expression part, or in its predicate. @internal */
function indexUses(index: IndexModel, column: string): boolean {
  return index.parts.some((part) => ('column' in part ? part.column === column : mentionsColumn(part.expression, column))) || mentionsColumn(index.where, column);
}

/**
 * Compares the indexes of a table present in both schemas. A changed definition (parts and their
 * keying, unique, predicate, method, storage parameters) is a drop then a create: no server alters
 * an index in place. An unchanged index that needs a column about to be dropped and added again
 * (`gone`) is rebuilt too, since the column's drop would take it along or be refused.
 * @internal
 */
export function compareIndexes(from: TableModel, to: TableModel, gone: (column: string) => boolean): NamedComparison<IndexModel> {
  return compareNamed(from.indexes, to.indexes, sameIndex, (index) => from.columns.some((c) => gone(c.name) && indexUses(index, c.name)));
}
