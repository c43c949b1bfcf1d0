import { jsString, type DrizzleFlavour } from '../dialects/drizzle-flavour.js';
import type { ColumnModel, IndexPart, SchemaModel, SequenceOptions, TableModel } from '../schema/model.js';
import { PullUnsupportedError } from './errors.js';

/** The helper a column of a type no builder spells is written with (declared in the file when used). */
const CUSTOM_TYPE_HELPER = 'sqlType';

/** Names a table's const may not take: JavaScript's reserved words and the file's own helpers. */
const RESERVED = new Set([
  ...'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await'.split(' '),
  'sql',
  'customType',
  CUSTOM_TYPE_HELPER,
]);

/**
 * Writes a schema model as a Drizzle schema module (`strata pull`): the dialect's table function with
 * every column (type, nullability, default, generated expression, identity), primary key, unique
 * constraints, indexes, foreign keys (with their actions), checks, and on PostgreSQL its enum types.
 * Every constraint and index is written with its name, so that reading the file back gives the same
 * model. A default that is not a plain literal is written as `sql\`…\``; a type no builder spells
 * goes through Drizzle's `customType`. What Drizzle cannot express (views, sequences, policies,
 * other PostgreSQL schemas, …) is refused with {@link PullUnsupportedError}, never left out.
 *
 * @example
 * ```ts
 * import { emptySchema, loadDialect, renderDrizzleSchema } from '@strata/engine';
 * const dialect = await loadDialect('sqlite');
 * const source = renderDrizzleSchema(emptySchema(), dialect.drizzleFlavour);
 * ```
 */
export function renderDrizzleSchema(model: SchemaModel, flavour: DrizzleFlavour): string {
  refuseInexpressible(model, flavour);
  const imports = new Set<string>([flavour.table]);
  let usesSql = false;
  let usesCustomType = false;
  const enumTaken = new Set<string>();
  const enumConsts = new Map([...model.enums.keys()].map((name) => [name, uniqueName(camel(name), enumTaken)]));
  if (flavour.enumType !== undefined && model.enums.size > 0) imports.add(flavour.enumType);
  const tables = [...model.tables.values()].sort((a, b) => a.name.localeCompare(b.name));
  // Table consts after every builder is known, so that none shadows an import (a table named `text`).
  const bodies = tables.map((table) => {
    const keys = columnKeys(table);
    const single = singleColumnPrimaryKey(table, flavour);
    const columns = table.columns.map((column) => {
      const name = jsString(column.name);
      const call = flavour.columnCall(column, name, model.enums, (enumName) => enumConsts.get(enumName) as string);
      if (call === undefined) {
        if (column.autoIncrement === true && column.identity === undefined) {
          throw new PullUnsupportedError(`column ${table.name}.${column.name}`, `an auto-increment column of type ${column.type}, which no Drizzle builder spells`);
        }
        usesCustomType = true;
      }
      for (const name of call?.imports ?? []) imports.add(name);
      const chain = [call?.call ?? `${CUSTOM_TYPE_HELPER}(${jsString(column.type)})(${name})`, flavour.keyChain(column, single === column.name)];
      if (!column.nullable && single !== column.name) chain.push('.notNull()');
      const written = columnExtras(table, column, model, flavour);
      usesSql ||= written.usesSql;
      chain.push(written.text);
      return `  ${keys.get(column.name)}: ${chain.join('')},`;
    });
    const extras = tableExtras(table, keys, single, model, flavour, imports);
    usesSql ||= extras.some((line) => line.includes('sql`'));
    return { table, columns, extras };
  });
  const taken = new Set([...imports, ...enumConsts.values(), ...RESERVED]);
  const tableConsts = new Map(tables.map((table) => [table.name, uniqueName(camel(table.name), taken)]));
  const lines: string[] = [];
  if (usesCustomType) imports.add('customType');
  lines.push('// Written by `strata pull` from the database\'s schema: edit it freely, it is yours now.');
  if (usesSql) lines.push("import { sql } from 'drizzle-orm';");
  lines.push(`import { ${[...imports].sort().join(', ')} } from '${flavour.module}';`, '');
  if (usesCustomType) {
    lines.push(
      '/** A column of a type no Drizzle builder spells, written as the database names it. */',
      `const ${CUSTOM_TYPE_HELPER} = (type: string) => customType<{ data: string; driverData: string }>({ dataType: () => type });`,
      '',
    );
  }
  for (const [name, values] of [...model.enums].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`export const ${enumConsts.get(name)} = ${flavour.enumType}(${jsString(name)}, [${values.values.map(jsString).join(', ')}]);`, '');
  }
  for (const { table, columns, extras } of bodies) {
    const resolved = extras.map((line) => line.replace(/\u0000([^\u0000]*)\u0000/g, (_match, referenced: string) => tableConsts.get(referenced) as string));
    lines.push(`export const ${tableConsts.get(table.name)} = ${flavour.table}(${jsString(table.name)}, {`, ...columns);
    lines.push(resolved.length === 0 ? '});' : `}, (t) => [\n${resolved.map((line) => `  ${line},`).join('\n')}\n]);`, '');
  }
  return lines.join('\n');
}

