import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Connection } from '../../src/dialects/connection.js';
import type { DialectName } from '../../src/dialects/dialect.js';
import { drizzleSnapshotToModel, generateDrizzleSnapshot, type DrizzleSnapshot } from '../../src/schema/drizzle-adapter.js';
import type { SchemaModel } from '../../src/schema/model.js';
import { comparableSchema } from '../../src/schema/stated.js';
import { ALL_TARGETS, describeDialects } from '../support/databases.js';

/**
 * The strongest check of the adapter: for each schema, drizzle-kit's own SQL for it (what `drizzle-kit
 * generate` would write for a first migration) is applied to an empty database, the database is read
 * back through the dialect's `readSchema`, and the result must deep-equal the adapter's model of the
 * same files. Features where drizzle-kit's SQL cannot run on our servers are left out of the
 * schemas, each with a comment naming the drizzle-kit or server behaviour.
 */

const WORKSPACE_NODE_MODULES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../node_modules');

type Files = Readonly<Record<string, string>>;
interface Fixture {
  readonly title: string;
  readonly files: Files;
  readonly casing?: 'snake_case' | 'camelCase';
}

const PG: readonly Fixture[] = [
  {
    title: 'every feature',
    files: {
      'schema.ts': `
        import { sql } from 'drizzle-orm';
        import { pgTable, pgEnum, serial, bigserial, integer, text, varchar, boolean, timestamp, numeric, uuid, jsonb, primaryKey,
          index, uniqueIndex, unique, check, foreignKey, bigint, doublePrecision, real, smallint, date, char, time, interval } from 'drizzle-orm/pg-core';
        export const mood = pgEnum('Mood', ['sad', 'ok', "it's"]);
        export const plan = pgEnum('plan', ['free', 'pro']);
        export const parents = pgTable('parents', {
          id: serial('id').primaryKey(),
          code: varchar('code', { length: 10 }).notNull().unique(),
          kind: plan('kind').default('free').notNull(),
        });
        export const accounts = pgTable('accounts', {
          id: integer('id').generatedAlwaysAsIdentity(),
          region: integer('region').notNull(),
          email: varchar('email', { length: 255 }).notNull(),
          status: varchar('status', { length: 20 }).notNull().default('active'),
          note: text('note').default("it's a \\"test\\""),
          price: numeric('price', { precision: 10, scale: 2 }).default('1.5'),
          qty: integer('qty').default(-1),
          tags: text('tags').array().default(sql\`'{}'\`),
          created: timestamp('created', { withTimezone: true, precision: 3 }).defaultNow(),
          seen: timestamp('seen').default(sql\`CURRENT_TIMESTAMP\`),
          feeling: mood('feeling').default('ok'),
          feelings: mood('feelings').array(),
          flag: boolean('flag').default(true),
          parentId: integer('parent_id').references(() => parents.id, { onDelete: 'cascade' }),
          ownerId: integer('owner_id').references(() => parents.id, { onDelete: 'set null', onUpdate: 'cascade' }),
          total: integer('total').generatedAlwaysAs(sql\`qty * 2\`),
          doubled: integer('doubled').generatedAlwaysAs((): any => sql\`\${accounts.qty} * 2\`),
          big: bigint('big', { mode: 'number' }).default(9007199254740991),
          dp: doublePrecision('dp').default(1.25), r: real('r'), s: smallint('s'), d: date('d').defaultNow(), c: char('c', { length: 2 }),
          t: time('t', { withTimezone: true }), i: interval('i'),
          u: uuid('u').defaultRandom(), j: jsonb('j').default({ a: [1, 'x'] }),
          // Left out: a JSON default holding a quote (\`.default({ a: "it's" })\`): drizzle-kit writes it unescaped,
          // \`'{"a":"it's"}'::jsonb\`, which is not valid SQL.
        }, (t) => [
          primaryKey({ columns: [t.id, t.region] }),
          index('accounts_open').on(t.created).where(sql\`\${t.status} <> 'closed'\`),
          index('accounts_lower_email').on(sql\`lower(\${t.email})\`),
          index('accounts_tags').using('gin', t.tags),
          index('accounts_note_hash').using('hash', t.note),
          index().on(t.status, t.created),
          uniqueIndex('accounts_region_email').on(t.region, t.email),
          unique('acc_uq').on(t.email, t.region),
          unique().on(t.note, t.qty),
          check('price_positive', sql\`\${t.price} > 0\`),
          check('status_known', sql\`\${t.status} in ('active', 'closed')\`),
          foreignKey({ columns: [t.qty, t.s], foreignColumns: [t.id, t.region], name: 'self_fk' }).onDelete('restrict'),
        ]);
        export const aVeryLongTableNameThatGoesOnAndOnForeverAndEver = pgTable('a_very_long_table_name_that_goes_on_and_on_forever_and_ever', {
          id: bigserial('id', { mode: 'number' }).primaryKey(),
          parentIdentifierWithALongName: integer('parent_identifier_with_a_long_name').references(() => parents.id),
        });
      `,
    },
  },
  {
    title: 'snake_case casing across two files',
    casing: 'snake_case',
    files: {
      'users.ts': `
        import { pgTable, serial, text, integer, timestamp } from 'drizzle-orm/pg-core';
        export const users = pgTable('users', { id: serial().primaryKey(), fullName: text().notNull(), createdAt: timestamp({ withTimezone: true }).defaultNow() });
      `,
      'posts.ts': `
        import { relations } from 'drizzle-orm';
        import { pgTable, serial, text, integer, index } from 'drizzle-orm/pg-core';
        import { users } from './users';
        export { users } from './users';
        export const posts = pgTable('posts', {
          id: serial().primaryKey(), authorId: integer().notNull().references(() => users.id, { onDelete: 'cascade' }), bodyText: text(),
        }, (t) => [index('posts_author').on(t.authorId)]);
        export const postsRelations = relations(posts, ({ one }) => ({ author: one(users, { fields: [posts.authorId], references: [users.id] }) }));
      `,
    },
  },
  {
    title: 'row-level security',
    files: {
      // No pgRole here: roles are cluster-wide, and a read schema holds none (they are read by name).
      'schema.ts': `
        import { sql } from 'drizzle-orm';
        import { pgTable, pgPolicy, integer, text } from 'drizzle-orm/pg-core';
        export const notes = pgTable('notes', { id: integer().primaryKey(), ownerId: text('owner_id').notNull(), body: text() }, (t) => [
          pgPolicy('notes_read', { for: 'select', to: ['pg_read_all_data', 'public'], using: sql\`\${t.ownerId} = current_setting('app.user_id')\` }),
          pgPolicy('notes_insert', { as: 'restrictive', for: 'insert', to: 'pg_read_all_data', withCheck: sql\`owner_id = current_user\` }),
          pgPolicy('notes_update', { for: 'update', using: sql\`true\`, withCheck: sql\`\${t.body} <> ''\` }),
        ]).enableRLS();
        export const locked = pgTable('locked', { id: integer() }).enableRLS();
        // A policy alone enables row-level security in drizzle-kit's SQL, .enableRLS() or not.
        export const open = pgTable('open', { id: integer() });
        export const openDelete = pgPolicy('open_delete', { for: 'delete', using: sql\`id > 0\` }).link(open);
      `,
    },
  },
];

