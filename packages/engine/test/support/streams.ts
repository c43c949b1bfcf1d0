import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { Dialect } from '../../src/dialects/dialect.js';
import { withConnection } from '../../src/dialects/connection.js';

/** The engine package folder (packages/engine). */
export const ENGINE_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
/** The real `strata` binary (runs the compiled dist/: `npm run build` first). */
export const STRATA_BIN = join(ENGINE_DIR, 'bin', 'strata.js');
/** The engine's version, as every history row records it. */
export const ENGINE_VERSION: string = (JSON.parse(readFileSync(join(ENGINE_DIR, 'package.json'), 'utf8')) as { version: string }).version;
/** `user@host` as the ledger records the process that wrote a row. */
export const APPLIED_BY = `${userInfo().username}@${hostname()}`;

// ---------------------------------------------------------------------------------------------
// Revision files
// ---------------------------------------------------------------------------------------------

/** One revision file to write. Without `upgrade`/`downgrade`, it creates and drops table `t_<id>`. */
export interface RevisionSpec {
  readonly id: string;
  readonly parents?: readonly string[];
  /** Same-stream ids or `stream@id` entries the revision needs besides its parents. */
  readonly dependsOn?: readonly string[];
  readonly message?: string;
  /** Statements run in order by upgrade (default: `CREATE TABLE t_<id> (id integer PRIMARY KEY)`; `[]` for a merge). */
  readonly upgrade?: readonly string[];
  /** Statements run in order by downgrade (default: `DROP TABLE t_<id>`). */
  readonly downgrade?: readonly string[];
  /** Milliseconds each upgrade and downgrade waits first, in the database (pg_sleep, SLEEP) or, on SQLite, in JS. */
  readonly sleepMs?: number;
}

/** The table a default revision creates. */
export function tableOf(id: string): string {
  return `t_${id}`;
}

/** The default statements of a revision: merges (several parents) do nothing, others create `t_<id>`. */
function statementsOf(spec: RevisionSpec): { up: readonly string[]; down: readonly string[] } {
  const isMerge = (spec.parents?.length ?? 0) > 1;
  return {
    up: spec.upgrade ?? (isMerge ? [] : [`CREATE TABLE ${tableOf(spec.id)} (id integer PRIMARY KEY)`]),
    down: spec.downgrade ?? (isMerge ? [] : [`DROP TABLE ${tableOf(spec.id)}`]),
  };
}

let fileCounter = 0;

/**
 * Writes `YYYYMMDD_HHMM_<slug>.ts` for `spec` in `dir` (created if needed) and returns its absolute
 * path. Each call takes the next minute of 2024-01-01, so file names never collide and sort in the
 * order they were written.
 */
export function writeRevision(dir: string, spec: RevisionSpec): string {
  mkdirSync(dir, { recursive: true });
  const n = fileCounter++;
  const stamp = `20240101_${String(Math.floor(n / 60) % 24).padStart(2, '0')}${String(n % 60).padStart(2, '0')}`;
  const slug = (spec.message ?? `rev ${spec.id}`).toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  const file = join(dir, `${stamp}_${slug}.ts`);
  writeFileSync(file, revisionSource(spec));
  return file;
}

/** The TypeScript source of a revision file for `spec`. */
export function revisionSource(spec: RevisionSpec): string {
  const { up, down } = statementsOf(spec);
  const sleep = spec.sleepMs
    ? [
        `    if (dialect === 'postgresql') await execute('SELECT pg_sleep(${spec.sleepMs / 1000})');`,
        `    else if (dialect === 'mysql') await execute('SELECT SLEEP(${spec.sleepMs / 1000})');`,
        `    else await new Promise<void>((done) => setTimeout(done, ${spec.sleepMs}));`,
      ]
    : [];
  const body = (statements: readonly string[]) => [...sleep, ...statements.map((sql) => `    await execute(${JSON.stringify(sql)});`)];
  return [
    "import { revision } from '@strata/engine';",
    '',
    'export default revision({',
    `  id: ${JSON.stringify(spec.id)},`,
    `  parents: ${JSON.stringify(spec.parents ?? [])},`,
    ...(spec.dependsOn ? [`  dependsOn: ${JSON.stringify(spec.dependsOn)},`] : []),
    `  message: ${JSON.stringify(spec.message ?? `rev ${spec.id}`)},`,
    '  async upgrade({ execute, dialect }) {',
    '    void dialect;',
    ...body(up),
    '  },',
    '  async downgrade({ execute, dialect }) {',
    '    void dialect;',
    ...body(down),
    '  },',
    '});',
    '',
  ].join('\n');
}

