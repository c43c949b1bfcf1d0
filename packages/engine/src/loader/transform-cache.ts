import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { TOOL_VERSION } from '../version.js';

/**
 * A disk cache of revision files as compiled to CommonJS, keyed by a hash of the source, the
 * engine's version (which pins its compiler) and the compile options: a file already compiled once
 * is read back instead of compiled again, so every command after the first skips most of the cost of
 * loading a stream. A changed file has another key; nothing is ever stale, only unused.
 *
 * Where: `STRATA_CACHE_DIR` when set (`off` turns the cache off), else `node_modules/.cache/strata`
 * of the nearest folder above the file that has a `node_modules` (where build tools keep their
 * caches), else a folder of the user's in the system's temp folder. A cache that cannot be written
 * (a read-only checkout) is skipped without a word: it only ever saves time.
 */
export class TransformCache {
  readonly #salt: string;
  readonly #fixedDir: string | undefined;
  readonly #dirs = new Map<string, string>();
  #disabled: boolean;

  /** @param options what else the compiled text depends on besides the source (the compile options). */
  constructor(options: unknown, env: NodeJS.ProcessEnv = process.env) {
    this.#salt = `${TOOL_VERSION}\0${JSON.stringify(options)}\0`;
    const configured = env['STRATA_CACHE_DIR'];
    this.#disabled = configured === 'off';
    this.#fixedDir = configured === undefined || configured === '' || configured === 'off' ? undefined : configured;
  }

  /** The compiled text of `file`: read from the cache, or made by `compile` and stored. */
  get(file: string, source: string, compile: () => string): string {
    if (this.#disabled) return compile();
    const dir = this.#dirFor(file);
    const key = createHash('sha256').update(this.#salt).update(source).digest('hex');
    const path = join(dir, key.slice(0, 2), `${key}.js`);
    try {
      return readFileSync(path, 'utf8');
    } catch {
      const code = compile();
      this.#store(path, code);
      return code;
    }
  }

  /** Writes through a temp file and a rename, so a concurrent reader sees the whole text or none. */
  #store(path: string, code: string): void {
    try {
      mkdirSync(dirname(path), { recursive: true });
      const temp = `${path}.${process.pid}.tmp`;
      writeFileSync(temp, code);
      renameSync(temp, path);
    } catch {
      // Read-only or full: compile every time, as without a cache.
      this.#disabled = true;
    }
  }

  #dirFor(file: string): string {
    if (this.#fixedDir !== undefined) return this.#fixedDir;
    const start = dirname(file);
    const known = this.#dirs.get(start);
    if (known !== undefined) return known;
    const dir = nodeModulesCache(start) ?? join(tmpdir(), `strata-cache-${safeUser()}`);
    this.#dirs.set(start, dir);
    return dir;
  }
}

/** `node_modules/.cache/strata` of the nearest folder from `start` up that has a `node_modules`. */
function nodeModulesCache(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const modules = join(dir, 'node_modules');
    if (isDirectory(modules)) return join(modules, '.cache', 'strata');
    if (dirname(dir) === dir) return undefined;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The user's name for the temp folder's cache, or their uid where there is no name. */
function safeUser(): string {
  try {
    return userInfo().username.replace(/[^A-Za-z0-9_.-]/g, '_');
  } catch {
    return String(process.getuid?.() ?? 'user');
  }
}
