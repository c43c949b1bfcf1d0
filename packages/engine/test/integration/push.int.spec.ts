import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { diffSchemas } from '../../src/autogenerate/diff.js';
import type { Dialect, DialectName } from '../../src/dialects/dialect.js';
import { readDrizzleSchema } from '../../src/schema/drizzle-adapter.js';
import type { SchemaModel } from '../../src/schema/model.js';
import { ALL_TARGETS, describeDialects, type TestDatabase } from '../support/databases.js';
import { describeRun, historyRows, jsonOf, listAllTables, listTables, runBinary, versionRows, withConnection, type CliRun } from '../support/streams.js';
import { DrizzleProject, keepDatabaseUrlOutOfEnvironment } from '../support/drizzle-project.js';

/**
 * `strata push` end to end through the CLI (in-process, and once through the real binary): an app's
 * schema (orgs, users, memberships with a composite key and foreign keys, an enum, indexes, defaults
 * such as now() and gen_random_uuid()) pushed to an empty database, then grown, then cut, with rows
 * in it; the refusals (destructive operations, a database migrated by revisions) and what --force
 * does; tables other streams own left alone. Every run is judged by reading the database back.
 */

const STREAM = 'app';

/** The schema's versions: v1 to start, v2 adds (a column, a table, an index, an enum value), v3 drops and narrows. */
type Version = 1 | 2 | 3;

/** The Drizzle schema of the app at `version`, in the dialect's own Drizzle flavour. */
function schemaSource(dialect: DialectName, version: Version): string {
  switch (dialect) {
    case 'postgresql':
      return [
        "import { boolean, index, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';",
        '',
        `export const memberRole = pgEnum('member_role', [${version === 1 ? "'owner', 'admin', 'member'" : "'owner', 'admin', 'member', 'guest'"}]);`,
        '',
        "export const orgs = pgTable('orgs', {",
        "  id: uuid('id').primaryKey().defaultRandom(),",
        "  slug: varchar('slug', { length: 64 }).notNull().unique(),",
        "  name: text('name').notNull(),",
        "  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),",
        '});',
        '',
        "export const users = pgTable('users', {",
        "  id: uuid('id').primaryKey().defaultRandom(),",
        `  email: varchar('email', { length: ${version === 3 ? 120 : 200} }).notNull(),`,
        ...(version === 3 ? [] : ["  legacyCode: varchar('legacy_code', { length: 20 }),"]),
        ...(version === 1 ? [] : ["  displayName: text('display_name'),"]),
        "  active: boolean('active').notNull().default(true),",
        "  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),",
        "}, (t) => [uniqueIndex('users_email_key').on(t.email)]);",
        '',
        "export const memberships = pgTable('memberships', {",
        "  orgId: uuid('org_id').notNull().references(() => orgs.id, { onDelete: 'cascade' }),",
        "  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),",
        "  role: memberRole('role').notNull().default('member'),",
        "  joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),",
        "}, (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index('memberships_user_idx').on(t.userId)]);",
        ...(version === 1
          ? []
          : [
              '',
              "export const projects = pgTable('projects', {",
              "  id: uuid('id').primaryKey().defaultRandom(),",
              "  orgId: uuid('org_id').notNull().references(() => orgs.id, { onDelete: 'cascade' }),",
              "  name: text('name').notNull(),",
              "  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),",
              "}, (t) => [index('projects_org_idx').on(t.orgId)]);",
            ]),
        '',
      ].join('\n');
    case 'mysql':
      return [
        "import { boolean, index, mysqlEnum, mysqlTable, primaryKey, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';",
        '',
        "export const orgs = mysqlTable('orgs', {",
        "  id: varchar('id', { length: 36 }).primaryKey(),",
        "  slug: varchar('slug', { length: 64 }).notNull().unique(),",
        "  name: text('name').notNull(),",
        "  createdAt: timestamp('created_at').notNull().defaultNow(),",
        '});',
        '',
        "export const users = mysqlTable('users', {",
        "  id: varchar('id', { length: 36 }).primaryKey(),",
        `  email: varchar('email', { length: ${version === 3 ? 120 : 200} }).notNull(),`,
        ...(version === 3 ? [] : ["  legacyCode: varchar('legacy_code', { length: 20 }),"]),
        ...(version === 1 ? [] : ["  displayName: text('display_name'),"]),
        "  active: boolean('active').notNull().default(true),",
        "  createdAt: timestamp('created_at').notNull().defaultNow(),",
        "}, (t) => [uniqueIndex('users_email_key').on(t.email)]);",
        '',
        "export const memberships = mysqlTable('memberships', {",
        "  orgId: varchar('org_id', { length: 36 }).notNull().references(() => orgs.id, { onDelete: 'cascade' }),",
        "  userId: varchar('user_id', { length: 36 }).notNull().references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),",
        `  role: mysqlEnum('role', [${version === 1 ? "'owner', 'admin', 'member'" : "'owner', 'admin', 'member', 'guest'"}]).notNull().default('member'),`,
        "  joinedAt: timestamp('joined_at').notNull().defaultNow(),",
        "}, (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index('memberships_user_idx').on(t.userId)]);",
        ...(version === 1
          ? []
          : [
              '',
              "export const projects = mysqlTable('projects', {",
              "  id: varchar('id', { length: 36 }).primaryKey(),",
              "  orgId: varchar('org_id', { length: 36 }).notNull().references(() => orgs.id, { onDelete: 'cascade' }),",
              "  name: text('name').notNull(),",
              "  createdAt: timestamp('created_at').notNull().defaultNow(),",
              "}, (t) => [index('projects_org_idx').on(t.orgId)]);",
            ]),
        '',
      ].join('\n');
    case 'sqlite':
      return [
        "import { sql } from 'drizzle-orm';",
        "import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';",
        '',
        "export const orgs = sqliteTable('orgs', {",
        "  id: text('id').primaryKey(),",
        "  slug: text('slug').notNull().unique(),",
        "  name: text('name').notNull(),",
        "  createdAt: text('created_at').notNull().default(sql`(CURRENT_TIMESTAMP)`),",
        '});',
        '',
        "export const users = sqliteTable('users', {",
        "  id: text('id').primaryKey(),",
        "  email: text('email').notNull(),",
        ...(version === 3 ? [] : ["  legacyCode: text('legacy_code'),"]),
        ...(version === 1 ? [] : ["  displayName: text('display_name'),"]),
        "  active: integer('active', { mode: 'boolean' }).notNull().default(true),",
        "  createdAt: text('created_at').notNull().default(sql`(CURRENT_TIMESTAMP)`),",
        "}, (t) => [uniqueIndex('users_email_key').on(t.email)]);",
        '',
        "export const memberships = sqliteTable('memberships', {",
        "  orgId: text('org_id').notNull().references(() => orgs.id, { onDelete: 'cascade' }),",
        "  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade', onUpdate: 'cascade' }),",
        "  role: text('role').notNull().default('member'),",
        "  joinedAt: text('joined_at').notNull().default(sql`(CURRENT_TIMESTAMP)`),",
        "}, (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index('memberships_user_idx').on(t.userId)]);",
        ...(version === 1
          ? []
          : [
              '',
              "export const projects = sqliteTable('projects', {",
              "  id: text('id').primaryKey(),",
              "  orgId: text('org_id').notNull().references(() => orgs.id, { onDelete: 'cascade' }),",
              "  name: text('name').notNull(),",
              "  createdAt: text('created_at').notNull().default(sql`(CURRENT_TIMESTAMP)`),",
              "}, (t) => [index('projects_org_idx').on(t.orgId)]);",
            ]),
        '',
      ].join('\n');
  }
}

