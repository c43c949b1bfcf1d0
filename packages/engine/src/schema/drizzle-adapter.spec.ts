import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DialectName } from '../dialects/dialect.js';
import { MYSQL_DRIZZLE_SNAPSHOT } from '../dialects/mysql/mysql-drizzle-snapshot.js';
import { MysqlNormalizer } from '../dialects/mysql/mysql-normalizer.js';
import { POSTGRES_DRIZZLE_SNAPSHOT } from '../dialects/postgres/postgres-drizzle-snapshot.js';
import { PostgresNormalizer } from '../dialects/postgres/postgres-normalizer.js';
import { SQLITE_DRIZZLE_SNAPSHOT } from '../dialects/sqlite/sqlite-drizzle-snapshot.js';
import { SqliteNormalizer } from '../dialects/sqlite/sqlite-normalizer.js';
import { StrataError } from '../errors.js';
import { drizzleSnapshotToModel, readDrizzleSchema, type DrizzleReadingDialect, type DrizzleSnapshot } from './drizzle-adapter.js';
import * as schemaErrors from './errors.js';
import type { SchemaModel, TableModel } from './model.js';
import { shortenIdentifier } from './identifiers.js';
import { comparableSchema } from './stated.js';

/** The parts of each dialect a Drizzle read takes, without loading the drivers. */
const DIALECTS: Record<DialectName, DrizzleReadingDialect> = {
  postgresql: { name: 'postgresql', normalizer: new PostgresNormalizer(), drizzleSnapshot: POSTGRES_DRIZZLE_SNAPSHOT },
  mysql: { name: 'mysql', normalizer: new MysqlNormalizer(), drizzleSnapshot: MYSQL_DRIZZLE_SNAPSHOT },
  sqlite: { name: 'sqlite', normalizer: new SqliteNormalizer(), drizzleSnapshot: SQLITE_DRIZZLE_SNAPSHOT },
};

let root: string;
let count = 0;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'strata-drizzle-'));
  // Schema files import drizzle-orm as an application does, from a node_modules above them.
  symlinkSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../../../node_modules'), join(root, 'node_modules'), 'dir');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes `files` into a fresh folder and returns their absolute paths, in order. */
function write(files: Record<string, string>): string[] {
  const folder = join(root, `case${(count += 1)}`);
  return Object.entries(files).map(([name, source]) => {
    const path = join(folder, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, source);
    return path;
  });
}

/** The model's comparison form (what these cases are about); `readStated` keeps the stated SQL too. */
async function read(dialect: DialectName, files: Record<string, string>, casing?: 'snake_case' | 'camelCase'): Promise<SchemaModel> {
  return comparableSchema(await readStated(dialect, files, casing));
}

async function readStated(dialect: DialectName, files: Record<string, string>, casing?: 'snake_case' | 'camelCase'): Promise<SchemaModel> {
  return readDrizzleSchema({ dialect: DIALECTS[dialect], schemaFiles: write(files), ...(casing === undefined ? {} : { casing }) });
}

function table(model: SchemaModel, name: string): TableModel {
  const found = model.tables.get(name);
  if (found === undefined) throw new Error(`no table ${name}: ${[...model.tables.keys()].join(', ')}`);
  return found;
}

