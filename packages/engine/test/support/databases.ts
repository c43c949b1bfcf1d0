import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it, vi } from 'vitest';
import type { Dialect, DialectName } from '../../src/dialects/dialect.js';
import { DIALECT_NAMES } from '../../src/dialects/dialect.js';
import { loadDialect } from '../../src/dialects/registry.js';
import { withConnection } from '../../src/dialects/connection.js';
import { redactUrl } from '../../src/dialects/url.js';

/** A target of the integration suites: a dialect's server, or PGlite (PostgreSQL embedded, no server). */
export type TargetName = DialectName | 'pglite';

/** The server targets every suite runs on; suites that prove PGlite conformance add `'pglite'`. */
export const SERVER_TARGETS: readonly TargetName[] = DIALECT_NAMES;

/** The server targets and PGlite: for suites that must pass on the embedded PostgreSQL as on the server. */
export const ALL_TARGETS: readonly TargetName[] = [...DIALECT_NAMES, 'pglite'];

/** One database target of the integration suites. */
export interface TestTarget {
  readonly name: TargetName;
  readonly dialect: DialectName;
  /** How people name the server, for test titles and the skip line. */
  readonly title: string;
  /** The admin URL test databases are created through; undefined for SQLite (files need no server); `pglite:…` for PGlite. */
  readonly serverUrl: string | undefined;
  /** The variable that overrides `serverUrl`. */
  readonly envVar: string | undefined;
}

/** A database made for one test file; `drop()` removes it (and is safe to call twice). */
export interface TestDatabase {
  readonly dialect: DialectName;
  readonly url: string;
  /** The database name (PostgreSQL, MySQL) or the file path (SQLite). */
  readonly name: string;
  drop(): Promise<void>;
}

/** What `describeDialects` hands each dialect's suite. */
export interface DialectTestContext {
  readonly target: TestTarget;
  readonly name: DialectName;
  readonly dialect: Dialect;
  /** Makes a fresh database, dropped after the suite's last test. */
  createDatabase(label: string): Promise<TestDatabase>;
}

/**
 * The three integration targets. PostgreSQL and MySQL/MariaDB come from `STRATA_PG_URL` and
 * `STRATA_MYSQL_URL` (defaults: the local servers); SQLite always runs, on temp files.
 */
export function testDatabases(): readonly TestTarget[] {
  return DIALECT_NAMES.map((dialect): TestTarget => {
    switch (dialect) {
      case 'postgresql':
        return {
          name: dialect,
          dialect,
          title: 'PostgreSQL',
          serverUrl: process.env['STRATA_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
          envVar: 'STRATA_PG_URL',
        };
      case 'mysql':
        return {
          name: dialect,
          dialect,
          title: 'MySQL/MariaDB',
          serverUrl: process.env['STRATA_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/',
          envVar: 'STRATA_MYSQL_URL',
        };
      case 'sqlite':
        return { name: dialect, dialect, title: 'SQLite', serverUrl: undefined, envVar: undefined };
    }
  });
}

/** The bundled extensions the PostgreSQL fixtures create (a server has them installed). */
const PGLITE_SETTINGS = '?extensions=citext,pg_trgm';

/** The test and hook timeout of files with a PGlite suite. */
const PGLITE_TIMEOUT_MS = 300_000;

/** PGlite as a target: PostgreSQL's dialect, no server; `pglite:` is what `withThrowawayDatabase` takes for it. */
const PGLITE_TARGET: TestTarget = { name: 'pglite', dialect: 'postgresql', title: 'PGlite', serverUrl: `pglite:${PGLITE_SETTINGS}`, envVar: undefined };

/**
 * In-memory PGlite databases of this test file that were dropped, ready to be handed out again:
 * starting an instance costs seconds (WebAssembly), emptying one milliseconds.
 */
const idlePglite: string[] = [];
let pgliteCount = 0;

/** Everything a test can create on PGlite, dropped: every schema but the system ones, then an empty `public`. */
const EMPTY_PGLITE = `DO $$ DECLARE s text; BEGIN
  FOR s IN SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_t%' LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', s);
  END LOOP;
END $$;
CREATE SCHEMA public;`;

/** A PGlite database for one test: an emptied one of this file if any is idle, else a new instance. */
async function createPgliteDatabase(): Promise<TestDatabase> {
  pgliteCount += 1;
  const url = idlePglite.pop() ?? `pglite:memory://strata_t_${process.pid}_${pgliteCount}${PGLITE_SETTINGS}`;
  const impl = await loadDialect('postgresql');
  let dropped = false;
  return {
    dialect: 'postgresql',
    name: url,
    url,
    async drop(): Promise<void> {
      if (dropped) return;
      dropped = true;
      await withConnection(impl, url, (connection) => connection.executeScript(EMPTY_PGLITE));
      idlePglite.push(url);
    },
  };
}

function targetFor(dialect: DialectName): TestTarget {
  const target = testDatabases().find((candidate) => candidate.dialect === dialect);
  if (target === undefined) throw new Error(`No test target for ${dialect}`);
  return target;
}

/**
 * Creates a uniquely named database `strata_t_<label>_<pid>_<random>` on the dialect's test server
 * (or a temp file for SQLite) and returns its URL. Call `drop()` when done.
 *
 * @example
 * ```ts
 * const db = await createTestDatabase('postgresql', 'ledger');
 * try { await runSomething(db.url); } finally { await db.drop(); }
 * ```
 */
export async function createTestDatabase(dialect: DialectName, label: string): Promise<TestDatabase> {
  const safeLabel = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 24) || 'db';
  const name = `strata_t_${safeLabel}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const target = targetFor(dialect);
  if (target.serverUrl === undefined) {
    // SQLite: a file in a new temp folder.
    const directory = await mkdtemp(join(tmpdir(), `${name}-`));
    const path = join(directory, 'test.db');
    return { dialect, name: path, url: `file:${path}`, drop: () => rm(directory, { recursive: true, force: true }) };
  }
  const serverUrl = target.serverUrl;
  const impl = await loadDialect(dialect);
  const quoted = impl.quoteIdentifier(name);
  await withConnection(impl, serverUrl, (connection) => connection.query(`CREATE DATABASE ${quoted}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    dialect,
    name,
    url: url.toString(),
    async drop(): Promise<void> {
      if (dropped) return;
      dropped = true;
      // FORCE (PostgreSQL 13+) ends sessions a failed test left open, which would block the drop.
      const drop = dialect === 'postgresql' ? `DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)` : `DROP DATABASE IF EXISTS ${quoted}`;
      await withConnection(impl, serverUrl, (connection) => connection.query(drop));
    },
  };
}

