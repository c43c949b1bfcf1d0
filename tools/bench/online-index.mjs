// The online index rows of the bench (PostgreSQL): the write latency another session sees while
// `upgrade` builds an index on a 1M-row table, plain (CREATE INDEX: SHARE lock, writes wait for the
// whole build) then concurrent (CREATE INDEX CONCURRENTLY), in the same run on the same table.
import { revision, RevisionGraph, upgrade } from '../../packages/engine/dist/index.js';
import { withDriver } from './drivers.mjs';

/** Rows in the table the index is built on. */
export const ONLINE_INDEX_ROWS = 1_000_000;

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

/** The value at quantile `q` of `values` (nearest rank). */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * One build under a writer: the writer inserts one row per statement (autocommit) from before the
 * upgrade starts until it ends; the latencies of the inserts that ran during the upgrade are kept.
 */
async function buildUnderWriter(database, concurrently) {
  // A stream per form: each applies its own one revision once.
  const stream = { name: `bench-online-${concurrently ? 'concurrent' : 'plain'}`, dialect: 'postgresql' };
  return withDriver('postgresql', database.url, async (writer) => {
    const latencies = [];
    let building = true;
    const writing = (async () => {
      while (building) {
        const start = performance.now();
        await writer.query('INSERT INTO events (v) VALUES (1)');
        latencies.push(performance.now() - start);
      }
    })();
    // A few writes first, so the writer is running when the build starts.
    while (latencies.length < 20) await new Promise((done) => setTimeout(done, 5));
    const before = latencies.length;
    try {
      const result = await upgrade({ stream: { ...stream, url: database.url }, graph: indexGraph(concurrently), target: 'head' });
      if (result.steps.length !== 1) throw new Error(`online index bench: expected one step, got ${result.steps.length}`);
    } finally {
      building = false;
      await writing;
    }
    await withDriver('postgresql', database.url, (session) => session.query('DROP INDEX ix_events_v'));
    return latencies.slice(before);
  });
}

/**
 * The rows: writer p50, p99 and max during the concurrent build (ours) against the plain build
 * (floor), on one database. A ratio under 1 means the concurrent build delays writes less.
 */
export async function onlineIndexRows(target, helpers) {
  if (target.dialect !== 'postgresql') return [];
  const database = await helpers.createDatabase(target);
  try {
    await withDriver('postgresql', database.url, (session) =>
      session.script(`CREATE TABLE events (id bigserial PRIMARY KEY, v integer NOT NULL);
        INSERT INTO events (v) SELECT ((g::bigint * 7919) % 100000)::integer FROM generate_series(1, ${ONLINE_INDEX_ROWS}) AS g;
        ANALYZE events;`),
    );
    const plain = await buildUnderWriter(database, false);
    const online = await buildUnderWriter(database, true);
    const label = `writer latency during an index build on ${ONLINE_INDEX_ROWS.toLocaleString('en')} rows (concurrent; floor = plain)`;
    return [
      { metric: `${label}: p50`, ours: quantile(online, 0.5), floor: quantile(plain, 0.5) },
      { metric: `${label}: p99`, ours: quantile(online, 0.99), floor: quantile(plain, 0.99) },
      { metric: `${label}: max`, ours: Math.max(...online), floor: Math.max(...plain) },
      { metric: 'writes during the build (concurrent; floor = plain)', ours: online.length, floor: plain.length, unit: 'count' },
    ];
  } finally {
    await helpers.dropDatabase(database);
  }
}
