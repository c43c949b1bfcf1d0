import type {
  ColumnModel,
  IndexPart,
  SchemaModel,
} from '../../schema/model.js';
import type { Connection, Row } from '../connection.js';
import { quoteString } from '../sql-expression.js';
import { STRATA_TABLES } from '../strata-tables.js';
import { MysqlNormalizer } from './mysql-normalizer.js';
import { assembleTables, foreignKeyAction, groupRows, type TableParts } from '../reflection.js';

/**
 * Base tables' columns in table order, with `VERSION()` to tell MariaDB from MySQL (they print
 * defaults differently). A table always has a column, so this also lists the tables.
 * https://dev.mysql.com/doc/refman/8.0/en/information-schema-columns-table.html
 */
const COLUMNS_SQL = `
  SELECT c.TABLE_NAME AS table_name, c.COLUMN_NAME AS column_name, c.COLUMN_TYPE AS column_type,
         c.IS_NULLABLE AS is_nullable, c.COLUMN_DEFAULT AS column_default, c.EXTRA AS extra,
         c.GENERATION_EXPRESSION AS generation_expression, VERSION() AS server_version
  FROM information_schema.COLUMNS c
  JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE'
  WHERE c.TABLE_SCHEMA = DATABASE() AND c.TABLE_NAME NOT IN (?)
  ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`;

/**
 * Index key parts. `SELECT *` because MySQL 8.0.13+ has an EXPRESSION column for functional key parts
 * and MariaDB does not (https://dev.mysql.com/doc/refman/8.0/en/information-schema-statistics-table.html).
 */
const INDEXES_SQL = `
  SELECT * FROM information_schema.STATISTICS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME NOT IN (?)
  ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`;

/** Primary key, unique and foreign key constraints with their columns in key order and the FK actions. */
const KEYS_SQL = `
  SELECT tc.TABLE_NAME AS table_name, tc.CONSTRAINT_NAME AS name, tc.CONSTRAINT_TYPE AS type, k.COLUMN_NAME AS column_name,
         k.REFERENCED_TABLE_NAME AS referenced_table, k.REFERENCED_COLUMN_NAME AS referenced_column,
         rc.DELETE_RULE AS on_delete, rc.UPDATE_RULE AS on_update
  FROM information_schema.TABLE_CONSTRAINTS tc
  JOIN information_schema.KEY_COLUMN_USAGE k
    ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND k.TABLE_NAME = tc.TABLE_NAME AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
  LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS rc
    ON rc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND rc.TABLE_NAME = tc.TABLE_NAME AND rc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
  WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.TABLE_NAME NOT IN (?) AND tc.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')
  ORDER BY tc.TABLE_NAME, tc.CONSTRAINT_NAME, k.ORDINAL_POSITION`;

/**
 * CHECK constraints with their table. MySQL 8's CHECK_CONSTRAINTS has no TABLE_NAME (check names are
 * unique per schema there), so the table comes from TABLE_CONSTRAINTS; MariaDB's has TABLE_NAME and
 * LEVEL (10.5.10+) and names column-level checks after their column, which may repeat across
 * tables: `SELECT cc.*` brings those columns where they exist, to match rows to their own table.
 * https://mariadb.com/kb/en/information-schema-check_constraints-table/
 */
const CHECKS_SQL = `
  SELECT cc.*, tc.TABLE_NAME AS owner_table
  FROM information_schema.CHECK_CONSTRAINTS cc
  JOIN information_schema.TABLE_CONSTRAINTS tc
    ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK'
  WHERE cc.CONSTRAINT_SCHEMA = DATABASE() AND tc.TABLE_NAME NOT IN (?)`;

const normalizer = new MysqlNormalizer();