async function failure(promise: Promise<unknown>): Promise<StrataError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StrataError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('PostgreSQL', () => {
  let model: SchemaModel;
  beforeAll(async () => {
    model = await read('postgresql', {
      'schema.ts': `
        import { sql } from 'drizzle-orm';
        import { pgTable, pgEnum, serial, bigserial, integer, text, varchar, boolean, timestamp, numeric, jsonb, primaryKey, index,
          uniqueIndex, unique, check, foreignKey } from 'drizzle-orm/pg-core';
        export const mood = pgEnum('Mood', ['sad', 'ok', "it's"]);
        export const parents = pgTable('parents', { id: serial('id').primaryKey(), code: varchar('code', { length: 10 }).notNull().unique() });
        export const accounts = pgTable('accounts', {
          id: integer('id').generatedByDefaultAsIdentity(),
          region: integer('region').notNull(),
          email: varchar('email', { length: 255 }).notNull(),
          note: text('note').default("it's \\"x\\""),
          price: numeric('price', { precision: 10, scale: 2 }).default('1.5'),
          qty: integer('qty').default(-1),
          created: timestamp('created', { withTimezone: true, precision: 3 }).defaultNow(),
          feeling: mood('feeling').default('ok'),
          feelings: mood('feelings').array(),
          flag: boolean('flag').default(true),
          meta: jsonb('meta').default({ zz: 1, a: [true, null] }),
          parentId: integer('parent_id').references(() => parents.id, { onDelete: 'set null', onUpdate: 'cascade' }),
          total: integer('total').generatedAlwaysAs(sql\`qty * 2\`),
        }, (t) => [
          primaryKey({ columns: [t.id, t.region] }),
          index('accounts_open').on(t.created).where(sql\`\${t.note} <> 'it''s "accounts".'\`),
          index('accounts_lower_email').on(sql\`lower(\${t.email})\`),
          index('accounts_tags').using('gin', t.meta),
          uniqueIndex('accounts_region_email').on(t.region, t.email),
          unique('acc_uq').on(t.email, t.region),
          check('price_positive', sql\`\${t.price} > 0\`),
          foreignKey({ columns: [t.qty, t.region], foreignColumns: [t.id, t.region], name: 'self_fk' }).onDelete('cascade'),
        ]);
        export const longOne = pgTable('a_table_name_long_enough_that_postgresql_has_to_cut_it_short_x', {
          id: bigserial('id', { mode: 'number' }).primaryKey(),
          parentIdentifier: integer('parent_identifier').references(() => parents.id),
        });
      `,
    });
  });

  it('reads enums with their values in order, and enum-typed columns by the enum name', () => {
    expect([...model.enums.values()]).toEqual([{ name: 'Mood', values: ['sad', 'ok', "it's"] }]);
    const columns = table(model, 'accounts').columns;
    expect(columns.find((c) => c.name === 'feeling')).toEqual({ name: 'feeling', type: '"Mood"', nullable: true, default: "'ok'" });
    expect(columns.find((c) => c.name === 'feelings')).toEqual({ name: 'feelings', type: '"Mood"[]', nullable: true });
  });

  it('keeps the SQL a schema states beside its comparison form (issue 8, defect 1: casts were rendered away)', async () => {
    const stated = await readStated('postgresql', {
      'schema.ts': `
        import { sql } from 'drizzle-orm';
        import { pgTable, text, jsonb, varchar, timestamp, integer, index } from 'drizzle-orm/pg-core';
        export const items = pgTable('items', {
          id: integer('id').primaryKey(),
          tags: text('tags').array().notNull().default(sql\`ARRAY[]::text[]\`),
          meta: jsonb('meta').notNull().default(sql\`'{}'::jsonb\`),
          label: varchar('label', { length: 20 }).default(sql\`'x'::character varying\`),
          created: timestamp('created').default(sql\`now()\`),
        }, (t) => [index('items_day').on(sql\`(\${t.created}::date)\`)]);
      `,
    });
    const columns = table(stated, 'items').columns;
    expect(columns.find((c) => c.name === 'tags')).toEqual({ name: 'tags', type: 'text[]', nullable: false, default: 'array[]', statedDefault: 'ARRAY[]::text[]' });
    expect(columns.find((c) => c.name === 'meta')).toEqual({ name: 'meta', type: 'jsonb', nullable: false, default: "'{}'", statedDefault: "'{}'::jsonb" });
    expect(columns.find((c) => c.name === 'label')).toEqual({ name: 'label', type: 'varchar(20)', nullable: true, default: "'x'", statedDefault: "'x'::character varying" });
    expect(columns.find((c) => c.name === 'created')).toEqual({ name: 'created', type: 'timestamp', nullable: true, default: 'now()' });
    expect(table(stated, 'items').indexes[0]?.parts).toEqual([{ expression: 'created', statedExpression: '"created"::date' }]);
  });

  it('reads sequences (defaults left out) and views with their query stated; `.existing()` views are not the schema\'s to create', async () => {
    const notes: string[] = [];
    const files = write({
      'schema.ts': `
        import { eq, sql } from 'drizzle-orm';
        import { pgTable, integer, text, boolean, pgSequence, pgView, pgMaterializedView } from 'drizzle-orm/pg-core';
        export const numbers = pgSequence('invoice_numbers', { startWith: 1000, increment: 5 });
        export const plain = pgSequence('plain_numbers');
        export const t = pgTable('t', { id: integer('id').primaryKey(), name: text('name'), active: boolean('active') });
        export const active = pgView('t_active').as((qb) => qb.select({ id: t.id, name: t.name }).from(t).where(eq(t.active, true)));
        export const totals = pgMaterializedView('t_totals', { id: integer('id') }).withNoData().as(sql\`select id from t\`);
        export const legacy = pgView('legacy_view', { id: integer('id') }).existing();
      `,
    });
    const model = await readDrizzleSchema({ dialect: DIALECTS.postgresql, schemaFiles: files, onNote: (note) => notes.push(note) });
    expect([...(model.sequences?.values() ?? [])]).toEqual([
      { name: 'invoice_numbers', start: '1000', increment: '5' },
      { name: 'plain_numbers' },
    ]);
    expect([...(model.views?.values() ?? [])]).toEqual([
      { name: 't_active', materialized: false, definition: 'select id, name from t where active = true', statedDefinition: 'select "id", "name" from "t" where "t"."active" = true' },
      { name: 't_totals', materialized: true, definition: 'select id from t' },
    ]);
    expect(notes).toEqual(['the materialized view t_totals is created without its withNoData: Strata does not migrate view storage options yet']);
  });

  it('keeps a mixed-case enum type quoted, so that it renders as it compares (issue 8, defect 3)', async () => {
    const model = await read('postgresql', {
      'schema.ts': `
        import { pgTable, pgEnum, integer } from 'drizzle-orm/pg-core';
        export const certificateType = pgEnum('certificateType', ['root', 'leaf']);
        export const certs = pgTable('certs', { id: integer('id').primaryKey(), kind: certificateType('kind').notNull().default('root') });
      `,
    });
    expect([...model.enums.keys()]).toEqual(['certificateType']);
    expect(table(model, 'certs').columns[1]).toEqual({ name: 'kind', type: '"certificateType"', nullable: false, default: "'root'" });
  });

  it('leaves out a unique constraint on exactly the primary key, whose name the key takes, as PostgreSQL builds them (issue 8, defect 2)', async () => {
    const model = await read('postgresql', {
      'schema.ts': `
        import { pgTable, uuid, text } from 'drizzle-orm/pg-core';
        export const things = pgTable('things', { id: uuid('id').primaryKey().unique().defaultRandom(), code: text('code').unique() });
      `,
    });
    expect(table(model, 'things').primaryKey).toEqual({ name: 'things_id_unique', columns: ['id'] });
    expect(table(model, 'things').uniqueConstraints).toEqual([{ name: 'things_code_unique', columns: ['code'] }]);
    // A key with a name of its own keeps it.
    const named = await read('postgresql', {
      'schema.ts': `
        import { pgTable, integer, primaryKey, unique } from 'drizzle-orm/pg-core';
        export const seats = pgTable('seats', { row: integer('row').notNull(), seat: integer('seat').notNull() },
          (t) => [primaryKey({ columns: [t.row, t.seat] }), unique('seats_row_seat_unique').on(t.row, t.seat)]);
      `,
    });
    expect(table(named, 'seats').primaryKey).toEqual({ name: 'seats_row_seat_pk', columns: ['row', 'seat'] });
    expect(table(named, 'seats').uniqueConstraints).toEqual([]);
  });

  it('reads columns in canonical types, with defaults as the server prints them', () => {
    expect(table(model, 'accounts').columns).toEqual([
      { name: 'id', type: 'integer', nullable: false, autoIncrement: true },
      { name: 'region', type: 'integer', nullable: false },
      { name: 'email', type: 'varchar(255)', nullable: false },
      { name: 'note', type: 'text', nullable: true, default: `'it''s "x"'` },
      { name: 'price', type: 'numeric(10,2)', nullable: true, default: '1.5' },
      { name: 'qty', type: 'integer', nullable: true, default: '-1' },
      { name: 'created', type: 'timestamptz(3)', nullable: true, default: 'now()' },
      { name: 'feeling', type: '"Mood"', nullable: true, default: "'ok'" },
      { name: 'feelings', type: '"Mood"[]', nullable: true },
      { name: 'flag', type: 'boolean', nullable: true, default: 'true' },
      // jsonb prints keys shortest first, with a space after ':' and ','.
      { name: 'meta', type: 'jsonb', nullable: true, default: `'{"a": [true, null], "zz": 1}'` },
      { name: 'parent_id', type: 'integer', nullable: true },
      { name: 'total', type: 'integer', nullable: true, generated: { expression: 'qty * 2', stored: true } },
    ]);
    expect(table(model, 'parents').columns[0]).toEqual({ name: 'id', type: 'integer', nullable: false, autoIncrement: true });
  });

  it('names primary keys as the server does: <table>_pkey for a column, the composite its own name', () => {
    expect(table(model, 'parents').primaryKey).toEqual({ name: 'parents_pkey', columns: ['id'] });
    expect(table(model, 'accounts').primaryKey).toEqual({ name: 'accounts_id_region_pk', columns: ['id', 'region'] });
  });

  it('truncates names longer than 63 bytes as PostgreSQL does', () => {
    const long = table(model, 'a_table_name_long_enough_that_postgresql_has_to_cut_it_short_x');
    expect(long.primaryKey?.name).toBe('a_table_name_long_enough_that_postgresql_has_to_cut_it_sho_pkey');
    expect(long.foreignKeys[0]?.name).toBe('a_table_name_long_enough_that_postgresql_has_to_cut_it_short_x_');
    expect(Buffer.byteLength(long.foreignKeys[0]?.name ?? '')).toBe(63);
  });

  it('reads indexes: expressions, partial predicates without the table qualifier, non-default methods', () => {
    expect(table(model, 'accounts').indexes).toEqual([
      { name: 'accounts_lower_email', parts: [{ expression: 'lower(email)' }], unique: false },
      // The qualifier inside the string literal stays.
      { name: 'accounts_open', parts: [{ column: 'created' }], unique: false, where: `note <> 'it''s "accounts".'` },
      { name: 'accounts_region_email', parts: [{ column: 'region' }, { column: 'email' }], unique: true },
      { name: 'accounts_tags', parts: [{ column: 'meta' }], unique: false, method: 'gin' },
    ]);
  });

  it('reads uniques, checks and foreign keys with their actions', () => {
    const accounts = table(model, 'accounts');
    expect(accounts.uniqueConstraints).toEqual([{ name: 'acc_uq', columns: ['email', 'region'] }]);
    expect(table(model, 'parents').uniqueConstraints).toEqual([{ name: 'parents_code_unique', columns: ['code'] }]);
    expect(accounts.checkConstraints).toEqual([{ name: 'price_positive', expression: 'price > 0' }]);
    expect(accounts.foreignKeys).toEqual([
      {
        name: 'accounts_parent_id_parents_id_fk',
        columns: ['parent_id'],
        referencedTable: 'parents',
        referencedColumns: ['id'],
        onDelete: 'set null',
        onUpdate: 'cascade',
      },
      { name: 'self_fk', columns: ['qty', 'region'], referencedTable: 'accounts', referencedColumns: ['id', 'region'], onDelete: 'cascade', onUpdate: 'no action' },
    ]);
  });

  it('sorts tables by name', () => {
    expect([...model.tables.keys()]).toEqual(['a_table_name_long_enough_that_postgresql_has_to_cut_it_short_x', 'accounts', 'parents']);
  });

  it('names the objects of a pgSchema schema.name, foreign keys and enum columns included, and lists the schemas', async () => {
    const model = await read('postgresql', {
      's.ts': `import { sql } from 'drizzle-orm';
        import { pgSchema, pgTable, pgPolicy, integer, serial, text, check, index, unique } from 'drizzle-orm/pg-core';
        export const auth = pgSchema('auth');
        export const billing = pgSchema('billing');
        export const reporting = pgSchema('reporting');
        export const empty = pgSchema('archive');
        export const users = auth.table('users', { id: serial('id').primaryKey(), email: text('email').notNull() }, (t) => [unique('users_email_key').on(t.email)]);
        export const status = billing.enum('invoice_status', ['draft', 'paid']);
        export const numbers = billing.sequence('invoice_numbers', { startWith: 1000 });
        export const invoices = billing.table('invoices', {
          id: serial('id').primaryKey(),
          userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
          amount: integer('amount').notNull(),
          status: status('status').default('draft').notNull(),
        }, (t) => [
          check('amount_positive', sql\`\${t.amount} > 0\`),
          index('invoices_open_idx').on(t.userId).where(sql\`\${t.status} = 'draft'\`),
          pgPolicy('own_invoices', { for: 'select', using: sql\`\${t.userId} = 1\` }),
        ]);
        export const notes = pgTable('notes', { id: integer('id').primaryKey(), invoiceId: integer('invoice_id').references(() => invoices.id) });
        export const paid = reporting.view('paid_invoices').as((qb) => qb.select({ id: invoices.id }).from(invoices).where(sql\`\${invoices.status} = 'paid'\`));`,
    });
    expect([...model.tables.keys()]).toEqual(['auth.users', 'billing.invoices', 'notes']);
    expect(model.schemas).toEqual(['archive', 'auth', 'billing', 'reporting']);
    expect([...model.enums.keys()]).toEqual(['billing.invoice_status']);
    expect([...(model.sequences?.keys() ?? [])]).toEqual(['billing.invoice_numbers']);
    expect([...(model.views?.keys() ?? [])]).toEqual(['reporting.paid_invoices']);
    const invoices = table(model, 'billing.invoices');
    // Keys, indexes and policies are named bare (they live in their table's schema); expressions lose the qualifier.
    expect(invoices.primaryKey).toEqual({ name: 'invoices_pkey', columns: ['id'] });
    expect(invoices.columns.find((column) => column.name === 'status')).toMatchObject({ type: 'billing.invoice_status', default: "'draft'" });
    expect(invoices.checkConstraints).toEqual([{ name: 'amount_positive', expression: 'amount > 0' }]);
    expect(invoices.indexes).toEqual([{ name: 'invoices_open_idx', parts: [{ column: 'user_id' }], unique: false, where: "status = 'draft'" }]);
    expect(invoices.foreignKeys).toEqual([
      { name: 'invoices_user_id_users_id_fk', columns: ['user_id'], referencedTable: 'auth.users', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'no action' },
    ]);
    expect(invoices.policies).toEqual([{ name: 'own_invoices', permissive: true, command: 'select', roles: ['public'], using: 'user_id = 1' }]);
    expect(table(model, 'auth.users').uniqueConstraints).toEqual([{ name: 'users_email_key', columns: ['email'] }]);
    expect(table(model, 'notes').foreignKeys[0]).toMatchObject({ referencedTable: 'billing.invoices' });
  });

  it('keeps a snapshot object of the public schema unqualified and lists no schema', () => {
    // drizzle-orm refuses pgSchema('public'); a snapshot may still say `schema: 'public'` (or '') for pgTable.
    const snapshot: DrizzleSnapshot = {
      dialect: 'postgresql',
      tables: { 'public.things': { name: 'things', schema: 'public', columns: { id: { name: 'id', type: 'integer' } } } },
      enums: { 'public.mood': { name: 'mood', schema: 'public', values: ['ok'] } },
      schemas: {},
    };
    const model = drizzleSnapshotToModel(DIALECTS.postgresql, snapshot);
    expect({ tables: [...model.tables.keys()], enums: [...model.enums.keys()], schemas: model.schemas }).toEqual({ tables: ['things'], enums: ['mood'], schemas: undefined });
  });

  it('refuses a dot in a name, which would read as a schema, and clips each part to 63 bytes', async () => {
    const dotted = await failure(
      read('postgresql', {
        's.ts': `import { pgSchema, integer } from 'drizzle-orm/pg-core';
          export const billing = pgSchema('billing');
          export const invoices = billing.table('invoices.2024', { id: integer('id') });`,
      }),
    );
    expect(dotted).toMatchObject({ code: 'SCHEMA_QUALIFIED_NAME', details: { dialect: 'postgresql', kind: 'table', name: 'invoices.2024', schema: 'billing' } });
    const long = await read('postgresql', {
      's.ts': `import { pgSchema, integer } from 'drizzle-orm/pg-core';
        export const s = pgSchema('${'s'.repeat(70)}');
        export const t = s.table('${'t'.repeat(70)}', { id: integer('id') });`,
    });
    expect([...long.tables.keys()]).toEqual([`${'s'.repeat(63)}.${'t'.repeat(63)}`]);
    expect(long.schemas).toEqual(['s'.repeat(63)]);
  });

  it('MySQL: refuses a table of a mysqlSchema (another database), which drizzle-kit would leave out silently', async () => {
    const error = await failure(
      read('mysql', {
        's.ts': `import { mysqlSchema, mysqlTable, int } from 'drizzle-orm/mysql-core';
          export const other = mysqlSchema('other');
          export const things = other.table('things', { id: int('id').primaryKey() });
          export const plain = mysqlTable('plain', { id: int('id').primaryKey() });`,
      }),
    );
    expect(error).toMatchObject({ code: 'SCHEMA_QUALIFIED_NAME', details: { dialect: 'mysql', kind: 'table', name: 'things', schema: 'other' } });
    expect(error.hint).toMatch(/stream of its own/);
  });

  it('reads row-level security, policies (linked ones included) and the roles the schema creates', async () => {
    const secured = await read('postgresql', {
      's.ts': `import { sql } from 'drizzle-orm';
        import { pgTable, pgPolicy, pgRole, integer, text } from 'drizzle-orm/pg-core';
        export const admin = pgRole('app_admin', { createRole: true, inherit: false });
        export const outside = pgRole('outside_role').existing();
        export const docs = pgTable('docs', { id: integer('id').primaryKey(), owner: text('owner').notNull() }, (t) => [
          pgPolicy('docs_read', { for: 'select', to: [admin, outside], using: sql\`\${t.owner} = current_setting('app.user_id')\` }),
          pgPolicy('docs_write', { as: 'restrictive', for: 'insert', withCheck: sql\`owner = current_user\` }),
        ]);
        export const plain = pgTable('plain', { id: integer('id') }).enableRLS();
        export const open = pgTable('open', { id: integer('id') });
        export const linked = pgPolicy('open_delete', { for: 'delete', to: 'public', using: sql\`true\` }).link(open);`,
    });
    expect(table(secured, 'docs').rowLevelSecurity).toEqual({ enabled: true, forced: false });
    expect(table(secured, 'docs').policies).toEqual([
      { name: 'docs_read', permissive: true, command: 'select', roles: ['app_admin', 'outside_role'], using: "owner = current_setting('app.user_id')" },
      { name: 'docs_write', permissive: false, command: 'insert', roles: ['public'], withCheck: 'owner = current_user' },
    ]);
    expect(table(secured, 'plain')).toMatchObject({ rowLevelSecurity: { enabled: true, forced: false } });
    expect(table(secured, 'plain').policies).toBeUndefined();
    // drizzle-kit's SQL enables row-level security on every table with a policy, `.enableRLS()` or not.
    expect(table(secured, 'open')).toMatchObject({ rowLevelSecurity: { enabled: true, forced: false }, policies: [{ name: 'open_delete', command: 'delete' }] });
    // `.existing()` roles are used, not created: they are not the schema's.
    expect([...(secured.roles?.values() ?? [])]).toEqual([{ name: 'app_admin', createDb: false, createRole: true, inherit: false }]);

    // The defect this reading fixes: such a schema used to produce no operation at all.
    const { diffSchemas } = await import('../autogenerate/diff.js');
    const ops = diffSchemas(
      { ...secured, tables: new Map([...secured.tables].map(([name, t]) => [name, { ...t, rowLevelSecurity: undefined, policies: undefined }])), roles: new Map() },
      secured,
      { capabilities: { enums: true } },
    ).ops;
    expect(ops.map((op) => `${op.kind} ${'table' in op ? op.table : 'name' in op ? op.name : ''}`)).toEqual([
      'createRole app_admin',
      'enableRowLevelSecurity docs',
      'createPolicy docs',
      'createPolicy docs',
      'enableRowLevelSecurity open',
      'createPolicy open',
      'enableRowLevelSecurity plain',
    ]);
  });

  it('refuses a custom type without an SQL type', async () => {
    const error = await failure(
      read('postgresql', {
        's.ts': `import { pgTable, customType } from 'drizzle-orm/pg-core';
          const nothing = customType<{ data: string }>({ dataType: () => '' });
          export const t = pgTable('t', { odd: nothing('odd') });`,
      }),
    );
    expect(error).toMatchObject({ code: 'SCHEMA_UNSUPPORTED_COLUMN_FEATURE', details: { table: 't', column: 'odd' } });
  });
});

