// The bench's plain driver calls, with no engine in between: the floors the engine is measured
// against, and the admin work (creating and dropping the bench's databases). Each driver is imported
// on first use, so a child process that needs one dialect loads only that driver.
import { fileURLToPath } from 'node:url';

/**
 * One open session: `query` runs one statement and returns its rows; `script` runs several at once as
 * one transaction (PostgreSQL's one simple-query message is one; SQLite's is wrapped in BEGIN/COMMIT;
 * MySQL commits each DDL statement whatever is asked); `batch` runs several at once as written, their
 * own BEGIN and COMMIT included.
 */
const drivers = {
  async postgresql(url) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return {
      query: async (sql) => (await client.query(sql)).rows,
      // pg sends a string without parameters as one simple-protocol message, several statements included.
      script: (sql) => client.query(sql),
      batch: (sql) => client.query(sql),
      close: () => client.end(),
    };
  },
  async mysql(url) {
    const { default: mysql } = await import('mysql2/promise');
    const client = await mysql.createConnection({ uri: url, multipleStatements: true });
    return {
      query: async (sql) => (await client.query(sql))[0],
      script: (sql) => client.query(sql),
      batch: (sql) => client.query(sql),
      close: () => client.end(),
    };
  },
  async sqlite(url) {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(fileURLToPath(url));
    return {
      query: async (sql) => db.prepare(sql).all(),
      script: async (sql) => db.transaction(() => db.exec(sql))(),
      batch: async (sql) => db.exec(sql),
      close: async () => db.close(),
    };
  },
};

/** Opens a session on `url` (`postgres://`, `mysql://`, or a `file:///` URL for SQLite), runs `body`, always closes. */
export async function withDriver(dialect, url, body) {
  const session = await drivers[dialect](url);
  try {
    return await body(session);
  } finally {
    await session.close();
  }
}

/**
 * The least a no-op `upgrade head` must do: connect, read the stream's rows of the version table,
 * disconnect. Returns the rows.
 */
export function selectHeads(dialect, url, stream) {
  return withDriver(dialect, url, (session) => session.query(`SELECT version_num FROM strata_version WHERE stream = '${stream}'`));
}
