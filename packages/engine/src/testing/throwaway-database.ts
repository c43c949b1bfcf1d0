import { randomBytes } from 'node:crypto';
import { DIALECT_NAMES, type DialectName } from '../dialects/dialect.js';
import { loadDialect } from '../dialects/registry.js';
import { SCRATCH_SERVERS } from '../dialects/scratch.js';
import { dialectFromUrl } from '../dialects/url.js';
import { ThrowawayServerUrlError } from './errors.js';

/** A database made for one test by {@link withThrowawayDatabase}. */
export interface ThrowawayDatabase {
  readonly dialect: DialectName;
  /** Its URL: the server URL with the new database's name as path, a `file:///…` URL for SQLite, or `pglite:memory://<name>`. */
  readonly url: string;
  /** The database name (PostgreSQL, MySQL) or the file path (SQLite). */
  readonly name: string;
}

/**
 * Where a throwaway database of `dialect` is made when no server is named: the dialect's embedded
 * server (`"sqlite"`, a temp file; `"pglite:"`, in memory), or undefined for a dialect that needs a
 * running server (MySQL). The dialect says (`Dialect.scratch.embeddedServer`).
 *
 * @example
 * ```ts
 * import { embeddedThrowawayServer } from '@strata/engine/testing';
 * const where = await embeddedThrowawayServer('postgresql'); // 'pglite:'
 * ```
 */
export async function embeddedThrowawayServer(dialect: DialectName | undefined): Promise<string | undefined> {
  return dialect === undefined ? undefined : (await loadDialect(dialect)).scratch.embeddedServer;
}

/** @internal The dialect of a server a throwaway database is made on: the dialect whose embedded server it names (`"sqlite"`), or the URL's. */
export function throwawayServerDialect(serverUrlOrSqlite: string): DialectName | undefined {
  const given = serverUrlOrSqlite.trim().toLowerCase();
  return DIALECT_NAMES.find((name) => SCRATCH_SERVERS[name].embedded?.toLowerCase() === given) ?? dialectFromUrl(serverUrlOrSqlite);
}

/**
 * Creates a uniquely named database, hands it to `fn`, and drops it afterwards, whether `fn` succeeds
 * or throws. `serverUrlOrSqlite` is either a server URL to create the database on (`postgres://…`,
 * `mysql://…`: `CREATE DATABASE strata_test_<random>` through the dialect's connection, so the user
 * needs that right), or `"sqlite"` (any SQLite URL means the same) for a file in a new temp folder, or a
 * `pglite:` URL for a fresh in-memory PGlite database (its `?extensions=` kept), closed afterwards.
 * How each is made and dropped is the dialect's (`Dialect.scratch`).
 *
 * @throws ThrowawayServerUrlError when the argument names neither; the dialect's connection errors
 *
 * @example
 * ```ts
 * import { withThrowawayDatabase } from '@strata/engine/testing';
 * await withThrowawayDatabase('postgres://postgres@127.0.0.1:5432/postgres', async (db) => {
 *   console.log(db.url); // postgres://postgres@127.0.0.1:5432/strata_test_1a2b3c4d5e6f
 * });
 * ```
 */
export async function withThrowawayDatabase<T>(serverUrlOrSqlite: string, fn: (database: ThrowawayDatabase) => Promise<T>): Promise<T> {
  const dialectName = throwawayServerDialect(serverUrlOrSqlite);
  if (dialectName === undefined) throw new ThrowawayServerUrlError(serverUrlOrSqlite);
  const dialect = await loadDialect(dialectName);
  const database = await dialect.scratch.create(serverUrlOrSqlite, `strata_test_${randomBytes(6).toString('hex')}`);
  let result: T;
  try {
    result = await fn({ dialect: dialectName, url: database.url, name: database.name });
  } catch (error) {
    // fn's error is the one to report; a drop that fails after it would hide it.
    await database.drop().catch(() => undefined);
    throw error;
  }
  await database.drop();
  return result;
}