describe('PostgreSQL index options', () => {
  it('reads operator classes, order, NULLS placement (only where not the default), storage parameters and concurrently', async () => {
    const model = await readStated('postgresql', {
      'schema.ts': `
        import { sql } from 'drizzle-orm';
        import { pgTable, integer, text, index } from 'drizzle-orm/pg-core';
        export const docs = pgTable('docs', { id: integer('id'), name: text('name') }, (t) => [
          index('docs_name_trgm').using('gin', t.name.op('gin_trgm_ops')),
          index('docs_name_pattern').on(t.name.op('text_pattern_ops')),
          index('docs_id_desc').on(t.id.desc()),
          index('docs_id_desc_first').on(t.id.desc().nullsFirst(), t.name.asc().nullsFirst()),
          index('docs_id_ff').on(t.id).with({ fillfactor: 70 }),
          index('docs_lower_name').on(sql\`lower(\${t.name})\`).where(sql\`\${t.id} > 0\`).concurrently(),
        ]);
      `,
    });
    expect(table(model, 'docs').indexes).toEqual([
      // drizzle-orm's nulls default is 'last' even after .desc(): drizzle-kit writes DESC NULLS LAST.
      { name: 'docs_id_desc', parts: [{ column: 'id', order: 'desc', nulls: 'last' }], unique: false },
      { name: 'docs_id_desc_first', parts: [{ column: 'id', order: 'desc' }, { column: 'name', nulls: 'first' }], unique: false },
      { name: 'docs_id_ff', parts: [{ column: 'id' }], unique: false, with: { fillfactor: '70' } },
      {
        name: 'docs_lower_name',
        parts: [{ expression: 'lower(name)', statedExpression: 'lower("name")' }],
        unique: false,
        where: 'id > 0',
        statedWhere: '"id" > 0',
        concurrently: true,
      },
      { name: 'docs_name_pattern', parts: [{ column: 'name', opclass: 'text_pattern_ops' }], unique: false },
      { name: 'docs_name_trgm', parts: [{ column: 'name', opclass: 'gin_trgm_ops' }], unique: false, method: 'gin' },
    ]);
  });
});

