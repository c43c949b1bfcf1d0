// The runner rows of the bench (issue 9 item 3, "the runner at the floor"): the raw chain applied by
// `upgrade` and taken back by `downgrade` in both transaction modes, against the same DDL as one plain
// script, with the statements each revision costs beyond its own DDL, counted at the driver
// (statement-log.mjs), and two reference rows: the same plain SQL with a COMMIT per revision, and the
// same again with a version row moved and a history row written in each revision's transaction (what
// one transaction per revision costs the database itself, with no engine and no round trip).
import { downgrade, upgrade } from '../../packages/engine/dist/index.js';
import { withDriver } from './drivers.mjs';
import { opDdlIn } from './guards.mjs';
import { withStatementLog } from './statement-log.mjs';

/** Runs of each SQLite row (see runnerRows). */
const SQLITE_RUNS = 9;

/** The transaction modes, as `--transaction` takes them. */
const MODES = ['revision', 'run'];

/**
 * Per mode: `upgrade head` of `count` revisions on a fresh database, then `downgrade base` on it,
 * alternating with the plain scripts on other databases (one transaction for the whole chain, and one
 * per revision), so drift in the server hits all alike. `sql`: `{ up(n), down(n) }`, revision `n`'s
 * statements; `ddlPerRevision`: how many `up` has, to check that the driver saw all of them.
 */
export async function runnerRows(target, graph, count, sql, ddlPerRevision, h) {
  const stream = { name: 'bench_runner', dialect: target.dialect };
  const revisions = Array.from({ length: count }, (_, i) => i + 1);
  const upBodies = revisions.map((n) => sql.up(n));
  const downBodies = [...revisions].reverse().map((n) => sql.down(n));
  const scripts = {
    up: oneTransaction(upBodies),
    down: oneTransaction(downBodies),
    upPerRevision: transactionPerRevision(target.dialect, upBodies),
    downPerRevision: transactionPerRevision(target.dialect, downBodies),
    upRecorded: transactionPerRevision(target.dialect, recorded(upBodies, 'up')),
    downRecorded: transactionPerRevision(target.dialect, recorded(downBodies, 'down')),
  };
  const floor = { up: [], down: [], upPerRevision: [], downPerRevision: [], upRecorded: [], downRecorded: [] };
  const ours = Object.fromEntries(MODES.map((mode) => [mode, { up: [], down: [], statements: [] }]));
  // SQLite's runs take tens of milliseconds, where one slow wait for the disk moves a median of three:
  // nine of them cost a second and steady it.
  const runs = target.dialect === 'sqlite' ? Math.max(h.runs, SQLITE_RUNS) : h.runs;
  for (let i = 0; i < runs; i++) {
    for (const mode of MODES) {
      const database = await h.createDatabase(target);
      const modeStream = { ...stream, url: database.url, transaction: mode };
      ours[mode].up.push(
        await withStatementLog(target.dialect, (log) =>
          h.timed(async () => {
            h.expectSteps(await upgrade({ stream: modeStream, graph, target: 'head' }), count, `upgrade --transaction ${mode}`);
            ours[mode].statements = log.statements;
          }),
        ),
      );
      ours[mode].down.push(await h.timed(async () => h.expectSteps(await downgrade({ stream: modeStream, graph, target: 'base' }), count, `downgrade --transaction ${mode}`)));
      await h.dropDatabase(database);
    }
    for (const [up, down] of [['up', 'down'], ['upPerRevision', 'downPerRevision'], ['upRecorded', 'downRecorded']]) {
      const database = await h.createDatabase(target);
      await withDriver(target.dialect, database.url, async (session) => {
        if (up === 'upRecorded') await session.batch(REFERENCE_LEDGER);
        floor[up].push(await h.timed(() => session.batch(scripts[up])));
      });
      // The downgrade in a session of its own, as ours runs in a later process: the server (SQLite: the
      // connection) reads the 500 tables' definitions again instead of finding them cached by the upgrade.
      await withDriver(target.dialect, database.url, async (session) => {
        floor[down].push(await h.timed(() => session.batch(scripts[down])));
      });
      await h.dropDatabase(database);
    }
  }
  const floorMs = Object.fromEntries(Object.entries(floor).map(([key, times]) => [key, h.median(times)]));
  const relaxed = target.dialect === 'postgresql' ? ' (synchronous_commit off but the last)' : '';
  const reference = (what) => [
    { metric: `  reference: the same plain SQL with a COMMIT per revision${relaxed}`, ours: floorMs[`${what}PerRevision`], floor: floorMs[what] },
    { metric: '  reference: the same, each revision also moving a version row and writing a history row', ours: floorMs[`${what}Recorded`], floor: floorMs[what] },
  ];
  return [
    ...MODES.flatMap((mode) => {
      const { up, statements } = ours[mode];
      const ddl = statements.reduce((sum, sql) => sum + opDdlIn(sql), 0);
      if (ddl !== ddlPerRevision * count) throw new Error(`--transaction ${mode}: expected ${ddlPerRevision * count} DDL statements, the driver saw ${ddl}`);
      const beyond = statements.filter((sql) => opDdlIn(sql) === 0).length;
      const ms = h.median(up);
      return [
        { metric: `upgrade head, ${count} revisions, --transaction ${mode} (floor: one plain SQL script, one transaction)`, ours: ms, floor: floorMs.up },
        { metric: '  driver calls per revision beyond those carrying its DDL (whole run: lock, ledger reads and writes)', ours: beyond / count, floor: 0, unit: 'count' },
        { metric: '  ms per revision (floor: the script\'s per revision)', ours: ms / count, floor: floorMs.up / count },
        { metric: '  marginal ms per revision beyond the floor\'s', ours: (ms - floorMs.up) / count },
      ];
    }),
    ...reference('up'),
    ...MODES.map((mode) => ({
      metric: `downgrade base, ${count} revisions, --transaction ${mode} (floor: the DROPs as one plain script, one transaction)`,
      ours: h.median(ours[mode].down),
      floor: floorMs.down,
    })),
    ...reference('down'),
  ];
}

/** The reference's own ledger: one version row and a history table, made before the timed scripts. */
const REFERENCE_LEDGER = [
  'CREATE TABLE ref_version (version_num varchar(32) NOT NULL)',
  "INSERT INTO ref_version VALUES ('0')",
  'CREATE TABLE ref_history (revision varchar(32) NOT NULL, direction varchar(8) NOT NULL, applied_at varchar(32) NOT NULL)',
].join(';\n');

/** Each revision's statements followed by the ledger writes the runner makes for it (its version move and history row). */
function recorded(bodies, direction) {
  return bodies.map((statements, i) => [
    ...statements,
    `UPDATE ref_version SET version_num = '${i + 1}'`,
    `INSERT INTO ref_history VALUES ('${i + 1}', '${direction}', '2026-01-01T00:00:00.000Z')`,
  ]);
}

/** The statements as one script in one transaction. */
function oneTransaction(bodies) {
  return ['BEGIN', ...bodies.flat(), 'COMMIT'].join(';\n');
}

/**
 * The statements as one script with a transaction per revision, as the runner commits them by default:
 * on PostgreSQL every commit but the last without waiting for the disk, as the runner does.
 */
function transactionPerRevision(dialect, bodies) {
  return bodies
    .map((statements, i) => {
      const relaxed = dialect === 'postgresql' && i < bodies.length - 1 ? ['SET LOCAL synchronous_commit TO off'] : [];
      return ['BEGIN', ...relaxed, ...statements, 'COMMIT'].join(';\n');
    })
    .join(';\n');
}
