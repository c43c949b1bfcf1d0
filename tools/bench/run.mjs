// Strata's benchmark: a generated chain of raw-SQL revisions, loaded cold and applied on each
// dialect, each figure next to its floor (the same work done without the engine). See README.md.
// Run with `npm run bench` (builds the engine first).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { downgrade, loadRevisions, redactUrl, RevisionGraph, revisionFileName, upgrade } from '../../packages/engine/dist/index.js';
import { selectHeads, withDriver } from './drivers.mjs';
import { GUARDED_OPS, guardedChainRows, guardedRevisionBody, guardRoundTripRows, SEEDED_TABLES } from './guards.mjs';
import { autogenerateRows } from './autogenerate.mjs';
import { onlineIndexRows } from './online-index.mjs';
import { NX_NOOP_RUNS, NX_VERSION, nxRows, stopNxDaemons } from './nx.mjs';
import { FANOUT_CONCURRENCY, FANOUT_REVISIONS, FANOUT_TENANTS, fanoutRows } from './fanout.mjs';
import { PGLITE_REVISIONS, pgliteRows } from './pglite.mjs';
import { runnerRows } from './runner.mjs';
import { LATENCY_MS, latencyRows } from './latency.mjs';
import { versionCpuRows } from './cli-start.mjs';
import { untouchedTableRows } from './sqlite-untouched.mjs';
import { BIG_STREAM_REVISIONS, bigStreamRows } from './big-stream.mjs';
import { PEER_NOOP_RUNS, peerRows, writePeerProjects } from './peers.mjs';

const CHAIN = 500;
/** The issue's target: 1,000 revisions load "well under a second" cold. */
const BIG_CHAIN = 1000;
/** The issue's SQLite case: a 50-revision upgrade beside an untouched big table. */
const UNTOUCHED_CHAIN = 50;
/** Runs per measurement (median reported); the cheap ones get more, as small timings are the noisiest. */
const RUNS = 3;
const COLD_RUNS = 5;
const NOOP_RUNS = 7;
const STREAM = 'bench';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const ENGINE_INDEX = here('../../packages/engine/dist/index.js');
const CLI = here('../../packages/engine/bin/strata.js');
const COLD_LOAD = here('./cold-load.mjs');
const NOOP_FLOOR = here('./noop-floor.mjs');

const TARGETS = [
  {
    dialect: 'postgresql',
    title: 'PostgreSQL',
    serverUrl: process.env.STRATA_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    envVar: 'STRATA_PG_URL',
    versionSql: 'SHOW server_version',
  },
  {
    dialect: 'mysql',
    title: 'MySQL/MariaDB',
    serverUrl: process.env.STRATA_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/',
    envVar: 'STRATA_MYSQL_URL',
    versionSql: 'SELECT VERSION() AS version',
  },
  { dialect: 'sqlite', title: 'SQLite', serverUrl: undefined, envVar: undefined, versionSql: 'SELECT sqlite_version() AS version' },
];

/**
 * `--only runner`: only each database's runner table (both transaction modes against the plain script);
 * `--only guards`: only each database's guard rows (the guarded revision and the guarded chain);
 * `--only latency`: only the server databases' guarded chain over a delaying link;
 * `--only peers`: only the peers tables; `--only nx`: only the Nx table. With no option, the full run.
 */
const { only } = parseArgs({ options: { only: { type: 'string' } } }).values;
const SECTIONS = ['runner', 'guards', 'latency', 'peers', 'nx'];
if (only !== undefined && !SECTIONS.includes(only)) {
  console.error(`--only: unknown table '${only}' (known: ${SECTIONS.join(', ')})`);
  process.exit(2);
}

const workDir = mkdtempSync(join(tmpdir(), 'strata-bench-'));
/** Databases made and not yet dropped: `cleanup` drops them whatever happened. */
const liveDatabases = new Set();
let databaseCount = 0;
/** The one cleanup run, once started. */
let cleaning;