describe('index parts written as SQL', () => {
  it('a trailing ASC/DESC is the order, and a lone column is that column (MySQL, SQLite)', async () => {
    const sqlite = await read('sqlite', {
      'schema.ts': `
        import { sql } from 'drizzle-orm';
        import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
        export const scores = sqliteTable('scores', { id: integer('id'), player: text('player') }, (t) => [
          index('scores_x').on(sql\`\${t.player} desc\`, t.id),
          index('scores_y').on(sql\`lower(\${t.player}) DESC\`, sql\`\${t.id} asc\`),
        ]);
      `,
    });
    expect(table(sqlite, 'scores').indexes).toEqual([
      { name: 'scores_x', parts: [{ column: 'player', order: 'desc' }, { column: 'id' }], unique: false },
      { name: 'scores_y', parts: [{ expression: 'lower(player)', order: 'desc' }, { column: 'id' }], unique: false },
    ]);
    const mysql = await read('mysql', {
      'schema.ts': `
        import { sql } from 'drizzle-orm';
        import { mysqlTable, int, index, uniqueIndex } from 'drizzle-orm/mysql-core';
        export const scores = mysqlTable('scores', { id: int('id'), points: int('points') }, (t) => [
          index('scores_x').on(sql\`\${t.points} desc\`),
          uniqueIndex('scores_u').on(sql\`\${t.points} desc\`, t.id),
        ]);
      `,
    });
    // A unique index with a DESC part stays an index: it is not the plain unique constraint MySQL reads back.
    expect(table(mysql, 'scores').indexes).toEqual([
      { name: 'scores_u', parts: [{ column: 'points', order: 'desc' }, { column: 'id' }], unique: true },
      { name: 'scores_x', parts: [{ column: 'points', order: 'desc' }], unique: false },
    ]);
  });
});

