// The Nx rows (SQLite only): the wall time of `nx run <project>:migrate` and `nx run-many -t migrate`
// in a generated Nx workspace, each beside the engine's own CLI doing the same work. Every figure is a
// child process timed from the outside. See README.md ("Nx table").
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { revisionFileName } from '../../packages/engine/dist/index.js';
import { createNodes as strataCreateNodes } from '../../packages/nx/dist/plugin.js';

/** Revisions of the single-project workspace's `app` stream. */
const APP_REVISIONS = 10;
/** Projects of the run-many workspace, each a stream of STREAM_REVISIONS revisions. */
const STREAMS = 20;
const STREAM_REVISIONS = 4;
/** Projects of the project-graph workspace. */
const GRAPH_PROJECTS = 50;
/** Passed explicitly (it is Nx's default) so that the figure does not move with nx.json defaults. */
const PARALLEL = 3;
/** Runs of each single-project no-op (the run-many rows take run.mjs's `runs`: each is 20 to 40 processes). */
export const NX_NOOP_RUNS = 5;

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const NODE_MODULES = join(REPO, 'node_modules');
const CLI = join(REPO, 'packages/engine/bin/strata.js');
const NX_PACKAGE = join(NODE_MODULES, 'nx', 'package.json');
const NX_BIN = (() => {
  const { bin } = JSON.parse(readFileSync(NX_PACKAGE, 'utf8'));
  return join(dirname(NX_PACKAGE), typeof bin === 'string' ? bin : bin.nx);
})();
export const NX_VERSION = JSON.parse(readFileSync(NX_PACKAGE, 'utf8')).version;

const WITH_PLUGIN = { plugins: [{ plugin: '@strata/nx/plugin', options: {} }] };
/** The floors' plugin and executor package, linked into every workspace's node_modules (see `linkNodeModules`). */
const NOTHING_PLUGIN = '@bench/nothing-plugin';
const WITH_NOTHING_PLUGIN = { plugins: [{ plugin: NOTHING_PLUGIN, options: {} }] };

/** Workspaces whose daemon may be running: `stopNxDaemons` stops them (the bench's cleanup calls it). */
const daemonWorkspaces = new Set();

/**
 * The Nx table's rows. `helpers`: `{ workDir, runs, median, timedSync }` from run.mjs (the workspaces
 * and SQLite files go in `workDir`, which run.mjs removes).
 */
export function nxRows({ workDir, runs, median, timedSync }) {
  const nothingPlugin = writeNothingPlugin(join(workDir, 'nx-nothing-plugin'));
  return [
    ...singleProjectRows({ workDir, nothingPlugin, runs: NX_NOOP_RUNS, median, timedSync }),
    ...projectGraphRows({ workDir, nothingPlugin, runs: NX_NOOP_RUNS, median, timedSync }),
    ...runManyRows({ workDir, nothingPlugin, runs, median, timedSync }),
  ];
}

/** Stops every daemon this module started and did not stop yet (on failure or Ctrl-C); reports, but survives, one that stays. */
export function stopNxDaemons() {
  for (const root of [...daemonWorkspaces]) {
    try {
      stopDaemon(root);
    } catch (error) {
      console.error(error.message);
    }
  }
}

/**
 * (1) A no-op `nx run app:migrate` beside a no-op `strata upgrade head` on the same stream, Nx's built-in
 * `nx:noop` and an executor that does nothing.
 */
