import { jsString, sqlStringLiteral, typeParts, type DrizzleFlavour } from '../drizzle-flavour.js';

/** SQLite's storage classes, each with its builder. */
const BUILDERS: Readonly<Record<string, string>> = { integer: 'integer', text: 'text', real: 'real', blob: 'blob', numeric: 'numeric' };

/**
 * SQLite as a Drizzle schema (`drizzle-orm/sqlite-core`): an auto-increment key is
 * `integer(...).primaryKey({ autoIncrement: true })`; a default expression goes in parentheses, as
 * SQLite's DEFAULT wants (https://www.sqlite.org/lang_createtable.html#the_default_clause).
 *
 * @example
 * ```ts
 * import { SQLITE_DRIZZLE_FLAVOUR } from '@strata/engine';
 * SQLITE_DRIZZLE_FLAVOUR.defaultSql('current_timestamp'); // '(current_timestamp)'
 * ```
 */
export const SQLITE_DRIZZLE_FLAVOUR: DrizzleFlavour = {
  module: 'drizzle-orm/sqlite-core',
  table: 'sqliteTable',
  indexPartOptions: false,
  descendingNullsFirst: false,
  uniqueConstraintsAsIndexes: true,
  generatedMode: true,
  columnCall(column, name) {
    const { base, params } = typeParts(column.type);
    const builder = BUILDERS[base];
    return builder === undefined || params.length > 0 ? undefined : { call: `${builder}(${name})`, imports: [builder] };
  },
  defaultLiteral(column) {
    const expression = column.default ?? '';
    const { base } = typeParts(column.type);
    if (base === 'integer' && /^-?\d+$/.test(expression) && Number.isSafeInteger(Number(expression))) return expression;
    const text = sqlStringLiteral(expression);
    if (text !== undefined && base === 'text') return jsString(text);
    return undefined;
  },
  defaultSql: (expression) => `(${expression})`,
  primaryKeyName: () => undefined,
  keyChain: (column, primaryKey) => (primaryKey ? (column.autoIncrement === true ? '.primaryKey({ autoIncrement: true })' : '.primaryKey()') : ''),
};
