import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { diffSchemas } from '../../src/autogenerate/diff.js';
import type { Dialect, DialectName } from '../../src/dialects/dialect.js';
import { readDrizzleSchema } from '../../src/schema/drizzle-adapter.js';
import type { SchemaModel } from '../../src/schema/model.js';
import { ALL_TARGETS, describeDialects, type TestDatabase } from '../support/databases.js';
import { describeRun, jsonOf, withConnection, type CliRun } from '../support/streams.js';
import { DrizzleProject, keepDatabaseUrlOutOfEnvironment } from '../support/drizzle-project.js';

/**
 * `strata pull` end to end through the CLI: an app's database made by hand-written DDL (orgs, users
 * with a self-reference, memberships with a composite key and foreign keys with actions, an enum,
 * unique, partial and expression indexes, checks, defaults such as now() and gen_random_uuid(), an
 * identity or auto-increment key) is written as a Drizzle schema file that type-checks against
 * drizzle-orm, reads back through Strata's Drizzle adapter as the model read from the database, and
 * pushed to an empty database builds the same schema. What a Drizzle schema cannot hold is refused
 * by name.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const WORKSPACE_NODE_MODULES = resolve(HERE, '../../../../node_modules');
const TSC = join(WORKSPACE_NODE_MODULES, 'typescript', 'bin', 'tsc');
const STREAM = 'legacy';

/** The app's schema as a team wrote it by hand, in the dialect's own SQL. */
const APP_DDL: Record<DialectName, readonly string[]> = {
  postgresql: [
    "CREATE TYPE member_role AS ENUM ('owner', 'admin', 'member')",
    "CREATE TABLE orgs (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), slug varchar(64) NOT NULL, name text NOT NULL, plan text NOT NULL DEFAULT 'free', settings jsonb NOT NULL DEFAULT '{}'::jsonb, created_at timestamptz NOT NULL DEFAULT now(), CONSTRAINT orgs_slug_key UNIQUE (slug), CONSTRAINT orgs_plan_check CHECK (plan IN ('free', 'team', 'enterprise')))",
    'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 10) PRIMARY KEY, email varchar(200) NOT NULL, display_name text, invited_by bigint REFERENCES users(id) ON DELETE SET NULL, active boolean NOT NULL DEFAULT true, login_count integer NOT NULL DEFAULT 0, tags text[], balance numeric(12,2) NOT NULL DEFAULT 0, created_at timestamptz NOT NULL DEFAULT now())',
    'CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))',
    'CREATE INDEX users_recent_idx ON users (created_at DESC) WHERE active',
    "CREATE TABLE memberships (org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE, user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE ON UPDATE CASCADE, role member_role NOT NULL DEFAULT 'member', joined_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (org_id, user_id))",
    'CREATE INDEX memberships_user_idx ON memberships (user_id)',
  ],
  mysql: [
    "CREATE TABLE orgs (id varchar(36) NOT NULL PRIMARY KEY, slug varchar(64) NOT NULL, name varchar(200) NOT NULL, plan enum('free','team','enterprise') NOT NULL DEFAULT 'free', created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, CONSTRAINT orgs_slug_key UNIQUE (slug))",
    'CREATE TABLE users (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, email varchar(200) NOT NULL, display_name varchar(100), invited_by bigint unsigned, active boolean NOT NULL DEFAULT true, login_count int NOT NULL DEFAULT 0, balance decimal(12,2) NOT NULL DEFAULT 0, created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP, CONSTRAINT users_email_key UNIQUE (email), INDEX users_invited_by_idx (invited_by), CONSTRAINT users_invited_by_fk FOREIGN KEY (invited_by) REFERENCES users(id) ON DELETE SET NULL, CONSTRAINT users_login_count_check CHECK (login_count >= 0))',
    "CREATE TABLE memberships (org_id varchar(36) NOT NULL, user_id bigint unsigned NOT NULL, role enum('owner','admin','member') NOT NULL DEFAULT 'member', joined_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (org_id, user_id), INDEX memberships_user_idx (user_id), CONSTRAINT memberships_org_fk FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE CASCADE, CONSTRAINT memberships_user_fk FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE ON UPDATE CASCADE)",
  ],
  sqlite: [
    "CREATE TABLE orgs (id text PRIMARY KEY NOT NULL, slug text NOT NULL, name text NOT NULL, plan text NOT NULL DEFAULT 'free', created_at text NOT NULL DEFAULT (CURRENT_TIMESTAMP), CONSTRAINT orgs_plan_check CHECK (plan IN ('free', 'team', 'enterprise')))",
    'CREATE UNIQUE INDEX orgs_slug_key ON orgs (slug)',
    'CREATE TABLE users (id integer PRIMARY KEY AUTOINCREMENT, email text NOT NULL, display_name text, invited_by integer REFERENCES users(id) ON DELETE SET NULL, active integer NOT NULL DEFAULT 1, login_count integer NOT NULL DEFAULT 0, balance real NOT NULL DEFAULT 0, created_at text NOT NULL DEFAULT (CURRENT_TIMESTAMP))',
    'CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))',
    'CREATE INDEX users_recent_idx ON users (created_at) WHERE active = 1',
    "CREATE TABLE memberships (org_id text NOT NULL REFERENCES orgs(id) ON DELETE CASCADE, user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE ON UPDATE CASCADE, role text NOT NULL DEFAULT 'member', joined_at text NOT NULL DEFAULT (CURRENT_TIMESTAMP), PRIMARY KEY (org_id, user_id))",
    'CREATE INDEX memberships_user_idx ON memberships (user_id)',
  ],
};