function singleProjectRows({ workDir, nothingPlugin, runs, median, timedSync }) {
  const database = join(workDir, 'nx-app.db');
  const root = writeWorkspace(join(workDir, 'nx-single'), [{ name: 'app', revisions: APP_REVISIONS, database }], nothingPlugin);
  const cliArgs = [CLI, 'upgrade', 'head', '--cwd', join(root, 'apps/app'), '--json'];

  // Untimed: applies the chain and leaves the project graph cached in .nx/workspace-data, as in a
  // workspace where Nx has run before.
  expectApplied(nx(root, ['run', 'app:migrate']), 'app', APP_REVISIONS);

  const ours = [];
  const floor = [];
  const builtInNoop = [];
  const nothing = [];
  for (let i = 0; i < runs; i++) {
    ours.push(timedSync(() => expectNoop(nx(root, ['run', 'app:migrate']), 1)));
    floor.push(timedSync(() => expectCliSteps(node(root, cliArgs), 0)));
    builtInNoop.push(timedSync(() => nx(root, ['run', 'app:noop'])));
    nothing.push(timedSync(() => nx(root, ['run', 'app:nothing'])));
  }
  const rows = [
    { metric: 'no-op `nx run app:migrate`, NX_DAEMON=false (floor: no-op `strata upgrade head`)', ours: median(ours), floor: median(floor) },
    { metric: '  Nx overhead (difference)', ours: median(ours) - median(floor) },
    { metric: '  the same (floor: `nx run app:noop`, the built-in nx:noop)', ours: median(ours), floor: median(builtInNoop) },
    { metric: '  a do-nothing executor `nx run app:nothing` (floor: nx:noop)', ours: median(nothing), floor: median(builtInNoop) },
    { metric: '  ours over the do-nothing executor (difference)', ours: median(ours) - median(nothing) },
  ];

  // The same with the daemon on, if it starts: the daemon keeps the project graph in memory.
  const started = startDaemon(root);
  if (started !== true) {
    rows.push({ metric: `no-op \`nx run app:migrate\`, daemon on: not measured (${started})` });
    return rows;
  }
  try {
    const daemon = [];
    const daemonFloor = [];
    // Untimed: the daemon computes the project graph on the first request.
    expectNoop(nx(root, ['run', 'app:migrate'], { daemon: true }), 1);
    for (let i = 0; i < runs; i++) {
      daemon.push(timedSync(() => expectNoop(nx(root, ['run', 'app:migrate'], { daemon: true }), 1)));
      daemonFloor.push(timedSync(() => expectCliSteps(node(root, cliArgs), 0)));
    }
    rows.push(
      { metric: 'no-op `nx run app:migrate`, daemon on (floor: the same CLI run)', ours: median(daemon), floor: median(daemonFloor) },
      { metric: '  Nx overhead (difference)', ours: median(daemon) - median(daemonFloor) },
    );
  } finally {
    stopDaemon(root);
  }
  return rows;
}

/**
 * (2) What the plugin adds to computing the project graph of GRAPH_PROJECTS stream projects: `nx show
 * projects` with the graph cache off, with `@strata/nx/plugin` registered (its targets cache warm, as
 * after any earlier nx command) beside the same workspace without it and with NOTHING_PLUGIN instead.
 */
function projectGraphRows({ workDir, nothingPlugin, runs, median, timedSync }) {
  const database = join(workDir, 'nx-graph.db');
  const streams = Array.from({ length: GRAPH_PROJECTS }, (_, i) => ({ name: streamName(i + 1), revisions: 1, database }));
  const root = writeWorkspace(join(workDir, 'nx-graph'), streams, nothingPlugin);
  const env = { ...nxEnv(false), NX_CACHE_PROJECT_GRAPH: 'false' };
  const showProjects = () => {
    const listed = node(root, [NX_BIN, 'show', 'projects', '--json'], env).stdout;
    if (JSON.parse(listed).length !== GRAPH_PROJECTS) throw new Error(`nx show projects: expected ${GRAPH_PROJECTS} projects:\n${listed}`);
  };
  // Untimed: fills the plugin's targets cache.
  showProjects();
  const withPlugin = [];
  const without = [];
  const nothing = [];
  for (let i = 0; i < runs; i++) {
    writeJson(join(root, 'nx.json'), WITH_PLUGIN);
    withPlugin.push(timedSync(showProjects));
    writeJson(join(root, 'nx.json'), {});
    without.push(timedSync(showProjects));
    writeJson(join(root, 'nx.json'), WITH_NOTHING_PLUGIN);
    nothing.push(timedSync(showProjects));
  }
  writeJson(join(root, 'nx.json'), WITH_PLUGIN);
  return [
    { metric: `\`nx show projects\`, ${GRAPH_PROJECTS} stream projects, graph cache off (floor: without @strata/nx/plugin)`, ours: median(withPlugin), floor: median(without) },
    { metric: '  the same (floor: a plugin whose createNodes infers nothing)', ours: median(withPlugin), floor: median(nothing) },
    { metric: '  ours over the do-nothing plugin (difference)', ours: median(withPlugin) - median(nothing) },
  ];
}

/**
 * (3) `nx run-many -t migrate` over STREAMS streams on a fresh database (applies everything), then again
 * (no-op), beside the sum of the STREAMS engine CLI runs, in dependency order, doing the same.
 */
