// The peers table: Strata's CLI beside Alembic and drizzle-kit on the same chain of revisions (the
// bench's raw chain: CREATE TABLE t_<n> + CREATE INDEX ix_t_<n>_name), each tool's own project
// written from the same DDL, and beside the plain-script floor. Every figure is the wall time of a
// command-line process (Node's or Python's start-up included), timed from the outside, the contenders
// alternating in each round so that drift in the machine hits all alike. See README.md ("Peers table").
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDriver } from './drivers.mjs';

export const PEER_NOOP_RUNS = 7;
const ALEMBIC = '/usr/bin/alembic';
const PYTHON = '/usr/bin/python3';
const ALEMBIC_INSTALL = 'apt-get install alembic python3-psycopg2 python3-pymysql';
const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const CLI = here('../../packages/engine/bin/strata.js');
const SCRIPT_FLOOR = here('./script-floor.mjs');
const DRIZZLE_KIT = here('../../node_modules/drizzle-kit/bin.cjs');

/** Per dialect: SQLAlchemy's URL scheme and Python driver, drizzle-kit's journal entry version and ledger table. */
const DIALECTS = {
  postgresql: { scheme: 'postgresql+psycopg2', pythonDriver: 'psycopg2', journalVersion: '7', drizzleLedger: 'drizzle.__drizzle_migrations' },
  mysql: { scheme: 'mysql+pymysql', pythonDriver: 'pymysql', journalVersion: '5', drizzleLedger: '__drizzle_migrations' },
  sqlite: { scheme: 'sqlite', pythonDriver: 'sqlite3', journalVersion: '6', drizzleLedger: '__drizzle_migrations' },
};

/**
 * Writes the chain as an Alembic project (one for every dialect: the URL comes with `-x url=…`) and as a
 * drizzle-kit migrations folder per dialect (its journal names the dialect), in `workDir/peers`.
 * `upgradeSql(n)` and `downgradeSql(n)` are revision `n`'s statements; `script` the floor's plain script.
 */
export function writePeerProjects({ workDir, count, upgradeSql, downgradeSql, script }) {
  const root = join(workDir, 'peers');
  const alembicDir = join(root, 'alembic');
  mkdirSync(join(alembicDir, 'versions'), { recursive: true });
  writeFileSync(join(alembicDir, 'alembic.ini'), `[alembic]\nscript_location = ${alembicDir}\n`);
  // Alembic's own template, less the logging and offline mode; one transaction per migration, as Strata commits per revision.
  writeFileSync(
    join(alembicDir, 'env.py'),
    [
      'from alembic import context',
      'from sqlalchemy import create_engine, pool',
      '',
      "url = context.get_x_argument(as_dictionary=True)['url']",
      'with create_engine(url, poolclass=pool.NullPool).connect() as connection:',
      '    context.configure(connection=connection, transaction_per_migration=True)',
      '    with context.begin_transaction():',
      '        context.run_migrations()',
      '',
    ].join('\n'),
  );
  const alembicId = (n) => `a${String(n).padStart(11, '0')}`;
  const pyLines = (statements) => statements.map((sql) => `    op.execute('${sql}')`);
  for (let n = 1; n <= count; n++) {
    writeFileSync(
      join(alembicDir, 'versions', `${alembicId(n)}_create_t_${n}.py`),
      [
        `"""create t_${n}"""`,
        'from alembic import op',
        '',
        `revision = '${alembicId(n)}'`,
        `down_revision = ${n === 1 ? 'None' : `'${alembicId(n - 1)}'`}`,
        'branch_labels = None',
        'depends_on = None',
        '',
        '',
        'def upgrade():',
        ...pyLines(upgradeSql(n)),
        '',
        '',
        'def downgrade():',
        ...pyLines(downgradeSql(n)),
        '',
      ].join('\n'),
    );
  }

  const drizzleDirs = {};
  const start = Date.UTC(2024, 0, 1);
  for (const [dialect, { journalVersion }] of Object.entries(DIALECTS)) {
    const dir = join(root, `drizzle-${dialect}`);
    mkdirSync(join(dir, 'drizzle', 'meta'), { recursive: true });
    // The URL comes from the environment, so one config serves every database of the dialect.
    writeFileSync(
      join(dir, 'drizzle.config.mjs'),
      `export default { dialect: '${dialect}', out: './drizzle', dbCredentials: { url: process.env.STRATA_BENCH_PEER_URL } };\n`,
    );
    const entries = [];
    for (let n = 1; n <= count; n++) {
      const tag = `${String(n - 1).padStart(4, '0')}_create_t_${n}`;
      // drizzle-kit generate's shape: each statement ends with `;`, a breakpoint line between them.
      writeFileSync(join(dir, 'drizzle', `${tag}.sql`), upgradeSql(n).map((sql) => `${sql};`).join('\n--> statement-breakpoint\n'));
      entries.push({ idx: n - 1, version: journalVersion, when: start + n * 60_000, tag, breakpoints: true });
    }
    writeFileSync(join(dir, 'drizzle', 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect, entries }, null, 2));
    drizzleDirs[dialect] = dir;
  }
  const scriptFile = join(root, 'chain.sql');
  writeFileSync(scriptFile, script);
  return { count, alembicDir, drizzleDirs, scriptFile, headAlembicId: alembicId(count) };
}