// Ctrl-C and kill still drop the databases; a second signal while cleaning up exits at once.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: dropping the bench databases...`);
    cleanup().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (error) {
  // After a signal, the error is the measurement whose database was dropped under it: not news.
  // The stack only: a RevisionFailedError's inspected form would list every applied step.
  if (!interrupted) console.error(`bench failed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}

async function main() {
  console.log(`Strata bench: node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? 'unknown model'}), ${process.platform}/${process.arch}`);
  console.log(`Chain: ${CHAIN} revisions, each CREATE TABLE + CREATE INDEX up, DROP TABLE down.`);
  // The full run's tables; the peers tables' titles say what they measure.
  if (only === undefined) {
    console.log(`Guards: one revision of ${GUARDED_OPS} guarded ops on ${SEEDED_TABLES} tables; a ${CHAIN}-revision chain of 3 guarded ops each (createTable, createIndex, addColumn).`);
    console.log(`Medians of ${COLD_RUNS} cold loads, ${RUNS} full upgrades, guarded runs and CLI runs, ${NOOP_RUNS} API no-ops. Ratio = ours / floor.`);
    console.log('Counts (round trips, statements) are exact, from the last run; their floor is the least possible.');
  }
  console.log('');

  const chain = writeChain(CHAIN);
  const helpers = { runs: RUNS, createDatabase, dropDatabase, timed, median, expectSteps };
  if (only === 'runner') {
    const graph = new RevisionGraph(loadRevisions(chain.tsDir));
    for (const target of TARGETS) {
      const version = await probe(target);
      if (version === undefined) continue;
      const rows = await runnerRows(target, graph, chain.count, { up: upgradeSql, down: downgradeSql }, upgradeSql(1).length, helpers);
      printTable(`Runner: ${target.title} ${version}${target.serverUrl ? ` at ${redactUrl(target.serverUrl)}` : ''}`, rows);
    }
    return;
  }
  if (only === 'guards') {
    const guardedChain = writeChain(CHAIN, { name: 'guarded', body: guardedRevisionBody, twins: false });
    const guardedGraph = new RevisionGraph(loadRevisions(guardedChain.tsDir));
    for (const target of TARGETS) {
      const version = await probe(target);
      if (version === undefined) continue;
      const rows = [...(await guardRoundTripRows(target, helpers)), ...(await guardedChainRows(target, version, guardedGraph, guardedChain.count, helpers))];
      printTable(`Guards: ${target.title} ${version}${target.serverUrl ? ` at ${redactUrl(target.serverUrl)}` : ''}`, rows);
    }
    return;
  }
  if (only === 'latency') {
    const guardedChain = writeChain(CHAIN, { name: 'guarded', body: guardedRevisionBody, twins: false });
    const guardedGraph = new RevisionGraph(loadRevisions(guardedChain.tsDir));
    for (const target of TARGETS.filter(({ serverUrl }) => serverUrl !== undefined)) {
      const version = await probe(target);
      if (version === undefined) continue;
      printTable(`Latency: ${target.title} ${version} through a proxy adding ${LATENCY_MS} ms each way`, await latencyRows(target, guardedGraph, guardedChain.count, helpers));
    }
    return;
  }
  if (only === 'nx') {
    printNxTable();
    return;
  }
  const peers = writePeerProjects({ workDir, count: CHAIN, upgradeSql, downgradeSql, script: chainScript(CHAIN) });
  const peerHelpers = { workDir, chain, stream: STREAM, runs: RUNS, createDatabase, dropDatabase, median, timedSync };
  if (only === 'peers') {
    for (const target of TARGETS) {
      const version = await probe(target);
      if (version !== undefined) printPeerTable(target, version, await peerRows(target, peers, peerHelpers));
    }
    return;
  }
  const bigChain = writeChain(BIG_CHAIN);
  const guardedChain = writeChain(CHAIN, { name: 'guarded', body: guardedRevisionBody, twins: false });
  printTable('Loading (dialect-independent: the same files serve every dialect)', [
    ...versionCpuRows({ runs: COLD_RUNS, median }),
    ...coldLoadRows(chain, `${CHAIN} files`, true),
    ...coldLoadRows(bigChain, `${BIG_CHAIN.toLocaleString('en')} files`, false),
  ]);

  const graph = new RevisionGraph(loadRevisions(chain.tsDir));
  const guardedGraph = new RevisionGraph(loadRevisions(guardedChain.tsDir));
  const untouchedChain = writeChain(UNTOUCHED_CHAIN, { name: 'untouched', body: guardedRevisionBody, twins: false });
  const untouchedGraph = new RevisionGraph(loadRevisions(untouchedChain.tsDir));
  const bigStream = writeChain(BIG_STREAM_REVISIONS, { name: 'big', twins: false });
  for (const target of TARGETS) {
    const version = await probe(target);
    if (version === undefined) continue;
    const rows = [
      ...(await benchDialect(target, graph, chain)),
      ...(await runnerRows(target, graph, chain.count, { up: upgradeSql, down: downgradeSql }, upgradeSql(1).length, helpers)),
      ...(await guardRoundTripRows(target, helpers)),
      ...(await guardedChainRows(target, version, guardedGraph, guardedChain.count, helpers)),
      ...(target.serverUrl === undefined ? [] : await latencyRows(target, guardedGraph, guardedChain.count, helpers)),
      ...(await onlineIndexRows(target, helpers)),
      ...(target.dialect === 'sqlite' ? await untouchedTableRows({ workDir, graph: untouchedGraph, count: untouchedChain.count, ...helpers }) : []),
      ...(target.dialect === 'sqlite'
        ? await bigStreamRows({ chain: bigStream, graph: new RevisionGraph(loadRevisions(bigStream.tsDir)), ...helpers, timedSync, runChild, upgrade, cli: CLI, noopFloor: NOOP_FLOOR })
        : []),
    ];
    printTable(`${target.title} ${version}${target.serverUrl ? ` at ${redactUrl(target.serverUrl)}` : ''}`, rows);
    printPeerTable(target, version, await peerRows(target, peers, peerHelpers));
  }
  // No server needed: the diff runs against the revisions' model (floor: drizzle-kit's own generate).
  printTable('Autogenerate (PostgreSQL schema, no database; floor = drizzle-kit generate)', await autogenerateRows());
  printNxTable();
  printTable(
    `Fan-out (SQLite; ${FANOUT_TENANTS} tenant files, ${FANOUT_REVISIONS} revisions, --concurrency ${FANOUT_CONCURRENCY}; one run each; floor = a sequential shell loop of the CLI)`,
    fanoutRows({ workDir, timedSync }),
  );
  const postgres = TARGETS.find((target) => target.dialect === 'postgresql');
  if (postgres !== undefined && (await probe(postgres)) !== undefined) {
    printTable(
      `PGlite (PostgreSQL in the process, no server; ${PGLITE_REVISIONS} guarded revisions, medians of ${RUNS}; floor = the same strata test on the server)`,
      pgliteRows({ workDir, runs: RUNS, median, timedSync }, postgres.serverUrl),
    );
  }
}

/** The Nx table. SQLite only: the Nx layer's cost is the same whatever the database. */
function printNxTable() {
  printTable(
    `Nx ${NX_VERSION} (SQLite only; wall time of child processes, medians of ${NX_NOOP_RUNS} single-project and ${RUNS} run-many runs; floor = the engine's own CLI)`,
    nxRows({ workDir, runs: RUNS, median, timedSync }),
  );
}