/**
 * Writes a stream from a compact spec, one string per revision: `'aaaa'` (a base), `'bbbb<-aaaa'`,
 * `'mmmm<-bbbb,cccc'` (a merge). Returns each id's file. `extra` adds options per id (sleepMs...).
 *
 * @example
 * ```ts
 * const files = writeStream(dir, ['aaaa', 'bbbb<-aaaa', 'cccc<-aaaa', 'dddd<-bbbb,cccc']);
 * ```
 */
export function writeStream(dir: string, specs: readonly string[], extra: Readonly<Record<string, Partial<RevisionSpec>>> = {}): Record<string, string> {
  const files: Record<string, string> = {};
  for (const spec of specs) {
    const [id, parentList] = spec.split('<-') as [string, string | undefined];
    const parents = parentList === undefined || parentList === '' ? [] : parentList.split(',');
    files[id] = writeRevision(dir, { id, parents, ...extra[id] });
  }
  return files;
}

/** sha256 of a file's bytes, hex: the checksum the ledger records. */
export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** A temp folder under os.tmpdir(); `remove()` deletes it. */
export function makeTempDir(label: string): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `strata-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

// ---------------------------------------------------------------------------------------------
// Running the CLI
// ---------------------------------------------------------------------------------------------

/** What one `strata` run produced. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Collects what is written to it. */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Runs `strata <argv>` in this process (fast) and captures its output and exit code. */
export async function runCli(argv: readonly string[], options: { cwd?: string } = {}): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(argv, { stdout, stderr, ...(options.cwd ? { cwd: options.cwd } : {}) });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Runs the real binary (`node bin/strata.js <argv>`) as a child process. */
export function runBinary(argv: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [STRATA_BIN, ...argv], {
      cwd: options.cwd ?? ENGINE_DIR,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}

/** The one JSON document a `--json` run prints on stdout. */
export function jsonOf<T = Record<string, unknown>>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch (error) {
    throw new Error(`stdout is not one JSON document (${(error as Error).message}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

/** Human-readable dump of a run for assertion messages. */
export function describeRun(run: CliRun): string {
  return `exit ${run.code}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`;
}

/**
 * A stream under test: a revisions folder in a temp project folder, a database URL and a stream
 * name. `cli(...)` runs in-process with `--url`, `--dir` and `--stream` appended.
 */
export class StreamFixture {
  readonly dir: string;
  constructor(
    readonly root: string,
    readonly name: string,
    readonly url: string,
    dir?: string,
  ) {
    this.dir = dir ?? join(root, name, 'migrations');
    mkdirSync(this.dir, { recursive: true });
  }

  /** The flags that point the CLI at this stream. */
  flags(): string[] {
    return ['--url', this.url, '--dir', this.dir, '--stream', this.name];
  }

  /** `strata <argv> --url … --dir … --stream …`, in-process. */
  cli(...argv: string[]): Promise<CliRun> {
    return runCli([...argv, ...this.flags()], { cwd: this.root });
  }

  /** The same through the real binary, as a child process. */
  binary(...argv: string[]): Promise<CliRun> {
    return runBinary([...argv, ...this.flags()], { cwd: this.root });
  }

  write(specs: readonly string[], extra: Readonly<Record<string, Partial<RevisionSpec>>> = {}): Record<string, string> {
    return writeStream(this.dir, specs, extra);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading the database
// ---------------------------------------------------------------------------------------------

/** A row of strata_history as the tests compare it. */
export interface HistoryRow {
  readonly id: number;
  readonly revision: string;
  readonly direction: string;
  readonly message: string;
  readonly file: string | null;
  readonly checksum: string | null;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly durationMs: number;
  readonly appliedBy: string;
  readonly toolVersion: string;
}

/** The engine's own helper, re-exported for the suites that import it from here. */
export { withConnection } from '../../src/dialects/connection.js';

/** The names of the tables in the database, sorted (ledger and lock tables included). */
export async function listAllTables(dialect: Dialect, url: string): Promise<string[]> {
  const sql =
    dialect.name === 'postgresql'
      ? 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()'
      : dialect.name === 'mysql'
        ? 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()'
        : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
  const rows = await withConnection(dialect, url, (c) => c.query(sql));
  return rows.map((r) => String(r['name'] ?? r['NAME'])).sort();
}

/** The user tables in the database, sorted: every table but Strata's own (`strata_*`). */
export async function listTables(dialect: Dialect, url: string): Promise<string[]> {
  return (await listAllTables(dialect, url)).filter((name) => !name.startsWith('strata_'));
}

/** The stream's rows of strata_version, sorted ([] when the table does not exist). */
export async function versionRows(dialect: Dialect, url: string, stream: string): Promise<string[]> {
  return withConnection(dialect, url, async (c) => {
    if (!(await dialect.tableExists(c, 'strata_version'))) return [];
    const q = (n: string) => dialect.quoteIdentifier(n);
    const rows = await c.query(`SELECT ${q('version_num')} AS v FROM ${q('strata_version')} WHERE ${q('stream')} = ${dialect.placeholder(1)}`, [stream]);
    return rows.map((r) => String(r['v'])).sort();
  });
}

/** The stream's rows of strata_history, oldest first ([] when the table does not exist). */
export async function historyRows(dialect: Dialect, url: string, stream: string): Promise<HistoryRow[]> {
  return withConnection(dialect, url, async (c) => {
    if (!(await dialect.tableExists(c, 'strata_history'))) return [];
    const q = (n: string) => dialect.quoteIdentifier(n);
    const columns = ['id', 'revision', 'direction', 'message', 'file', 'checksum', 'started_at', 'finished_at', 'duration_ms', 'applied_by', 'tool_version'];
    const rows = await c.query(
      `SELECT ${columns.map((col) => `${q(col)} AS ${q(col)}`).join(', ')} FROM ${q('strata_history')} WHERE ${q('stream')} = ${dialect.placeholder(1)} ORDER BY ${q('id')}`,
      [stream],
    );
    const date = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));
    return rows.map((r) => ({
      id: Number(r['id']),
      revision: String(r['revision']),
      direction: String(r['direction']),
      message: String(r['message']),
      file: r['file'] === null ? null : String(r['file']),
      checksum: r['checksum'] === null ? null : String(r['checksum']),
      startedAt: date(r['started_at']),
      finishedAt: date(r['finished_at']),
      durationMs: Number(r['duration_ms']),
      appliedBy: String(r['applied_by']),
      toolVersion: String(r['tool_version']),
    }));
  });
}

/** Inserts a row into strata_version directly (e.g. a revision no file declares). */
export async function insertVersionRow(dialect: Dialect, url: string, stream: string, version: string): Promise<void> {
  await withConnection(dialect, url, async (c) => {
    const q = (n: string) => dialect.quoteIdentifier(n);
    await c.query(`INSERT INTO ${q('strata_version')} (${q('stream')}, ${q('version_num')}) VALUES (${dialect.placeholder(1)}, ${dialect.placeholder(2)})`, [
      stream,
      version,
    ]);
  });
}

/** What a stream's ledger and the database's tables look like at one moment. */
export interface LedgerSnapshot {
  readonly versions: string[];
  readonly history: HistoryRow[];
  readonly tables: string[];
}

/** Reads the stream's version rows and history, and the database's user tables. */
export async function snapshot(dialect: Dialect, url: string, stream: string): Promise<LedgerSnapshot> {
  return {
    versions: await versionRows(dialect, url, stream),
    history: await historyRows(dialect, url, stream),
    tables: await listTables(dialect, url),
  };
}
