import type { EnumModel } from '../../schema/model.js';
import type { AddEnumValueOp } from '../../ops/op.js';
import { EnumChangeUnsupportedError } from '../errors.js';
import { compareText } from './columns.js';
import { sameList } from './constraints.js';

/** How the enum types change: new ones, values added to kept ones, and the ones that go. Each sorted by name. @internal */
export interface EnumComparison {
  readonly create: readonly EnumModel[];
  readonly addValues: readonly AddEnumValueOp[];
  readonly drop: readonly EnumModel[];
}

/**
 * The `addEnumValue` ops that turn `from` into `to`, each new value placed after its predecessor
 * in `to` (or, for a new first value, before the first value that already exists), so that the
 * final order matches `to` whatever order the server appends in. Throws
 * `AUTOGENERATE_ENUM_CHANGE_UNSUPPORTED` when values disappear or change order: PostgreSQL can
 * only add and rename values, and a recreated type would have to change its name.
 * @internal
 */
function addedValues(from: EnumModel, to: EnumModel): AddEnumValueOp[] {
  if (!sameList(to.values.filter((value) => from.values.includes(value)), from.values)) {
    throw new EnumChangeUnsupportedError(from.name, from.values, to.values);
  }
  const ops: AddEnumValueOp[] = [];
  to.values.forEach((value, i) => {
    if (from.values.includes(value)) return;
    const previous = to.values[i - 1];
    const firstKept = from.values[0];
    ops.push({
      kind: 'addEnumValue',
      name: to.name,
      value,
      ...(previous !== undefined ? { after: previous } : firstKept !== undefined ? { before: firstKept } : {}),
    });
  });
  return ops;
}

/** Compares the enum types of two schemas (PostgreSQL; the other dialects keep enums in column types). @internal */
export function compareEnums(from: ReadonlyMap<string, EnumModel>, to: ReadonlyMap<string, EnumModel>): EnumComparison {
  const sorted = (enums: ReadonlyMap<string, EnumModel>): EnumModel[] => [...enums.values()].sort((a, b) => compareText(a.name, b.name));
  return {
    create: sorted(to).filter((value) => !from.has(value.name)),
    addValues: sorted(to).flatMap((value) => {
      const previous = from.get(value.name);
      return previous === undefined ? [] : addedValues(previous, value);
    }),
    drop: sorted(from).filter((value) => !to.has(value.name)),
  };
}
