// A long-lived stream: 5,000 revisions on SQLite, and what the commands a pipeline runs on every deploy
// cost there (the target: each within a second). The database is brought to head once through
// the API; then each command is a fresh `strata` process.

/** How many revisions the long stream has. */
export const BIG_STREAM_REVISIONS = 5000;
/** The target for each command, in ms. */
const TARGET_MS = 1000;

/**
 * Bench rows (`{ metric, ours, floor }`): wall time of a no-op `strata upgrade head`, `strata heads` and
 * `strata history` on `chain` (a {@link BIG_STREAM_REVISIONS}-revision folder), medians of `runs`, each
 * beside the same floor: a fresh node that imports the driver and reads the version rows (`noopFloor`).
 */
export async function bigStreamRows({ chain, graph, runs, median, timedSync, runChild, createDatabase, dropDatabase, expectSteps, upgrade, cli, noopFloor }) {
  const stream = 'big';
  const database = await createDatabase({ dialect: 'sqlite' });
  try {
    expectSteps(await upgrade({ stream: { name: stream, dialect: 'sqlite', url: database.url }, graph, target: 'head' }), chain.count, 'big stream');
    const flags = ['--url', database.url, '--dir', chain.tsDir, '--stream', stream];
    const commands = [
      { label: 'no-op `strata upgrade head`', argv: ['upgrade', 'head', ...flags] },
      { label: '`strata heads`', argv: ['heads', ...flags] },
      { label: '`strata history`', argv: ['history', ...flags] },
    ];
    const floor = [];
    const times = commands.map(() => []);
    for (let i = 0; i < runs; i++) {
      floor.push(timedSync(() => runChild([noopFloor, 'sqlite', database.url, stream])));
      commands.forEach((command, k) => times[k].push(timedSync(() => runChild([cli, ...command.argv]))));
    }
    return commands.map((command, k) => ({
      metric: `${command.label}, ${chain.count.toLocaleString('en')} revisions, wall (target ≤ ${TARGET_MS / 1000} s; floor: node + driver + read)`,
      ours: median(times[k]),
      floor: median(floor),
    }));
  } finally {
    await dropDatabase(database);
  }
}
