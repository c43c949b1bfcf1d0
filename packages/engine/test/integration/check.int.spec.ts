import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/dialects/dialect.js';
import { createTestDatabase, ALL_TARGETS, describeDialects, type TestDatabase } from '../support/databases.js';
import { describeRun, jsonOf, listTables, type CliRun } from '../support/streams.js';
import { DrizzleProject, keepDatabaseUrlOutOfEnvironment } from '../support/drizzle-project.js';
import { loadDialect } from '../../src/dialects/registry.js';
import { withConnection } from '../../src/dialects/connection.js';

/**
 * `strata check` and the blind replay (raw SQL the schema model cannot follow), end to end through the
 * CLI in-process. The raw-SQL suite runs on every dialect (its --shadow-url database is a second
 * throwaway database of the same server, a second file on SQLite); PostgreSQL and MySQL skip loudly
 * when their server is unreachable. Each test has its own project folder (drizzle.config.ts, a Drizzle schema, a
 * migrations/ folder, node_modules linked to the workspace's so the schema resolves drizzle-orm and the
 * revisions resolve @strata/engine) and its own database, both removed after the test.
 */

const STREAM = 'app';

/** The revisions generated or written below, with fixed ids so the messages can be asserted. */
const CREATE = 'c0ffee000001';
const ADD_CITY = 'c0ffee000002';
const SIDE = 'c0ffee000003';
const RAW = 'ba11ad000001';
const ALTER = 'ba11ad000002';

const SUCCESS = `Stream "${STREAM}": one head, every operation guarded, the revisions match the Drizzle schema`;

// ---------------------------------------------------------------------------------------------
// Projects
// ---------------------------------------------------------------------------------------------

/** A project folder under the OS temp folder, with its Drizzle config pointing at `url`. */
/** The check suite's project: a {@link DrizzleProject} that also writes revisions by autogenerate. */
class Project extends DrizzleProject {
  constructor(label: string, dialect: DialectName, url: string) {
    super(`check-${label}`, dialect, url, { stream: STREAM });
  }

  /** `strata revision --autogenerate -m MESSAGE --rev-id ID`, which must write a file; returns the run. */
  async generate(id: string, message: string, ...extra: string[]): Promise<CliRun> {
    const run = await this.cli('revision', '--autogenerate', '-m', message, '--rev-id', id, ...extra);
    expectExit(run, 0);
    expect(run.stdout, describeRun(run)).toContain(`(revision ${id},`);
    return run;
  }
}

function expectExit(run: CliRun, code: number): void {
  expect(run.code, describeRun(run)).toBe(code);
}

/** The problem lines (`  - ...`) of a AUTOGENERATE_CHECK_FAILED error on stderr. */
function problemsOf(run: CliRun): string[] {
  expect(run.stderr, describeRun(run)).toContain(`error AUTOGENERATE_CHECK_FAILED: Stream "${STREAM}" fails the check:`);
  return run.stderr
    .split('\n')
    .filter((line) => line.startsWith('  - '))
    .map((line) => line.slice(4));
}

keepDatabaseUrlOutOfEnvironment();

// ---------------------------------------------------------------------------------------------
// SQLite: generated revisions, drift, heads, guards, --json
// ---------------------------------------------------------------------------------------------

const MEMBERS = [
  "import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';",
  '',
  "export const members = sqliteTable('members', {",
  "  id: integer('id').primaryKey(),",
  "  name: text('name').notNull(),",
  '});',
  '',
].join('\n');

const MEMBERS_WITH_CITY = MEMBERS.replace("  name: text('name').notNull(),\n", "  name: text('name').notNull(),\n  city: text('city'),\n");

const MEMBERS_WITH_CITY_AND_NICKNAME = MEMBERS_WITH_CITY.replace("  city: text('city'),\n", "  city: text('city'),\n  nickname: text('nickname'),\n");