/** The DDL of revision `n`, shared by the revision files and the plain-script floor. */
function upgradeSql(n) {
  return [`CREATE TABLE t_${n} (id integer PRIMARY KEY, name varchar(100))`, `CREATE INDEX ix_t_${n}_name ON t_${n} (name)`];
}

/** The DDL that undoes revision `n`. */
function downgradeSql(n) {
  return [`DROP TABLE t_${n}`];
}

/**
 * Revisions 1 to `count`'s DDL as one plain script: the full upgrade's floor; with `down`, their
 * downgrades newest first, the floor of a downgrade to base.
 */
function chainScript(count, { down = false } = {}) {
  return Array.from({ length: count }, (_, i) => (down ? downgradeSql(count - i) : upgradeSql(i + 1)))
    .flat()
    .join(';\n');
}

/** The body of raw-chain revision `n`: its DDL through `execute` up, DROP TABLE down. */
function rawRevisionBody(n) {
  const execute = (statements) => statements.map((sql) => `await execute('${sql}');`);
  return {
    upgrade: execute(upgradeSql(n)),
    downgrade: execute(downgradeSql(n)),
    parameters: '{ execute }',
  };
}

/** A deterministic 12-hex id, so that runs are comparable (one sequence per chain name). */
function revisionId(n, name) {
  return createHash('sha256').update(name === 'ts' ? `strata-bench-${n}` : `strata-bench-${name}-${n}`).digest('hex').slice(0, 12);
}

/**
 * Writes `count` chained revisions twice: as `.ts` files the way `strata revision` names and shapes
 * them, and (with `twins`) as plain `.mjs` twins (same body, engine imported by absolute URL since a
 * temp folder cannot resolve `@strata/engine`) for the native-import floor. `body(n)` gives the
 * lines of revision `n`'s upgrade and downgrade (default: the raw-SQL chain).
 */