describe('MySQL', () => {
  let model: SchemaModel;
  beforeAll(async () => {
    model = await read('mysql', {
      'schema.ts': `
        import { sql } from 'drizzle-orm';
        import { mysqlTable, mysqlEnum, serial, int, varchar, boolean, timestamp, decimal, json, primaryKey, index, uniqueIndex, unique,
          check, bigint } from 'drizzle-orm/mysql-core';
        export const parents = mysqlTable('parents', { id: serial('id').primaryKey(), code: varchar('code', { length: 10 }).notNull().unique() });
        export const accounts = mysqlTable('accounts', {
          id: int('id').autoincrement().notNull(),
          region: int('region').notNull(),
          email: varchar('email', { length: 255 }).notNull(),
          note: varchar('note', { length: 50 }).default("it's \\"x\\""),
          price: decimal('price', { precision: 10, scale: 2 }).default('1.5'),
          created: timestamp('created', { fsp: 3 }).defaultNow().onUpdateNow(),
          mood: mysqlEnum('mood', ['sad', "it's"]).default('sad'),
          flag: boolean('flag').default(true),
          meta: json('meta'),
          parentId: bigint('parent_id', { mode: 'number', unsigned: true }).references(() => parents.id, { onDelete: 'restrict' }),
          v: int('v').generatedAlwaysAs((): any => sql\`\${accounts.region} + 1\`),
        }, (t) => [
          primaryKey({ columns: [t.id, t.region] }),
          index('accounts_lower_email').on(sql\`(lower(\${t.email}))\`),
          uniqueIndex('accounts_region_email').on(t.region, t.email),
          index('accounts_note').on(t.note),
          unique('acc_uq').on(t.email, t.region),
          check('price_positive', sql\`\${t.price} > 0\`),
        ]);
      `,
    });
  });

  it('reads columns with MariaDB-style defaults', () => {
    expect(table(model, 'accounts').columns).toEqual([
      { name: 'id', type: 'int', nullable: false, autoIncrement: true },
      { name: 'region', type: 'int', nullable: false },
      { name: 'email', type: 'varchar(255)', nullable: false },
      { name: 'note', type: 'varchar(50)', nullable: true, default: `'it''s "x"'` },
      { name: 'price', type: 'decimal(10,2)', nullable: true, default: '1.50' },
      // ON UPDATE CURRENT_TIMESTAMP is not in the model (the MySQL reader does not reflect it).
      { name: 'created', type: 'timestamp(3)', nullable: true, default: 'current_timestamp()' },
      { name: 'mood', type: "enum('sad','it''s')", nullable: true, default: "'sad'" },
      { name: 'flag', type: 'boolean', nullable: true, default: '1' },
      { name: 'meta', type: 'json', nullable: true },
      { name: 'parent_id', type: 'bigint unsigned', nullable: true },
      { name: 'v', type: 'int', nullable: true, generated: { expression: 'region + 1', stored: false } },
    ]);
  });

  it('shortens constraint names over 64 characters deterministically and says so; refuses a long column name (issue 8, defect 6)', async () => {
    const files = {
      'schema.ts': `
        import { int, mysqlTable } from 'drizzle-orm/mysql-core';
        export const organizationMembers = mysqlTable('organization_members', { id: int('id').primaryKey() });
        export const invitations = mysqlTable('organization_membership_invitations', {
          id: int('id').primaryKey(),
          invitedBy: int('invited_by_organization_member_id').references(() => organizationMembers.id),
        });
      `,
    };
    const long = 'organization_membership_invitations_invited_by_organization_member_id_organization_members_id_fk';
    const notes: string[] = [];
    const model = await readDrizzleSchema({ dialect: DIALECTS.mysql, schemaFiles: write(files), onNote: (note) => notes.push(note) });
    const name = table(model, 'organization_membership_invitations').foreignKeys[0]?.name as string;
    expect(name).toHaveLength(64);
    expect(name).toBe(shortenIdentifier(long, { max: 64, unit: 'characters', overflow: 'refuse' }));
    expect(name).toMatch(/^organization_membership_invitations_invited_by_organiza_[0-9a-f]{8}$/);
    expect(notes).toEqual([`the foreign key of table organization_membership_invitations is named ${long}, longer than the 64 characters the server allows: the revision names it ${name}`]);
    const again = await read('mysql', files);
    expect(table(again, 'organization_membership_invitations').foreignKeys[0]?.name).toBe(name);

    const error = await failure(
      read('mysql', {
        'schema.ts': `
          import { int, mysqlTable } from 'drizzle-orm/mysql-core';
          export const t = mysqlTable('t', { id: int('${'x'.repeat(65)}') });
        `,
      }),
    );
    expect(error.code).toBe('SCHEMA_IDENTIFIER_TOO_LONG');
    expect(error.message).toContain('column name');
  });

  it('reads serial as an auto-increment bigint unsigned with the UNIQUE key the server adds', () => {
    const parents = table(model, 'parents');
    expect(parents.columns[0]).toEqual({ name: 'id', type: 'bigint unsigned', nullable: false, autoIncrement: true });
    expect(parents.primaryKey).toEqual({ columns: ['id'] });
    expect(parents.uniqueConstraints).toEqual([
      { name: 'id', columns: ['id'] },
      { name: 'parents_code_unique', columns: ['code'] },
    ]);
  });

  it('reads unnamed primary keys, unique indexes on columns as uniques, expression indexes, singular checkConstraint', () => {
    const accounts = table(model, 'accounts');
    expect(accounts.primaryKey).toEqual({ columns: ['id', 'region'] });
    expect(accounts.uniqueConstraints).toEqual([
      { name: 'acc_uq', columns: ['email', 'region'] },
      { name: 'accounts_region_email', columns: ['region', 'email'] },
    ]);
    expect(accounts.indexes).toEqual([
      { name: 'accounts_lower_email', parts: [{ expression: 'lower(email)' }], unique: false },
      { name: 'accounts_note', parts: [{ column: 'note' }], unique: false },
    ]);
    expect(accounts.checkConstraints).toEqual([{ name: 'price_positive', expression: 'price > 0' }]);
    expect(accounts.foreignKeys[0]).toMatchObject({ onDelete: 'restrict', onUpdate: 'no action' });
    expect(model.enums.size).toBe(0);
  });
});