/** Throws for the first object of `model` that a Drizzle schema cannot hold. */
function refuseInexpressible(model: SchemaModel, flavour: DrizzleFlavour): void {
  const first = <T>(items: Iterable<T> | undefined): T | undefined => (items === undefined ? undefined : [...items][0]);
  const view = first(model.views?.keys());
  if (view !== undefined) throw new PullUnsupportedError(`view ${view}`, 'views are not written yet (their definition would have to become a query builder)');
  const sequence = first(model.sequences?.keys());
  if (sequence !== undefined) throw new PullUnsupportedError(`sequence ${sequence}`, 'sequences of their own are not written yet');
  const schema = first(model.schemas);
  if (schema !== undefined) throw new PullUnsupportedError(`schema ${schema}`, 'tables of schemas other than the default one are not written yet');
  for (const table of model.tables.values()) {
    if (table.policies !== undefined && table.policies.length > 0) throw new PullUnsupportedError(`policy ${table.policies[0]?.name} on ${table.name}`, 'row-level security policies are not written yet');
    if (table.rowLevelSecurity?.enabled === true) throw new PullUnsupportedError(`table ${table.name}`, 'row-level security is enabled, which is not written yet');
    for (const index of table.indexes) {
      if (index.with !== undefined || index.valid === false) throw new PullUnsupportedError(`index ${index.name} on ${table.name}`, index.valid === false ? 'the index is INVALID (a failed concurrent build): drop or rebuild it first' : 'storage parameters (WITH …) are not written yet');
      const stated = index.parts.some((part) => part.order !== undefined || part.nulls !== undefined || part.opclass !== undefined) || (index.method !== undefined && index.method !== 'btree');
      if (stated && !flavour.indexPartOptions) throw new PullUnsupportedError(`index ${index.name} on ${table.name}`, `Drizzle's ${flavour.module} index takes no order, NULLS placement, operator class or method`);
      if (index.parts.some((part) => 'expression' in part && (part.order !== undefined || part.nulls !== undefined || part.opclass !== undefined))) {
        throw new PullUnsupportedError(`index ${index.name} on ${table.name}`, 'an expression part with an order, NULLS placement or operator class, which Drizzle cannot state on an expression');
      }
    }
    for (const fk of table.foreignKeys) {
      if (!model.tables.has(fk.referencedTable)) throw new PullUnsupportedError(`foreign key ${fk.name} on ${table.name}`, `it references ${fk.referencedTable}, which is not a table of this schema`);
    }
  }
}

/** The column whose `.primaryKey()` writes the table's primary key, when it is one column under the server's default name. */
function singleColumnPrimaryKey(table: TableModel, flavour: DrizzleFlavour): string | undefined {
  const key = table.primaryKey;
  if (key === undefined || key.columns.length !== 1) return undefined;
  // SQLite lets a non-INTEGER key column hold NULL unless it says NOT NULL; `.primaryKey()` would say it.
  if (table.columns.find((column) => column.name === key.columns[0])?.nullable !== false) return undefined;
  return key.name === undefined || key.name === flavour.primaryKeyName(table.name) ? key.columns[0] : undefined;
}

/** Default, generated expression and identity of a column, chained after its builder. */
function columnExtras(table: TableModel, column: ColumnModel, model: SchemaModel, flavour: DrizzleFlavour): { text: string; usesSql: boolean } {
  let text = '';
  let usesSql = false;
  if (column.generated !== undefined) {
    const mode = flavour.generatedMode ? `, { mode: '${column.generated.stored ? 'stored' : 'virtual'}' }` : '';
    if (!flavour.generatedMode && !column.generated.stored) throw new PullUnsupportedError(`column ${table.name}.${column.name}`, 'a virtual generated column, which this dialect\'s Drizzle columns cannot state');
    text += `.generatedAlwaysAs(${sqlTemplate(column.generated.expression)}${mode})`;
    usesSql = true;
  } else if (column.default !== undefined) {
    const literal = flavour.defaultLiteral(column, model.enums);
    text += `.default(${literal ?? sqlTemplate(flavour.defaultSql(column.default))})`;
    usesSql ||= literal === undefined;
  }
  if (column.identity !== undefined) {
    const { always, ...sequence } = column.identity;
    text += `${always ? '.generatedAlwaysAsIdentity' : '.generatedByDefaultAsIdentity'}(${sequenceOptions(sequence)})`;
  }
  return { text, usesSql };
}