function writeChain(count, { name = 'ts', body = rawRevisionBody, twins = true } = {}) {
  const tsDir = join(workDir, `${name}-${count}`);
  const mjsDir = join(workDir, name === 'ts' ? `mjs-${count}` : `${name}-mjs-${count}`);
  mkdirSync(tsDir);
  if (twins) mkdirSync(mjsDir);
  const engineUrl = pathToFileURL(ENGINE_INDEX).href;
  const start = Date.UTC(2024, 0, 1);
  for (let n = 1; n <= count; n++) {
    const message = `create t_${n}`;
    // One minute apart, so the file names sort in chain order as real ones would.
    const fileName = revisionFileName(new Date(start + n * 60_000), message);
    const { upgrade: up, downgrade: down, parameters } = body(n);
    const source = [
      'export default revision({',
      `  id: '${revisionId(n, name)}',`,
      `  parents: [${n === 1 ? '' : `'${revisionId(n - 1, name)}'`}],`,
      `  message: '${message}',`,
      `  async upgrade(${parameters}) {`,
      ...up.map((line) => `    ${line}`),
      '  },',
      `  async downgrade(${parameters}) {`,
      ...down.map((line) => `    ${line}`),
      '  },',
      '});',
      '',
    ].join('\n');
    writeFileSync(join(tsDir, fileName), `import { revision } from '@strata/engine';\n\n${source}`);
    if (twins) writeFileSync(join(mjsDir, fileName.replace(/\.ts$/, '.mjs')), `import { revision } from '${engineUrl}';\n\n${source}`);
  }
  return { tsDir, mjsDir, count };
}

/** Cold-load rows for one chain, each figure the median over COLD_RUNS fresh `node` processes. */
function coldLoadRows(chain, label, withEngineImport) {
  const runs = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    runs.push(JSON.parse(runChild([COLD_LOAD, chain.tsDir, chain.mjsDir]).stdout));
  }
  const med = (pick) => median(runs.map(pick));
  return [
    ...(withEngineImport ? [{ metric: 'import the engine (cold process)', ours: med((r) => r.engineImportMs) }] : []),
    { metric: `loadRevisions + RevisionGraph, ${label} (floor: import() of .mjs twins)`, ours: med((r) => r.loadMs + r.graphMs), floor: med((r) => r.mjsImportMs) },
    { metric: `  of which RevisionGraph`, ours: med((r) => r.graphMs) },
    { metric: `process start to graph ready, ${label}`, ours: med((r) => r.sinceProcessStartMs) },
  ];
}

/** The server's version, or undefined (and a SKIP line) when it does not answer. */
async function probe(target) {
  const url = target.serverUrl ?? pathToFileURL(join(workDir, 'probe.db')).href;
  try {
    const [row] = await withDriver(target.dialect, url, (session) => session.query(target.versionSql));
    return String(Object.values(row)[0]);
  } catch (error) {
    console.log(`SKIP ${target.title}: ${redactUrl(target.serverUrl ?? '')} (${target.envVar}) is unreachable: ${error.message}\n`);
    return undefined;
  }
}

/**
 * The no-op rows: a database at head, then `upgrade` again through the API and the CLI. The full
 * upgrade and the downgrade to base are timed in the runner rows, against floors measured with care.
 */
async function benchDialect(target, graph, chain) {
  const stream = { name: STREAM, dialect: target.dialect };
  const applied = await createDatabase(target);
  expectSteps(await upgrade({ stream: { ...stream, url: applied.url }, graph, target: 'head' }), chain.count, 'full upgrade');

  const noop = [];
  const noopFloor = [];
  for (let i = 0; i < NOOP_RUNS; i++) {
    noop.push(
      await timed(async () => {
        expectSteps(await upgrade({ stream: { ...stream, url: applied.url }, graph, target: 'head' }), 0, 'no-op upgrade');
      }),
    );
    noopFloor.push(await timed(() => selectHeads(target.dialect, applied.url, STREAM)));
  }

  const cli = [];
  const cliFloor = [];
  for (let i = 0; i < RUNS; i++) {
    cli.push(
      timedSync(() => {
        const { stdout } = runChild([CLI, 'upgrade', 'head', '--url', applied.url, '--dir', chain.tsDir, '--stream', STREAM, '--json']);
        expectSteps(JSON.parse(stdout), 0, 'CLI no-op upgrade');
      }),
    );
    cliFloor.push(timedSync(() => runChild([NOOP_FLOOR, target.dialect, applied.url, STREAM])));
  }
  await dropDatabase(applied);

  return [
    { metric: 'no-op upgrade head, API (floor: connect + read version rows)', ours: median(noop), floor: median(noopFloor) },
    { metric: 'no-op `strata upgrade head`, wall (floor: node + driver + read)', ours: median(cli), floor: median(cliFloor) },
  ];
}