describe('SQLite', () => {
  let model: SchemaModel;
  beforeAll(async () => {
    model = await read('sqlite', {
      'schema.ts': `
        import { sql } from 'drizzle-orm';
        import { sqliteTable, integer, text, real, primaryKey, index, uniqueIndex, unique, check, foreignKey } from 'drizzle-orm/sqlite-core';
        export const parents = sqliteTable('parents', { id: integer('id').primaryKey({ autoIncrement: true }), code: text('code', { length: 10 }).notNull().unique() });
        export const accounts = sqliteTable('accounts', {
          id: integer('id').notNull(),
          region: integer('region').notNull(),
          email: text('email').notNull(),
          note: text('note').default("it's \\"x\\""),
          price: real('price').default(1.5),
          flag: integer('flag', { mode: 'boolean' }).default(true),
          created: integer('created', { mode: 'timestamp' }).default(sql\`(unixepoch())\`),
          total: integer('total').generatedAlwaysAs(sql\`region * 2\`, { mode: 'stored' }),
        }, (t) => [
          primaryKey({ columns: [t.id, t.region] }),
          index('accounts_lower_email').on(sql\`lower(\${t.email})\`),
          index('accounts_open').on(t.created).where(sql\`\${t.note} <> 'closed'\`),
          unique('acc_uq').on(t.email, t.region),
          check('price_positive', sql\`\${t.price} > 0\`),
          foreignKey({ columns: [t.region], foreignColumns: [parents.id], name: 'named_fk' }).onDelete('cascade'),
        ]);
      `,
    });
  });

  it('reads columns, AUTOINCREMENT and unnamed primary keys', () => {
    expect(table(model, 'parents').columns).toEqual([
      { name: 'id', type: 'integer', nullable: false, autoIncrement: true },
      { name: 'code', type: 'text(10)', nullable: false },
    ]);
    expect(table(model, 'parents').primaryKey).toEqual({ columns: ['id'] });
    expect(table(model, 'accounts').primaryKey).toEqual({ columns: ['id', 'region'] });
    expect(table(model, 'accounts').columns.slice(3)).toEqual([
      { name: 'note', type: 'text', nullable: true, default: `'it''s "x"'` },
      { name: 'price', type: 'real', nullable: true, default: '1.5' },
      { name: 'flag', type: 'integer', nullable: true, default: 'true' },
      { name: 'created', type: 'integer', nullable: true, default: 'unixepoch()' },
      { name: 'total', type: 'integer', nullable: true, generated: { expression: 'region * 2', stored: true } },
    ]);
  });

  it('reads uniques as the unique indexes drizzle-kit creates, and keeps qualifiers SQLite stores as written', () => {
    const accounts = table(model, 'accounts');
    expect(accounts.uniqueConstraints).toEqual([]);
    expect(accounts.indexes).toEqual([
      { name: 'acc_uq', parts: [{ column: 'email' }, { column: 'region' }], unique: true },
      { name: 'accounts_lower_email', parts: [{ expression: 'lower(email)' }], unique: false },
      { name: 'accounts_open', parts: [{ column: 'created' }], unique: false, where: "accounts.note <> 'closed'" },
    ]);
    expect(table(model, 'parents').indexes).toEqual([{ name: 'parents_code_unique', parts: [{ column: 'code' }], unique: true }]);
    expect(accounts.checkConstraints).toEqual([{ name: 'price_positive', expression: 'accounts.price > 0' }]);
  });

  it("names foreign keys as the reader does, since drizzle-kit's CREATE TABLE drops their names", () => {
    expect(table(model, 'accounts').foreignKeys).toEqual([
      { name: 'accounts_region_parents_id_fk', columns: ['region'], referencedTable: 'parents', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'no action' },
    ]);
  });
});

