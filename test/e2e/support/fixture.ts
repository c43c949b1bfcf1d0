/**
 * The files of the e2e fixture workspace: two services, `accounts` and `billing`, each a project with a
 * Drizzle schema. Billing's invoices reference accounts' users, so billing's revisions depend on
 * accounts' stream.
 *
 * One variable pair selects the database of every stream: {@link DIALECT_ENV} (`sqlite` when unset,
 * `postgresql`, `mysql`) and {@link URL_ENV} (the database URL; unset: the SQLite file `e2e.sqlite` at
 * the workspace root). The drizzle.config files read both and the schemas read the dialect, so the same
 * workspace autogenerates and migrates on any of the three databases.
 */

/** Selects the dialect of drizzle.config.ts and of the schema's table builders. */
export const DIALECT_ENV = 'STRATA_E2E_DIALECT';
/** The database URL drizzle.config.ts passes as `dbCredentials.url`. */
export const URL_ENV = 'STRATA_E2E_URL';
/** The SQLite file the streams migrate when {@link URL_ENV} is unset, relative to the workspace root. */
export const DEFAULT_SQLITE_FILE = 'e2e.sqlite';

/** The fixture's files, path relative to the workspace root → content. */
export function fixtureFiles(options: { registerPlugin: boolean }): Record<string, string> {
  return {
    'package.json': json({
      name: 'strata-e2e-workspace',
      version: '0.0.0',
      private: true,
      // What `nx add @strata/nx` would leave: the init generator installs these when missing, so they
      // are listed (they are in node_modules already) and it has nothing to install.
      devDependencies: {
        '@electric-sql/pglite': '0.5.17',
        '@nx/devkit': '23.2.1',
        '@strata/engine': '0.1.0',
        '@strata/nx': '0.1.0',
        'better-sqlite3': '12.6.2',
        'drizzle-kit': '0.31.11',
        'drizzle-orm': '0.45.4',
        mysql2: '3.24.6',
        nx: '23.2.1',
        pg: '8.23.1',
      },
    }),
    'nx.json': json({
      $schema: './node_modules/nx/schemas/nx-schema.json',
      namedInputs: { default: ['{projectRoot}/**/*'] },
      // What the init generator adds (item 1 checks it writes them); given directly when it is not run.
      ...(options.registerPlugin
        ? {
            targetDefaults: { migrate: { dependsOn: [{ dependencies: true, target: 'migrate', params: 'forward' }] }, 'migrate-test': { cache: true } },
            plugins: [{ plugin: '@strata/nx/plugin', options: {} }],
          }
        : {}),
    }),
    '.gitignore': ['node_modules', '.nx', '*.sqlite', '*.sqlite-journal', '*.sqlite-wal', '*.sqlite-shm', ''].join('\n'),
    'apps/accounts/project.json': project('accounts'),
    'apps/accounts/drizzle.config.ts': DRIZZLE_CONFIG,
    'apps/accounts/src/schema.ts': ACCOUNTS_SCHEMA,
    'apps/billing/project.json': project('billing'),
    'apps/billing/drizzle.config.ts': DRIZZLE_CONFIG,
    'apps/billing/src/schema.ts': BILLING_SCHEMA,
  };
}