/**
 * The peers table's rows for one target: full upgrades from empty (each on a fresh database) and no-op
 * upgrades at head, ours beside each peer. A peer that fails prints its error and gets no figure; the
 * others go on. `helpers`: `{ workDir, chain, stream, runs, createDatabase, dropDatabase, median, timedSync }`.
 */
export async function peerRows(target, projects, { workDir, chain, stream, runs, createDatabase, dropDatabase, median, timedSync }) {
  const { count } = projects;
  const { pythonDriver, drizzleLedger } = DIALECTS[target.dialect];
  const ours = {
    label: '`strata upgrade head`',
    run: (database) => {
      const { stdout } = run(process.execPath, [CLI, 'upgrade', 'head', '--url', database.url, '--dir', chain.tsDir, '--stream', stream, '--json'], workDir);
      return JSON.parse(stdout).steps.length;
    },
    applied: async (database, steps) => steps,
  };
  const alembic = {
    label: '`alembic upgrade head`',
    // Python caches the compiled revision modules in __pycache__ unless told not to (as this machine's
    // environment does): the cache stays on, as Strata's compiled-revision cache does.
    run: (database) =>
      run(ALEMBIC, ['-c', join(projects.alembicDir, 'alembic.ini'), '-x', `url=${alembicUrl(target, database.url)}`, 'upgrade', 'head'], workDir, {
        PYTHONDONTWRITEBYTECODE: undefined,
      }),
    // Alembic's ledger holds the head only: all or nothing for the check.
    applied: async (database) => {
      const [row] = await withDriver(target.dialect, database.url, (session) => session.query('SELECT version_num FROM alembic_version'));
      return row?.version_num === projects.headAlembicId ? count : 0;
    },
    skip: alembicMissing(pythonDriver),
  };
  const drizzleKit = {
    label: '`drizzle-kit migrate`',
    run: (database) =>
      run(process.execPath, [DRIZZLE_KIT, 'migrate', '--config', 'drizzle.config.mjs'], projects.drizzleDirs[target.dialect], {
        STRATA_BENCH_PEER_URL: target.serverUrl === undefined ? fileURLToPath(database.url) : database.url,
      }),
    applied: async (database) => {
      const [row] = await withDriver(target.dialect, database.url, (session) => session.query(`SELECT count(*) AS n FROM ${drizzleLedger}`));
      return Number(row.n);
    },
  };
  const floor = {
    label: 'node + driver + the same DDL as one plain script',
    run: (database) => run(process.execPath, [SCRIPT_FLOOR, target.dialect, database.url, projects.scriptFile], workDir),
    // The child exits non-zero if any statement fails; there is no ledger to read.
    applied: async () => count,
    noNoop: true,
  };
  const contenders = [ours, alembic, drizzleKit, floor];
  for (const contender of contenders) {
    contender.full = [];
    contender.noop = [];
    if (contender.skip) console.log(`SKIP ${contender.label} on ${target.title}: ${contender.skip}; install it with \`${ALEMBIC_INSTALL}\``);
  }
  const live = contenders.filter((contender) => !contender.skip);
  const fail = (contender, error) => {
    contender.failed = true;
    console.log(`FAIL ${contender.label} on ${target.title}, no figure for it: ${error.message}`);
  };

  try {
    // Each round: every contender once on its own fresh database; the last one each applied stays for the no-ops.
    for (let i = 0; i < runs; i++) {
      for (const contender of live.filter((c) => !c.failed)) {
        const database = await createDatabase(target);
        try {
          let steps;
          contender.full.push(timedSync(() => (steps = contender.run(database))));
          expectApplied(contender, await contender.applied(database, steps), count, 'full upgrade');
        } catch (error) {
          fail(contender, error);
          await dropDatabase(database);
          continue;
        }
        if (contender.noNoop) {
          await dropDatabase(database);
          continue;
        }
        if (contender.database) await dropDatabase(contender.database);
        contender.database = database;
      }
    }
    for (let i = 0; i < PEER_NOOP_RUNS; i++) {
      for (const contender of live.filter((c) => !c.failed && !c.noNoop)) {
        try {
          let steps;
          contender.noop.push(timedSync(() => (steps = contender.run(contender.database))));
          // Ours reports the steps it ran (none); the peers' ledgers must still say everything is applied.
          expectApplied(contender, await contender.applied(contender.database, steps), contender === ours ? 0 : count, 'no-op upgrade');
        } catch (error) {
          fail(contender, error);
        }
      }
    }
  } finally {
    for (const contender of live) {
      if (contender.database) await dropDatabase(contender.database);
    }
  }

  const figure = (contender, kind) => (contender.failed || contender.skip ? undefined : median(contender[kind]));
  return [
    ...[alembic, drizzleKit, floor].map((peer, i) => ({
      metric: `${i === 0 ? `upgrade head from empty, ${count} revisions: ` : '  '}${ours.label} (${peer === floor ? 'floor' : 'peer'}: ${peer.label})`,
      ours: figure(ours, 'full'),
      floor: figure(peer, 'full'),
    })),
    ...[alembic, drizzleKit].map((peer, i) => ({
      metric: `${i === 0 ? 'no-op at head: ' : '  '}${ours.label} (peer: ${peer.label})`,
      ours: figure(ours, 'noop'),
      floor: figure(peer, 'noop'),
    })),
  ];
}