/**
 * Reflects the connection's database (`DATABASE()`) on MySQL 8 or MariaDB into the schema model from
 * `information_schema`, in exactly four queries whatever the number of tables: columns, index
 * parts, key constraints, checks.
 *
 * What it decides, because the servers blur the model's distinctions:
 * - A UNIQUE constraint is reported as a unique constraint only, not again as its index. MySQL
 *   keeps no difference between `UNIQUE (...)` and `CREATE UNIQUE INDEX` (both are a unique index
 *   listed in TABLE_CONSTRAINTS), so a unique index on plain columns also reads as a unique constraint;
 *   only a unique index with an expression part stays an index.
 * - The index MySQL creates for a foreign key when none fits (named after the constraint,
 *   https://dev.mysql.com/doc/refman/8.0/en/create-table-foreign-keys.html) is not reported.
 * - MariaDB stores `JSON` as `longtext` plus a column-level `CHECK (json_valid(col))` named after
 *   the column (https://mariadb.com/kb/en/json-data-type/): such a column reads as type `json`
 *   and that check is not reported. Other column-level checks are reported under the column's name.
 * - `auto_increment` reads as `autoIncrement: true`; defaults are in {@link MysqlNormalizer}'s form,
 *   MySQL 8's unquoted literals being quoted first.
 * Not reflected: index prefix lengths (`note(10)` reads as the column), index order, `ON UPDATE` of
 * timestamp columns, character sets and collations. Lists are sorted by name.
 *
 * @example
 * ```ts
 * import { MysqlConnection, readMysqlSchema } from '@strata/engine';
 * const connection = await MysqlConnection.open('mysql://root@127.0.0.1:3306/app');
 * const schema = await readMysqlSchema(connection);
 * console.log([...schema.tables.keys()]);
 * await connection.close();
 * ```
 */
