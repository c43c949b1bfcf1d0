import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { TOOL_VERSION } from '../version.js';

/** One pack file: entries by content hash, read on first use. */
interface PackFile<T> {
  readonly path: string;
  entries: Map<string, T> | undefined;
  changed: boolean;
}

/** A folder's two packs: compiled texts (large, read when a file must be compiled) and facts (small). */
interface Pack {
  readonly code: PackFile<string>;
  readonly facts: PackFile<Readonly<Record<string, unknown>>>;
  /** The hashes of the folder's files asked about in this process. */
  readonly used: Set<string>;
}

/** The sha256 of a file's text, hex: the key its compiled text and facts are kept under. */
export function contentHash(source: string | Buffer): string {
  return createHash('sha256').update(source).digest('hex');
}

/**
 * A disk cache of module files as compiled to CommonJS, keyed by the sha256 of their text: a file
 * already compiled once is read back instead of compiled again, so every command after the first
 * skips most of the cost of loading a stream. A changed file has another key; nothing is ever stale,
 * only unused. Besides the compiled text, a caller may note JSON facts about a source (a revision's
 * metadata), kept under the same key.
 *
 * The entries of one folder's files live in two pack files, one of compiled texts and one of facts,
 * each read once when first needed and written back by {@link TransformCache.flush} when something
 * was added: through a temp file and a rename, so a process reading it sees a whole pack, and two
 * processes writing it leave one of their two whole packs. A pack starts with its header line: the
 * engine's version and the compile options (which pin what the compiled text is) and the sha256 of
 * the rest; a pack whose header does not match, or that does not parse, is read as empty and rewritten. A cache that cannot be written (a
 * read-only checkout) is skipped without a word: it only ever saves time.
 *
 * Where: `STRATA_CACHE_DIR` when set (`off` turns the cache off), else `node_modules/.cache/strata`
 * of the nearest folder above the file that has a `node_modules` (where build tools keep their
 * caches), else a folder of the user's in the system's temp folder.
 */
export class TransformCache {
  readonly #salt: string;
  readonly #fixedDir: string | undefined;
  readonly #dirs = new Map<string, string>();
  readonly #packs = new Map<string, Pack>();
  #disabled: boolean;

  /** @param options what else the compiled text depends on besides the source (the compile options). */
  constructor(options: unknown, env: NodeJS.ProcessEnv = process.env) {
    this.#salt = contentHash(`${TOOL_VERSION}\0${JSON.stringify(options)}`);
    const configured = env['STRATA_CACHE_DIR'];
    this.#disabled = configured === 'off';
    this.#fixedDir = configured === undefined || configured === '' || configured === 'off' ? undefined : configured;
  }

  /**
   * The compiled text of `file`: read from the cache, or made by `compile` and kept.
   * @param hash the source's {@link contentHash}, when the caller has it already
   */
  get(file: string, source: string, compile: () => string, hash: string = contentHash(source)): string {
    const pack = this.#packFor(file);
    if (pack === undefined) return compile();
    pack.used.add(hash);
    const code = this.#entries(pack.code).get(hash);
    if (typeof code === 'string') return code;
    const compiled = compile();
    this.#set(pack.code, hash, compiled);
    return compiled;
  }

  /** The facts noted about the source of `file` with this hash, in this process or an earlier one. */
  facts(file: string, hash: string): Readonly<Record<string, unknown>> | undefined {
    const pack = this.#packFor(file);
    if (pack === undefined) return undefined;
    pack.used.add(hash);
    return this.#entries(pack.facts).get(hash);
  }

  /** Notes JSON facts about the source of `file` with this hash, kept beside its compiled text. */
  note(file: string, hash: string, facts: Readonly<Record<string, unknown>>): void {
    const pack = this.#packFor(file);
    if (pack === undefined) return;
    pack.used.add(hash);
    this.#set(pack.facts, hash, facts);
  }

  /**
   * Writes the packs that gained entries. With `prune`, a pack keeps only the entries of the sources
   * asked about in this process (the caller asked about every file of the folder: the rest are texts
   * no longer there); a pack this process did not read is left as it is.
   */
  flush(options: { readonly prune?: boolean } = {}): void {
    for (const pack of this.#packs.values()) {
      for (const file of [pack.code, pack.facts] as PackFile<unknown>[]) {
        if (file.entries === undefined) continue;
        const kept = options.prune === true ? [...file.entries].filter(([key]) => pack.used.has(key)) : [...file.entries];
        if (!file.changed && kept.length === file.entries.size) continue;
        this.#write(file.path, JSON.stringify(Object.fromEntries(kept)));
        file.changed = false;
      }
    }
  }

  #set<T>(file: PackFile<T>, hash: string, value: T): void {
    this.#entries(file).set(hash, value);
    file.changed = true;
  }

  #entries<T>(file: PackFile<T>): Map<string, T> {
    file.entries ??= this.#read(file.path) as Map<string, T>;
    return file.entries;
  }

  /** Writes through a temp file and a rename, so a concurrent reader sees a whole pack or the old one. */
  #write(path: string, body: string): void {
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    let written = false;
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(temp, `${JSON.stringify({ salt: this.#salt, digest: contentHash(body) })}\n${body}`);
      written = true;
      renameSync(temp, path);
    } catch {
      // Read-only or full: compile every time, as without a cache.
      if (written) rmSync(temp, { force: true });
      this.#disabled = true;
    }
  }

  #packFor(file: string): Pack | undefined {
    if (this.#disabled) return undefined;
    const folder = dirname(file);
    const known = this.#packs.get(folder);
    if (known !== undefined) return known;
    const stem = join(this.#dirFor(folder), 'packs', `${basename(folder).replace(/[^A-Za-z0-9_.-]/g, '_')}-${contentHash(folder).slice(0, 16)}`);
    const pack: Pack = {
      code: { path: `${stem}.code.pack`, entries: undefined, changed: false },
      facts: { path: `${stem}.facts.pack`, entries: undefined, changed: false },
      used: new Set(),
    };
    this.#packs.set(folder, pack);
    return pack;
  }

  /** A pack's entries; none when it is missing, another engine's or options', or damaged. */
  #read(path: string): Map<string, unknown> {
    try {
      const text = readFileSync(path, 'utf8');
      const end = text.indexOf('\n');
      if (end === -1) return new Map();
      const header = JSON.parse(text.slice(0, end)) as { salt?: unknown; digest?: unknown };
      const body = text.slice(end + 1);
      if (header.salt !== this.#salt || header.digest !== contentHash(body)) return new Map();
      return new Map(Object.entries(JSON.parse(body) as Record<string, unknown>));
    } catch {
      return new Map();
    }
  }

  #dirFor(folder: string): string {
    if (this.#fixedDir !== undefined) return this.#fixedDir;
    const known = this.#dirs.get(folder);
    if (known !== undefined) return known;
    const dir = nodeModulesCache(folder) ?? join(tmpdir(), `strata-cache-${safeUser()}`);
    this.#dirs.set(folder, dir);
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
