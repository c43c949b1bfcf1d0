/**
 * A throwaway Nx workspace with Strata installed from its packed tarballs, for the e2e suites.
 *
 * `packStrata()` builds the packages and `npm pack`s @strata/engine and @strata/nx (once per test file,
 * in `beforeAll`); `createWorkspace()` writes the fixture (support/fixture.ts) into a temp folder,
 * extracts the tarballs into its node_modules as a registry install would, and links every other
 * package from Strata's own node_modules. A fresh `npm install` instead would need the registry and
 * rebuild better-sqlite3's native module (about 50 s); the packed tarballs are still what gets tested:
 * their `files` lists, `exports`, and the plugin's generators.json/executors.json paths.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, rmdir, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DialectName } from '../../../packages/engine/src/dialects/dialect.js';
import { loadDialect } from '../../../packages/engine/src/dialects/registry.js';
import { DEFAULT_SQLITE_FILE, DIALECT_ENV, fixtureFiles, URL_ENV } from './fixture.js';

/** Strata's repository root. */
/**
 * The time an e2e test may take. Each spawns several Nx commands (2–3 s each on a quiet machine); CI runs
 * on a loaded 2-core machine, where one command has been seen to take 20 s, so the bound is generous.
 */
export const NX_TEST_TIMEOUT_MS = 300_000;

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The packages linked from Strata's node_modules into the workspace: Nx, the Drizzle tools, the
 * engine's dependencies and the database drivers. Their own dependencies resolve from their real path.
 */
const LINKED_PACKAGES = ['nx', '@nx/devkit', 'drizzle-orm', 'drizzle-kit', 'ts-morph', 'sucrase', 'pg', 'mysql2', 'better-sqlite3', '@electric-sql/pglite', 'typescript', 'tslib'];

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr, for assertions on what a person would see. */
  readonly output: string;
  readonly ms: number;
}

/** The tarballs `npm pack` wrote. */
export interface StrataTarballs {
  readonly engine: string;
  readonly nx: string;
  /** Removes the folder holding them. */
  dispose(): Promise<void>;
}

/** Runs a command; never throws for a non-zero exit (the result says it). */
export function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CommandResult> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, output: `${stdout}\n${stderr}`, ms: performance.now() - started });
    });
  });
}

/** Throws with the command's output when it failed. */
export function expectSuccess(result: CommandResult, what: string): CommandResult {
  if (result.code !== 0) throw new Error(`${what} exited with ${String(result.code)}:\n${result.output}`);
  return result;
}

/**
 * Builds the packages (`npm run build`) and packs @strata/engine and @strata/nx into a temp folder.
 * Test files run in parallel: a lock folder keeps two builds from writing dist at once.
 */
export async function packStrata(): Promise<StrataTarballs> {
  const destination = await mkdtemp(join(tmpdir(), 'strata-e2e-pack-'));
  let packed: CommandResult;
  try {
    await withLock(join(tmpdir(), 'strata-e2e-build.lock'), async () => {
      expectSuccess(await run('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, timeoutMs: 120_000 }), 'npm run build');
    });
    packed = expectSuccess(
      await run('npm', ['pack', '--workspace', 'packages/engine', '--workspace', 'packages/nx', '--pack-destination', destination, '--json'], {
        cwd: REPO_ROOT,
      }),
      'npm pack',
    );
  } catch (error) {
    await rm(destination, { recursive: true, force: true });
    throw error;
  }
  const files = (JSON.parse(packed.stdout) as { name: string; filename: string }[]).map((p) => [p.name, join(destination, p.filename)] as const);
  const tarball = (name: string): string => {
    const file = files.find(([packageName]) => packageName === name)?.[1];
    if (file === undefined || !existsSync(file)) throw new Error(`npm pack wrote no tarball for ${name}: ${packed.stdout}`);
    return file;
  };
  return { engine: tarball('@strata/engine'), nx: tarball('@strata/nx'), dispose: () => rm(destination, { recursive: true, force: true }) };
}

async function withLock<T>(lock: string, body: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a killed run (older than any build) is taken over.
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > 180_000) await rmdir(lock).catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await body();
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
}

/** What the workspace's commands run with: no daemon, no cloud, no colors, and none of the caller's Nx or Strata settings. */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(NX_|STRATA_|VITEST|npm_)/.test(key) || key === 'DATABASE_URL' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return {
    ...env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    GIT_AUTHOR_NAME: 'Strata E2E',
    GIT_AUTHOR_EMAIL: 'e2e@strata.test',
    GIT_COMMITTER_NAME: 'Strata E2E',
    GIT_COMMITTER_EMAIL: 'e2e@strata.test',
    GIT_CONFIG_NOSYSTEM: '1',
    ...extra,
  };
}

