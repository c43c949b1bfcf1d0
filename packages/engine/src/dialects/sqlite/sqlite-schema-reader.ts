import type {
  CheckConstraintModel,
  ColumnModel,
  ForeignKeyModel,
  IndexModel,
  IndexPart,
  PrimaryKeyModel,
  SchemaModel,
  StoredObject,
  TableModel,
  UniqueConstraintModel,
} from '../../schema/model.js';
import type { Connection, Row } from '../connection.js';
import { matchingParen, renderTokens, splitTopLevel, tokenize, type SqlToken } from '../sql-expression.js';
import { STRATA_TABLES } from '../strata-tables.js';
import { SQLITE_SYNTAX, SqliteNormalizer } from './sqlite-normalizer.js';
import { byCodePoint, byName, foreignKeyAction, groupRows } from '../reflection.js';

/**
 * The application's tables in `main`: not SQLite's own (`sqlite_sequence`, `sqlite_stat1`...: names
 * starting `sqlite_` are reserved, https://www.sqlite.org/fileformat2.html#intschema), not virtual
 * tables (their columns belong to the module), not Strata's.
 */
const TABLE_FILTER = `m.type = 'table' AND substr(m.name, 1, 7) <> 'sqlite_' AND m.sql NOT LIKE 'CREATE VIRTUAL%'
  AND m.name NOT IN (${STRATA_TABLES.map(() => '?').join(', ')})`;

/** Tables with their CREATE TABLE text, and indexes with theirs (null for automatic indexes). */
const MASTER_SQL = `
  SELECT m.type, m.name, m.tbl_name, m.sql FROM sqlite_master m
  WHERE (${TABLE_FILTER}) OR (m.type = 'index' AND m.sql IS NOT NULL)`;

/** Columns through the table-valued pragma (https://www.sqlite.org/pragma.html#pragfunc), hidden and generated ones included. */
const COLUMNS_SQL = `
  SELECT m.name AS table_name, c.cid, c.name, c.type, c."notnull" AS not_null, c.dflt_value, c.pk, c.hidden
  FROM sqlite_master m JOIN pragma_table_xinfo(m.name) c
  WHERE ${TABLE_FILTER}
  ORDER BY m.name, c.cid`;

/**
 * Index key columns: `origin` is `c` (CREATE INDEX), `u` (UNIQUE constraint) or `pk`; `cid` is -2
 * for an expression part; `desc` is 1 for a DESC part (https://www.sqlite.org/pragma.html#pragma_index_xinfo).
 */
const INDEXES_SQL = `
  SELECT m.name AS table_name, il.name AS index_name, il."unique" AS is_unique, il.origin, ix.seqno, ix.cid, ix.name AS column_name, ix."desc" AS is_desc
  FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_xinfo(il.name) ix
  WHERE ${TABLE_FILTER} AND ix."key" = 1
  ORDER BY m.name, il.name, ix.seqno`;

/** Foreign keys, one row per column pair, grouped by `id` (https://www.sqlite.org/pragma.html#pragma_foreign_key_list). */
const FOREIGN_KEYS_SQL = `
  SELECT m.name AS table_name, f.id, f.seq, f."table" AS referenced_table, f."from" AS column_name, f."to" AS referenced_column,
         f.on_update, f.on_delete
  FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
  WHERE ${TABLE_FILTER}
  ORDER BY m.name, f.id, f.seq`;

const normalizer = new SqliteNormalizer();

/** What the CREATE TABLE text tells that the pragmas do not. */
interface TableSource {
  readonly checks: CheckConstraintModel[];
  /** Named UNIQUE and FOREIGN KEY constraints by their column list (`a,b`). */
  readonly uniqueNames: Map<string, string>;
  readonly foreignKeyNames: Map<string, string>;
  readonly autoIncrement: Set<string>;
  readonly generated: Map<string, string>;
}

/** One table while it is being assembled. */
interface TableParts {
  readonly columns: ColumnModel[];
  readonly primaryKey: { column: string; position: number }[];
  readonly indexes: IndexModel[];
  readonly foreignKeys: ForeignKeyModel[];
  readonly uniqueConstraints: UniqueConstraintModel[];
}

