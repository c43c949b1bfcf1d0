import { withConnection } from './connection.js';
import type { Dialect, DialectName } from './dialect.js';

/** A throwaway database made by {@link ScratchDatabases.create}. */
export interface ScratchDatabase {
  /** Its URL: the server URL with the new database's name as path, a `file:///…` URL for SQLite, or `pglite:memory://<name>`. */
  readonly url: string;
  /** The database name (PostgreSQL, MySQL) or the file path (SQLite). */
  readonly name: string;
  /** Drops it (closes an embedded one), even while a connection to it is left open where the server allows that. */
  drop(): Promise<void>;
}

/**
 * How a dialect makes throwaway ("scratch") databases for migration tests (`strata test`, the Nx
 * `migrate-test` target): where one is made when no server is named, and how one is created and dropped.
 */
export interface ScratchDatabases {
  /**
   * The server a throwaway database is made on when none is named, for a dialect that needs no running
   * server: `'sqlite'` (a temp file), `'pglite:'` (embedded PostgreSQL, in memory). Undefined: the
   * dialect needs a server (MySQL).
   */
  readonly embeddedServer: string | undefined;
  /** Creates the database `name` on `serverUrl` (a server URL, or an embedded server as {@link embeddedServer} names it). */
  create(serverUrl: string, name: string): Promise<ScratchDatabase>;
}

/** Where a dialect's throwaway databases are made, known before its module is loaded (see {@link SCRATCH_SERVERS}). */
export interface ScratchServer {
  /** {@link ScratchDatabases.embeddedServer}: the server used when none is named; undefined when the dialect needs a running one. */
  readonly embedded: string | undefined;
  /** What `--server` takes for this dialect, as a hint shows it: a server URL of a usual local install, or the embedded server's name. */
  readonly example: string;
}

/**
 * Each dialect's {@link ScratchServer}, a table rather than a member of the dialect so that a test can
 * tell which dialect `--server sqlite` names, and say what to pass, without loading any dialect module.
 * The dialects' `scratch.embeddedServer` read it too.
 *
 * @example
 * ```ts
 * import { SCRATCH_SERVERS } from './scratch.js';
 * SCRATCH_SERVERS.mysql.example; // 'mysql://root@127.0.0.1:3306/'
 * ```
 */
export const SCRATCH_SERVERS: Readonly<Record<DialectName, ScratchServer>> = {
  postgresql: { embedded: 'pglite:', example: 'postgres://postgres@127.0.0.1:5432/postgres' },
  mysql: { embedded: undefined, example: 'mysql://root@127.0.0.1:3306/' },
  sqlite: { embedded: 'sqlite', example: 'sqlite' },
};

/**
 * @internal A database made with `CREATE DATABASE` on a server and dropped with `dropStatement` (the
 * quoted name in, the statement out), each through a fresh connection to the server URL.
 */
export async function createOnServer(
  dialect: Dialect,
  serverUrl: string,
  name: string,
  dropStatement: (quoted: string) => string,
): Promise<ScratchDatabase> {
  const quoted = dialect.quoteIdentifier(name);
  await withConnection(dialect, serverUrl, (connection) => connection.query(`CREATE DATABASE ${quoted}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => withConnection(dialect, serverUrl, (connection) => connection.query(dropStatement(quoted))).then(() => undefined) };
}
