import { jsString, sqlStringLiteral, typeParts, type DrizzleColumnCall, type DrizzleFlavour } from '../drizzle-flavour.js';
import type { ColumnModel } from '../../schema/model.js';

/** Types whose builder takes only the name (`text('bio')`). */
const PLAIN: Readonly<Record<string, string>> = {
  boolean: 'boolean',
  text: 'text',
  tinytext: 'tinytext',
  mediumtext: 'mediumtext',
  longtext: 'longtext',
  json: 'json',
  date: 'date',
  datetime: 'datetime',
  timestamp: 'timestamp',
  time: 'time',
  double: 'double',
  float: 'float',
  real: 'real',
  year: 'year',
};

const INTEGERS: Readonly<Record<string, string>> = { tinyint: 'tinyint', smallint: 'smallint', mediumint: 'mediumint', int: 'int', bigint: 'bigint' };
const CHARACTERS = new Set(['text', 'tinytext', 'mediumtext', 'longtext', 'varchar', 'char']);

/**
 * MySQL/MariaDB as a Drizzle schema (`drizzle-orm/mysql-core`): enums as `mysqlEnum` columns,
 * `unsigned` integers, `.autoincrement()`.
 *
 * @example
 * ```ts
 * import { MYSQL_DRIZZLE_FLAVOUR } from '@strata/engine';
 * MYSQL_DRIZZLE_FLAVOUR.columnCall({ name: 'n', type: 'int unsigned', nullable: false }, "'n'", new Map(), (n) => n)?.call;
 * // "int('n', { unsigned: true })"
 * ```
 */
export const MYSQL_DRIZZLE_FLAVOUR: DrizzleFlavour = {
  module: 'drizzle-orm/mysql-core',
  table: 'mysqlTable',
  indexPartOptions: false,
  descendingNullsFirst: false,
  uniqueConstraintsAsIndexes: false,
  generatedMode: true,
  columnCall: (column, name) => mysqlCall(column, name),
  defaultLiteral(column) {
    const expression = column.default ?? '';
    const { base } = typeParts(column.type.replace(/\s+unsigned$/, ''));
    if (base === 'boolean' && (expression === '0' || expression === '1')) return expression === '1' ? 'true' : 'false';
    if (INTEGERS[base] !== undefined && /^-?\d+$/.test(expression) && Number.isSafeInteger(Number(expression))) return expression;
    const text = sqlStringLiteral(expression);
    if (text !== undefined && (CHARACTERS.has(base) || /^enum\(/i.test(column.type))) return jsString(text);
    return undefined;
  },
  defaultSql: (expression) => expression,
  primaryKeyName: () => undefined,
  keyChain: (column, primaryKey) => `${primaryKey ? '.primaryKey()' : ''}${column.autoIncrement === true ? '.autoincrement()' : ''}`,
};

function mysqlCall(column: ColumnModel, name: string): DrizzleColumnCall | undefined {
  const enumValues = /^enum\((.*)\)$/is.exec(column.type);
  if (enumValues !== null) {
    const values = [...(enumValues[1] as string).matchAll(/'((?:[^']|'')*)'/g)].map((value) => jsString((value[1] as string).replace(/''/g, "'")));
    return { call: `mysqlEnum(${name}, [${values.join(', ')}])`, imports: ['mysqlEnum'] };
  }
  const unsigned = /\s+unsigned$/i.test(column.type);
  const { base, params } = typeParts(column.type.replace(/\s+unsigned$/i, ''));
  const integer = INTEGERS[base];
  if (integer !== undefined && params.length === 0) {
    const options = [...(base === 'bigint' ? ["mode: 'number'"] : []), ...(unsigned ? ['unsigned: true'] : [])];
    return { call: `${integer}(${name}${options.length > 0 ? `, { ${options.join(', ')} }` : ''})`, imports: [integer] };
  }
  if (unsigned) return undefined;
  if ((base === 'varchar' || base === 'char') && params.length === 1) return { call: `${base}(${name}, { length: ${params[0]} })`, imports: [base] };
  if (base === 'decimal' && params.length <= 2) {
    const options = params.length === 0 ? '' : `, { precision: ${params[0]}${params.length === 2 ? `, scale: ${params[1]}` : ''} }`;
    return { call: `decimal(${name}${options})`, imports: ['decimal'] };
  }
  const builder = PLAIN[base];
  return builder === undefined || params.length > 0 ? undefined : { call: `${builder}(${name})`, imports: [builder] };
}