function runManyRows({ workDir, nothingPlugin, runs, median, timedSync }) {
  const database = join(workDir, 'nx-many.db');
  // svc02 depends on svc01, svc04 on svc03, ...: half the streams wait for another.
  const streams = Array.from({ length: STREAMS }, (_, i) => {
    const name = streamName(i + 1);
    return { name, revisions: STREAM_REVISIONS, database, dependsOn: (i + 1) % 2 === 0 ? streamName(i) : undefined };
  });
  const root = writeWorkspace(join(workDir, 'nx-many'), streams, nothingPlugin);
  const runMany = ['run-many', '-t', 'migrate', `--parallel=${PARALLEL}`];

  // Untimed: computes and caches the project graph, and checks the cross-stream edges are in it.
  const graphFile = join(workDir, 'nx-many-graph.json');
  nx(root, ['graph', `--file=${graphFile}`]);
  const { graph } = JSON.parse(readFileSync(graphFile, 'utf8'));
  const edges = Object.values(graph.dependencies).flat().filter((edge) => edge.target.startsWith('svc')).length;
  if (Object.keys(graph.nodes).length !== STREAMS || edges !== STREAMS / 2) {
    throw new Error(`nx-many workspace: expected ${STREAMS} projects and ${STREAMS / 2} cross-stream edges, got ${Object.keys(graph.nodes).length} and ${edges}`);
  }

  const first = [];
  const noop = [];
  const firstFloor = [];
  const noopFloor = [];
  for (let i = 0; i < runs; i++) {
    removeDatabase(database);
    first.push(timedSync(() => nx(root, runMany)));
    expectHeads(database, streams);
    noop.push(timedSync(() => expectNoop(nx(root, runMany), STREAMS)));

    removeDatabase(database);
    let sum = 0;
    for (const stream of streams) {
      sum += timedSync(() => expectCliSteps(node(root, [CLI, 'upgrade', 'head', '--cwd', join(root, 'apps', stream.name), '--json']), STREAM_REVISIONS));
    }
    firstFloor.push(sum);
    expectHeads(database, streams);
    sum = 0;
    for (const stream of streams) {
      sum += timedSync(() => expectCliSteps(node(root, [CLI, 'upgrade', 'head', '--cwd', join(root, 'apps', stream.name), '--json']), 0));
    }
    noopFloor.push(sum);
  }
  return [
    {
      metric: `\`nx run-many -t migrate\`, ${STREAMS} streams × ${STREAM_REVISIONS} revs, first run (floor: sum of ${STREAMS} \`strata upgrade head\`)`,
      ours: median(first),
      floor: median(firstFloor),
    },
    { metric: `  no-op second run (floor: sum of ${STREAMS} no-op CLI runs)`, ours: median(noop), floor: median(noopFloor) },
    { metric: '  no-op, per stream', ours: median(noop) / STREAMS, floor: median(noopFloor) / STREAMS },
  ];
}

function streamName(n) {
  return `svc${String(n).padStart(2, '0')}`;
}

/**
 * A workspace in `root`: package.json, nx.json registering `@strata/nx/plugin`, node_modules (see
 * `linkNodeModules`), and per stream a project under apps/<name> with project.json, drizzle.config.ts
 * (SQLite, the given database file, kept outside the workspace so that Nx never sees it change) and a
 * chain of raw-SQL revisions.
 */