/** Rows of every v1 table: two orgs, three users, four memberships. */
function seedStatements(dialect: DialectName): string[] {
  const org = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
  const user = (n: number) => `00000000-0000-4000-9000-00000000000${n}`;
  const t = dialect === 'sqlite' ? '1' : 'true';
  return [
    `INSERT INTO orgs (id, slug, name) VALUES ('${org(1)}', 'acme', 'Acme'), ('${org(2)}', 'globex', 'Globex')`,
    `INSERT INTO users (id, email, legacy_code, active) VALUES ('${user(1)}', 'ada@acme.test', 'A1', ${t}), ('${user(2)}', 'bob@acme.test', NULL, ${t}), ('${user(3)}', 'cy@globex.test', 'C3', ${t})`,
    `INSERT INTO memberships (org_id, user_id, role) VALUES ('${org(1)}', '${user(1)}', 'owner'), ('${org(1)}', '${user(2)}', 'member'), ('${org(2)}', '${user(3)}', 'admin'), ('${org(2)}', '${user(1)}', 'member')`,
  ];
}

/** A project folder: drizzle.config.ts pointing at the database, src/schema.ts, migrations/. */
/** The push suite's project: a {@link DrizzleProject} whose schema is one of the app's versions. */
class Project extends DrizzleProject {
  constructor(dialect: DialectName, url: string) {
    super('push', dialect, url, { stream: STREAM });
  }

