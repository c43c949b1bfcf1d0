import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Dialect, DialectName } from '../dialects/dialect.js';
import { loadDialect } from '../dialects/registry.js';
import { dialectFromUrl } from '../dialects/url.js';
import { disposePglite, isPgliteUrl } from '../dialects/postgres/pglite-connection.js';
import { ThrowawayServerUrlError } from './errors.js';
import { withConnection } from '../dialects/connection.js';

/** A database made for one test by {@link withThrowawayDatabase}. */
export interface ThrowawayDatabase {
  readonly dialect: DialectName;
  /** Its URL: the server URL with the new database's name as path, a `file:///…` URL for SQLite, or `pglite:memory://<name>`. */
  readonly url: string;
  /** The database name (PostgreSQL, MySQL) or the file path (SQLite). */
  readonly name: string;
}

/**
 * Where a throwaway database of `dialect` is made when no server is named: `"sqlite"` (a temp file) or
 * `"pglite:"` (in memory); undefined for MySQL, which has no embedded form and needs a server.
 *
 * @example
 * ```ts
 * import { embeddedThrowawayServer, withThrowawayDatabase } from '@strata/engine/testing';
 * const where = embeddedThrowawayServer('postgresql'); // 'pglite:'
 * ```
 */
export function embeddedThrowawayServer(dialect: DialectName | undefined): string | undefined {
  if (dialect === 'sqlite') return 'sqlite';
  if (dialect === 'postgresql') return 'pglite:';
  return undefined;
}

/**
 * Creates a uniquely named database, hands it to `fn`, and drops it afterwards, whether `fn` succeeds
 * or throws. `serverUrlOrSqlite` is either a server URL to create the database on (`postgres://…`,
 * `mysql://…`: `CREATE DATABASE strata_test_<random>` through the dialect's connection, so the user
 * needs that right), or `"sqlite"` (any SQLite URL means the same) for a file in a new temp folder, or a
 * `pglite:` URL for a fresh in-memory PGlite database (its `?extensions=` kept), closed afterwards.
 * Every connection to the database must be closed when `fn` settles (the runner's are), since
 * PostgreSQL refuses to drop a database in use.
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
  const dialectName = serverUrlOrSqlite.trim().toLowerCase() === 'sqlite' ? 'sqlite' : dialectFromUrl(serverUrlOrSqlite);
  if (dialectName === undefined) throw new ThrowawayServerUrlError(serverUrlOrSqlite);
  const name = `strata_test_${randomBytes(6).toString('hex')}`;
  if (dialectName === 'sqlite') {
    const folder = await mkdtemp(join(tmpdir(), `${name}-`));
    const path = join(folder, 'test.db');
    try {
      return await fn({ dialect: dialectName, url: pathToFileURL(path).href, name: path });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }
  if (isPgliteUrl(serverUrlOrSqlite)) {
    // A fresh in-memory PGlite instance is the throwaway database; the URL's settings (extensions) carry over.
    const query = serverUrlOrSqlite.trim().indexOf('?');
    const url = `pglite:memory://${name}${query < 0 ? '' : serverUrlOrSqlite.trim().slice(query)}`;
    try {
      return await fn({ dialect: dialectName, url, name });
    } finally {
      await disposePglite(url);
    }
  }
  const dialect = await loadDialect(dialectName);
  const quoted = dialect.quoteIdentifier(name);
  await onServer(dialect, serverUrlOrSqlite, `CREATE DATABASE ${quoted}`);
  const url = new URL(serverUrlOrSqlite);
  url.pathname = `/${name}`;
  const drop = () => onServer(dialect, serverUrlOrSqlite, `DROP DATABASE IF EXISTS ${quoted}`);
  let result: T;
  try {
    result = await fn({ dialect: dialectName, url: url.toString(), name });
  } catch (error) {
    // fn's error is the one to report; a drop that fails after it (a connection left open) would hide it.
    await drop().catch(() => undefined);
    throw error;
  }
  await drop();
  return result;
}

/** Runs one statement on a fresh connection to the server URL. */
async function onServer(dialect: Dialect, serverUrl: string, sql: string): Promise<void> {
  await withConnection(dialect, serverUrl, (connection) => connection.query(sql));
}