/**
 * Reflects the `main` database of a SQLite connection into the schema model in exactly four
 * statements whatever the number of tables (SQLite's table-valued pragma functions join against
 * `sqlite_master`): the schema texts, columns, index columns, foreign keys.
 *
 * The pragmas give columns, keys and indexes; the CREATE texts give what only they hold:
 * - CHECK constraints, column- and table-level, with their `CONSTRAINT name`; an unnamed check is
 *   named `<table>_check_<n>`, n counting the unnamed checks from 1 in the order they are written.
 * - names of UNIQUE and FOREIGN KEY constraints (SQLite keeps none: the index of a UNIQUE constraint
 *   is `sqlite_autoindex_<table>_<n>`). Unnamed ones get Drizzle's names,
 *   `<table>_<columns>_unique` and `<table>_<columns>_<referenced table>_<referenced columns>_fk`.
 * - `AUTOINCREMENT` (https://www.sqlite.org/autoinc.html) → `autoIncrement: true`; a rowid alias
 *   without it is a plain primary key (not null).
 * - generated columns' expressions; index expressions (`cid` -2) and partial-index predicates.
 * A foreign key naming no referenced columns reads with the referenced table's primary key columns.
 * Not reflected: index order and collations, `WITHOUT ROWID`, STRICT, conflict clauses. Lists are
 * sorted by name; the primary key has no name.
 *
 * @example
 * ```ts
 * import { SqliteConnection, readSqliteSchema } from '@strata/engine';
 * const connection = await SqliteConnection.open(':memory:');
 * await connection.executeScript('create table t (id integer primary key autoincrement)');
 * const schema = await readSqliteSchema(connection);
 * console.log(schema.tables.get('t')?.columns[0]?.autoIncrement); // true
 * await connection.close();
 * ```
 */
export async function readSqliteSchema(connection: Connection): Promise<SchemaModel> {
  const excluded = [...STRATA_TABLES];
  const masterRows = await connection.query(MASTER_SQL, excluded);
  const columnRows = await connection.query(COLUMNS_SQL, excluded);
  const indexRows = await connection.query(INDEXES_SQL, excluded);
  const foreignKeyRows = await connection.query(FOREIGN_KEYS_SQL, excluded);

  const sources = new Map<string, TableSource>();
  const indexSql = new Map<string, string>();
  for (const row of masterRows) {
    if (row.type === 'table') sources.set(String(row.name), parseCreateTable(String(row.name), String(row.sql)));
    else indexSql.set(String(row.name), String(row.sql));
  }

  const parts = new Map<string, TableParts>();
  for (const name of sources.keys()) parts.set(name, { columns: [], primaryKey: [], indexes: [], foreignKeys: [], uniqueConstraints: [] });
  const partsOf = (name: string): TableParts => parts.get(name) as TableParts;

  for (const row of columnRows) {
    const table = partsOf(String(row.table_name));
    const source = sources.get(String(row.table_name)) as TableSource;
    table.columns.push(columnFrom(row, source));
    if (Number(row.pk) > 0) table.primaryKey.push({ column: String(row.name), position: Number(row.pk) });
  }
  // A rowid alias cannot hold NULL though the pragma reports it nullable (https://www.sqlite.org/lang_createtable.html#rowid).
  for (const table of parts.values()) {
    const [only] = table.primaryKey;
    if (table.primaryKey.length !== 1 || only === undefined) continue;
    const index = table.columns.findIndex((column) => column.name === only.column && column.type === 'integer');
    if (index !== -1) table.columns[index] = { ...(table.columns[index] as ColumnModel), nullable: false };
  }

  for (const group of groupRows(indexRows, (row) => `${String(row.table_name)}\u0000${String(row.index_name)}`)) {
    const first = group[0] as Row;
    const tableName = String(first.table_name);
    const table = partsOf(tableName);
    const source = sources.get(tableName) as TableSource;
    if (first.origin === 'pk') continue;
    const columns = group.map((row) => String(row.column_name));
    if (first.origin === 'u') {
      const key = columns.join(',');
      table.uniqueConstraints.push({ name: source.uniqueNames.get(key) ?? `${tableName}_${columns.join('_')}_unique`, columns });
      continue;
    }
    table.indexes.push(indexFrom(String(first.index_name), group, indexSql.get(String(first.index_name)) ?? ''));
  }

  for (const group of groupRows(foreignKeyRows, (row) => `${String(row.table_name)}\u0000${String(row.id)}`)) {
    const first = group[0] as Row;
    const tableName = String(first.table_name);
    const referencedTable = String(first.referenced_table);
    const columns = group.map((row) => String(row.column_name));
    const referencedColumns = group.every((row) => row.referenced_column === null)
      ? (parts.get(referencedTable)?.primaryKey ?? []).sort((a, b) => a.position - b.position).map((key) => key.column)
      : group.map((row) => String(row.referenced_column));
    const named = (sources.get(tableName) as TableSource).foreignKeyNames.get(columns.join(','));
    partsOf(tableName).foreignKeys.push({
      name: named ?? `${tableName}_${columns.join('_')}_${referencedTable}_${referencedColumns.join('_')}_fk`,
      columns,
      referencedTable,
      referencedColumns,
      onDelete: foreignKeyAction(first.on_delete),
      onUpdate: foreignKeyAction(first.on_update),
    });
  }

  const tables = new Map<string, TableModel>();
  for (const name of [...parts.keys()].sort(byCodePoint)) {
    const table = partsOf(name);
    const source = sources.get(name) as TableSource;
    const primaryKey: PrimaryKeyModel | undefined =
      table.primaryKey.length === 0 ? undefined : { columns: [...table.primaryKey].sort((a, b) => a.position - b.position).map((key) => key.column) };
    tables.set(name, {
      name,
      columns: table.columns,
      ...(primaryKey === undefined ? {} : { primaryKey }),
      indexes: table.indexes.sort(byName),
      foreignKeys: table.foreignKeys.sort(byName),
      uniqueConstraints: table.uniqueConstraints.sort(byName),
      checkConstraints: [...source.checks].sort(byName),
    });
  }
  return { tables, enums: new Map() };
}