/** Reachability per dialect, probed once per test file. */
const probes = new Map<TargetName, Promise<string | undefined>>();

/** Undefined when the target's server answers; otherwise why not. */
function probe(target: TestTarget): Promise<string | undefined> {
  let result = probes.get(target.name);
  if (result === undefined) {
    const serverUrl = target.serverUrl;
    result =
      serverUrl === undefined || target.name === 'pglite'
        ? Promise.resolve(undefined)
        : loadDialect(target.dialect)
            .then((dialect) => withConnection(dialect, serverUrl, async () => undefined))
            .catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    probes.set(target.name, result);
  }
  return result;
}

/**
 * Declares `body` once per dialect, as `describe('<label> [<dialect>]')`. Use with top-level
 * `await`. A server that does not answer skips its suite with a loud line, unless `CI=true`, where
 * the suite fails instead. Databases made through `ctx.createDatabase` are dropped after the suite.
 * `only` picks the targets: the three servers by default, fewer for behaviour the others do not have at
 * all, {@link ALL_TARGETS} to prove that a PostgreSQL suite passes on PGlite as on the server.
 *
 * @example
 * ```ts
 * await describeDialects('ledger', (ctx) => {
 *   let db: TestDatabase;
 *   beforeAll(async () => { db = await ctx.createDatabase('ledger'); });
 *   it('connects', async () => { const c = await ctx.dialect.connect(db.url); await c.close(); });
 * });
 * ```
 */
export async function describeDialects(
  label: string,
  body: (ctx: DialectTestContext) => void,
  only: readonly TargetName[] = SERVER_TARGETS,
): Promise<void> {
  // Starting a PGlite instance is seconds of CPU, more on a loaded machine: its suites get more time.
  if (only.includes('pglite')) vi.setConfig({ testTimeout: PGLITE_TIMEOUT_MS, hookTimeout: PGLITE_TIMEOUT_MS });
  for (const target of [...testDatabases(), PGLITE_TARGET].filter((t) => only.includes(t.name))) {
    const title = `${label} [${target.title}]`;
    // Loading a dialect needs no server, so even a skipped suite gets a real one to declare its tests with.
    const dialect = await loadDialect(target.dialect);
    const unreachable = await probe(target);
    if (unreachable !== undefined) {
      const where = `${redactUrl(target.serverUrl ?? '')} (${target.envVar ?? ''})`;
      if (process.env['CI'] === 'true') {
        describe(title, () => {
          it(`reaches the ${target.title} server`, () => {
            throw new Error(`${target.title} at ${where} is unreachable under CI=true: ${unreachable}`);
          });
        });
      } else {
        console.warn(
          `\n!!! SKIPPING ${target.title} integration tests (${label}): ${where} is unreachable (set CI=true to fail instead)\n!!! ${unreachable}\n`,
        );
        describe.skip(title, () => body(skippedContext(target, dialect)));
      }
      continue;
    }
    describe(title, () => {
      const created: TestDatabase[] = [];
      afterAll(async () => {
        await Promise.all(created.map((database) => database.drop()));
      });
      body({
        target,
        name: target.dialect,
        dialect,
        async createDatabase(databaseLabel: string): Promise<TestDatabase> {
          const database = target.name === 'pglite' ? await createPgliteDatabase() : await createTestDatabase(target.dialect, databaseLabel);
          created.push(database);
          return database;
        },
      });
    });
  }
}

/** The context of a skipped suite: declared so its tests are listed as skipped, never run. */
function skippedContext(target: TestTarget, dialect: Dialect): DialectTestContext {
  return {
    target,
    name: target.dialect,
    dialect,
    createDatabase: () => Promise.reject(new Error(`${target.title} is unreachable; this suite is skipped.`)),
  };
}
