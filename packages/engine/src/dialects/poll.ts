import { setTimeout as sleep } from 'node:timers/promises';

/** How often a waiting runner asks for the lock again: short enough to feel instant, long enough to be cheap. */
const LOCK_POLL_INTERVAL_MS = 75;

/**
 * @internal Calls `attempt` until it returns true or `timeoutMs` has passed, trying once more at the
 * deadline; with `timeoutMs` 0 it tries exactly once. Returns whether an attempt succeeded. The lock
 * implementations use it because none of the three databases offers a bounded wait on every version
 * (PostgreSQL's `pg_advisory_lock` waits forever; `lock_timeout` would also cut off the migration's DDL).
 */
export async function pollUntil(timeoutMs: number, attempt: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + Math.max(0, timeoutMs);
  for (;;) {
    if (await attempt()) return true;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return false;
    await sleep(Math.min(LOCK_POLL_INTERVAL_MS, remaining));
  }
}
