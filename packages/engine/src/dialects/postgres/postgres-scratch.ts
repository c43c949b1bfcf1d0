import type { Dialect } from '../dialect.js';
import { createOnServer, SCRATCH_SERVERS, type ScratchDatabase, type ScratchDatabases } from '../scratch.js';
import { disposePglite, isPgliteUrl } from './pglite-connection.js';

/**
 * PostgreSQL's throwaway databases: on a server, `CREATE DATABASE` and `DROP DATABASE … WITH (FORCE)`
 * (PostgreSQL 13+: ends the sessions still connected, so a connection a failed test left open cannot
 * keep the database alive; https://www.postgresql.org/docs/current/sql-dropdatabase.html). Needs no
 * server: with a `pglite:` URL (the default) the database is a fresh in-memory PGlite instance, its
 * `?extensions=` kept, closed when dropped.
 */
export function postgresScratch(dialect: Dialect): ScratchDatabases {
  return {
    embeddedServer: SCRATCH_SERVERS.postgresql.embedded,
    async create(serverUrl: string, name: string): Promise<ScratchDatabase> {
      if (isPgliteUrl(serverUrl)) {
        const query = serverUrl.trim().indexOf('?');
        const url = `pglite:memory://${name}${query < 0 ? '' : serverUrl.trim().slice(query)}`;
        return { url, name, drop: () => disposePglite(url) };
      }
      return createOnServer(dialect, serverUrl, name, (quoted) => `DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
    },
  };
}
