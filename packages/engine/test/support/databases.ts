import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import type { Dialect, DialectName } from '../../src/dialects/dialect.js';
import { DIALECT_NAMES } from '../../src/dialects/dialect.js';
import { loadDialect } from '../../src/dialects/registry.js';
import { withConnection } from '../../src/dialects/connection.js';
import { redactUrl } from '../../src/dialects/url.js';

/** One database target of the integration suites. */
export interface TestTarget {
  readonly dialect: DialectName;
  /** How people name the server, for test titles and the skip line. */
  readonly title: string;
  /** The admin URL test databases are created through; undefined for SQLite (files need no server). */
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
          dialect,
          title: 'PostgreSQL',
          serverUrl: process.env['STRATA_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
          envVar: 'STRATA_PG_URL',
        };
      case 'mysql':
        return {
          dialect,
          title: 'MySQL/MariaDB',
          serverUrl: process.env['STRATA_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/',
          envVar: 'STRATA_MYSQL_URL',
        };
      case 'sqlite':
        return { dialect, title: 'SQLite', serverUrl: undefined, envVar: undefined };
    }
  });
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
const probes = new Map<DialectName, Promise<string | undefined>>();

/** Undefined when the target's server answers; otherwise why not. */
function probe(target: TestTarget): Promise<string | undefined> {
  let result = probes.get(target.dialect);
  if (result === undefined) {
    const serverUrl = target.serverUrl;
    result =
      serverUrl === undefined
        ? Promise.resolve(undefined)
        : loadDialect(target.dialect)
            .then((dialect) => withConnection(dialect, serverUrl, async () => undefined))
            .catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    probes.set(target.dialect, result);
  }
  return result;
}

/**
 * Declares `body` once per dialect, as `describe('<label> [<dialect>]')`. Use with top-level
 * `await`. A server that does not answer skips its suite with a loud line, unless `CI=true`, where
 * the suite fails instead. Databases made through `ctx.createDatabase` are dropped after the suite.
 * `only` limits the suites to some dialects, for behaviour the others do not have at all.
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
  only: readonly DialectName[] = DIALECT_NAMES,
): Promise<void> {
  for (const target of testDatabases().filter((t) => only.includes(t.dialect))) {
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
          const database = await createTestDatabase(target.dialect, databaseLabel);
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