function expectApplied(contender, applied, expected, what) {
  if (applied !== expected) throw new Error(`${contender.label}, ${what}: expected ${expected} revisions, found ${applied}`);
}

/** The bench's database URL as SQLAlchemy spells it (scheme+driver, and sqlite:////absolute/path). */
function alembicUrl(target, url) {
  const { scheme } = DIALECTS[target.dialect];
  if (target.serverUrl === undefined) return `${scheme}:///${fileURLToPath(url)}`;
  return `${scheme}:${url.slice(url.indexOf('//'))}`;
}

/** Why Alembic cannot run here (the command or a module missing), or undefined. */
function alembicMissing(pythonDriver) {
  if (!existsSync(ALEMBIC)) return `${ALEMBIC} is missing`;
  const probe = spawnSync(PYTHON, ['-c', `import alembic, sqlalchemy, ${pythonDriver}`], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `${PYTHON} cannot import alembic, sqlalchemy and ${pythonDriver}: ${probe.stderr.trim().split('\n').at(-1)}`;
}

/** Runs a command from `cwd`; throws with its output on a non-zero exit. */
function run(command, args, cwd, env = {}) {
  const child = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  if (child.error) throw new Error(`${command} ${args.join(' ')} did not run: ${child.error.message}`);
  if (child.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${child.status ?? child.signal}:\n${child.stderr}${child.stdout}`);
  return child;
}