  /** Replaces the Drizzle schema with the app at `version`. */
  version(version: Version): void {
    this.schema(schemaSource(this.dialect, version));
  }
}

function expectExit(run: CliRun, code: number): void {
  expect(run.code, describeRun(run)).toBe(code);
}

/** The live schema and the operations that would still make it the Drizzle schema's (none after a push). */
async function readBack(dialect: Dialect, project: Project): Promise<{ live: SchemaModel; remaining: string[] }> {
  const drizzle = await readDrizzleSchema({ dialect, schemaFiles: [project.schemaFile] });
  const live = await withConnection(dialect, project.url, (connection) => dialect.readSchema(connection));
  const remaining = diffSchemas(live, drizzle, { capabilities: { enums: dialect.capabilities.enums } }).ops.map((op) => `${op.kind} ${'table' in op ? op.table : 'name' in op ? op.name : ''}`);
  return { live, remaining };
}

async function count(dialect: Dialect, url: string, table: string): Promise<number> {
  const [row] = await withConnection(dialect, url, (c) => c.query(`SELECT COUNT(*) AS n FROM ${dialect.quoteIdentifier(table)}`));
  return Number(row?.['n']);
}

keepDatabaseUrlOutOfEnvironment();

await describeDialects(
  'strata push',
  (ctx) => {
    let project: Project | undefined;
    let database: TestDatabase | undefined;

    async function newProject(label: string): Promise<Project> {
      database = await ctx.createDatabase(`push_${label}`);
      project = new Project(ctx.name, database.url);
      project.version(1);
      return project;
    }

    afterEach(async () => {
      project?.remove();
      await database?.drop();
      project = undefined;
      database = undefined;
    });

    it('creates the schema on an empty database, grows it with rows kept, and writes no revision or ledger row', async () => {
      const p = await newProject('grow');
      const created = await p.cli('push');
      expectExit(created, 0);
      expect(created.stdout).toContain(`Stream "${STREAM}": `);
      expect(created.stdout).toMatch(/CREATE TABLE [`"]?memberships[`"]?/);
      expect(created.stdout).toContain('; no revision written, the ledger untouched.');
      expect((await readBack(ctx.dialect, p)).remaining).toEqual([]);
      expect(await listTables(ctx.dialect, p.url)).toEqual(['memberships', 'orgs', 'users']);
      // No ledger: no strata_version, no strata_history (SQLite keeps its lock table, strata_lock).
      expect((await listAllTables(ctx.dialect, p.url)).filter((name) => name === 'strata_version' || name === 'strata_history')).toEqual([]);

      const again = await p.cli('push');
      expectExit(again, 0);
      expect(again.stdout).toContain('matches the Drizzle schema; nothing to push.');

      await withConnection(ctx.dialect, p.url, async (c) => {
        for (const sql of seedStatements(ctx.name)) await c.query(sql);
      });
      p.version(2);

      // --dry-run and --sql print the SQL and change nothing.
      const before = await readBack(ctx.dialect, p);
      const dry = await p.cli('push', '--dry-run');
      expectExit(dry, 0);
      expect(dry.stdout).toContain('strata push --dry-run (nothing changed)');
      expect(dry.stdout).toMatch(/CREATE TABLE [`"]?projects[`"]?/);
      expect(dry.stdout).toMatch(/display_name/);
      const sql = await p.cli('push', '--sql');
      expectExit(sql, 0);
      expect(sql.stdout).toBe(dry.stdout);
      const json = jsonOf<{ applied: boolean; dryRun: boolean; statements: string[]; destructive: unknown[] }>(await p.cli('push', '--dry-run', '--json'));
      expect(json).toMatchObject({ applied: false, dryRun: true, destructive: [] });
      expect(json.statements.join('\n')).toBe(dry.stdout.split('\n').slice(1).join('\n').trimEnd().replace(/;$/gm, ''));
      expect((await readBack(ctx.dialect, p)).remaining).toEqual(before.remaining);
      expect(before.remaining.length).toBeGreaterThan(0);

      const grown = await p.cli('push');
      expectExit(grown, 0);
      expect(grown.stderr).not.toContain('destructive');
      const after = await readBack(ctx.dialect, p);
      expect(after.remaining).toEqual([]);
      expect([...after.live.tables.keys()].sort()).toEqual(['memberships', 'orgs', 'projects', 'users']);
      expect(after.live.tables.get('users')?.columns.map((c) => c.name)).toContain('display_name');
      const projectFk = after.live.tables.get('projects')?.foreignKeys[0];
      expect(projectFk).toMatchObject({ columns: ['org_id'], referencedTable: 'orgs', referencedColumns: ['id'], onDelete: 'cascade' });
      if (ctx.dialect.capabilities.enums) expect(after.live.enums.get('member_role')?.values).toEqual(['owner', 'admin', 'member', 'guest']);
      expect([await count(ctx.dialect, p.url, 'orgs'), await count(ctx.dialect, p.url, 'users'), await count(ctx.dialect, p.url, 'memberships')]).toEqual([2, 3, 4]);
      expect(await versionRows(ctx.dialect, p.url, STREAM)).toEqual([]);
      expect(await historyRows(ctx.dialect, p.url, STREAM)).toEqual([]);
    });

    it('refuses destructive operations without --force, listing them; --force applies them and keeps the rows', async () => {
      const p = await newProject('cut');
      expectExit(await p.cli('push'), 0);
      p.version(2);
      expectExit(await p.cli('push'), 0);
      await withConnection(ctx.dialect, p.url, async (c) => {
        for (const sql of seedStatements(ctx.name)) await c.query(sql);
      });
      p.version(3);
      const before = await readBack(ctx.dialect, p);

      const refused = await p.cli('push');
      expectExit(refused, 1);
      expect(refused.stderr).toContain(`error AUTOGENERATE_PUSH_DESTRUCTIVE: strata push of stream "${STREAM}" to `);
      expect(refused.stderr).toContain('destructive operation(s); nothing was changed:');
      expect(refused.stderr).toMatch(/ {2}- .*legacy_code/);
      // Narrowing varchar(200) to varchar(120) may cut values; SQLite's text has no length.
      if (ctx.name !== 'sqlite') expect(refused.stderr).toMatch(/ {2}- .*email/);
      expect(refused.stderr).toContain('hint: Review the SQL with `strata push --dry-run`, then run `strata push --force`');
      // The SQL was shown before the refusal.
      expect(refused.stdout).toMatch(/legacy_code/);
      expect((await readBack(ctx.dialect, p)).remaining).toEqual(before.remaining);

      const json = jsonOf<{ error: { code: string; details: { operations: string[] } } }>(await p.cli('push', '--json'));
      expect(json.error.code).toBe('AUTOGENERATE_PUSH_DESTRUCTIVE');
      expect(json.error.details.operations.some((o) => o.includes('legacy_code'))).toBe(true);

      const forced = await p.cli('push', '--force');
      expectExit(forced, 0);
      const after = await readBack(ctx.dialect, p);
      expect(after.remaining).toEqual([]);
      expect(after.live.tables.get('users')?.columns.map((c) => c.name)).not.toContain('legacy_code');
      expect([await count(ctx.dialect, p.url, 'orgs'), await count(ctx.dialect, p.url, 'users'), await count(ctx.dialect, p.url, 'memberships')]).toEqual([2, 3, 4]);
      const [ada] = await withConnection(ctx.dialect, p.url, (c) => c.query("SELECT email FROM users WHERE email LIKE 'ada%'"));
      expect(ada?.['email']).toBe('ada@acme.test');
    });

    it('refuses a database the stream\'s revisions migrated; --force pushes and leaves the ledger as it was', async () => {
      const p = await newProject('ledger');
      expectExit(await p.cli('revision', '--autogenerate', '-m', 'create app', '--rev-id', 'c0ffee000001'), 0);
      expectExit(await p.cli('upgrade', 'head'), 0);
      const history = await historyRows(ctx.dialect, p.url, STREAM);
      p.version(2);
      const before = await readBack(ctx.dialect, p);

      const refused = await p.cli('push');
      expectExit(refused, 1);
      expect(refused.stderr).toContain('error AUTOGENERATE_PUSH_MIGRATED_DATABASE: strata push refused: ');
      expect(refused.stderr).toContain(`is migrated by revisions (stream "${STREAM}" is at c0ffee000001 in strata_version)`);
      expect(refused.stderr).toContain('`strata push --force` pushes anyway');
      expect((await readBack(ctx.dialect, p)).remaining).toEqual(before.remaining);

      const forced = await p.cli('push', '--force');
      expectExit(forced, 0);
      expect(forced.stderr).toContain('no longer build this database\'s schema: `strata check` fails until a revision covers the change');
      expect((await readBack(ctx.dialect, p)).remaining).toEqual([]);
      expect(await versionRows(ctx.dialect, p.url, STREAM)).toEqual(['c0ffee000001']);
      expect(await historyRows(ctx.dialect, p.url, STREAM)).toEqual(history);
      const check = await p.cli('check', '--db');
      expectExit(check, 1);
      expect(check.stderr).toContain('the Drizzle schema differs from the revisions');
    });

    it('hands over to revisions: one generated after a push applies over the pushed schema', async () => {
      const p = await newProject('handover');
      expectExit(await p.cli('push'), 0);
      expectExit(await p.cli('revision', '--autogenerate', '-m', 'create app', '--rev-id', 'c0ffee000002'), 0);
      expectExit(await p.cli('upgrade', 'head'), 0);
      expect(await versionRows(ctx.dialect, p.url, STREAM)).toEqual(['c0ffee000002']);
      expectExit(await p.cli('check', '--db'), 0);
    });

    it('reports a statement the server refuses with how far it got; on PostgreSQL and SQLite nothing changed', async () => {
      const p = await newProject('fail');
      expectExit(await p.cli('push'), 0);
      await withConnection(ctx.dialect, p.url, async (c) => {
        for (const sql of seedStatements(ctx.name)) await c.query(sql);
      });
      // Ada is a member of both orgs: a unique index on memberships.user_id cannot be built.
      writeFileSync(p.schemaFile, schemaSource(ctx.name, 1).replace("index('memberships_user_idx')", "uniqueIndex('memberships_user_idx')"));
      const before = await readBack(ctx.dialect, p);
      const run = await p.cli('push', '--force');
      expectExit(run, 1);
      expect(run.stderr).toMatch(new RegExp(`error AUTOGENERATE_PUSH_FAILED: strata push of stream "${STREAM}" to \\S+ failed at statement \\d+ of \\d+: `));
      expect(run.stderr).toContain('hint: Fix what the server refused (the database, or the Drizzle schema), then run `strata push` again');
      if (ctx.dialect.capabilities.transactionalDdl) {
        expect(run.stderr).toContain('It was rolled back: nothing was changed.');
        expect((await readBack(ctx.dialect, p)).remaining).toEqual(before.remaining);
      } else {
        expect(run.stderr).toMatch(/The \d+ statement\(s\) before it stay applied/);
      }
      expect(await count(ctx.dialect, p.url, 'memberships')).toBe(4);
    });

    it('leaves tables another stream owns alone, and says so', async () => {
      const p = await newProject('shared');
      await withConnection(ctx.dialect, p.url, (c) => c.query('CREATE TABLE audit_log (id integer PRIMARY KEY, note text)'));
      const run = await p.cli('push');
      expectExit(run, 0);
      expect(run.stderr).toContain(`warning: left alone: audit_log (neither the Drizzle schema nor the revisions of stream "${STREAM}" hold them`);
      expect(await listTables(ctx.dialect, p.url)).toEqual(['audit_log', 'memberships', 'orgs', 'users']);
    });
  },
  ALL_TARGETS,
);

await describeDialects(
  'strata push from a process without a terminal',
  (ctx) => {
    it('never asks when stdin is not a TTY, even outside CI: it refuses with the code and --force', async () => {
      const database = await ctx.createDatabase('push_notty');
      const p = new Project(ctx.name, database.url);
      try {
        p.version(1);
        expectExit(await p.cli('push'), 0);
        p.version(3);
        const run = await runBinary(['push', '--stream', STREAM], { cwd: p.root, env: { CI: '' } });
        expectExit(run, 1);
        expect(run.stderr).toContain('error AUTOGENERATE_PUSH_DESTRUCTIVE');
        expect(run.stderr).toContain('strata push --force');
        expect(run.stderr).not.toContain('[y/N]');
      } finally {
        p.remove();
      }
    });
  },
  ['sqlite'],
);

await describeDialects(
  'strata push on a SQLite file that does not exist yet',
  (ctx) => {
    it('--dry-run and --sql only read: DIALECT_DATABASE_FILE_MISSING, exit 1, no file made; push itself creates it', async () => {
      const folder = mkdtempSync(join(tmpdir(), 'strata-push-new-'));
      const file = join(folder, 'new.db');
      const p = new Project(ctx.name, `file:${file}`);
      try {
        p.version(1);
        for (const flag of ['--dry-run', '--sql']) {
          const run = await p.cli('push', flag);
          expectExit(run, 1);
          expect(run.stderr).toContain('error DIALECT_DATABASE_FILE_MISSING');
          expect(run.stderr).toContain(file);
          expect(existsSync(file)).toBe(false);
        }
        expectExit(await p.cli('push'), 0);
        expect(await listTables(ctx.dialect, `file:${file}`)).toEqual(['memberships', 'orgs', 'users']);
      } finally {
        p.remove();
        rmSync(folder, { recursive: true, force: true });
      }
    });
  },
  ['sqlite'],
);