/** A project whose drizzle.config.ts names the file pull writes by default as its schema. */
/** The pull suite's project: a {@link DrizzleProject} whose schema file is what `strata pull` writes. */
class Project extends DrizzleProject {
  constructor(dialect: DialectName, url: string) {
    super('pull', dialect, url, { stream: STREAM, schema: 'src/schema.pulled.ts', esm: true });
  }

  /** The file `strata pull` writes by default. */
  get pulled(): string {
    return this.schemaFile;
  }

  /** Type-checks the pulled file against drizzle-orm, strictly; returns tsc's output ('' when clean). */
  typecheck(): string {
    const config = { compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [] }, files: [this.pulled] };
    writeFileSync(join(this.root, 'tsconfig.json'), JSON.stringify(config));
    const run = spawnSync(process.execPath, [TSC, '-p', join(this.root, 'tsconfig.json')], { encoding: 'utf8' });
    return `${run.stdout}${run.stderr}`.trim() + (run.status === 0 ? '' : `\n(tsc exit ${run.status})`);
  }
}

function expectExit(run: CliRun, code: number): void {
  expect(run.code, describeRun(run)).toBe(code);
}

async function readSchema(dialect: Dialect, url: string): Promise<SchemaModel> {
  return withConnection(dialect, url, (connection) => dialect.readSchema(connection));
}

/** The ops that would turn `from` into `to`, one line each (none when they are the same schema). */
function differences(dialect: Dialect, from: SchemaModel, to: SchemaModel): string[] {
  return diffSchemas(from, to, { capabilities: { enums: dialect.capabilities.enums } }).ops.map((op) => JSON.stringify(op));
}

keepDatabaseUrlOutOfEnvironment();