function expectSteps(result, count, what) {
  if (result.steps.length !== count) throw new Error(`${what}: expected ${count} steps, got ${result.steps.length}`);
}

/** A fresh, uniquely named database (`strata_bench_<pid>_<n>`), or a new file for SQLite. */
async function createDatabase(target) {
  if (interrupted) throw new Error('interrupted');
  const name = `strata_bench_${process.pid}_${++databaseCount}`;
  const url = target.serverUrl === undefined ? pathToFileURL(join(workDir, `${name}.db`)) : new URL(target.serverUrl);
  if (target.serverUrl !== undefined) url.pathname = `/${name}`;
  const database = { target, name, url: url.href };
  // Registered before it exists, so a cleanup racing the CREATE still drops it (IF EXISTS).
  liveDatabases.add(database);
  if (target.serverUrl !== undefined) {
    await withDriver(target.dialect, target.serverUrl, (session) => session.query(`CREATE DATABASE ${name}`));
  }
  return database;
}

async function dropDatabase(database) {
  liveDatabases.delete(database);
  const { target, name } = database;
  if (target.serverUrl === undefined) {
    rmSync(fileURLToPath(database.url), { force: true });
    return;
  }
  // FORCE (PostgreSQL 13+) ends sessions a failed run left open, which would block the drop.
  const sql = target.dialect === 'postgresql' ? `DROP DATABASE IF EXISTS ${name} WITH (FORCE)` : `DROP DATABASE IF EXISTS ${name}`;
  await withDriver(target.dialect, target.serverUrl, (session) => session.query(sql));
}

/**
 * Drops every database still live and removes the temp folder; reports, but survives, a failed drop.
 * One run only: a signal and main's own ending may both ask, and both must wait for the same drops.
 */
function cleanup() {
  cleaning ??= (async () => {
    // A daemon left by a failed or interrupted Nx row holds files in the temp folder.
    stopNxDaemons();
    for (const database of [...liveDatabases]) {
      await dropDatabase(database).catch((error) => console.error(`could not drop ${database.name}: ${error.message}`));
    }
    rmSync(workDir, { recursive: true, force: true });
  })();
  return cleaning;
}

/** Runs `node ARGS` from the temp folder (so no project config is picked up); throws on a non-zero exit. */
function runChild(args) {
  const child = spawnSync(process.execPath, args, { cwd: workDir, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${child.status}:\n${child.stderr}${child.stdout}`);
  return child;
}

async function timed(body) {
  const start = performance.now();
  await body();
  return performance.now() - start;
}

function timedSync(body) {
  const start = performance.now();
  body();
  return performance.now() - start;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function formatMs(ms) {
  if (ms === undefined) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** A count: whole numbers as they are, per-op and per-revision averages to two decimals. */
function formatCount(value) {
  if (value === undefined) return '—';
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** A ratio to one decimal; under 0.1 to two significant digits, so a safe form's 0.004× does not print as 0.0×. */
function formatRatio(ratio) {
  return `${ratio < 0.1 ? ratio.toPrecision(2) : ratio.toFixed(1)}×`;
}

/** The peers table of one target: ours beside Alembic, drizzle-kit and the plain-script floor. */
function printPeerTable(target, version, rows) {
  printTable(
    `Peers on ${target.title} ${version} (${CHAIN} revisions; wall time of each command-line process, Node's or Python's start-up included; medians of ${RUNS} full upgrades on fresh databases and ${PEER_NOOP_RUNS} no-ops at head; ratio = ours / peer)`,
    rows,
    'peer',
  );
}

/** Rows of `unit: 'count'` print counts; the others milliseconds. A floor of 0 (or none), or no figure of ours, has no ratio; `against` heads the comparison column. */
function printTable(title, rows, against = 'floor') {
  const format = (r, value) => (r.unit === 'count' ? formatCount(value) : formatMs(value));
  const cells = rows.map((r) => [r.metric, format(r, r.ours), format(r, r.floor), r.floor && r.ours !== undefined ? formatRatio(r.ours / r.floor) : '—']);
  const header = ['metric', 'ours', against, 'ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((text, i) => (i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i]))).join('  ');
  console.log(title);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
  console.log('');
}