export async function readMysqlSchema(connection: Connection): Promise<SchemaModel> {
  const excluded = [[...STRATA_TABLES]];
  const columnRows = await connection.query(COLUMNS_SQL, excluded);
  const indexRows = await connection.query(INDEXES_SQL, excluded);
  const keyRows = await connection.query(KEYS_SQL, excluded);
  const checkRows = await connection.query(CHECKS_SQL, excluded);

  const parts = new Map<string, TableParts>();
  const partsOf = (name: string): TableParts => {
    let table = parts.get(name);
    if (table === undefined) {
      table = { columns: [], indexes: [], foreignKeys: [], uniqueConstraints: [], checkConstraints: [] };
      parts.set(name, table);
    }
    return table;
  };

  const jsonColumns = new Set<string>();
  for (const row of checkRows) {
    const table = field(row, 'owner_table');
    // MariaDB names the table of each check; skip the rows the name-only join matched to another table.
    if (row.TABLE_NAME !== undefined && field(row, 'TABLE_NAME') !== table) continue;
    const name = field(row, 'CONSTRAINT_NAME');
    const clause = field(row, 'CHECK_CLAUSE');
    if (row.LEVEL === 'Column' && normalizer.normalizeExpression(clause) === `json_valid(${normalizer.normalizeExpression(`\`${name}\``)})`) {
      jsonColumns.add(`${table}.${name}`);
      continue;
    }
    partsOf(table).checkConstraints.push({ name, expression: normalizer.normalizeExpression(clause) });
  }

  const mariadb = columnRows.some((row) => /mariadb/i.test(field(row, 'server_version')));
  for (const row of columnRows) {
    const table = field(row, 'table_name');
    partsOf(table).columns.push(columnFrom(row, mariadb, jsonColumns.has(`${table}.${field(row, 'column_name')}`)));
  }

  const foreignKeyNames = new Set<string>();
  const uniqueNames = new Set<string>();
  // A unique key with a descending part is more than a unique constraint: it is read as the index it is.
  const descendingKeys = new Set(indexRows.filter((row) => field(row, 'COLLATION') === 'D').map((row) => `${field(row, 'TABLE_NAME')}.${field(row, 'INDEX_NAME')}`));
  for (const group of groupRows(keyRows, (row) => `${field(row, 'table_name')}\u0000${field(row, 'name')}`)) {
    const first = group[0] as Row;
    const table = partsOf(field(first, 'table_name'));
    const name = field(first, 'name');
    const columns = group.map((row) => field(row, 'column_name'));
    if (first.type === 'PRIMARY KEY') {
      table.primaryKey = { columns };
    } else if (first.type === 'UNIQUE') {
      if (descendingKeys.has(`${field(first, 'table_name')}.${name}`)) continue;
      uniqueNames.add(`${field(first, 'table_name')}.${name}`);
      table.uniqueConstraints.push({ name, columns });
    } else {
      foreignKeyNames.add(`${field(first, 'table_name')}.${name}`);
      table.foreignKeys.push({
        name,
        columns,
        referencedTable: field(first, 'referenced_table'),
        referencedColumns: group.map((row) => field(row, 'referenced_column')),
        onDelete: foreignKeyAction(first.on_delete),
        onUpdate: foreignKeyAction(first.on_update),
      });
    }
  }

  for (const group of groupRows(indexRows, (row) => `${field(row, 'TABLE_NAME')}\u0000${field(row, 'INDEX_NAME')}`)) {
    const first = group[0] as Row;
    const tableName = field(first, 'TABLE_NAME');
    const name = field(first, 'INDEX_NAME');
    const key = `${tableName}.${name}`;
    if (name === 'PRIMARY' || uniqueNames.has(key) || foreignKeyNames.has(key)) continue;
    const method = field(first, 'INDEX_TYPE').toLowerCase();
    partsOf(tableName).indexes.push({
      name,
      parts: group.map(indexPart),
      unique: Number(first.NON_UNIQUE) === 0,
      // BTREE is InnoDB's only ordinary index type; FULLTEXT, SPATIAL and (MEMORY's) HASH are worth stating.
      ...(method === 'btree' ? {} : { method }),
    });
  }

  const tables = assembleTables(parts);
  return { tables, enums: new Map() };
}

function columnFrom(row: Row, mariadb: boolean, json: boolean): ColumnModel {
  const type = json ? 'json' : normalizer.normalizeType(field(row, 'column_type'));
  const extra = field(row, 'extra').toLowerCase();
  const base = { name: field(row, 'column_name'), type, nullable: row.is_nullable === 'YES' };
  if (/\b(stored|virtual) generated\b/.test(extra)) {
    return { ...base, generated: { expression: normalizer.normalizeExpression(field(row, 'generation_expression')), stored: extra.includes('stored') } };
  }
  if (extra.includes('auto_increment')) return { ...base, autoIncrement: true };
  const value = normalizer.normalizeDefault(defaultExpression(row, mariadb), type);
  return value === undefined ? base : { ...base, default: value };
}

/**
 * COLUMN_DEFAULT as an SQL expression. MariaDB 10.2.7+ already stores an expression (`'active'`,
 * `NULL`, `current_timestamp()`: https://mariadb.com/kb/en/information-schema-columns-table/).
 * MySQL 8 stores a literal's bare value (`active`) and an expression's text flagged
 * `DEFAULT_GENERATED` in EXTRA (https://dev.mysql.com/doc/refman/8.0/en/data-type-defaults.html);
 * SQL NULL means no default on both.
 */
function defaultExpression(row: Row, mariadb: boolean): string | undefined {
  if (row.column_default === null || row.column_default === undefined) return undefined;
  const value = String(row.column_default);
  if (mariadb || field(row, 'extra').toUpperCase().includes('DEFAULT_GENERATED')) return value;
  // Quoted even when it looks like a number: the normalizer unquotes numbers on numeric columns only.
  return quoteString(value, true);
}

/**
 * One key part: a column, or (MySQL 8 functional key parts) the EXPRESSION column's text; `COLLATION`
 * is `D` for a descending part (MySQL 8.0, MariaDB 10.8+:
 * https://dev.mysql.com/doc/refman/8.0/en/information-schema-statistics-table.html).
 */
function indexPart(row: Row): IndexPart {
  const order = field(row, 'COLLATION') === 'D' ? { order: 'desc' as const } : {};
  if (row.COLUMN_NAME === null && typeof row.EXPRESSION === 'string') return { expression: normalizer.normalizeExpression(row.EXPRESSION), ...order };
  return { column: field(row, 'COLUMN_NAME'), ...order };
}

/** A column of a row as a string (information_schema text; mysql2 may return Buffers for some). */
function field(row: Row, name: string): string {
  const value = row[name];
  return value === null || value === undefined ? '' : String(value);
}

/**
 * The objects of the database the model does not hold: views and triggers. `strata pull` refuses them by name.
 *
 * @example
 * ```ts
 * import { loadDialect, readMysqlUnmodelled } from '@strata/engine';
 * const connection = await (await loadDialect('mysql')).connect('mysql://root@127.0.0.1:3306/app');
 * console.log(await readMysqlUnmodelled(connection)); // ['view active_users']
 * await connection.close();
 * ```
 */
export async function readMysqlUnmodelled(connection: Connection): Promise<string[]> {
  const rows = await connection.query(
    `SELECT CONCAT('view ', TABLE_NAME) AS object FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()
     UNION ALL SELECT CONCAT('trigger ', TRIGGER_NAME, ' on ', EVENT_OBJECT_TABLE) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()
     ORDER BY 1`,
  );
  return rows.map((row) => String(row['object']));
}