/** An identity's sequence options as Drizzle's object (`{ startWith: '100', increment: '5' }`), or nothing when it has none. */
function sequenceOptions(options: SequenceOptions): string {
  const names: Record<keyof SequenceOptions, string> = { start: 'startWith', increment: 'increment', minValue: 'minValue', maxValue: 'maxValue', cache: 'cache', cycle: 'cycle' };
  const entries = (Object.keys(names) as (keyof SequenceOptions)[]).flatMap((key) => {
    const value = options[key];
    if (value === undefined) return [];
    return [`${names[key]}: ${typeof value === 'boolean' ? String(value) : jsString(value)}`];
  });
  return entries.length === 0 ? '' : `{ ${entries.join(', ')} }`;
}

/**
 * The table's second-argument entries: primary key (unless written on its column), uniques, indexes,
 * foreign keys, checks. A referenced table is written as `\u0000name\u0000`, replaced by its const once
 * every table has one.
 */
function tableExtras(table: TableModel, keys: ReadonlyMap<string, string>, single: string | undefined, model: SchemaModel, flavour: DrizzleFlavour, imports: Set<string>): string[] {
  const column = (name: string) => `t.${keys.get(name)}`;
  const lines: string[] = [];
  if (table.primaryKey !== undefined && single === undefined) {
    imports.add('primaryKey');
    const name = table.primaryKey.name === undefined ? '' : `name: ${jsString(table.primaryKey.name)}, `;
    lines.push(`primaryKey({ ${name}columns: [${table.primaryKey.columns.map(column).join(', ')}] })`);
  }
  for (const unique of table.uniqueConstraints) {
    const builder = flavour.uniqueConstraintsAsIndexes ? 'uniqueIndex' : 'unique';
    imports.add(builder);
    lines.push(`${builder}(${jsString(unique.name)}).on(${unique.columns.map(column).join(', ')})${unique.nullsNotDistinct === true ? '.nullsNotDistinct()' : ''}`);
  }
  for (const index of table.indexes) {
    const builder = index.unique ? 'uniqueIndex' : 'index';
    imports.add(builder);
    const parts = index.parts.map((part) => indexPart(part, column, flavour)).join(', ');
    const on = index.method !== undefined && index.method !== 'btree' ? `.using(${jsString(index.method)}, ${parts})` : `.on(${parts})`;
    lines.push(`${builder}(${jsString(index.name)})${on}${index.where === undefined ? '' : `.where(${sqlTemplate(index.where)})`}`);
  }
  for (const fk of table.foreignKeys) {
    imports.add('foreignKey');
    const referenced = fk.referencedTable === table.name ? column : (name: string) => `\u0000${fk.referencedTable}\u0000.${columnKeys(model.tables.get(fk.referencedTable) as TableModel).get(name)}`;
    let line = `foreignKey({ name: ${jsString(fk.name)}, columns: [${fk.columns.map(column).join(', ')}], foreignColumns: [${fk.referencedColumns.map(referenced).join(', ')}] })`;
    if (fk.onDelete !== 'no action') line += `.onDelete(${jsString(fk.onDelete)})`;
    if (fk.onUpdate !== 'no action') line += `.onUpdate(${jsString(fk.onUpdate)})`;
    lines.push(line);
  }
  for (const check of table.checkConstraints) {
    imports.add('check');
    lines.push(`check(${jsString(check.name)}, ${sqlTemplate(check.expression)})`);
  }
  return lines;
}

function indexPart(part: IndexPart, column: (name: string) => string, flavour: DrizzleFlavour): string {
  if ('expression' in part) return sqlTemplate(part.expression);
  let text = column(part.column);
  if (part.order === 'desc') text += '.desc()';
  const nulls = part.nulls ?? (part.order === 'desc' && flavour.descendingNullsFirst ? 'first' : undefined);
  if (nulls !== undefined) text += nulls === 'first' ? '.nullsFirst()' : '.nullsLast()';
  if (part.opclass !== undefined) text += `.op(${jsString(part.opclass)})`;
  return text;
}

/** SQL text as a `sql` tagged template, escaped so that nothing in it is interpolated. */
function sqlTemplate(text: string): string {
  return `sql\`${text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
}

/** Each column's property name in the table's object: camelCase, unique within the table. */
function columnKeys(table: TableModel): Map<string, string> {
  const taken = new Set<string>();
  return new Map(table.columns.map((column) => [column.name, uniqueName(camel(column.name), taken)]));
}

/** `created_at` → `createdAt`, `2fa` → `_2fa`; empty → `_`. */
function camel(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  const joined = words.map((word, i) => (i === 0 ? word.charAt(0).toLowerCase() + word.slice(1) : word.charAt(0).toUpperCase() + word.slice(1))).join('');
  return /^[0-9]/.test(joined) || joined === '' ? `_${joined}` : joined;
}

/** `base`, or `base_2`, `base_3`… when taken (reserved words get a `_` first); records the name as taken. */
function uniqueName(base: string, taken: Set<string>): string {
  let name = RESERVED.has(base) ? `${base}_` : base;
  for (let n = 2; taken.has(name); n += 1) name = `${base}_${n}`;
  taken.add(name);
  return name;
}