await describeDialects(
  'strata pull',
  (ctx) => {
    let project: Project | undefined;
    const databases: TestDatabase[] = [];

    async function newDatabase(label: string): Promise<TestDatabase> {
      const database = await ctx.createDatabase(`pull_${label}`);
      databases.push(database);
      return database;
    }

    afterEach(async () => {
      project?.remove();
      project = undefined;
      await Promise.all(databases.splice(0).map((database) => database.drop()));
    });

    it('writes a Drizzle schema that type-checks, reads back as the database\'s model, and pushes to the same schema', async () => {
      const source = await newDatabase('app');
      await withConnection(ctx.dialect, source.url, async (c) => {
        for (const sql of APP_DDL[ctx.name]) await c.query(sql);
      });
      const p = (project = new Project(ctx.name, source.url));

      const pulled = await p.cli('pull');
      expectExit(pulled, 0);
      expect(pulled.stdout).toMatch(new RegExp(`^Wrote src/schema\\.pulled\\.ts: 3 table\\(s\\)${ctx.dialect.capabilities.enums ? ', 1 enum\\(s\\)' : ''} from \\S+\\.\\n$`));
      const text = readFileSync(p.pulled, 'utf8');
      expect(text).toContain(`from 'drizzle-orm/${{ postgresql: 'pg', mysql: 'mysql', sqlite: 'sqlite' }[ctx.name]}-core'`);
      expect(text).toMatch(/foreignKey\(\{ name: '[a-z_]+', columns: \[t\.userId\], foreignColumns: \[users\.id\] \}\)\.onDelete\('cascade'\)\.onUpdate\('cascade'\)/);
      expect(text).toMatch(/foreignColumns: \[t\.id\] \}\)\.onDelete\('set null'\)/);
      if (ctx.name !== 'mysql') expect(text).toContain('.where(sql`');
      if (ctx.dialect.capabilities.enums) {
        expect(text).toContain("export const memberRole = pgEnum('member_role', ['owner', 'admin', 'member']);");
        expect(text).toContain(".generatedAlwaysAsIdentity({ startWith: '1000', increment: '10' })");
      }
      expect(p.typecheck()).toBe('');

      const live = await readSchema(ctx.dialect, source.url);
      const fromFile = await readDrizzleSchema({ dialect: ctx.dialect, schemaFiles: [p.pulled] });
      expect(differences(ctx.dialect, live, fromFile)).toEqual([]);
      expect([...fromFile.tables.keys()].sort()).toEqual(['memberships', 'orgs', 'users']);

      // The file is the schema: pushed to an empty database, it builds what was read.
      const copy = await newDatabase('copy');
      expectExit(await p.cli('push', '--url', copy.url), 0);
      expect(differences(ctx.dialect, live, await readSchema(ctx.dialect, copy.url))).toEqual([]);

      const stdout = await p.cli('pull', '--stdout');
      expectExit(stdout, 0);
      expect(stdout.stdout).toBe(text);
    });

    it('keeps an existing file unless --force', async () => {
      const source = await newDatabase('exists');
      await withConnection(ctx.dialect, source.url, async (c) => {
        for (const sql of APP_DDL[ctx.name]) await c.query(sql);
      });
      const p = (project = new Project(ctx.name, source.url));
      writeFileSync(p.pulled, '// mine\n');
      const kept = await p.cli('pull');
      expectExit(kept, 1);
      expect(kept.stderr).toContain(`error AUTOGENERATE_PULL_FILE_EXISTS: strata pull would overwrite ${p.pulled}, which exists. Nothing was written.`);
      expect(kept.stderr).toContain('hint: Pass --force to replace it, --out FILE to write elsewhere, or --stdout.');
      expect(readFileSync(p.pulled, 'utf8')).toBe('// mine\n');
      const forced = await p.cli('pull', '--force', '--json');
      expectExit(forced, 0);
      expect(jsonOf(forced)).toMatchObject({ file: p.pulled, tables: ['memberships', 'orgs', 'users'] });
      expect(readFileSync(p.pulled, 'utf8')).toContain('export const memberships = ');
    });

    it('refuses what a Drizzle schema cannot hold, naming it, and writes nothing', async () => {
      // PostgreSQL's views are in the model (the writer refuses them); elsewhere the reader names them.
      const source = await newDatabase('view');
      await withConnection(ctx.dialect, source.url, async (c) => {
        for (const sql of APP_DDL[ctx.name]) await c.query(sql);
        await c.query(`CREATE VIEW active_users AS SELECT id, email FROM users WHERE active ${ctx.name === 'postgresql' ? '' : '= 1'}`);
      });
      const p = (project = new Project(ctx.name, source.url));
      const run = await p.cli('pull');
      expectExit(run, 1);
      expect(run.stderr).toContain('error AUTOGENERATE_PULL_UNSUPPORTED: strata pull cannot write view active_users into a Drizzle schema: ');
      expect(run.stderr).toContain('hint: Pull a database without view active_users (a copy, or one built without it) and keep it in a hand-written revision');
      expect(existsSync(p.pulled)).toBe(false);
    });
  },
  ALL_TARGETS,
);
