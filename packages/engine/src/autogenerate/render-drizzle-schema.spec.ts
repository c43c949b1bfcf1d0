import { describe, expect, it } from 'vitest';
import type { DialectName } from '../dialects/dialect.js';
import type { DrizzleFlavour } from '../dialects/drizzle-flavour.js';
import { MYSQL_DRIZZLE_FLAVOUR } from '../dialects/mysql/mysql-drizzle-flavour.js';
import { POSTGRES_DRIZZLE_FLAVOUR } from '../dialects/postgres/postgres-drizzle-flavour.js';
import { SQLITE_DRIZZLE_FLAVOUR } from '../dialects/sqlite/sqlite-drizzle-flavour.js';
import type { ColumnModel, SchemaModel, TableModel } from '../schema/model.js';
import { PullUnsupportedError } from './errors.js';
import { renderDrizzleSchema } from './render-drizzle-schema.js';

const FLAVOURS: Record<DialectName, DrizzleFlavour> = {
  postgresql: POSTGRES_DRIZZLE_FLAVOUR,
  mysql: MYSQL_DRIZZLE_FLAVOUR,
  sqlite: SQLITE_DRIZZLE_FLAVOUR,
};

function table(name: string, columns: ColumnModel[], extra: Partial<TableModel> = {}): TableModel {
  return { name, columns, indexes: [], foreignKeys: [], uniqueConstraints: [], checkConstraints: [], ...extra };
}

function schema(tables: TableModel[], extra: Partial<SchemaModel> = {}): SchemaModel {
  return { tables: new Map(tables.map((t) => [t.name, t])), enums: new Map(), ...extra };
}

/** The lines of the written module between its imports and the end, without blank lines. */
function body(source: string): string[] {
  return source.split('\n').filter((line) => line !== '' && !line.startsWith('import ') && !line.startsWith('//'));
}

describe('renderDrizzleSchema', () => {
  it('writes each dialect\'s builders, keys and defaults', () => {
    const notes = (type: string, key: string, defaultValue: string): TableModel =>
      table('notes', [
        { name: 'id', type: key, nullable: false, autoIncrement: true },
        { name: 'body', type, nullable: false, default: defaultValue },
      ], { primaryKey: { columns: ['id'] } });
    const expected: Record<DialectName, string[]> = {
      postgresql: ["export const notes = pgTable('notes', {", "  id: serial('id').primaryKey(),", "  body: text('body').notNull().default('it\\'s'),", '});'],
      mysql: ["export const notes = mysqlTable('notes', {", "  id: int('id').primaryKey().autoincrement(),", "  body: varchar('body', { length: 20 }).notNull().default('it\\'s'),", '});'],
      sqlite: ["export const notes = sqliteTable('notes', {", "  id: integer('id').primaryKey({ autoIncrement: true }),", "  body: text('body').notNull().default('it\\'s'),", '});'],
    };
    const types: Record<DialectName, [string, string]> = { postgresql: ['text', 'integer'], mysql: ['varchar(20)', 'int'], sqlite: ['text', 'integer'] };
    for (const dialect of Object.keys(FLAVOURS) as DialectName[]) {
      const [type, key] = types[dialect];
      expect(body(renderDrizzleSchema(schema([notes(type, key, "'it''s'")]), FLAVOURS[dialect])), dialect).toEqual(expected[dialect]);
    }
  });

  it('escapes SQL in templates, avoids reserved and imported names, and writes a customType for a type no builder spells', () => {
    const model = schema([
      table('text', [
        { name: 'class', type: 'text', nullable: true, default: "concat('`', '${x}', '\\')" },
        { name: 'span', type: 'tsrange', nullable: true },
      ]),
      table('class', [{ name: '2fa', type: 'boolean', nullable: false, default: 'true' }]),
    ]);
    const source = renderDrizzleSchema(model, POSTGRES_DRIZZLE_FLAVOUR);
    expect(source).toContain("import { boolean, customType, pgTable, text } from 'drizzle-orm/pg-core';");
    expect(body(source)).toEqual([
      '/** A column of a type no Drizzle builder spells, written as the database names it. */',
      "const sqlType = (type: string) => customType<{ data: string; driverData: string }>({ dataType: () => type });",
      "export const class_ = pgTable('class', {",
      "  _2fa: boolean('2fa').notNull().default(true),",
      '});',
      "export const text_2 = pgTable('text', {",
      "  class_: text('class').default(sql`concat('\\`', '\\${x}', '\\\\')`),",
      "  span: sqlType('tsrange')('span'),",
      '});',
    ]);
  });

  it('writes a descending PostgreSQL index part NULLS FIRST, as the server sorts it, since Drizzle\'s .desc() says NULLS LAST', () => {
    const model = schema([table('t', [{ name: 'a', type: 'integer', nullable: true }], { indexes: [{ name: 't_a_idx', parts: [{ column: 'a', order: 'desc' }], unique: false }] })]);
    expect(renderDrizzleSchema(model, POSTGRES_DRIZZLE_FLAVOUR)).toContain("index('t_a_idx').on(t.a.desc().nullsFirst()),");
  });

  it('writes an identity with its sequence options', () => {
    const model = schema([table('t', [{ name: 'a', type: 'bigint', nullable: false, autoIncrement: true, identity: { always: false, start: '100', increment: '5', cycle: true } }])]);
    expect(renderDrizzleSchema(model, POSTGRES_DRIZZLE_FLAVOUR)).toContain(
      "  a: bigint('a', { mode: 'number' }).notNull().generatedByDefaultAsIdentity({ startWith: '100', increment: '5', cycle: true }),",
    );
  });

  it('refuses by name what it cannot write', () => {
    const refusals: [SchemaModel, DrizzleFlavour, string][] = [
      [schema([table('t', [{ name: 'a', type: 'integer', nullable: true }], { indexes: [{ name: 'ix', parts: [{ column: 'a', order: 'desc' }], unique: false }] })]), MYSQL_DRIZZLE_FLAVOUR, 'index ix on t'],
      [schema([table('t', [{ name: 'a', type: 'text', nullable: true }], { policies: [{ name: 'own', permissive: true, command: 'all', roles: [] }] })]), POSTGRES_DRIZZLE_FLAVOUR, 'policy own on t'],
      [schema([], { views: new Map([['v', { name: 'v', materialized: false, definition: 'select 1' }]]) }), POSTGRES_DRIZZLE_FLAVOUR, 'view v'],
      [schema([table('t', [{ name: 'a', type: 'numeric(5,1)', nullable: false, autoIncrement: true }])]), SQLITE_DRIZZLE_FLAVOUR, 'column t.a'],
    ];
    for (const [model, flavour, object] of refusals) {
      expect(() => renderDrizzleSchema(model, flavour), object).toThrow(PullUnsupportedError);
      expect(() => renderDrizzleSchema(model, flavour), object).toThrow(`strata pull cannot write ${object} into a Drizzle schema`);
    }
  });
});