/** A revision on `parent` adding members.city with no guard; the call is on line {@link UNGUARDED_LINE}. */
const UNGUARDED_SOURCE = [
  "import { revision } from '@strata/engine';", // 1
  '', // 2
  'export default revision({', // 3
  `  id: '${ADD_CITY}',`, // 4
  `  parents: ['${CREATE}'],`, // 5
  "  message: 'add city by hand',", // 6
  '  async upgrade({ op }) {', // 7
  "    await op.addColumn('members', { name: 'city', type: 'text' });", // 8
  '  },', // 9
  '  async downgrade({ op, inspect }) {', // 10
  "    if (await inspect.hasColumn('members', 'city')) await op.dropColumn('members', 'city');", // 11
  '  },', // 12
  '});', // 13
  '',
].join('\n');
const UNGUARDED_LINE = 8;

describe('strata check [SQLite]', () => {
  let project: Project | undefined;
  let database: TestDatabase | undefined;

  /** A fresh SQLite database and project, the schema without members.city. */
  async function newProject(label: string): Promise<Project> {
    database = await createTestDatabase('sqlite', `check_${label}`);
    project = new Project(label, 'sqlite', database.url);
    project.schema(MEMBERS);
    return project;
  }

  afterEach(async () => {
    project?.remove();
    await database?.drop();
    project = undefined;
    database = undefined;
  });

  it('passes, with and without --db, once the generated revision is applied', async () => {
    const p = await newProject('ok');
    await p.generate(CREATE, 'create members');
    expectExit(await p.cli('upgrade', 'head'), 0);
    expect(await listTables(await loadDialect('sqlite'), p.url)).toEqual(['members']);

    const check = await p.cli('check');
    expectExit(check, 0);
    expect(check.stdout).toBe(`${SUCCESS}.\n`);
    expect(check.stderr).toBe('');

    const withDb = await p.cli('check', '--db');
    expectExit(withDb, 0);
    expect(withDb.stdout).toBe(`${SUCCESS}, the database matches it.\n`);
    expect(withDb.stderr).toBe('');

    const json = await p.cli('check', '--db', '--json');
    expectExit(json, 0);
    expect(jsonOf(json)).toEqual({ stream: STREAM, findings: [] });
  });

  it('fails when the schema gained a column no revision adds; --db also lists the database drift', async () => {
    const p = await newProject('drift');
    await p.generate(CREATE, 'create members');
    expectExit(await p.cli('upgrade', 'head'), 0);
    p.schema(MEMBERS_WITH_CITY);

    const check = await p.cli('check');
    expectExit(check, 1);
    expect(problemsOf(check)).toEqual(['the Drizzle schema differs from the revisions (strata revision --autogenerate): addColumn members']);
    expect(check.stderr).toContain('hint: Fix each item');
    expect(check.stdout).toBe('');

    const withDb = await p.cli('check', '--db');
    expectExit(withDb, 1);
    expect(problemsOf(withDb)).toEqual([
      'the Drizzle schema differs from the revisions (strata revision --autogenerate): addColumn members',
      'the database differs from the Drizzle schema: addColumn members',
    ]);

    // Generating and applying the revision clears both.
    await p.generate(ADD_CITY, 'add city');
    expectExit(await p.cli('check'), 0); // without --db the database is not looked at
    expect(problemsOf(await p.cli('check', '--db'))).toEqual(['the database differs from the Drizzle schema: addColumn members']);
    expectExit(await p.cli('upgrade', 'head'), 0);
    const clean = await p.cli('check', '--db');
    expectExit(clean, 0);
    expect(clean.stdout).toBe(`${SUCCESS}, the database matches it.\n`);
  });

  it('fails on two heads, naming both and strata merge', async () => {
    const p = await newProject('heads');
    await p.generate(CREATE, 'create members');
    p.schema(MEMBERS_WITH_CITY);
    await p.generate(ADD_CITY, 'add city');
    // A second child of CREATE, written by hand: it changes nothing.
    p.revision(
      '20240101_0000_side.ts',
      [
        "import { revision } from '@strata/engine';",
        '',
        `export default revision({ id: '${SIDE}', parents: ['${CREATE}'], message: 'side', async upgrade() {}, async downgrade() {} });`,
        '',
      ].join('\n'),
    );

    const check = await p.cli('check');
    expectExit(check, 1);
    const problems = problemsOf(check);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^several heads: /);
    expect(problems[0]).toContain(ADD_CITY);
    expect(problems[0]).toContain(SIDE);
    expect(problems[0]).toContain('(strata merge)');

    const json = await p.cli('check', '--json');
    expectExit(json, 1);
    const doc = jsonOf<{ error: { code: string; details: { findings: { kind: string; heads?: string[] }[] } } }>(json);
    expect(doc.error.code).toBe('AUTOGENERATE_CHECK_FAILED');
    expect(doc.error.details.findings).toHaveLength(1);
    expect(doc.error.details.findings[0]?.kind).toBe('multiple-heads');
    expect([...(doc.error.details.findings[0]?.heads ?? [])].sort()).toEqual([ADD_CITY, SIDE].sort());

    // Merged, the stream passes again.
    expectExit(await p.cli('merge', '-m', 'merge heads', '--rev-id', 'c0ffee00000m'), 0);
    expectExit(await p.cli('check'), 0);
  });

  it('fails on an unguarded op.addColumn, naming the file and line', async () => {
    const p = await newProject('guard');
    await p.generate(CREATE, 'create members');
    p.schema(MEMBERS_WITH_CITY); // the revisions build it: only the guard is missing
    const file = p.revision('20240101_0001_add_city_by_hand.ts', UNGUARDED_SOURCE);
    expect(UNGUARDED_SOURCE.split('\n')[UNGUARDED_LINE - 1]).toContain('op.addColumn');

    const check = await p.cli('check');
    expectExit(check, 1);
    expect(problemsOf(check)).toEqual([`unguarded op.addColumn at ${file}:${UNGUARDED_LINE}`]);
    expect(check.stderr).toContain(`${file}:8`);
  });

  it('--json reports AUTOGENERATE_CHECK_FAILED with every finding kind', async () => {
    const p = await newProject('json');
    await p.generate(CREATE, 'create members');
    expectExit(await p.cli('upgrade', 'head'), 0);
    // ADD_CITY adds city without a guard and is not applied; the schema also has nickname, which no revision adds.
    const file = p.revision('20240101_0002_add_city_by_hand.ts', UNGUARDED_SOURCE);
    p.schema(MEMBERS_WITH_CITY_AND_NICKNAME);

    const run = await p.cli('check', '--db', '--json');
    expectExit(run, 1);
    interface Finding {
      kind: string;
      operation?: { file: string; line: number; method: string };
      operations?: { kind: string; table: string; column?: { name: string } }[];
    }
    const doc = jsonOf<{ error: { code: string; message: string; details: { stream: string; findings: Finding[] } } }>(run);
    expect(doc.error.code).toBe('AUTOGENERATE_CHECK_FAILED');
    expect(doc.error.details.stream).toBe(STREAM);
    const findings = doc.error.details.findings;
    expect(findings.map((f) => f.kind)).toEqual(['unguarded-operation', 'schema-not-generated', 'database-drift']);
    expect(findings[0]?.operation).toMatchObject({ file, line: UNGUARDED_LINE, method: 'addColumn' });
    const columns = (f: Finding | undefined) => (f?.operations ?? []).map((op) => `${op.kind} ${op.table}.${op.column?.name ?? ''}`);
    expect(columns(findings[1])).toEqual(['addColumn members.nickname']);
    expect(columns(findings[2]).sort()).toEqual(['addColumn members.city', 'addColumn members.nickname']);
    // stdout holds the document only; the human error still goes to stderr.
    expect(run.stderr).toContain('error AUTOGENERATE_CHECK_FAILED');
  });
});

