import type { ColumnModel, IdentityModel, SchemaModel, TableModel } from '../../schema/model.js';
import type { AlterColumnOp } from '../../ops/op.js';
import { statedDefault } from '../../schema/stated.js';
import { mentionsColumn } from '../../schema/expression-identifiers.js';
import { InvalidRenameError, UnknownRenameError } from '../errors.js';
import type { PlannedOp } from '../diff.js';

/** Integer types by width; a change up the ladder keeps every value. @internal */
const INTEGER_WIDTH: Readonly<Record<string, number>> = {
  tinyint: 1,
  int1: 1,
  smallint: 2,
  int2: 2,
  mediumint: 3,
  int: 4,
  integer: 4,
  int4: 4,
  bigint: 8,
  int8: 8,
};

/** Floating-point types by width. @internal */
const FLOAT_WIDTH: Readonly<Record<string, number>> = { real: 4, float4: 4, float: 8, double: 8, 'double precision': 8, float8: 8 };

/** Character types that `text` holds without loss. @internal */
const CHARACTER_TYPES = new Set(['char', 'character', 'varchar', 'character varying', 'nchar', 'nvarchar', 'tinytext', 'text']);

/**
 * A type split into its base name, numeric parameters and what follows them (`unsigned`,
 * `with time zone`): `numeric(10,2)` → `numeric`, [10, 2], ``; `int unsigned` → `int`, none, `unsigned`.
 * @internal
 */
function parseType(type: string): { base: string; params: number[] | undefined; rest: string } {
  const text = type.trim().toLowerCase();
  const open = text.indexOf('(');
  const close = text.indexOf(')', open);
  if (open !== -1 && close !== -1) {
    const params = text.slice(open + 1, close).split(',').map((p) => Number(p.trim()));
    return { base: text.slice(0, open).trim(), params, rest: text.slice(close + 1).trim() };
  }
  const modifier = /\s+(unsigned|zerofill)(\s.*)?$/.exec(text);
  return modifier === null ? { base: text, params: undefined, rest: '' } : { base: text.slice(0, modifier.index), params: undefined, rest: modifier[0].trim() };
}

/**
 * The values of a MySQL `enum('a','b')` or `set('a','b')` type (quotes doubled inside a value), or
 * undefined for any other type.
 * @internal
 */
function listedValues(type: string): { kind: string; values: string[] } | undefined {
  const match = /^\s*(enum|set)\s*\((.*)\)\s*$/is.exec(type);
  if (match === null) return undefined;
  const values = [...(match[2] as string).matchAll(/'((?:[^']|'')*)'/g)].map((value) => (value[1] as string).replace(/''/g, "'"));
  return { kind: (match[1] as string).toLowerCase(), values };
}

/**
 * Whether changing a column from type `from` to `to` keeps every value: a wider integer or float,
 * a longer length or precision of the same type, a character type to `text`, the same type
 * without its length limit, or a MySQL enum or set that keeps all its values. Anything else may truncate or reject data and is reported as
 * destructive; the list errs on the side of reporting (type spellings are dialect canonical).
 * @internal
 */
export function isWideningType(from: string, to: string): boolean {
  const listA = listedValues(from);
  const listB = listedValues(to);
  if (listA !== undefined || listB !== undefined) {
    // MySQL's enum('a','b') and set(...) convert by value: appending or inserting values keeps every row's.
    return listA !== undefined && listB !== undefined && listA.kind === listB.kind && listA.values.every((value) => listB.values.includes(value));
  }
  const a = parseType(from);
  const b = parseType(to);
  if (a.rest !== b.rest) return false;
  const intA = INTEGER_WIDTH[a.base];
  const intB = INTEGER_WIDTH[b.base];
  if (intA !== undefined && intB !== undefined) return intB >= intA;
  const floatA = FLOAT_WIDTH[a.base];
  const floatB = FLOAT_WIDTH[b.base];
  if (floatA !== undefined && floatB !== undefined) return floatB >= floatA;
  if (b.base === 'text' && b.params === undefined && CHARACTER_TYPES.has(a.base)) return true;
  if (a.base !== b.base) return false;
  if (b.params === undefined) return true;
  if (a.params === undefined || a.params.length !== b.params.length) return false;
  if (a.params.length === 2) {
    // numeric(precision, scale): both the integer digits and the scale must not shrink.
    const [pa = 0, sa = 0] = a.params;
    const [pb = 0, sb = 0] = b.params;
    return sb >= sa && pb - sb >= pa - sa;
  }
  return a.params.every((value, i) => (b.params?.[i] ?? 0) >= value);
}

