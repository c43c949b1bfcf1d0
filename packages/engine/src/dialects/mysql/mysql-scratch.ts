import type { Dialect } from '../dialect.js';
import { createOnServer, SCRATCH_SERVERS, type ScratchDatabases } from '../scratch.js';

/** MySQL's throwaway databases: `CREATE DATABASE` and `DROP DATABASE IF EXISTS` on a server; it has no embedded form. */
export function mysqlScratch(dialect: Dialect): ScratchDatabases {
  return {
    embeddedServer: SCRATCH_SERVERS.mysql.embedded,
    create: (serverUrl, name) => createOnServer(dialect, serverUrl, name, (quoted) => `DROP DATABASE IF EXISTS ${quoted}`),
  };
}