const MYSQL: readonly Fixture[] = [
  {
    title: 'every feature',
    files: {
      'schema.ts': `
        import { sql } from 'drizzle-orm';
        import { mysqlTable, mysqlEnum, serial, int, text, varchar, boolean, timestamp, decimal, json, primaryKey, index, uniqueIndex,
          unique, check, bigint, double, float, datetime, char, tinyint, foreignKey, date } from 'drizzle-orm/mysql-core';
        // Left out: \`serial()\`. drizzle-kit writes \`serial AUTO_INCREMENT\`, which MariaDB rejects (SERIAL already
        // means BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE); MySQL 8 accepts it. The unit tests cover its mapping.
        export const parents = mysqlTable('parents', {
          id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
          code: varchar('code', { length: 10 }).notNull().unique(),
        });
        export const accounts = mysqlTable('accounts', {
          id: int('id').autoincrement().notNull(),
          region: int('region').notNull(),
          email: varchar('email', { length: 255 }).notNull(),
          status: varchar('status', { length: 20 }).notNull().default('active'),
          note: varchar('note', { length: 50 }).default("it's \\"quoted\\""),
          price: decimal('price', { precision: 10, scale: 2 }).default('1.5'),
          qty: int('qty').default(-1),
          created: timestamp('created', { fsp: 3 }).default(sql\`CURRENT_TIMESTAMP(3)\`).onUpdateNow(),
          updated: timestamp('updated').defaultNow(),
          dt: datetime('dt'),
          d: date('d'),
          mood: mysqlEnum('mood', ['sad', 'ok', "it's"]).default('ok'),
          flag: boolean('flag').default(true),
          parentId: bigint('parent_id', { mode: 'number', unsigned: true }).references(() => parents.id, { onDelete: 'set null', onUpdate: 'cascade' }),
          total: int('total').generatedAlwaysAs(sql\`qty * 2\`, { mode: 'stored' }),
          v: int('v').generatedAlwaysAs((): any => sql\`\${accounts.qty} + 1\`),
          dbl: double('dbl').default(1.25), fl: float('fl'), c: char('c', { length: 2 }), ti: tinyint('ti'), j: json('j'), body: text('body'),
          otherRegion: int('other_region'),
        }, (t) => [
          primaryKey({ columns: [t.id, t.region] }),
          uniqueIndex('accounts_region_email').on(t.region, t.email),
          index('acc_status').on(t.status, t.created),
          unique('acc_uq').on(t.email, t.region),
          unique().on(t.note, t.qty),
          check('price_positive', sql\`\${t.price} > 0\`),
          check('status_known', sql\`\${t.status} in ('active', 'closed')\`),
          foreignKey({ columns: [t.qty, t.otherRegion], foreignColumns: [t.id, t.region], name: 'self_fk' }).onDelete('restrict'),
          // Left out: a functional index (\`index().on(sql\\\`(lower(...))\\\`)\`): MariaDB 10.11 has no functional key
          // parts, so drizzle-kit's CREATE INDEX fails there (MySQL 8.0.13+ accepts it).
        ]);
      `,
    },
  },
  {
    title: 'snake_case casing across two files',
    casing: 'snake_case',
    files: {
      'users.ts': `
        import { mysqlTable, serial, varchar, int, timestamp } from 'drizzle-orm/mysql-core';
        export const users = mysqlTable('users', { id: int().autoincrement().primaryKey(), fullName: varchar({ length: 100 }).notNull(), createdAt: timestamp().defaultNow() });
      `,
      'posts.ts': `
        import { mysqlTable, int, text, index } from 'drizzle-orm/mysql-core';
        import { users } from './users';
        export * from './users';
        export const posts = mysqlTable('posts', {
          id: int().autoincrement().primaryKey(), authorId: int().notNull().references(() => users.id, { onDelete: 'cascade' }), bodyText: text(),
        }, (t) => [index('posts_author').on(t.authorId)]);
      `,
    },
  },
];

