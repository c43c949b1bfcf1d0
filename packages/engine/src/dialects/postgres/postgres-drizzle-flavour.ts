import { jsString, sqlStringLiteral, typeParts, type DrizzleColumnCall, type DrizzleFlavour } from '../drizzle-flavour.js';
import type { ColumnModel, EnumModel } from '../../schema/model.js';

/** Types whose builder takes only the name (`text('bio')`). */
const PLAIN: Readonly<Record<string, string>> = {
  integer: 'integer',
  smallint: 'smallint',
  text: 'text',
  boolean: 'boolean',
  uuid: 'uuid',
  json: 'json',
  jsonb: 'jsonb',
  date: 'date',
  time: 'time',
  timestamp: 'timestamp',
  real: 'real',
  'double precision': 'doublePrecision',
  inet: 'inet',
  cidr: 'cidr',
  macaddr: 'macaddr',
  interval: 'interval',
};

const INTEGERS = new Set(['integer', 'smallint', 'bigint']);
const CHARACTERS = new Set(['text', 'varchar', 'char']);

/**
 * PostgreSQL as a Drizzle schema (`drizzle-orm/pg-core`): serial types for auto-increment columns
 * without identity, `pgEnum` types, arrays through `.array()`.
 *
 * @example
 * ```ts
 * import { POSTGRES_DRIZZLE_FLAVOUR } from '@strata/engine';
 * POSTGRES_DRIZZLE_FLAVOUR.columnCall({ name: 'email', type: 'varchar(200)', nullable: false }, "'email'", new Map(), (n) => n)?.call;
 * // "varchar('email', { length: 200 })"
 * ```
 */
export const POSTGRES_DRIZZLE_FLAVOUR: DrizzleFlavour = {
  module: 'drizzle-orm/pg-core',
  table: 'pgTable',
  enumType: 'pgEnum',
  indexPartOptions: true,
  descendingNullsFirst: true,
  uniqueConstraintsAsIndexes: false,
  generatedMode: false,
  columnCall(column, name, enums, enumConst) {
    const array = /(\[\])+$/.exec(column.type)?.[0] ?? '';
    const base = baseCall({ ...column, type: column.type.slice(0, column.type.length - array.length) }, name, enums, enumConst);
    if (base === undefined) return undefined;
    return { call: base.call + '.array()'.repeat(array.length / 2), imports: base.imports };
  },
  defaultLiteral(column, enums) {
    const expression = column.default ?? '';
    const { base } = typeParts(column.type);
    if (base === 'boolean' && (expression === 'true' || expression === 'false')) return expression;
    if (INTEGERS.has(base) && /^-?\d+$/.test(expression) && Number.isSafeInteger(Number(expression))) return expression;
    const text = sqlStringLiteral(expression);
    if (text !== undefined && (CHARACTERS.has(base) || enums.has(column.type))) return jsString(text);
    return undefined;
  },
  defaultSql: (expression) => expression,
  primaryKeyName: (table) => `${table}_pkey`,
  keyChain: (_column, primaryKey) => (primaryKey ? '.primaryKey()' : ''),
};

function baseCall(column: ColumnModel, name: string, enums: ReadonlyMap<string, EnumModel>, enumConst: (name: string) => string): DrizzleColumnCall | undefined {
  if (enums.has(column.type)) return { call: `${enumConst(column.type)}(${name})`, imports: [] };
  const { base, params } = typeParts(column.type);
  const serial = column.autoIncrement === true && column.identity === undefined;
  if (serial) {
    const builder = { integer: 'serial', smallint: 'smallserial', bigint: 'bigserial' }[base];
    if (builder === undefined) return undefined;
    return { call: builder === 'bigserial' ? `bigserial(${name}, { mode: 'number' })` : `${builder}(${name})`, imports: [builder] };
  }
  if (base === 'bigint') return { call: `bigint(${name}, { mode: 'number' })`, imports: ['bigint'] };
  if (base === 'timestamptz' && params.length === 0) return { call: `timestamp(${name}, { withTimezone: true })`, imports: ['timestamp'] };
  if ((base === 'varchar' || base === 'char') && params.length <= 1) {
    return { call: params.length === 0 ? `${base}(${name})` : `${base}(${name}, { length: ${params[0]} })`, imports: [base] };
  }
  if (base === 'numeric' && params.length <= 2) {
    const options = params.length === 0 ? '' : `, { precision: ${params[0]}${params.length === 2 ? `, scale: ${params[1]}` : ''} }`;
    return { call: `numeric(${name}${options})`, imports: ['numeric'] };
  }
  const builder = PLAIN[base];
  return builder === undefined || params.length > 0 ? undefined : { call: `${builder}(${name})`, imports: [builder] };
}
