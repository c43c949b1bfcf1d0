import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Connection, Row } from '../connection.js';
import type { ConnectOptions, LockOptions, MigrationLock } from '../dialect.js';
import { DatabaseFileMissingError, DriverMissingError, EmbeddedExtensionMissingError, InvalidUrlError, LockTimeoutError, PgliteCannotOpenError, type DialectErrorContext } from '../errors.js';
import { statementError } from './postgres-connection.js';

/** @internal The part of a PGlite instance Strata uses (structural: `@electric-sql/pglite` stays an optional peer). */
export interface PgliteInstance {
  query(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
  readonly closed: boolean;
}

/** @internal What Strata needs from `@electric-sql/pglite`. */
interface PgliteModule {
  PGlite: { create(options: { dataDir?: string; extensions?: Record<string, unknown> }): Promise<PgliteInstance> };
}

/** The extensions PGlite ships as `@electric-sql/pglite/contrib/<name>` (module names: `uuid-ossp` is `uuid_ossp`). */
export const PGLITE_CONTRIB_EXTENSIONS: readonly string[] = [
  'amcheck', 'auto_explain', 'bloom', 'btree_gin', 'btree_gist', 'citext', 'cube', 'dict_int', 'dict_xsyn', 'earthdistance',
  'file_fdw', 'fuzzystrmatch', 'hstore', 'intarray', 'isn', 'lo', 'ltree', 'moddatetime', 'pageinspect', 'pg_buffercache',
  'pg_freespacemap', 'pg_stat_statements', 'pg_surgery', 'pg_trgm', 'pg_visibility', 'pg_walinspect', 'pgcrypto', 'seg',
  'tablefunc', 'tcn', 'tsm_system_rows', 'tsm_system_time', 'unaccent', 'uuid_ossp',
];

/** Where a `pglite:` URL keeps its database, and which bundled extensions it loads. */
export interface PgliteLocation {
  /** `memory://<name>` (in this process only) or an absolute directory. */
  readonly dataDir: string;
  readonly memory: boolean;
  /** Extension module names (`uuid_ossp`), from `?extensions=pg_trgm,uuid-ossp`. */
  readonly extensions: readonly string[];
}

/** True for the URLs PGlite serves: `pglite:` followed by a place (see {@link pgliteLocation}). */
export function isPgliteUrl(url: string): boolean {
  return /^pglite:/i.test(url.trim());
}

/**
 * Reads a `pglite:` URL: `pglite:` or `pglite:memory://` (an in-memory database, one per process),
 * `pglite:memory://name` (a named one, shared by every connection of this process that names it),
 * or `pglite:` followed by a directory (`pglite:./.pglite/app`, `pglite:///var/lib/app`), relative to
 * `baseDir`. `?extensions=pg_trgm,uuid-ossp` loads extensions PGlite bundles.
 *
 * @example
 * ```ts
 * import { pgliteLocation } from '@strata/engine';
 * pgliteLocation('pglite:./data/pg?extensions=pg_trgm', '/repo');
 * // { dataDir: '/repo/data/pg', memory: false, extensions: ['pg_trgm'] }
 * ```
 */
export function pgliteLocation(url: string, baseDir: string = process.cwd()): PgliteLocation {
  const trimmed = url.trim();
  const context: DialectErrorContext = { dialect: 'postgresql', redactedUrl: trimmed };
  if (!isPgliteUrl(trimmed)) throw new InvalidUrlError({ ...context, reason: 'a PGlite URL starts with pglite:' });
  const rest = trimmed.slice('pglite:'.length);
  const query = rest.indexOf('?');
  const place = query < 0 ? rest : rest.slice(0, query);
  const settings = new URLSearchParams(query < 0 ? '' : rest.slice(query + 1));
  if (settings.has('schema')) {
    throw new InvalidUrlError({
      ...context,
      reason: 'PGlite runs one session for the whole instance, so tenants cannot each have a search_path of their own (?schema= needs a PostgreSQL server); give each tenant its own pglite: directory instead',
    });
  }
  const extensions = (settings.get('extensions') ?? '')
    .split(',')
    .map((name) => name.trim().replaceAll('-', '_'))
    .filter((name) => name !== '');
  const unknown = extensions.filter((name) => !PGLITE_CONTRIB_EXTENSIONS.includes(name));
  if (unknown.length > 0) {
    throw new InvalidUrlError({ ...context, reason: `PGlite bundles no extension ${unknown.join(', ')} (it bundles ${PGLITE_CONTRIB_EXTENSIONS.join(', ')})` });
  }
  if (place === '' || /^memory(:\/\/)?$/i.test(place)) return { dataDir: 'memory://', memory: true, extensions };
  if (/^memory:\/\//i.test(place)) return { dataDir: `memory://${place.slice('memory://'.length)}`, memory: true, extensions };
  const path = decodeURIComponent(place.startsWith('//') ? place.slice(2) : place);
  return { dataDir: isAbsolute(path) ? path : resolve(baseDir, path), memory: false, extensions };
}

/** One PGlite instance per data directory (or memory name) in this process, shared by its connections. */
interface SharedInstance {
  readonly instance: Promise<PgliteInstance>;
  users: number;
  /** The migration lock: the instance is one session, where an advisory lock would let every caller in. */
  locked: boolean;
  /** Runners waiting for the lock, first come first served. */
  readonly waiting: Array<() => void>;
}

const instances = new Map<string, SharedInstance>();

/** The place and the extensions: an instance is made with its extensions, so both tell instances apart. */
function instanceKey(location: PgliteLocation): string {
  return `${location.dataDir}?${[...location.extensions].sort().join(',')}`;
}

/**
 * A session on PGlite, the PostgreSQL server compiled to WebAssembly that runs inside this process
 * (`@electric-sql/pglite`). It speaks PostgreSQL, so the PostgreSQL dialect's renderer, reader and
 * normalizer serve it unchanged; only the connection differs. PGlite is one session: connections of
 * one process to the same place share it, an in-memory database lives until the process ends or
 * {@link disposePglite}, and a directory is closed (and flushed) when its last connection closes.
 * A data directory must not be opened by two processes at once.
 *
 * @example
 * ```ts
 * import { PgliteConnection } from '@strata/engine';
 * const connection = await PgliteConnection.open('pglite:memory://scratch');
 * await connection.query('select $1::int as n', [1]);
 * await connection.close();
 * ```
 */
export class PgliteConnection implements Connection {
  readonly dialect = 'postgresql' as const;
  readonly redactedUrl: string;
  /** Data migrations bind Drizzle's PGlite driver to the instance (`ctx.drizzle()`). */
  readonly drizzleAdapter = 'drizzle-orm/pglite';
  readonly #location: PgliteLocation;
  readonly #shared: SharedInstance;
  readonly #instance: PgliteInstance;
  #inTransaction = false;
  #closed = false;

  private constructor(url: string, location: PgliteLocation, shared: SharedInstance, instance: PgliteInstance) {
    this.redactedUrl = url;
    this.#location = location;
    this.#shared = shared;
    this.#instance = instance;
  }

  /**
   * Opens (or joins) the PGlite instance the URL names, loading PGlite and the extensions asked for on
   * first use. With `options.mustExist`, a data directory that does not exist throws
   * `DatabaseFileMissingError` and is not created.
   */
  static async open(url: string, options: ConnectOptions = {}): Promise<PgliteConnection> {
    const location = pgliteLocation(url);
    const key = instanceKey(location);
    let shared = instances.get(key);
    if (shared === undefined && options.mustExist === true && !location.memory && !existsSync(location.dataDir)) {
      throw new DatabaseFileMissingError({ dialect: 'postgresql', redactedUrl: url.trim(), path: location.dataDir, what: 'PGlite data directory' });
    }
    if (shared === undefined) {
      shared = { instance: createInstance(url, location), users: 0, locked: false, waiting: [] };
      instances.set(key, shared);
      shared.instance.catch(() => instances.delete(key));
    }
    shared.users += 1;
    try {
      return new PgliteConnection(url.trim(), location, shared, await shared.instance);
    } catch (error) {
      shared.users -= 1;
      throw error;
    }
  }

  get inTransaction(): boolean {
    return this.#inTransaction;
  }

  get driver(): unknown {
    return this.#instance;
  }

  async query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const result = await this.#run(sql, () => this.#instance.query(sql, [...params]));
    return result.rows;
  }

  async executeScript(sql: string): Promise<void> {
    await this.#run(sql, () => this.#instance.exec(sql));
  }

  async begin(): Promise<void> {
    await this.#run('BEGIN', () => this.#instance.query('BEGIN'));
    this.#inTransaction = true;
  }

  async commit(): Promise<void> {
    try {
      await this.#run('COMMIT', () => this.#instance.query('COMMIT'));
    } finally {
      this.#inTransaction = false;
    }
  }

  async rollback(): Promise<void> {
    if (!this.#inTransaction) return;
    try {
      await this.#run('ROLLBACK', () => this.#instance.query('ROLLBACK'));
    } finally {
      this.#inTransaction = false;
    }
  }

  /**
   * Takes the migration lock of this instance, shared with every connection of this process to it,
   * waiting up to `timeoutMs`. (Another process cannot open the same data directory at all.)
   */
  async acquireLock(options: LockOptions): Promise<MigrationLock> {
    const shared = this.#shared;
    if (shared.locked) {
      await new Promise<void>((resolve, reject) => {
        const turn = (): void => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          shared.waiting.splice(shared.waiting.indexOf(turn), 1);
          reject(new LockTimeoutError({ dialect: 'postgresql', redactedUrl: this.redactedUrl, timeoutMs: options.timeoutMs, holder: 'another runner in this process' }));
        }, options.timeoutMs);
        shared.waiting.push(turn);
      });
    }
    shared.locked = true;
    let released = false;
    return {
      release(): Promise<void> {
        if (released) return Promise.resolve();
        released = true;
        // The next runner in line gets the lock as it is released, so no newcomer slips in between.
        const next = shared.waiting.shift();
        if (next === undefined) shared.locked = false;
        else next();
        return Promise.resolve();
      },
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // A transaction left open would otherwise carry over to the next connection of the same instance.
    if (this.#inTransaction) await this.rollback().catch(() => undefined);
    const key = instanceKey(this.#location);
    const shared = instances.get(key);
    if (shared === undefined) return;
    shared.users -= 1;
    if (shared.users === 0 && !this.#location.memory) {
      instances.delete(key);
      await this.#instance.close();
    }
  }

  async #run<T>(sql: string, call: () => Promise<T>): Promise<T> {
    if (this.#closed || this.#instance.closed) throw new Error(`The connection to ${this.redactedUrl} is closed.`);
    try {
      return await call();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const context: DialectErrorContext = { dialect: 'postgresql', redactedUrl: this.redactedUrl, cause: error };
      const extension = /^extension "([^"]+)" is not available/.exec(message)?.[1];
      if (extension !== undefined) {
        throw new EmbeddedExtensionMissingError({ ...context, extension, bundled: PGLITE_CONTRIB_EXTENSIONS.includes(extension.replaceAll('-', '_')) });
      }
      throw statementError(context, error, sql, message, 'postgres');
    }
  }
}

/**
 * Closes the in-memory PGlite database a `pglite:memory://…` URL names and forgets it (a directory's
 * instance closes with its last connection). Safe to call for a URL never opened.
 */
export async function disposePglite(url: string): Promise<void> {
  const key = instanceKey(pgliteLocation(url));
  const shared = instances.get(key);
  if (shared === undefined) return;
  instances.delete(key);
  const instance = await shared.instance.catch(() => undefined);
  if (instance !== undefined && !instance.closed) await instance.close();
}

async function createInstance(url: string, location: PgliteLocation): Promise<PgliteInstance> {
  const context: DialectErrorContext = { dialect: 'postgresql', redactedUrl: url.trim() };
  let pglite: PgliteModule;
  try {
    pglite = (await import('@electric-sql/pglite')) as unknown as PgliteModule;
  } catch (error) {
    if (DriverMissingError.isMissingPackage(error, '@electric-sql/pglite')) {
      throw new DriverMissingError({ ...context, cause: error, packageName: '@electric-sql/pglite', otherwise: 'or use a PostgreSQL server URL (postgres://…) instead' });
    }
    throw error;
  }
  const extensions: Record<string, unknown> = {};
  for (const name of location.extensions) {
    const module = (await import(`@electric-sql/pglite/contrib/${name}`)) as Record<string, unknown>;
    extensions[name] = module[name];
  }
  if (location.memory) return pglite.PGlite.create({ dataDir: location.dataDir, extensions });
  checkDataDir(location.dataDir, context);
  try {
    return await pglite.PGlite.create({ dataDir: location.dataDir, extensions });
  } catch (error) {
    throw new PgliteCannotOpenError({
      ...context,
      cause: error,
      path: location.dataDir,
      reason: error instanceof Error ? error.message : String(error),
      hint: 'Point the URL at a PGlite data directory, or at an empty or new folder where one may be created.',
    });
  }
}

/** Fails early, with the path, where PGlite would fail inside its file system layer (ENOENT, ENOTDIR). */
function checkDataDir(path: string, context: DialectErrorContext): void {
  const parent = dirname(path);
  if (!existsSync(parent)) {
    throw new PgliteCannotOpenError({ ...context, path, reason: `the directory ${parent} does not exist`, hint: `Create it (mkdir -p ${parent}) or fix the path in the URL.` });
  }
  if (existsSync(path) && !statSync(path).isDirectory()) {
    throw new PgliteCannotOpenError({ ...context, path, reason: 'it is a file, not a directory', hint: 'Name a folder for the data directory, e.g. .pglite/app.' });
  }
}