/**
 * The CREATE statements of the application's tables, indexes, triggers and views in creation order
 * (`sqlite_schema` rowid order), for a table recreate to keep what the model does not follow: column
 * collations, `WITHOUT ROWID` and `STRICT`, index texts, triggers and views
 * (https://www.sqlite.org/lang_altertable.html#otheralter, step 3). Automatic indexes have no text.
 *
 * @example
 * ```ts
 * import { SqliteConnection, readSqliteStored } from '@strata/engine';
 * const connection = await SqliteConnection.open(':memory:');
 * await connection.executeScript('create table t (a text collate nocase); create view v as select a from t');
 * const stored = await readSqliteStored(connection); // [{ type: 'table', name: 't', ... }, { type: 'view', name: 'v', ... }]
 * await connection.close();
 * ```
 */
export async function readSqliteStored(connection: Connection): Promise<StoredObject[]> {
  const rows = await connection.query(
    `SELECT type, name, tbl_name, sql FROM sqlite_master
     WHERE type IN ('table', 'index', 'trigger', 'view') AND sql IS NOT NULL AND substr(name, 1, 7) <> 'sqlite_'
     ORDER BY rowid`,
  );
  return rows.map((row) => ({
    type: String(row.type) as StoredObject['type'],
    name: String(row.name),
    table: String(row.tbl_name),
    sql: String(row.sql),
  }));
}

function columnFrom(row: Row, source: TableSource): ColumnModel {
  const name = String(row.name);
  const type = normalizer.normalizeType(String(row.type ?? ''));
  const base = { name, type, nullable: Number(row.not_null) === 0 };
  // hidden 2 = generated VIRTUAL, 3 = generated STORED (https://www.sqlite.org/pragma.html#pragma_table_xinfo).
  const hidden = Number(row.hidden);
  const generated = source.generated.get(name.toLowerCase());
  if ((hidden === 2 || hidden === 3) && generated !== undefined) return { ...base, generated: { expression: generated, stored: hidden === 3 } };
  if (source.autoIncrement.has(name.toLowerCase())) return { ...base, autoIncrement: true };
  const value = normalizer.normalizeDefault(row.dflt_value === null ? undefined : String(row.dflt_value), type);
  return value === undefined ? base : { ...base, default: value };
}

/** A CREATE INDEX's parts (expressions from its text where `cid` is -2) and its WHERE predicate. */
function indexFrom(name: string, rows: readonly Row[], sql: string): IndexModel {
  const tokens = tokenize(sql, SQLITE_SYNTAX);
  const open = tokens.findIndex((token, i) => token.kind === 'punct' && token.text === '(' && tokens[i - 2]?.text === 'on');
  const close = open === -1 ? -1 : matchingParen(tokens, open);
  const written = open === -1 ? [] : splitTopLevel(tokens.slice(open + 1, close));
  const where = close === -1 ? [] : tokens.slice(close + 1);
  const parts = rows.map((row, k): IndexPart => {
    const order = Number(row.is_desc) === 1 ? { order: 'desc' as const } : {};
    if (Number(row.cid) !== -2) return { column: String(row.column_name), ...order };
    return { expression: normalizer.normalizeExpression(render(withoutOrdering(written[k] ?? []))), ...order };
  });
  return {
    name,
    parts,
    unique: Number(rows[0]?.is_unique) === 1,
    ...(where[0]?.text === 'where' ? { where: normalizer.normalizeExpression(render(where.slice(1))) } : {}),
  };
}

