import type {
  CheckConstraintModel,
  ColumnModel,
  ForeignKeyAction,
  IndexModel,
  ForeignKeyModel,
  PolicyModel,
  PrimaryKeyModel,
  RowLevelSecurityModel,
  TableModel,
  UniqueConstraintModel,
} from '../schema/model.js';
import type { Row } from './connection.js';

/** @internal A table's parts as a schema reader collects them, before they are sorted into a {@link TableModel}. */
export interface TableParts {
  readonly columns: ColumnModel[];
  primaryKey?: PrimaryKeyModel;
  readonly indexes: IndexModel[];
  readonly foreignKeys: ForeignKeyModel[];
  readonly uniqueConstraints: UniqueConstraintModel[];
  readonly checkConstraints: CheckConstraintModel[];
  /** PostgreSQL only, like the policies. */
  rowLevelSecurity?: RowLevelSecurityModel;
  policies?: PolicyModel[];
}

/** @internal The parts of table `name`, created empty on first use. */
export function partsOf(parts: Map<string, TableParts>, name: string): TableParts {
  let table = parts.get(name);
  if (table === undefined) {
    table = { columns: [], indexes: [], foreignKeys: [], uniqueConstraints: [], checkConstraints: [] };
    parts.set(name, table);
  }
  return table;
}

/**
 * @internal The tables in name order, their indexes and constraints in name order, columns in table
 * order: every reader (and the Drizzle adapter) sorts the same way, so models compare equal.
 */
export function assembleTables(parts: ReadonlyMap<string, TableParts>): Map<string, TableModel> {
  const tables = new Map<string, TableModel>();
  for (const name of [...parts.keys()].sort(byCodePoint)) {
    const table = parts.get(name) as TableParts;
    tables.set(name, {
      name,
      columns: table.columns,
      ...(table.primaryKey === undefined ? {} : { primaryKey: table.primaryKey }),
      indexes: table.indexes.sort(byName),
      foreignKeys: table.foreignKeys.sort(byName),
      uniqueConstraints: table.uniqueConstraints.sort(byName),
      checkConstraints: table.checkConstraints.sort(byName),
      ...(table.rowLevelSecurity === undefined ? {} : { rowLevelSecurity: table.rowLevelSecurity }),
      ...(table.policies === undefined || table.policies.length === 0 ? {} : { policies: table.policies.sort(byName) }),
    });
  }
  return tables;
}

/** @internal A catalog's referential rule (`CASCADE`, `SET NULL`, `SET DEFAULT`, `RESTRICT`, `NO ACTION`) as the model spells it. */
export function foreignKeyAction(rule: unknown): ForeignKeyAction {
  const value = String(rule).toLowerCase();
  return value === 'cascade' || value === 'set null' || value === 'set default' || value === 'restrict' ? value : 'no action';
}

/** @internal Consecutive rows with the same key, in order (the queries sort by that key). */
export function groupRows(rows: readonly Row[], key: (row: Row) => string): Row[][] {
  const groups: Row[][] = [];
  let last: string | undefined;
  for (const row of rows) {
    const current = key(row);
    if (current === last) (groups.at(-1) as Row[]).push(row);
    else groups.push([row]);
    last = current;
  }
  return groups;
}

/** @internal Code-point order: the same on every machine, unlike `localeCompare`. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** @internal Objects in name order. */
export function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return byCodePoint(a.name, b.name);
}