const SQLITE: readonly Fixture[] = [
  {
    title: 'every feature',
    files: {
      'schema.ts': `
        import { sql } from 'drizzle-orm';
        import { sqliteTable, integer, text, real, blob, numeric, primaryKey, index, uniqueIndex, unique, check, foreignKey } from 'drizzle-orm/sqlite-core';
        export const parents = sqliteTable('parents', { id: integer('id').primaryKey({ autoIncrement: true }), code: text('code', { length: 10 }).notNull().unique() });
        export const plain = sqliteTable('plain', { id: integer('id').primaryKey(), name: text('name') });
        export const accounts = sqliteTable('accounts', {
          id: integer('id').notNull(),
          region: integer('region').notNull(),
          email: text('email').notNull(),
          status: text('status').notNull().default('active'),
          note: text('note').default("it's \\"quoted\\""),
          price: real('price').default(1.5),
          qty: integer('qty').default(-1),
          created: integer('created', { mode: 'timestamp' }).default(sql\`(unixepoch())\`),
          stamp: text('stamp').default(sql\`CURRENT_TIMESTAMP\`),
          flag: integer('flag', { mode: 'boolean' }).default(true),
          mood: text('mood', { enum: ['sad', 'ok'] }).default('ok'),
          parentId: integer('parent_id').references(() => parents.id, { onDelete: 'set null', onUpdate: 'cascade' }),
          total: integer('total').generatedAlwaysAs(sql\`qty * 2\`, { mode: 'stored' }),
          v: integer('v').generatedAlwaysAs((): any => sql\`\${accounts.qty} + 1\`),
          b: blob('b'), n: numeric('n'), j: text('j', { mode: 'json' }).default(sql\`'[]'\`),
        }, (t) => [
          primaryKey({ columns: [t.id, t.region] }),
          index('accounts_lower_email').on(sql\`lower(\${t.email})\`),
          index('accounts_open').on(t.created).where(sql\`\${t.status} <> 'closed'\`),
          uniqueIndex('accounts_region_email').on(t.region, t.email),
          unique('acc_uq').on(t.email, t.region),
          unique().on(t.note, t.mood),
          check('price_positive', sql\`\${t.price} > 0\`),
          foreignKey({ columns: [t.qty, t.region], foreignColumns: [t.id, t.region], name: 'self_fk' }).onDelete('cascade'),
        ]);
      `,
    },
  },
  {
    title: 'snake_case casing across two files',
    casing: 'snake_case',
    files: {
      'users.ts': `
        import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core';
        export const users = sqliteTable('users', { id: integer().primaryKey({ autoIncrement: true }), fullName: text().notNull(), createdAt: integer({ mode: 'timestamp' }) });
      `,
      'posts.ts': `
        import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
        import { users } from './users';
        export { users };
        export const posts = sqliteTable('posts', {
          id: integer().primaryKey(), authorId: integer().notNull().references(() => users.id, { onDelete: 'cascade' }), bodyText: text(),
        }, (t) => [index('posts_author').on(t.authorId)]);
      `,
    },
  },
];