function writeWorkspace(root, streams, nothingPlugin) {
  mkdirSync(root);
  linkNodeModules(root, nothingPlugin);
  writeJson(join(root, 'package.json'), { name: `strata-bench-${root.split(/[\\/]/).pop()}`, version: '0.0.0', private: true });
  writeJson(join(root, 'nx.json'), WITH_PLUGIN);
  const heads = new Map();
  // Streams that others depend on are listed (and written) first, so that their head ids are known.
  for (const stream of streams) {
    const project = join(root, 'apps', stream.name);
    mkdirSync(join(project, 'migrations'), { recursive: true });
    // `noop` is Nx's built-in no-op, which Nx runs in its own process; `nothing` is an executor that
    // returns at once, which Nx runs in a forked process as it runs every other executor.
    writeJson(join(project, 'project.json'), {
      name: stream.name,
      $schema: '../../node_modules/nx/schemas/project-schema.json',
      projectType: 'application',
      targets: { noop: { executor: 'nx:noop' }, nothing: { executor: `${NOTHING_PLUGIN}:nothing` } },
    });
    writeFileSync(
      join(project, 'drizzle.config.ts'),
      `export default {\n  dialect: 'sqlite',\n  schema: './src/schema.ts',\n  dbCredentials: { url: ${JSON.stringify(stream.database)} },\n};\n`,
    );
    const start = Date.UTC(2024, 0, 1);
    for (let n = 1; n <= stream.revisions; n++) {
      const table = `${stream.name}_t${n}`;
      const dependsOn = n === 1 && stream.dependsOn !== undefined ? `  dependsOn: ['${stream.dependsOn}@${heads.get(stream.dependsOn)}'],\n` : '';
      const source = [
        "import { revision } from '@strata/engine';",
        '',
        'export default revision({',
        `  id: '${revisionId(stream.name, n)}',`,
        `  parents: [${n === 1 ? '' : `'${revisionId(stream.name, n - 1)}'`}],`,
        `  message: 'create ${table}',`,
        `${dependsOn}  async upgrade({ execute }) {`,
        `    await execute('CREATE TABLE ${table} (id integer PRIMARY KEY, name varchar(100))');`,
        `    await execute('CREATE INDEX ix_${table}_name ON ${table} (name)');`,
        '  },',
        '  async downgrade({ execute }) {',
        `    await execute('DROP TABLE ${table}');`,
        '  },',
        '});',
        '',
      ].join('\n');
      writeFileSync(join(project, 'migrations', revisionFileName(new Date(start + n * 60_000), `create ${table}`)), source);
    }
    heads.set(stream.name, revisionId(stream.name, stream.revisions));
  }
  return root;
}

/**
 * `root/node_modules`: a symlink to each entry of the repository's node_modules (where @strata/engine and
 * @strata/nx are npm's links to the built packages), and NOTHING_PLUGIN linked to `nothingPlugin`, a
 * folder outside the workspace, as npm links @strata/nx to packages/nx. Nx then finds both plugins the
 * same way: through node_modules, at a path outside the workspace. A plugin named by a path inside the
 * workspace (`./tools/nothing`) is a workspace-local plugin to Nx, whose worker first lists the
 * workspace's projects (Nx's default plugins over every project file) to look for it among them: a
 * floor that came out above our plugin.
 */
function linkNodeModules(root, nothingPlugin) {
  const nodeModules = join(root, 'node_modules');
  mkdirSync(nodeModules);
  for (const entry of readdirSync(NODE_MODULES)) symlinkSync(join(NODE_MODULES, entry), join(nodeModules, entry));
  mkdirSync(join(nodeModules, dirname(NOTHING_PLUGIN)));
  symlinkSync(nothingPlugin, join(nodeModules, NOTHING_PLUGIN), 'dir');
}

/**
 * The package NOTHING_PLUGIN, in `dir`: an Nx plugin that does nothing, in plain CommonJS. Its one
 * executor, `nothing`, returns success at once; it exports what @strata/nx/plugin exports, createNodes
 * (also as createNodesV2) on @strata/nx/plugin's own glob, inferring nothing, and createDependencies,
 * finding none. Returns `dir`.
 */
function writeNothingPlugin(dir) {
  mkdirSync(dir);
  writeJson(join(dir, 'package.json'), {
    name: NOTHING_PLUGIN,
    version: '0.0.0',
    type: 'commonjs',
    main: './index.js',
    exports: { '.': './index.js', './package.json': './package.json' },
    executors: './executors.json',
  });
  writeFileSync(
    join(dir, 'index.js'),
    [
      `exports.createNodes = [${JSON.stringify(strataCreateNodes[0])}, async (configFiles) => configFiles.map((file) => [file, {}])];`,
      'exports.createNodesV2 = exports.createNodes;',
      'exports.createDependencies = () => [];',
      '',
    ].join('\n'),
  );
  writeJson(join(dir, 'executors.json'), { executors: { nothing: { implementation: './impl.js', schema: './schema.json', description: 'Returns success at once.' } } });
  writeJson(join(dir, 'schema.json'), { type: 'object', properties: {} });
  writeFileSync(join(dir, 'impl.js'), 'module.exports = async function nothing() {\n  return { success: true };\n};\n');
  return dir;
}

function revisionId(stream, n) {
  return createHash('sha256').update(`strata-bench-nx-${stream}-${n}`).digest('hex').slice(0, 12);
}

