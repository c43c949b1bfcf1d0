// The runner rows of the bench (issue 9 item 3, "the runner at the floor"): the raw chain applied by
// `upgrade` in both transaction modes against the same DDL as one plain script, with the statements
// each revision costs beyond its own DDL, counted at the driver (statement-log.mjs).
import { upgrade } from '../../packages/engine/dist/index.js';
import { withDriver } from './drivers.mjs';
import { isOpDdl } from './guards.mjs';
import { withStatementLog } from './statement-log.mjs';

/** The transaction modes, as `--transaction` takes them. */
const MODES = ['revision', 'run'];

/**
 * Per mode: `upgrade head` of `count` revisions on a fresh database, alternating with the plain
 * script (`script`, its DDL) on another, so drift in the server hits both alike. `ddlPerRevision`:
 * the DDL statements each revision runs, to check that the driver saw all of them.
 */
export async function runnerRows(target, graph, count, script, ddlPerRevision, h) {
  const stream = { name: 'bench_runner', dialect: target.dialect };
  const floor = [];
  const ours = Object.fromEntries(MODES.map((mode) => [mode, { times: [], statements: [] }]));
  for (let i = 0; i < h.runs; i++) {
    for (const mode of MODES) {
      const database = await h.createDatabase(target);
      ours[mode].times.push(
        await withStatementLog(target.dialect, (log) =>
          h.timed(async () => {
            const result = await upgrade({ stream: { ...stream, url: database.url, transaction: mode }, graph, target: 'head' });
            h.expectSteps(result, count, `upgrade --transaction ${mode}`);
            ours[mode].statements = log.statements;
          }),
        ),
      );
      await h.dropDatabase(database);
    }
    const database = await h.createDatabase(target);
    floor.push(await h.timed(() => withDriver(target.dialect, database.url, (session) => session.script(script))));
    await h.dropDatabase(database);
  }
  const floorMs = h.median(floor);
  return MODES.flatMap((mode) => {
    const { times, statements } = ours[mode];
    const ddl = statements.filter(isOpDdl).length;
    if (ddl !== ddlPerRevision * count) throw new Error(`--transaction ${mode}: expected ${ddlPerRevision * count} DDL statements, the driver saw ${ddl}`);
    const ms = h.median(times);
    return [
      { metric: `upgrade head, ${count} revisions, --transaction ${mode} (floor: one plain SQL script)`, ours: ms, floor: floorMs },
      { metric: '  statements per revision beyond its DDL (whole run, lock and ledger reads included)', ours: (statements.length - ddl) / count, floor: 0, unit: 'count' },
      { metric: '  ms per revision (floor: the script\'s per revision)', ours: ms / count, floor: floorMs / count },
      { metric: '  marginal ms per revision beyond the floor\'s', ours: (ms - floorMs) / count },
    ];
  });
}
