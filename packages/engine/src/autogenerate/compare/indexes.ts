import type { IndexModel, TableModel } from '../../schema/model.js';
import type { DropIndexOp } from '../../ops/op.js';
import { mentionsColumn } from './columns.js';
import { compareNamed, type NamedComparison } from './constraints.js';

/** @internal */
export function dropIndexOp(table: string, index: IndexModel): DropIndexOp {
  return { kind: 'dropIndex', table, name: index.name };
}

/** Whether two indexes of the same name have the same definition. @internal */
function sameIndex(a: IndexModel, b: IndexModel): boolean {
  return (
    a.unique === b.unique &&
    a.where === b.where &&
    a.method === b.method &&
    a.parts.length === b.parts.length &&
    a.parts.every((part, i) => {
      const other = b.parts[i];
      if (other === undefined) return false;
      return 'column' in part ? 'column' in other && other.column === part.column : 'expression' in other && other.expression === part.expression;
    })
  );
}

/** Whether the index needs `column`: as a part, inside an expression part, or in its predicate. @internal */
function indexUses(index: IndexModel, column: string): boolean {
  return index.parts.some((part) => ('column' in part ? part.column === column : mentionsColumn(part.expression, column))) || mentionsColumn(index.where, column);
}

/**
 * Compares the indexes of a table present in both schemas. A changed definition (parts, unique,
 * predicate, method) is a drop then a create: no server alters an index in place. An unchanged
 * index that needs a column about to be dropped and added again (`gone`) is rebuilt too, since the
 * column's drop would take it along or be refused.
 * @internal
 */
export function compareIndexes(from: TableModel, to: TableModel, gone: (column: string) => boolean): NamedComparison<IndexModel> {
  return compareNamed(from.indexes, to.indexes, sameIndex, (index) => from.columns.some((c) => gone(c.name) && indexUses(index, c.name)));
}