// ---------------------------------------------------------------------------------------------
// Blind replay: raw DDL the model cannot follow, then a revision that needs its effect
// ---------------------------------------------------------------------------------------------

const RAW_SQL = 'CREATE TABLE widgets (id integer PRIMARY KEY, name text)';

/** Revision RAW creates widgets through `execute` (not a schema method: no guard is required): the model never sees the table. */
const RAW_SOURCE = [
  "import { revision } from '@strata/engine';",
  '',
  'export default revision({',
  `  id: '${RAW}',`,
  '  parents: [],',
  "  message: 'widgets by raw sql',",
  '  async upgrade({ execute }) {',
  `    await execute(${JSON.stringify(RAW_SQL)});`,
  '  },',
  '  async downgrade({ execute }) {',
  "    await execute('DROP TABLE widgets');",
  '  },',
  '});',
  '',
].join('\n');

/** Revision ALTER adds widgets.color with ops, guarded: against the model, the table is missing. */
const ALTER_SOURCE = [
  "import { revision } from '@strata/engine';",
  '',
  'export default revision({',
  `  id: '${ALTER}',`,
  `  parents: ['${RAW}'],`,
  "  message: 'widgets color',",
  '  async upgrade({ op, inspect }) {',
  "    if (!(await inspect.hasColumn('widgets', 'color'))) await op.addColumn('widgets', { name: 'color', type: 'text' });",
  '  },',
  '  async downgrade({ op, inspect }) {',
  "    if (await inspect.hasColumn('widgets', 'color')) await op.dropColumn('widgets', 'color');",
  '  },',
  '});',
  '',
].join('\n');