function writeJson(file, value) {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The environment of every nx child: no daemon unless asked, no Nx Cloud, no terminal UI. */
function nxEnv(daemon) {
  const env = { ...process.env, NX_DAEMON: daemon ? 'true' : 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
  // Inherited from an enclosing Nx task, these would point the child at another workspace.
  for (const key of ['NX_WORKSPACE_ROOT_PATH', 'NX_TASK_TARGET_PROJECT', 'NX_TASK_TARGET_TARGET', 'NX_WORKSPACE_DATA_DIRECTORY']) delete env[key];
  return env;
}

/** Runs `nx ARGS` in `root` (static output); throws on a non-zero exit. */
function nx(root, args, { daemon = false } = {}) {
  return node(root, [NX_BIN, ...args, ...(args[0] === 'run' || args[0] === 'run-many' ? ['--output-style=static'] : [])], nxEnv(daemon));
}

/** Runs `node ARGS` in `cwd`; throws on a non-zero exit. */
function node(cwd, args, env = nxEnv(false)) {
  const child = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`node ${args.join(' ')} (in ${cwd}) exited with ${child.status ?? child.signal}:\n${child.stderr}${child.stdout}`);
  return child;
}

/** `true`, or why the daemon did not start. */
function startDaemon(root) {
  daemonWorkspaces.add(root);
  const child = spawnSync(process.execPath, [NX_BIN, 'daemon', '--start'], { cwd: root, env: nxEnv(true), encoding: 'utf8' });
  if (child.status !== 0) {
    stopDaemon(root);
    return `\`nx daemon --start\` exited with ${child.status ?? child.signal}`;
  }
  if (!daemonRunning(root)) {
    stopDaemon(root);
    return '`nx daemon --start` returned but `nx daemon` finds none running';
  }
  return true;
}

/** Stops the workspace's daemon and checks it is gone; throws when it is not. */
function stopDaemon(root) {
  if (!daemonWorkspaces.delete(root)) return;
  spawnSync(process.execPath, [NX_BIN, 'daemon', '--stop'], { cwd: root, env: nxEnv(true), encoding: 'utf8' });
  if (daemonRunning(root)) throw new Error(`the Nx daemon of ${root} is still running after \`nx daemon --stop\`: see ${join(root, '.nx/workspace-data/d/daemon.log')}`);
}

/** `nx daemon` (no flag) prints "Nx Daemon is currently running" or "Nx Daemon is not running". */
function daemonRunning(root) {
  const child = spawnSync(process.execPath, [NX_BIN, 'daemon'], { cwd: root, env: nxEnv(true), encoding: 'utf8' });
  return /is currently running/.test(child.stdout);
}

function removeDatabase(file) {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}

function expectCliSteps(child, count) {
  const steps = JSON.parse(child.stdout).steps?.length;
  if (steps !== count) throw new Error(`strata upgrade head: expected ${count} steps, got ${steps}:\n${child.stdout}`);
}

/** The executor's text output, once per stream: "... N revision(s) applied ..." or "... already at head ...". */
function expectApplied(child, stream, count) {
  if (!child.stdout.includes(`Stream "${stream}": ${count} revision(s) applied`)) throw new Error(`nx run ${stream}:migrate: expected ${count} revisions applied:\n${child.stdout}`);
}

function expectNoop(child, streams) {
  const found = child.stdout.match(/is already at head: nothing to upgrade/g)?.length ?? 0;
  if (found !== streams) throw new Error(`nx: expected ${streams} no-op migrate(s), found ${found}:\n${child.stdout}`);
}

/** Every stream at its head, read from the ledger with better-sqlite3 (not timed). */
function expectHeads(database, streams) {
  if (!existsSync(database)) throw new Error(`${database} was not created`);
  const Database = createRequire(join(REPO, 'package.json'))('better-sqlite3');
  const db = new Database(database, { readonly: true });
  try {
    for (const stream of streams) {
      const rows = db.prepare('SELECT version_num FROM strata_version WHERE stream = ?').all(stream.name);
      const head = revisionId(stream.name, stream.revisions);
      if (rows.length !== 1 || rows[0].version_num !== head) throw new Error(`stream ${stream.name}: expected head ${head}, found ${JSON.stringify(rows)}`);
    }
  } finally {
    db.close();
  }
}
