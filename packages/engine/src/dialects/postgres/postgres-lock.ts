import { createHash } from 'node:crypto';
import type { Connection } from '../connection.js';
import type { LockOptions, MigrationLock } from '../dialect.js';
import { ConnectionLostError, LockTimeoutError } from '../errors.js';
import { pollUntil } from '../poll.js';
import { PostgresConnection } from './postgres-connection.js';

/**
 * The advisory-lock key: the first 8 bytes of SHA-256("strata") as a signed 64-bit integer, or of
 * SHA-256("strata:<schema>") on a connection whose URL names a schema. Advisory locks are scoped to
 * the current database, so this gives one lock per database, and one per tenant schema in it: tenants
 * of one database migrate side by side, two runners on one tenant never do.
 * https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS
 *
 * @example
 * ```ts
 * import { postgresLockKey } from '@strata/engine';
 * postgresLockKey(undefined) === postgresLockKey(undefined); // true
 * postgresLockKey('tenant_1') === postgresLockKey('tenant_2'); // false
 * ```
 */
export function postgresLockKey(schema: string | undefined): string {
  return createHash('sha256')
    .update(schema === undefined ? 'strata' : `strata:${schema}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

/**
 * Takes the session-level advisory lock on `connection` (per schema when its URL names one, see
 * {@link postgresLockKey}), polling `pg_try_advisory_lock` (instead of
 * the blocking `pg_advisory_lock`, which has no timeout of its own) until `timeoutMs` has passed.
 *
 * @example
 * ```ts
 * import { acquirePostgresLock, loadDialect } from '@strata/engine';
 * const connection = await (await loadDialect('postgresql')).connect('postgres://postgres@127.0.0.1/postgres');
 * const lock = await acquirePostgresLock(connection, { timeoutMs: 5000 });
 * await lock.release();
 * ```
 */
export async function acquirePostgresLock(connection: Connection, options: LockOptions): Promise<MigrationLock> {
  const key = postgresLockKey(connection instanceof PostgresConnection ? connection.schema : undefined);
  const acquired = await pollUntil(options.timeoutMs, async () => {
    const [row] = await connection.query('select pg_try_advisory_lock($1::bigint) as locked', [key]);
    return row?.['locked'] === true;
  });
  if (!acquired) {
    const holder = await describeHolder(connection, key);
    throw new LockTimeoutError({
      dialect: 'postgresql',
      redactedUrl: connection.redactedUrl,
      timeoutMs: options.timeoutMs,
      ...(holder === undefined ? {} : { holder }),
    });
  }
  let released = false;
  return {
    async release(): Promise<void> {
      if (released) return;
      released = true;
      try {
        await connection.query('select pg_advisory_unlock($1::bigint)', [key]);
      } catch (error) {
        // A session lock dies with its session: when the connection is gone, so is the lock.
        if (!(error instanceof ConnectionLostError)) throw error;
      }
    },
  };
}

/** Names the session holding the lock (pid, user, application, since when), for the timeout message. */
async function describeHolder(connection: Connection, key: string): Promise<string | undefined> {
  // pg_locks splits a bigint advisory key into classid (high 32 bits) and objid (low 32 bits).
  const rows = await connection.query(
    `select a.pid, a.usename, a.application_name, a.client_addr::text as client, a.backend_start
       from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())
        and l.classid = (($1::bigint >> 32) & 4294967295)::oid and l.objid = ($1::bigint & 4294967295)::oid and l.objsubid = 1`,
    [key],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const client = row['client'] === null ? 'local socket' : String(row['client']);
  return `backend pid ${String(row['pid'])} (user ${String(row['usename'])}, application "${String(row['application_name'])}", ${client})`;
}