/** The Drizzle schema: what RAW and ALTER build, plus widgets.size, which no revision adds yet. */
function widgetsSchema(dialect: DialectName): string {
  const [module, table, int] = ({
    postgresql: ['drizzle-orm/pg-core', 'pgTable', 'integer'],
    mysql: ['drizzle-orm/mysql-core', 'mysqlTable', 'int'],
    sqlite: ['drizzle-orm/sqlite-core', 'sqliteTable', 'integer'],
  } as const)[dialect];
  return [
    `import { ${int}, ${table}, text } from '${module}';`,
    '',
    `export const widgets = ${table}('widgets', {`,
    `  id: ${int}('id').primaryKey(),`,
    "  name: text('name'),",
    "  color: text('color'),",
    `  size: ${int}('size'),`,
    '});',
    '',
  ].join('\n');
}

await describeDialects('strata check and autogenerate after raw SQL', (ctx) => {
  let project: Project | undefined;
  const databases: TestDatabase[] = [];
  afterEach(async () => {
    project?.remove();
    project = undefined;
    await Promise.all(databases.splice(0).map((db) => db.drop()));
  });

  it('check warns, autogenerate and upgrade --sql refuse, autogenerate --shadow-url generates', async () => {
    const [db, shadow] = await Promise.all([createTestDatabase(ctx.name, 'check_blind'), createTestDatabase(ctx.name, 'check_shadow')]);
    databases.push(db, shadow);
    const p = (project = new Project(`blind-${ctx.name}`, ctx.name, db.url));
    p.schema(widgetsSchema(ctx.name));
    p.revision('20240101_0000_widgets_by_raw_sql.ts', RAW_SOURCE);
    p.revision('20240101_0001_widgets_color.ts', ALTER_SOURCE);

    // check: warnings, not a failure; the revisions are not compared with the schema, and the model
    // cannot list what ALTER would drop (against it, widgets is missing).
    const unlisted = `its operations could not be listed without a database (addColumn: table widgets does not exist.)`;
    const check = await p.cli('check');
    expectExit(check, 0);
    const warnings = check.stderr.split('\n').filter((line) => line.startsWith('warning: '));
    expect(warnings, describeRun(check)).toEqual([
      `warning: revision ${RAW} runs raw SQL the schema model cannot follow: ${RAW_SQL}; the revisions were not compared with the Drizzle schema`,
      `warning: destructive: revision ${ALTER}: ${unlisted}; review it for drops by hand`,
    ]);
    expect(check.stdout).toBe(
      `Stream "${STREAM}": one head, every operation guarded (revisions not compared with the Drizzle schema: see the warning). 1 revision(s) whose operations could not be listed: see the warnings.\n`,
    );
    const checkJson = await p.cli('check', '--json');
    expectExit(checkJson, 0);
    expect(jsonOf(checkJson)).toEqual({
      stream: STREAM,
      findings: [
        { kind: 'unlisted-operations', revision: ALTER, reason: 'addColumn: table widgets does not exist.' },
        { kind: 'blind-revision', revision: RAW, sql: RAW_SQL },
      ],
    });

    // autogenerate from the model: refused, with --shadow-url suggested; no file written.
    const files = readdirSync(p.migrations).sort();
    const blind = await p.cli('revision', '--autogenerate', '-m', 'widgets size');
    expectExit(blind, 1);
    expect(blind.stderr).toContain('error AUTOGENERATE_BLIND_REVISION:');
    expect(blind.stderr).toContain(`revision(s) ${RAW} change the schema with raw SQL`);
    expect(blind.stderr).toMatch(/^hint: .*--shadow-url/m);
    expect(readdirSync(p.migrations).sort()).toEqual(files);

    // The offline script: ALTER fails against a model that never saw widgets.
    const offline = await p.cli('upgrade', '--sql', 'head');
    expectExit(offline, 1);
    expect(offline.stderr).toContain('error OFFLINE_BLIND_REPLAY:');
    expect(offline.stderr).toContain(`the raw SQL of revision(s) ${RAW}, and revision ${ALTER} failed against it`);
    expect(offline.stdout).toBe('');
    const offlineJson = await p.cli('upgrade', '--sql', 'head', '--json');
    expectExit(offlineJson, 1);
    expect(jsonOf<{ error: { code: string; details: unknown } }>(offlineJson).error).toMatchObject({
      code: 'OFFLINE_BLIND_REPLAY',
      details: { stream: STREAM, blind: [{ revision: RAW, sql: RAW_SQL }], revision: ALTER },
    });

    // On a shadow database the revisions really run: the generated revision adds only widgets.size.
    const generated = await p.generate('ba11ad000003', 'widgets size', '--shadow-url', shadow.url);
    expect(generated.stdout.split('\n').filter((line) => line.startsWith('  '))).toEqual(['  addColumn widgets']);
    const file = readdirSync(p.migrations).find((name) => !files.includes(name));
    expect(file).toBeDefined();
    const source = readFileSync(join(p.migrations, file as string), 'utf8');
    expect(source).toContain(`parents: ['${ALTER}']`);
    expect(source).toContain("'size'");
    // The project database was never touched; the shadow holds the stream up to ALTER.
    expect(await listTables(ctx.dialect, db.url)).toEqual([]);
    expect(await listTables(ctx.dialect, shadow.url)).toEqual(['widgets']);

    // Online, everything applies; the live database then matches the schema.
    expectExit(await p.cli('upgrade', 'head'), 0);
    const live = await p.cli('check', '--db');
    expectExit(live, 0);
    expect(live.stdout).toBe(
      `Stream "${STREAM}": one head, every operation guarded (revisions not compared with the Drizzle schema: see the warning), the database matches it.\n`,
    );
  });
}, ALL_TARGETS);