const FIXTURES: Record<DialectName, readonly Fixture[]> = { postgresql: PG, mysql: MYSQL, sqlite: SQLITE };

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'strata-drizzle-int-'));
  // The fixtures import drizzle-orm the way an application does: from a node_modules above them.
  await symlink(WORKSPACE_NODE_MODULES, join(root, 'node_modules'), 'dir');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let folders = 0;
async function writeFixture(files: Files): Promise<string[]> {
  const folder = join(root, `f${(folders += 1)}`);
  await mkdir(folder, { recursive: true });
  const paths: string[] = [];
  for (const [name, source] of Object.entries(files)) {
    const path = join(folder, name);
    await writeFile(path, source);
    paths.push(path);
  }
  return paths;
}

async function drizzleKitSql(dialect: DialectName, snapshot: DrizzleSnapshot): Promise<string[]> {
  const api = (await import('drizzle-kit/api')) as unknown as Record<string, (...args: unknown[]) => unknown>;
  const call = async (name: string, ...args: unknown[]): Promise<unknown> => (api[name] as (...a: unknown[]) => unknown)(...args);
  switch (dialect) {
    case 'postgresql':
      return (await call('generateMigration', await call('generateDrizzleJson', {}), snapshot)) as string[];
    case 'mysql':
      return (await call('generateMySQLMigration', await call('generateMySQLDrizzleJson', {}), snapshot)) as string[];
    case 'sqlite':
      return ((await call('generateSQLiteMigration', await call('generateSQLiteDrizzleJson', {}), snapshot)) as string[]);
  }
}

await describeDialects('drizzle adapter vs. drizzle-kit SQL read back', (ctx) => {
  for (const fixture of FIXTURES[ctx.name]) {
    it(`${fixture.title}: the model equals the database drizzle-kit's SQL creates`, async () => {
      const schemaFiles = await writeFixture(fixture.files);
      const options = { dialect: ctx.dialect, schemaFiles, ...(fixture.casing === undefined ? {} : { casing: fixture.casing }) };
      const snapshot = await generateDrizzleSnapshot(options);
      const model = drizzleSnapshotToModel(ctx.dialect, snapshot);
      const statements = await drizzleKitSql(ctx.name, snapshot);
      const database = await ctx.createDatabase(`drizzle_${fixture.title}`);
      const connection: Connection = await ctx.dialect.connect(database.url);
      let read: SchemaModel;
      try {
        for (const statement of statements) {
          try {
            await connection.executeScript(statement);
          } catch (error) {
            throw new Error(`drizzle-kit's statement failed: ${statement}\n${(error as Error).message}`);
          }
        }
        read = await ctx.dialect.readSchema(connection);
      } finally {
        await connection.close();
      }
      expect(model.tables.size).toBeGreaterThan(0);
      expect(comparableSchema(model)).toStrictEqual(read);
    });
  }
}, ALL_TARGETS);
