import { readFileSync, statSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { dirname, extname, resolve } from 'node:path';
import { StrataError } from '../errors.js';
import { ModuleLoadError, ModuleThrewError } from './errors.js';
import { TransformCache } from './transform-cache.js';

/** Specifiers answered with a value of ours instead of a package on disk. */
export type VirtualModules = Readonly<Record<string, unknown>>;

const TS_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx'];

/** How sucrase compiles a file: types stripped, imports to CommonJS, nothing else rewritten. */
const TRANSFORM_OPTIONS = { transforms: ['typescript', 'imports'], preserveDynamicImport: true, disableESTransforms: true } as const;

/** sucrase costs ~50 ms to import: loaded on the first file the cache does not hold. */
let sucrase: typeof import('sucrase') | undefined;
function transform(source: string, filePath: string): string {
  sucrase ??= createRequire(import.meta.url)('sucrase') as typeof import('sucrase');
  return sucrase.transform(source, { ...TRANSFORM_OPTIONS, transforms: [...TRANSFORM_OPTIONS.transforms], filePath }).code;
}

/**
 * @internal Compiles and evaluates user TypeScript/JavaScript modules in this process.
 *
 * Why not `import()`: on Node 20, every ESM import of a `.ts` file needs a loader hook in another
 * thread, and per-file `tsImport` costs ~18 ms (STACK.md: 9 s for 500 files). Here each file is
 * read once, stripped of its types by sucrase (line numbers kept, so stack traces point at the
 * source) and compiled as CommonJS in-process: a 1,000-file stream loads cold in a few hundred ms,
 * and the stripped text is kept in a {@link TransformCache}, so the next command skips sucrase.
 * `virtualModules` lets `@strata/engine` resolve to what a revision file needs of the engine that
 * loads it (see `REVISION_MODULE`), and `drizzle-kit` to a tiny stand-in, so loading a config never pulls drizzle-kit in.
 */
export class TsModuleLoader {
  readonly #virtual: VirtualModules;
  readonly #cache = new Map<string, Module>();
  readonly #compiled = new TransformCache(TRANSFORM_OPTIONS);

  constructor(virtualModules: VirtualModules = {}) {
    this.#virtual = virtualModules;
  }

  /** The cache of compiled files this loader reads and fills; {@link TsModuleLoader.flush} writes it. */
  get cache(): TransformCache {
    return this.#compiled;
  }

  /** Writes what this loader compiled to the cache on disk (see {@link TransformCache.flush}). */
  flush(options?: { readonly prune?: boolean }): void {
    this.#compiled.flush(options);
  }

  /**
   * Loads `file` (absolute) and returns its `module.exports`, reusing modules already loaded.
   * @param hash the source's `contentHash`, when the caller has it already
   */
  load(file: string, source?: string, hash?: string): unknown {
    const cached = this.#cache.get(file);
    if (cached) return cached.exports;
    const text = source ?? readFileSync(file, 'utf8');
    const mod = new Module(file);
    mod.filename = file;
    mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
    const fallback = createRequire(file);
    mod.require = ((specifier: string) => this.#require(specifier, file, fallback)) as NodeJS.Require;
    this.#cache.set(file, mod);
    let code: string;
    try {
      code = this.#compiled.get(file, text, () => transform(text, file), hash);
    } catch (error) {
      this.#cache.delete(file);
      throw new ModuleLoadError(file, `syntax error: ${(error as Error).message}`, error);
    }
    try {
      (mod as unknown as { _compile(code: string, filename: string): void })._compile(code, file);
    } catch (error) {
      this.#cache.delete(file);
      // The module ran and an engine call in it refused (an invalid `revision({...})`): that coded
      // error says what is wrong, better than "it must be valid TypeScript".
      if (error instanceof StrataError) throw error;
      // Node reports a compile error with a stack that starts at `<file>:<line>`; an error the module
      // threw while running (a JSON.parse SyntaxError included) has a stack of call frames instead.
      if (error instanceof SyntaxError && error.stack?.startsWith(`${file}:`)) throw new ModuleLoadError(file, `syntax error: ${error.message}`, error);
      throw new ModuleThrewError(file, (error as Error)?.message ?? String(error), error);
    }
    mod.loaded = true;
    return mod.exports;
  }

  #require(specifier: string, from: string, fallback: NodeJS.Require): unknown {
    if (Object.hasOwn(this.#virtual, specifier)) return this.#virtual[specifier];
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      const tsFile = resolveTypeScriptFile(resolve(dirname(from), specifier));
      if (tsFile) return this.load(tsFile);
    }
    try {
      return fallback(specifier);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_REQUIRE_ESM') {
        throw new ModuleLoadError(
          from,
          `"${specifier}" is an ES module only package; import it inside a function with \`await import("${specifier}")\``,
          error,
        );
      }
      throw error;
    }
  }
}

/** Maps a relative import to the TypeScript file behind it (`./x`, `./x.js` → `./x.ts`), or undefined. */
function resolveTypeScriptFile(base: string): string | undefined {
  const ext = extname(base);
  const stem = ['.js', '.mjs', '.cjs'].includes(ext) ? base.slice(0, -ext.length) : base;
  const candidates = TS_EXTENSIONS.includes(ext)
    ? [base]
    : [...TS_EXTENSIONS.map((e) => stem + e), ...TS_EXTENSIONS.map((e) => resolve(base, 'index' + e))];
  return candidates.find(isFile);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