// ---------------------------------------------------------------------------------------------
// PostgreSQL: row-level security, policies and roles are seen by autogenerate and check --db
// ---------------------------------------------------------------------------------------------

await describeDialects('strata check: row-level security', (ctx) => {
  // Roles are cluster-wide: a name unique to this run, dropped after the database that uses it.
  const role = `strata_chk_${process.pid}_${Date.now().toString(36)}`;
  let database: TestDatabase | undefined;
  let project: Project | undefined;
  afterAll(async () => {
    if (database === undefined) return;
    await database.drop();
    const dialect = await loadDialect('postgresql');
    const server = new URL(database.url);
    server.pathname = '/postgres';
    await withConnection(dialect, server.toString(), (connection) => connection.query(`DROP ROLE IF EXISTS ${dialect.quoteIdentifier(role)}`));
    project?.remove();
  });

  // PostgreSQL only: the other dialects have no row-level security (their renderers refuse the ops).
  it.skipIf(ctx.name !== 'postgresql')('generates the role, row-level security and policies; check --db passes, then names a policy dropped by hand', async () => {
    database = await ctx.createDatabase('check_rls');
    project = new Project('rls', 'postgresql', database.url);
    project.schema(
      [
        "import { sql } from 'drizzle-orm';",
        "import { integer, pgPolicy, pgRole, pgTable, text } from 'drizzle-orm/pg-core';",
        `export const reader = pgRole('${role}', { inherit: false });`,
        "export const notes = pgTable('notes', { id: integer('id').primaryKey(), ownerId: text('owner_id').notNull() }, (t) => [",
        "  pgPolicy('notes_read', { for: 'select', to: reader, using: sql`${t.ownerId} = current_setting('app.user_id')` }),",
        ']).enableRLS();',
        '',
      ].join('\n'),
    );
    await project.generate(CREATE, 'notes with row-level security');
    const source = readFileSync(join(project.migrations, readdirSync(project.migrations)[0] as string), 'utf8');
    expect(source).toContain(`await op.createRole('${role}'`);
    expect(source).toContain("await op.enableRowLevelSecurity('notes')");
    expect(source).toContain("await op.createPolicy(notesRead.name, 'notes', notesRead)");
    expectExit(await project.cli('upgrade', 'head'), 0);
    const clean = await project.cli('check', '--db');
    expectExit(clean, 0);
    expect(clean.stdout).toBe(`${SUCCESS}, the database matches it.\n`);

    const dialect = await loadDialect('postgresql');
    await withConnection(dialect, database.url, (connection) => connection.query('DROP POLICY notes_read ON notes'));
    expect(problemsOf(await project.cli('check', '--db'))).toEqual(['the database differs from the Drizzle schema: createPolicy notes']);
  });
}, ALL_TARGETS);