describe('views outside PostgreSQL', () => {
  it('names a SQLite view it does not migrate, never silently', async () => {
    const notes: string[] = [];
    const files = write({
      'schema.ts': `
        import { sql } from 'drizzle-orm';
        import { sqliteTable, sqliteView, integer } from 'drizzle-orm/sqlite-core';
        export const t = sqliteTable('t', { id: integer('id') });
        export const v = sqliteView('t_view', { id: integer('id') }).as(sql\`select id from t\`);
      `,
    });
    const model = await readDrizzleSchema({ dialect: DIALECTS.sqlite, schemaFiles: files, onNote: (note) => notes.push(note) });
    expect(model.views).toBeUndefined();
    expect(notes).toEqual(['the view t_view is not migrated by Strata on sqlite: create it in a revision with op.execute (and drop it in the downgrade)']);
  });
});

describe('loading', () => {
  it('applies casing, and reads several files once each (re-exports, relations ignored)', async () => {
    const model = await read(
      'postgresql',
      {
        'users.ts': `import { pgTable, serial, text } from 'drizzle-orm/pg-core';
          export const users = pgTable('users', { id: serial().primaryKey(), fullName: text().notNull() });`,
        'posts.ts': `import { relations } from 'drizzle-orm';
          import { pgTable, serial, integer } from 'drizzle-orm/pg-core';
          import { users } from './users';
          export { users };
          export const blogPosts = pgTable('blog_posts', { id: serial().primaryKey(), authorId: integer().references(() => users.id) });
          export const postRelations = relations(blogPosts, ({ one }) => ({ author: one(users, { fields: [blogPosts.authorId], references: [users.id] }) }));`,
      },
      'snake_case',
    );
    expect([...model.tables.keys()]).toEqual(['blog_posts', 'users']);
    expect(table(model, 'users').columns.map((c) => c.name)).toEqual(['id', 'full_name']);
    expect(table(model, 'blog_posts').foreignKeys[0]?.columns).toEqual(['author_id']);
  });

  it('names a schema file that does not load', async () => {
    const [broken] = write({ 'broken.ts': `import { pgTable } from 'drizzle-orm/pg-core';\nthrow new Error('boom');\n` });
    const error = await failure(readDrizzleSchema({ dialect: DIALECTS.postgresql, schemaFiles: [broken as string] }));
    expect(error).toMatchObject({ code: 'SCHEMA_FILE_LOAD_FAILED', details: { file: broken } });
    expect(error.message).toContain('boom');
    const missing = join(root, 'nope', 'schema.ts');
    const notFound = await failure(readDrizzleSchema({ dialect: DIALECTS.sqlite, schemaFiles: [missing] }));
    expect(notFound).toMatchObject({ code: 'SCHEMA_FILE_LOAD_FAILED', details: { file: missing } });
    expect(notFound.message).toContain('does not exist');
  });

  it('reports files without tables of the dialect', async () => {
    const error = await failure(
      read('mysql', { 'pg.ts': `import { pgTable, integer } from 'drizzle-orm/pg-core';\nexport const t = pgTable('t', { id: integer('id') });\n` }),
    );
    expect(error).toMatchObject({ code: 'SCHEMA_NO_TABLES' });
    expect(error.hint).toContain('export');
  });
});

