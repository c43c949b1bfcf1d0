import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Connection, SqlStatement } from '../connection.js';
import type { LockOptions, MigrationLock } from '../dialect.js';
import { LockTimeoutError } from '../errors.js';
import { pollUntil } from '../poll.js';

/** The table holding the lock row. */
export const SQLITE_LOCK_TABLE = 'strata_lock';

/** The one row's key: there is one migration lock per database file. */
const LOCK_NAME = 'migration';

/** The row of the runner holding the lock. */
interface LockHolder {
  readonly owner: string;
  readonly pid: number;
  readonly host: string;
  readonly acquiredAt: string;
}

/** Who is asking for the lock: the row it writes, less the time it gets it. */
type Claimant = Omit<LockHolder, 'acquiredAt'>;

/**
 * Takes the migration lock as a row in `strata_lock`. A long write transaction cannot be the lock:
 * a table recreate must switch `PRAGMA foreign_keys` off, which SQLite ignores inside a transaction
 * (https://www.sqlite.org/pragma.html#pragma_foreign_keys). Each attempt runs in `BEGIN IMMEDIATE`:
 * it inserts the row if absent, or takes it over when the recorded process on this host is dead.
 * `:memory:` databases belong to one connection and need no lock.
 *
 * @example
 * ```ts
 * import { acquireSqliteLock, loadDialect } from '@strata/engine';
 * const connection = await (await loadDialect('sqlite')).connect('file:./app.db');
 * const lock = await acquireSqliteLock(connection, { timeoutMs: 5000 });
 * await lock.release();
 * ```
 */
export async function acquireSqliteLock(connection: Connection, options: LockOptions): Promise<MigrationLock> {
  if (connection.inTransaction) {
    throw new Error('acquireSqliteLock needs a connection outside a transaction: it opens its own.');
  }
  const [main] = await connection.query("select file from pragma_database_list where name = 'main'");
  if (main?.['file'] === '') return { release: async () => undefined };

  const me: Claimant = { owner: randomUUID(), pid: process.pid, host: hostname() };
  let lastHolder: LockHolder | undefined;
  const acquired = await pollUntil(options.timeoutMs, async () => {
    const result = await tryAcquire(connection, me);
    lastHolder = result === true ? undefined : result;
    return result === true;
  });
  if (!acquired) {
    throw new LockTimeoutError({
      dialect: 'sqlite',
      redactedUrl: connection.redactedUrl,
      timeoutMs: options.timeoutMs,
      ...(lastHolder === undefined
        ? {}
        : { holder: `pid ${lastHolder.pid} on ${lastHolder.host} since ${lastHolder.acquiredAt}` }),
    });
  }
  let released = false;
  const release: SqlStatement = { sql: `delete from "${SQLITE_LOCK_TABLE}" where name = ? and owner = ?`, params: [LOCK_NAME, me.owner] };
  return {
    async release(): Promise<void> {
      if (released) return;
      released = true;
      await connection.query(release.sql, release.params);
    },
    // A run's last COMMIT can carry the release, which otherwise waits for the disk a second time.
    releaseStatements: [release],
    releasedWith(): void {
      released = true;
    },
  };
}

/**
 * One attempt: true when the row is now ours, else the current holder.
 */
async function tryAcquire(connection: Connection, me: Claimant): Promise<true | LockHolder> {
  // Another process holding the file past the busy timeout (the lock timeout) throws SqliteBusyError,
  // which says so: no row names a holder to wait for.
  await connection.begin();
  try {
    await connection.query(
      `create table if not exists "${SQLITE_LOCK_TABLE}" (
         name text primary key not null, owner text not null, pid integer not null, host text not null, acquired_at text not null)`,
    );
    const [row] = await connection.query(`select owner, pid, host, acquired_at from "${SQLITE_LOCK_TABLE}" where name = ?`, [LOCK_NAME]);
    const holder: LockHolder | undefined =
      row === undefined
        ? undefined
        : { owner: String(row['owner']), pid: Number(row['pid']), host: String(row['host']), acquiredAt: String(row['acquired_at']) };
    if (holder !== undefined && !(holder.host === me.host && !processAlive(holder.pid))) {
      await connection.rollback();
      return holder;
    }
    // Absent, or left by a dead process on this host: (re)write the row as ours.
    await connection.query(
      `insert or replace into "${SQLITE_LOCK_TABLE}" (name, owner, pid, host, acquired_at) values (?, ?, ?, ?, ?)`,
      [LOCK_NAME, me.owner, me.pid, me.host, new Date().toISOString()],
    );
    await connection.commit();
    return true;
  } catch (error) {
    await connection.rollback();
    throw error;
  }
}

/** Whether a process with this pid exists on this machine (signal 0 checks without signalling). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user, so it is alive.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