/** One column rename, by the table's name in the target schema. @internal */
export interface ColumnRename {
  readonly table: string;
  readonly from: string;
  readonly to: string;
}

/**
 * The column rename hints, checked against the previous schema (with the table renames already
 * applied, so a table is named as in `to`) and the target schema, sorted by table and old name.
 * A key is `table.old`; the table part is the longest prefix, up to a dot, that names a table of
 * `to`, so table and column names may themselves contain dots.
 * @internal
 */
export function resolveColumnRenames(hints: Readonly<Record<string, string>> | undefined, from: SchemaModel, to: SchemaModel): ColumnRename[] {
  const renames: ColumnRename[] = [];
  for (const [key, newName] of Object.entries(hints ?? {})) {
    const split = [...key.matchAll(/\./g)]
      .map((match) => match.index)
      .reverse()
      .find((at) => to.tables.has(key.slice(0, at)));
    if (split === undefined) throw new UnknownRenameError('column', key, newName, 'the key must be `table.column` with a table of the target schema');
    const table = key.slice(0, split);
    const oldName = key.slice(split + 1);
    const before = from.tables.get(table);
    const after = to.tables.get(table) as TableModel;
    if (before === undefined) throw new UnknownRenameError('column', key, newName, `table ${table} is new in the target schema`);
    const has = (t: TableModel, name: string): boolean => t.columns.some((c) => c.name === name);
    if (!has(before, oldName)) throw new UnknownRenameError('column', key, newName, `column ${oldName} does not exist on table ${table} in the previous schema`);
    if (!has(after, newName)) throw new UnknownRenameError('column', key, newName, `column ${newName} does not exist on table ${table} in the target schema`);
    if (has(after, oldName)) throw new InvalidRenameError('column', key, newName, `column ${oldName} still exists on table ${table} in the target schema`);
    if (has(before, newName)) throw new InvalidRenameError('column', key, newName, `column ${newName} already exists on table ${table} in the previous schema`);
    if (renames.some((r) => r.table === table && r.to === newName)) {
      throw new InvalidRenameError('column', key, newName, `another hint also renames a column of table ${table} to ${newName}`);
    }
    renames.push({ table, from: oldName, to: newName });
  }
  return renames.sort((a, b) => compareText(a.table, b.table) || compareText(a.from, b.from));
}

/** Code-unit order, independent of the locale. @internal */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * How one table's columns change, with renames already applied to `from`.
 * - `added`: new ordinary columns, in target order (added first, so the table never runs out of
 *   columns while others are dropped);
 * - `dropped`: columns that disappear; `recreated`: columns dropped and added again because
 *   alterColumn cannot express the change (generated expression, auto-increment), with the reason;
 * - `altered`: one alterColumn per column whose type, nullability or default changes;
 * - `addedLate`: the recreated columns and the new generated columns, in target order, added once
 *   every drop and type change is done (a generated expression may use them);
 * - `kept`: the columns that survive in place; `typeChanged`: those whose type changes.
 * @internal
 */
export interface ColumnComparison {
  readonly added: readonly ColumnModel[];
  readonly dropped: readonly ColumnModel[];
  readonly recreated: ReadonlyMap<string, string>;
  readonly altered: readonly PlannedOp[];
  readonly addedLate: readonly ColumnModel[];
  readonly kept: readonly string[];
  readonly typeChanged: ReadonlySet<string>;
}

/** Why a column must be dropped and added again, or undefined when alterColumn can change it. @internal */
function recreateReason(table: string, before: ColumnModel, after: ColumnModel): string | undefined {
  const where = `column ${table}.${after.name}`;
  const generated = (column: ColumnModel): string => (column.generated === undefined ? '' : `${column.generated.stored}:${column.generated.expression}`);
  if (generated(before) !== generated(after)) {
    const describe = (column: ColumnModel): string =>
      column.generated === undefined ? 'not generated' : `generated ${column.generated.stored ? 'stored' : 'virtual'} as ${column.generated.expression}`;
    return `${where} changes from ${describe(before)} to ${describe(after)}, which alterColumn cannot express: it is dropped and added again`;
  }
  if (Boolean(before.autoIncrement) !== Boolean(after.autoIncrement)) {
    return `${where} ${after.autoIncrement ? 'becomes' : 'stops being'} auto-increment, which alterColumn cannot express: it is dropped and added again and its values are lost`;
  }
  return undefined;
}