describe('snapshot conversion', () => {
  it('lowercases foreign key actions and defaults missing ones to no action', () => {
    const snapshot: DrizzleSnapshot = {
      dialect: 'mysql',
      tables: {
        t: {
          name: 't',
          columns: { a: { name: 'a', type: 'INT(11)', notNull: false } },
          foreignKeys: { fk: { name: 'fk', tableTo: 'u', columnsFrom: ['a'], columnsTo: ['id'], onDelete: 'SET NULL' } },
        },
      },
    };
    const model = drizzleSnapshotToModel(DIALECTS.mysql, snapshot);
    expect(model.tables.get('t')).toEqual({
      name: 't',
      columns: [{ name: 'a', type: 'int', nullable: true }],
      indexes: [],
      foreignKeys: [{ name: 'fk', columns: ['a'], referencedTable: 'u', referencedColumns: ['id'], onDelete: 'set null', onUpdate: 'no action' }],
      uniqueConstraints: [],
      checkConstraints: [],
    });
  });
});

describe('schema errors', () => {
  it('have unique SCHEMA_ codes and hints', () => {
    const classes = Object.values(schemaErrors) as unknown as { CODE: string }[];
    const codes = classes.map((c) => c.CODE);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^SCHEMA_[A-Z_]+$/);
  });
});