/** An indexed term without its `COLLATE x` and `ASC`/`DESC` (https://www.sqlite.org/syntax/indexed-column.html). */
function withoutOrdering(tokens: readonly SqlToken[]): SqlToken[] {
  let end = tokens.length;
  if (tokens[end - 1]?.text === 'asc' || tokens[end - 1]?.text === 'desc') end -= 1;
  if (tokens[end - 2]?.text === 'collate') end -= 2;
  return tokens.slice(0, end);
}

/**
 * Reads checks, constraint names, AUTOINCREMENT and generated expressions from a CREATE TABLE text
 * (https://www.sqlite.org/lang_createtable.html): the body splits at top-level commas into column
 * definitions and table constraints.
 */
function parseCreateTable(table: string, sql: string): TableSource {
  const source: TableSource = { checks: [], uniqueNames: new Map(), foreignKeyNames: new Map(), autoIncrement: new Set(), generated: new Map() };
  const tokens = tokenize(sql, SQLITE_SYNTAX);
  const open = tokens.findIndex((token) => token.kind === 'punct' && token.text === '(');
  if (open === -1) return source;
  let unnamedChecks = 0;
  const addCheck = (name: string | undefined, expression: readonly SqlToken[]): void => {
    if (name === undefined) unnamedChecks += 1;
    source.checks.push({ name: name ?? `${table}_check_${unnamedChecks}`, expression: normalizer.normalizeExpression(render(expression)) });
  };
  for (const definition of splitTopLevel(tokens.slice(open + 1, matchingParen(tokens, open)))) {
    const head = definition[0] as SqlToken;
    const tableConstraint = head.kind === 'word' && ['constraint', 'primary', 'unique', 'check', 'foreign'].includes(head.text);
    const column = tableConstraint ? undefined : nameOf(head);
    let pending: string | undefined;
    for (let i = tableConstraint ? 0 : 1; i < definition.length; i += 1) {
      const token = definition[i] as SqlToken;
      if (token.kind !== 'word') continue;
      const next = definition[i + 1];
      if (token.text === 'constraint' && next !== undefined) {
        pending = nameOf(next);
        i += 1;
      } else if (token.text === 'check' && next?.text === '(') {
        const close = matchingParen(definition, i + 1);
        addCheck(pending, definition.slice(i + 2, close));
        pending = undefined;
        i = close;
      } else if (token.text === 'unique' || (token.text === 'foreign' && next?.text === 'key')) {
        const listStart = definition.findIndex((candidate, j) => j > i && candidate.text === '(');
        const columns =
          column !== undefined ? [column] : splitTopLevel(definition.slice(listStart + 1, matchingParen(definition, listStart))).map((part) => nameOf(part[0] as SqlToken));
        if (pending !== undefined) (token.text === 'unique' ? source.uniqueNames : source.foreignKeyNames).set(columns.join(','), pending);
        pending = undefined;
      } else if (token.text === 'references' && column !== undefined) {
        if (pending !== undefined) source.foreignKeyNames.set(column, pending);
        pending = undefined;
      } else if (token.text === 'autoincrement' && column !== undefined) {
        source.autoIncrement.add(column.toLowerCase());
      } else if (token.text === 'as' && next?.text === '(' && column !== undefined) {
        const close = matchingParen(definition, i + 1);
        source.generated.set(column.toLowerCase(), normalizer.normalizeExpression(render(definition.slice(i + 2, close))));
        i = close;
      } else if (['primary', 'not', 'default', 'collate'].includes(token.text)) {
        // `CONSTRAINT name` before a clause whose name the model does not keep (PRIMARY KEY, NOT NULL, DEFAULT, COLLATE).
        pending = undefined;
      }
    }
  }
  return source;
}

/** An identifier token's name as written. */
function nameOf(token: SqlToken): string {
  return token.raw ?? token.text;
}

function render(tokens: readonly SqlToken[]): string {
  return renderTokens(tokens, SQLITE_SYNTAX);
}

/**
 * The objects of the database the model does not hold: views and triggers (the model keeps them only
 * as the server's definitions, for a table recreate). `strata pull` refuses them by name.
 *
 * @example
 * ```ts
 * import { loadDialect, readSqliteUnmodelled } from '@strata/engine';
 * const connection = await (await loadDialect('sqlite')).connect('file:app.db');
 * console.log(await readSqliteUnmodelled(connection)); // ['view active_users']
 * await connection.close();
 * ```
 */
export async function readSqliteUnmodelled(connection: Connection): Promise<string[]> {
  const rows = await connection.query("SELECT type, name, tbl_name FROM sqlite_schema WHERE type IN ('view', 'trigger') ORDER BY type DESC, name");
  return rows.map((row) => (row['type'] === 'view' ? `view ${String(row['name'])}` : `trigger ${String(row['name'])} on ${String(row['tbl_name'])}`));
}
