// The online rows of the bench (PostgreSQL): the write latency another session sees while `upgrade`
// changes a 1M-row table, in the same run on the same table, each change twice: plain (the floor)
// then in its safe form (ours).
// - an index: CREATE INDEX (SHARE lock, writes wait for the whole build) against CREATE INDEX CONCURRENTLY;
// - a foreign key: ADD FOREIGN KEY (SHARE ROW EXCLUSIVE, writes wait for the whole validating scan)
//   against ADD … NOT VALID then VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE: writes go on during the scan).
import { revision, RevisionGraph, upgrade } from '../../packages/engine/dist/index.js';
import { withDriver } from './drivers.mjs';

/** Rows in the table the index and the foreign key are added to. */
export const ONLINE_INDEX_ROWS = 1_000_000;

/** Rows of `accounts`, the table the foreign key references. */
const ACCOUNTS = 1_000;

/** A one-revision stream that builds `ix_events_v`, concurrently or not (then outside a transaction). */
function indexGraph(concurrently) {
  return new RevisionGraph([
    revision({
      id: concurrently ? 'c0c0c0c0c0c2' : 'c0c0c0c0c0c1',
      parents: [],
      message: `index ${concurrently ? 'concurrently' : 'plain'}`,
      transactional: !concurrently,
      async upgrade({ op, inspect }) {
        if (!(await inspect.hasIndex('events', 'ix_events_v'))) await op.createIndex('ix_events_v', 'events', ['v'], { concurrently });
      },
      async downgrade() {},
    }),
  ]);
}

/** A one-revision stream that adds `fk_events_account`: plain, or NOT VALID then VALIDATE outside a transaction. */
function foreignKeyGraph(safe) {
  return new RevisionGraph([
    revision({
      id: safe ? 'f0f0f0f0f0f2' : 'f0f0f0f0f0f1',
      parents: [],
      message: `foreign key ${safe ? 'not valid, then validate' : 'plain'}`,
      transactional: !safe,
      async upgrade({ op, inspect }) {
        if (!(await inspect.hasForeignKey('events', 'fk_events_account'))) {
          await op.createForeignKey('fk_events_account', 'events', 'accounts', ['account_id'], ['id'], { notValid: safe });
        }
        if (safe) await op.validateConstraint('events', 'fk_events_account');
      },
      async downgrade() {},
    }),
  ]);
}

/** The value at quantile `q` of `values` (nearest rank). */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** The writer's schedule: one insert due every 5 ms (200 a second), whatever happened to the one before. */
const WRITE_INTERVAL_MS = 5;

/**
 * One change under a writer. The writer inserts one row per statement (autocommit) on a fixed
 * schedule, from before the upgrade starts until it has caught up with the writes due by its end. Each
 * insert's latency counts from when it was due, not from when it could start, so a write held up by
 * a lock delays every write due behind it, as it does to an application's requests (a writer that
 * waited between its own inserts would count one slow insert where a thousand requests queued). The
 * latencies of the inserts due while `upgrade` ran are kept. `undo` (SQL) puts the table back.
 */
async function changeUnderWriter(database, stream, graph, undo) {
  return withDriver('postgresql', database.url, async (writer) => {
    const writes = [];
    let stopAt = Infinity;
    const writing = (async () => {
      let due = performance.now();
      while (due <= stopAt) {
        const early = due - performance.now();
        if (early > 0) await new Promise((done) => setTimeout(done, early));
        await writer.query('INSERT INTO events (v, account_id) VALUES (1, 1)');
        writes.push({ due, latency: performance.now() - due });
        due += WRITE_INTERVAL_MS;
      }
    })();
    // A few writes first, so the writer is running when the change starts.
    while (writes.length < 20) await new Promise((done) => setTimeout(done, WRITE_INTERVAL_MS));
    const start = performance.now();
    try {
      const result = await upgrade({ stream: { name: stream, dialect: 'postgresql', url: database.url }, graph, target: 'head' });
      if (result.steps.length !== 1) throw new Error(`online bench (${stream}): expected one step, got ${result.steps.length}`);
    } finally {
      stopAt = performance.now();
      await writing;
    }
    await withDriver('postgresql', database.url, (session) => session.query(undo));
    return writes.filter((w) => w.due >= start && w.due <= stopAt).map((w) => w.latency);
  });
}

/** The rows of one change: writer p50, p99 and max with the safe form (ours) against the plain form (floor), and the write counts. */
function latencyRows(change, safeForm, safe, plain) {
  const label = `writer latency during ${change} on ${ONLINE_INDEX_ROWS.toLocaleString('en')} rows (${safeForm}; floor = plain)`;
  return [
    { metric: `${label}: p50`, ours: quantile(safe, 0.5), floor: quantile(plain, 0.5) },
    { metric: `${label}: p99`, ours: quantile(safe, 0.99), floor: quantile(plain, 0.99) },
    { metric: `${label}: max`, ours: Math.max(...safe), floor: Math.max(...plain) },
    { metric: `writes due during ${change}, one per ${WRITE_INTERVAL_MS} ms (${safeForm}; floor = plain)`, ours: safe.length, floor: plain.length, unit: 'count' },
  ];
}

/**
 * The rows: writer p50, p99 and max during the concurrent index build and during the NOT VALID +
 * VALIDATE foreign key (ours) against their plain forms (floor), on one database. A ratio under 1
 * means the safe form delays writes less.
 */
export async function onlineIndexRows(target, helpers) {
  if (target.dialect !== 'postgresql') return [];
  const database = await helpers.createDatabase(target);
  try {
    await withDriver('postgresql', database.url, (session) =>
      session.script(`CREATE TABLE accounts (id integer PRIMARY KEY);
        INSERT INTO accounts (id) SELECT g FROM generate_series(1, ${ACCOUNTS}) AS g;
        CREATE TABLE events (id bigserial PRIMARY KEY, v integer NOT NULL, account_id integer NOT NULL);
        INSERT INTO events (v, account_id) SELECT ((g::bigint * 7919) % 100000)::integer, 1 + g % ${ACCOUNTS} FROM generate_series(1, ${ONLINE_INDEX_ROWS}) AS g;
        ANALYZE accounts;
        ANALYZE events;`),
    );
    const dropIndex = 'DROP INDEX ix_events_v';
    const plainIndex = await changeUnderWriter(database, 'bench-online-index-plain', indexGraph(false), dropIndex);
    const concurrentIndex = await changeUnderWriter(database, 'bench-online-index-concurrent', indexGraph(true), dropIndex);
    const dropForeignKey = 'ALTER TABLE events DROP CONSTRAINT fk_events_account';
    const plainForeignKey = await changeUnderWriter(database, 'bench-online-fk-plain', foreignKeyGraph(false), dropForeignKey);
    const safeForeignKey = await changeUnderWriter(database, 'bench-online-fk-safe', foreignKeyGraph(true), dropForeignKey);
    return [
      ...latencyRows('an index build', 'concurrent', concurrentIndex, plainIndex),
      ...latencyRows('a foreign key add', 'NOT VALID, then VALIDATE', safeForeignKey, plainForeignKey),
    ];
  } finally {
    await helpers.dropDatabase(database);
  }
}