function project(name: string): string {
  return json({
    name,
    $schema: '../../node_modules/nx/schemas/project-schema.json',
    projectType: 'application',
    sourceRoot: `apps/${name}/src`,
    tags: [`scope:${name}`],
  });
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

const DRIZZLE_CONFIG = `import { defineConfig } from 'drizzle-kit';

// ${DIALECT_ENV} (sqlite | postgresql | mysql) and ${URL_ENV} select the database; unset, SQLite on
// ${DEFAULT_SQLITE_FILE} at the workspace root. src/schema.ts reads the same dialect variable.
const dialect = (process.env.${DIALECT_ENV} ?? 'sqlite') as 'sqlite';

export default defineConfig({
  dialect,
  schema: './src/schema.ts',
  dbCredentials: { url: process.env.${URL_ENV} ?? '../../${DEFAULT_SQLITE_FILE}' },
});
`;

/** A line the tests replace to change accounts' schema (SQLite). */
export const ACCOUNTS_SQLITE_LAST_COLUMN = `displayName: sqlite.text('display_name').notNull(),`;
/** A line the tests replace to change billing's schema (SQLite). */
export const BILLING_SQLITE_LAST_COLUMN = `status: sqlite.text('status').notNull().default('open'),`;

const ACCOUNTS_SCHEMA = `import * as mysql from 'drizzle-orm/mysql-core';
import * as pg from 'drizzle-orm/pg-core';
import * as sqlite from 'drizzle-orm/sqlite-core';

/** The dialect drizzle.config.ts selects: the tables are built for it. */
const dialect = process.env.${DIALECT_ENV} ?? 'sqlite';

function usersTable() {
  switch (dialect) {
    case 'postgresql':
      return pg.pgTable('users', {
        id: pg.serial('id').primaryKey(),
        email: pg.varchar('email', { length: 255 }).notNull().unique(),
        displayName: pg.varchar('display_name', { length: 255 }).notNull(),
      });
    case 'mysql':
      return mysql.mysqlTable('users', {
        id: mysql.int('id').autoincrement().primaryKey(),
        email: mysql.varchar('email', { length: 255 }).notNull().unique(),
        displayName: mysql.varchar('display_name', { length: 255 }).notNull(),
      });
    default:
      return sqlite.sqliteTable('users', {
        id: sqlite.integer('id').primaryKey({ autoIncrement: true }),
        email: sqlite.text('email').notNull().unique(),
        ${ACCOUNTS_SQLITE_LAST_COLUMN}
      });
  }
}

/** People who sign in. */
export const users = usersTable();
`;

const BILLING_SCHEMA = `import * as mysql from 'drizzle-orm/mysql-core';
import * as pg from 'drizzle-orm/pg-core';
import * as sqlite from 'drizzle-orm/sqlite-core';
import { users } from '../../accounts/src/schema';

/** The dialect drizzle.config.ts selects: the tables are built for it. */
const dialect = process.env.${DIALECT_ENV} ?? 'sqlite';

// users is imported for the foreign key only: not exported here, so billing's revisions never create it.
// (The fixture is not type-checked: users is a union of the three dialects' tables.)
const userId = (): any => (users as any).id;

function invoicesTable() {
  switch (dialect) {
    case 'postgresql':
      return pg.pgTable(
        'invoices',
        {
          id: pg.serial('id').primaryKey(),
          userId: pg.integer('user_id').notNull().references(userId, { onDelete: 'cascade' }),
          amountCents: pg.integer('amount_cents').notNull(),
          status: pg.varchar('status', { length: 20 }).notNull().default('open'),
        },
        (t) => [pg.index('invoices_user_idx').on(t.userId)],
      );
    case 'mysql':
      return mysql.mysqlTable(
        'invoices',
        {
          id: mysql.int('id').autoincrement().primaryKey(),
          userId: mysql.int('user_id').notNull().references(userId, { onDelete: 'cascade' }),
          amountCents: mysql.int('amount_cents').notNull(),
          status: mysql.varchar('status', { length: 20 }).notNull().default('open'),
        },
        (t) => [mysql.index('invoices_user_idx').on(t.userId)],
      );
    default:
      return sqlite.sqliteTable(
        'invoices',
        {
          id: sqlite.integer('id').primaryKey({ autoIncrement: true }),
          userId: sqlite.integer('user_id').notNull().references(userId, { onDelete: 'cascade' }),
          amountCents: sqlite.integer('amount_cents').notNull(),
          ${BILLING_SQLITE_LAST_COLUMN}
        },
        (t) => [sqlite.index('invoices_user_idx').on(t.userId)],
      );
  }
}

/** Invoices belong to accounts' users: billing's stream depends on the accounts stream. */
export const invoices = invoicesTable();
`;
