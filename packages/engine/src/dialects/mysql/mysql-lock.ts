import { createHash } from 'node:crypto';
import type { Connection } from '../connection.js';
import type { LockOptions, MigrationLock } from '../dialect.js';
import { ConnectionLostError, LockTimeoutError } from '../errors.js';
import { pollUntil } from '../poll.js';

/** MySQL 5.7+ refuses `GET_LOCK` names longer than 64 characters. */
const MAX_LOCK_NAME = 64;
const PREFIX = 'strata:';

/**
 * The lock name for a database: `strata:<database>`, or `strata:<sha256 prefix>` when that would
 * exceed 64 characters. `GET_LOCK` names are server-wide, so the database name keeps two databases
 * on one server from blocking each other.
 *
 * @example
 * ```ts
 * import { mysqlLockName } from '@strata/engine';
 * mysqlLockName('billing'); // 'strata:billing'
 * ```
 */
export function mysqlLockName(database: string): string {
  const name = `${PREFIX}${database}`;
  if (name.length <= MAX_LOCK_NAME) return name;
  return `${PREFIX}${createHash('sha256').update(database).digest('hex').slice(0, MAX_LOCK_NAME - PREFIX.length)}`;
}

/**
 * Takes the named user lock `GET_LOCK('strata:<database>')` on `connection`. It polls with a zero
 * wait because `GET_LOCK`'s own timeout is in seconds, and the allowed wait is in milliseconds.
 * https://dev.mysql.com/doc/refman/8.0/en/locking-functions.html
 *
 * @example
 * ```ts
 * import { acquireMysqlLock, loadDialect } from '@strata/engine';
 * const connection = await (await loadDialect('mysql')).connect('mysql://root@127.0.0.1:3306/app');
 * const lock = await acquireMysqlLock(connection, { timeoutMs: 5000 });
 * await lock.release();
 * ```
 */
export async function acquireMysqlLock(connection: Connection, options: LockOptions): Promise<MigrationLock> {
  const [current] = await connection.query('SELECT DATABASE() AS db');
  const name = mysqlLockName(typeof current?.['db'] === 'string' ? current['db'] : '');
  const acquired = await pollUntil(options.timeoutMs, async () => {
    const [row] = await connection.query('SELECT GET_LOCK(?, 0) AS locked', [name]);
    return Number(row?.['locked']) === 1;
  });
  if (!acquired) {
    const [row] = await connection.query('SELECT IS_USED_LOCK(?) AS holder', [name]);
    const holder = row?.['holder'];
    throw new LockTimeoutError({
      dialect: 'mysql',
      redactedUrl: connection.redactedUrl,
      timeoutMs: options.timeoutMs,
      ...(holder === null || holder === undefined ? {} : { holder: `connection id ${String(holder)}` }),
    });
  }
  let released = false;
  return {
    async release(): Promise<void> {
      if (released) return;
      released = true;
      try {
        await connection.query('SELECT RELEASE_LOCK(?)', [name]);
      } catch (error) {
        // A user lock dies with its session: when the connection is gone, so is the lock.
        if (!(error instanceof ConnectionLostError)) throw error;
      }
    },
  };
}