// ---------------------------------------------------------------------------------------------
// PostgreSQL: sequences and views are seen by autogenerate and check --db
// ---------------------------------------------------------------------------------------------

await describeDialects('strata check: sequences and views', (ctx) => {
  let database: TestDatabase | undefined;
  let project: Project | undefined;
  afterAll(async () => {
    await database?.drop();
    project?.remove();
  });

  it.skipIf(ctx.name !== 'postgresql')(
    'generates a sequence, a view and a materialized view; check --db passes, leaves alone another stream\'s view, then names a view dropped and a sequence altered by hand',
    async () => {
      database = await ctx.createDatabase('check_views');
      project = new Project('views', 'postgresql', database.url);
      project.schema(
        [
          "import { eq, sql } from 'drizzle-orm';",
          "import { boolean, integer, pgMaterializedView, pgSequence, pgTable, pgView, text } from 'drizzle-orm/pg-core';",
          "export const numbers = pgSequence('invoice_numbers', { startWith: 1000, increment: 5 });",
          "export const clients = pgTable('clients', { id: integer('id').primaryKey(), name: text('name').notNull(), active: boolean('active').notNull() });",
          "export const active = pgView('active_clients').as((qb) => qb.select({ id: clients.id, name: clients.name }).from(clients).where(eq(clients.active, true)));",
          "export const counts = pgMaterializedView('client_counts', { n: integer('n') }).as(sql`select count(*) as n from clients where name like 'a%'`);",
          '',
        ].join('\n'),
      );
      await project.generate(CREATE, 'clients with views');
      const source = readFileSync(join(project.migrations, readdirSync(project.migrations)[0] as string), 'utf8');
      expect(source).toContain("await op.createSequence('invoice_numbers', { start: '1000', increment: '5' })");
      expect(source).toContain("if (!(await inspect.hasView('active_clients'))) await op.createView('active_clients', 'select \"id\", \"name\" from \"clients\" where \"clients\".\"active\" = true')");
      expect(source).toContain("await op.createView('client_counts', 'select count(*) as n from clients where name like \\'a%\\'', { materialized: true })");
      expectExit(await project.cli('upgrade', 'head'), 0);
      const dialect = await loadDialect('postgresql');
      await withConnection(dialect, database.url, (connection) => connection.query('CREATE VIEW someone_elses AS SELECT 1 AS one'));
      const clean = await project.cli('check', '--db');
      expectExit(clean, 0);
      expect(clean.stdout).toBe(`${SUCCESS}, the database matches it.\n`);

      await withConnection(dialect, database.url, async (connection) => {
        await connection.query('DROP VIEW active_clients');
        await connection.query('ALTER SEQUENCE invoice_numbers INCREMENT BY 1');
      });
      expect(problemsOf(await project.cli('check', '--db'))).toEqual(['the database differs from the Drizzle schema: alterSequence invoice_numbers, createView active_clients']);
    },
  );
}, ALL_TARGETS);