/**
 * Compares the columns of one table present in both schemas (`from` already carries the renames).
 * A kept generated column whose expression uses a recreated column, or a column whose type
 * changes, is recreated too (PostgreSQL refuses to change a column a generated column uses).
 * @internal
 */
export function compareColumns(from: TableModel, to: TableModel): ColumnComparison {
  const before = new Map(from.columns.map((c) => [c.name, c]));
  const after = new Map(to.columns.map((c) => [c.name, c]));
  const recreated = new Map<string, string>();
  for (const column of to.columns) {
    const old = before.get(column.name);
    const reason = old === undefined ? undefined : recreateReason(to.name, old, column);
    if (reason !== undefined) recreated.set(column.name, reason);
  }
  const changesType = (column: ColumnModel): boolean => before.get(column.name)?.type !== column.type;
  let grew = true;
  while (grew) {
    grew = false;
    for (const column of to.columns) {
      if (!before.has(column.name) || recreated.has(column.name) || column.generated === undefined) continue;
      const used = to.columns.find(
        (other) => other.name !== column.name && before.has(other.name) && (recreated.has(other.name) || changesType(other)) && mentionsColumn(column.generated?.expression, other.name),
      );
      if (used !== undefined) {
        recreated.set(column.name, `column ${to.name}.${column.name} is generated from column ${used.name}, which changes: it is dropped and added again`);
        grew = true;
      }
    }
  }
  const kept = from.columns.filter((c) => after.has(c.name) && !recreated.has(c.name)).map((c) => c.name);
  const typeChanged = new Set(kept.filter((name) => changesType(after.get(name) as ColumnModel)));
  const altered: PlannedOp[] = [];
  for (const name of kept) {
    const old = before.get(name) as ColumnModel;
    const column = after.get(name) as ColumnModel;
    const op: AlterColumnOp = {
      kind: 'alterColumn',
      table: to.name,
      column: name,
      ...(old.type !== column.type ? { type: column.type } : {}),
      ...(old.nullable !== column.nullable ? { nullable: column.nullable } : {}),
      ...(old.default !== column.default ? { default: statedDefault(column) ?? null } : {}),
      ...(sameIdentity(old.identity, column.identity) ? {} : { identity: column.identity ?? { always: false } }),
    };
    if (op.type === undefined && op.nullable === undefined && op.default === undefined && op.identity === undefined) continue;
    const reasons: string[] = [];
    if (op.type !== undefined && !isWideningType(old.type, column.type)) {
      reasons.push(`changes column ${to.name}.${name} from ${old.type} to ${column.type}, which may truncate or reject existing values`);
    }
    if (op.nullable === false) reasons.push(`makes column ${to.name}.${name} NOT NULL, which fails while a row holds NULL`);
    altered.push(reasons.length > 0 ? { op, reason: reasons.join('; ') } : { op });
  }
  return {
    added: to.columns.filter((c) => !before.has(c.name) && c.generated === undefined),
    dropped: from.columns.filter((c) => !after.has(c.name)),
    recreated,
    altered,
    addedLate: to.columns.filter((c) => recreated.has(c.name) || (!before.has(c.name) && c.generated !== undefined)),
    kept,
    typeChanged,
  };
}

/** Whether two identities (undefined: a plain one) are the same kind with the same options. @internal */
function sameIdentity(a: IdentityModel | undefined, b: IdentityModel | undefined): boolean {
  const text = (identity: IdentityModel | undefined): string =>
    identity === undefined ? '' : [identity.always, identity.start, identity.increment, identity.minValue, identity.maxValue, identity.cache, identity.cycle].join('|');
  return text(a) === text(b);
}

/**
 * Why adding `column` to an existing table may fail: NOT NULL with nothing to fill the existing
 * rows (no default, not generated, not auto-increment). Undefined when it is safe.
 * @internal
 */
export function addColumnRisk(table: string, column: ColumnModel): string | undefined {
  if (column.nullable || column.default !== undefined || column.generated !== undefined || column.autoIncrement) return undefined;
  return `adds NOT NULL column ${table}.${column.name} without a default, which fails while the table has rows`;
}