export interface Workspace {
  readonly root: string;
  /** `nx <args> --output-style=static`-style run through the workspace's own nx. */
  nx(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<CommandResult>;
  /** The packed `strata` command. */
  strata(args: readonly string[], cwd?: string, env?: NodeJS.ProcessEnv): Promise<CommandResult>;
  git(args: readonly string[]): Promise<CommandResult>;
  /** Stages everything and commits. */
  commit(message: string): Promise<void>;
  read(path: string): Promise<string>;
  write(path: string, content: string): Promise<void>;
  /** Files of a folder, sorted ([] when it does not exist). */
  list(path: string): Promise<string[]>;
  /** The URL of the default SQLite database. */
  readonly sqliteUrl: string;
  dispose(): Promise<void>;
}

/**
 * A temp workspace holding the fixture, Strata from `tarballs`, and a git repository with one commit.
 * `registerPlugin: false` leaves nx.json without the plugin (for the init generator to add).
 */
export async function createWorkspace(tarballs: StrataTarballs, options: { label: string; registerPlugin: boolean; env?: NodeJS.ProcessEnv }): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), `strata-e2e-${options.label}-`));
  const modules = join(root, 'node_modules');
  try {
    for (const [path, content] of Object.entries(fixtureFiles({ registerPlugin: options.registerPlugin }))) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    }
    for (const [name, tarball] of [
      ['@strata/engine', tarballs.engine],
      ['@strata/nx', tarballs.nx],
    ] as const) {
      await mkdir(join(modules, name), { recursive: true });
      expectSuccess(await run('tar', ['-xzf', tarball, '-C', join(modules, name), '--strip-components=1'], { cwd: root }), `extracting ${name}`);
    }
    for (const name of LINKED_PACKAGES) {
      const target = join(REPO_ROOT, 'node_modules', name);
      if (!existsSync(target)) continue;
      await mkdir(dirname(join(modules, name)), { recursive: true });
      await symlink(target, join(modules, name), 'dir');
    }
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }

  // nx 23 keeps its bin under dist/: read where, as npm's bin link would.
  const nxPackage = JSON.parse(await readFile(join(modules, 'nx', 'package.json'), 'utf8')) as { bin: Record<string, string> };
  const nxBin = join(modules, 'nx', nxPackage.bin['nx'] as string);
  const baseEnv = options.env ?? {};
  const workspace: Workspace = {
    root,
    sqliteUrl: `file:${join(root, DEFAULT_SQLITE_FILE)}`,
    nx: (args, env) =>
      run(process.execPath, [nxBin, ...args], { cwd: root, env: cleanEnv({ ...baseEnv, ...env }) }),
    strata: (args, cwd, env) =>
      run(process.execPath, [join(modules, '@strata', 'engine', 'bin', 'strata.js'), ...args], { cwd: cwd ?? root, env: cleanEnv({ ...baseEnv, ...env }) }),
    git: (args) => run('git', args, { cwd: root, env: cleanEnv({}) }),
    async commit(message) {
      expectSuccess(await workspace.git(['add', '-A']), 'git add');
      expectSuccess(await workspace.git(['commit', '-q', '--no-verify', '-m', message]), 'git commit');
    },
    read: (path) => readFile(join(root, path), 'utf8'),
    write: async (path, content) => {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    },
    list: (path) => readdir(join(root, path)).then((files) => files.sort(), () => []),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
  expectSuccess(await workspace.git(['init', '-q', '-b', 'main']), 'git init');
  await workspace.commit('fixture workspace');
  return workspace;
}

/** The env pair that points the fixture's streams at a database (support/fixture.ts). */
export function databaseEnv(dialect: DialectName, url: string): NodeJS.ProcessEnv {
  return { [DIALECT_ENV]: dialect, [URL_ENV]: url };
}

export interface HistoryRow {
  readonly id: number;
  readonly stream: string;
  readonly revision: string;
  readonly direction: string;
}

export interface Ledger {
  /** `strata_history`, oldest first. */
  readonly history: HistoryRow[];
  /** `strata_version`: stream → its heads. */
  readonly versions: Record<string, string[]>;
  /** The tables of the database, Strata's own left out. */
  readonly tables: string[];
}

/** Reads the ledger (and the table names) back from a database. */
export async function readLedger(dialect: DialectName, url: string): Promise<Ledger> {
  const impl = await loadDialect(dialect);
  const connection = await impl.connect(url);
  try {
    const history = (await connection.query('SELECT id, stream, revision, direction FROM strata_history ORDER BY id')).map((row) => ({
      id: Number(row.id),
      stream: String(row.stream),
      revision: String(row.revision),
      direction: String(row.direction),
    }));
    const versions: Record<string, string[]> = {};
    for (const row of await connection.query('SELECT stream, version_num FROM strata_version ORDER BY stream, version_num')) {
      (versions[String(row.stream)] ??= []).push(String(row.version_num));
    }
    const tableQuery =
      dialect === 'sqlite'
        ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        : dialect === 'postgresql'
          ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'"
          : 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()';
    const tables = (await connection.query(tableQuery))
      .map((row) => String(row.name ?? row.NAME ?? row.TABLE_NAME))
      .filter((name) => !name.startsWith('strata_'))
      .sort();
    return { history, versions, tables };
  } finally {
    await connection.close();
  }
}

/** The id of the revision file `file` (`id: '…'`). */
export function revisionIdOf(source: string): string {
  const match = /\bid:\s*'([0-9a-z_]+)'/.exec(source);
  if (match === null) throw new Error(`No revision id in:\n${source}`);
  return match[1] as string;
}

/** The tasks Nx ran, from `--output-style=static` output: `> nx run billing:migrate-test  [local cache]` → { task, cached }. */
export function tasksRun(output: string): { task: string; cached: boolean }[] {
  const tasks: { task: string; cached: boolean }[] = [];
  for (const match of output.matchAll(/^\s*>\s+nx run ([\w.-]+:[\w.-]+)(.*)$/gm)) {
    tasks.push({ task: match[1] as string, cached: /local cache|remote cache|existing outputs match the cache/.test(match[2] as string) });
  }
  return tasks;
}
