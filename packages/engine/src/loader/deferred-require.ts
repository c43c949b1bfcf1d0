import { readFileSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { dirname } from 'node:path';

/** Node's module internals this file uses (public in practice, untyped in @types/node). */
interface ModuleInternals {
  _nodeModulePaths(dir: string): string[];
  _cache: Record<string, Module | undefined>;
}

/**
 * @internal Loads the CommonJS module `file` as `require(file)` would (and into the same cache), except
 * that each module it requires whose specifier `defer` picks is handed to it as a stand-in that
 * requires the real module the first time anything of it is read. For a bundle that requires, when it
 * loads, modules that only some of its functions use: drizzle-kit's api requires every drizzle-orm
 * dialect (`drizzle-orm/pg-core`, `mysql-core`, `sqlite-core`, `singlestore-core`, ~140 modules besides
 * the one a schema uses), and building a PostgreSQL snapshot never reads the MySQL one.
 *
 * The stand-in forwards every read (a property, `in`, the list of keys, a descriptor) to the real
 * module, so code that uses one gets what it would have got; only the identity of the module object
 * differs, which nothing compares.
 */
export function requireDeferring(file: string, defer: (specifier: string) => boolean): unknown {
  const internals = Module as unknown as ModuleInternals;
  const cached = internals._cache[file];
  if (cached !== undefined) return cached.exports;
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = internals._nodeModulePaths(dirname(file));
  const real = createRequire(file);
  mod.require = ((specifier: string) => (defer(specifier) ? deferredModule(() => real(specifier) as object) : real(specifier))) as NodeJS.Require;
  const text = readFileSync(file, 'utf8');
  // As Node's own loader: cached before it runs (a cycle gets the partial exports), removed if it throws.
  internals._cache[file] = mod;
  try {
    (mod as unknown as { _compile(code: string, filename: string): void })._compile(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file);
  } catch (error) {
    delete internals._cache[file];
    throw error;
  }
  mod.loaded = true;
  return mod.exports;
}

/** A stand-in for a module's exports that requires the module (`load`) on first use and forwards every read to it. */
function deferredModule(load: () => object): object {
  let target: object | undefined;
  const real = (): object => (target ??= load());
  return new Proxy(
    {},
    {
      get: (_, key) => Reflect.get(real(), key),
      has: (_, key) => Reflect.has(real(), key),
      ownKeys: () => Reflect.ownKeys(real()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
        // A proxy may not report a non-configurable property its own (empty) target lacks.
        return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
      },
      getPrototypeOf: () => Reflect.getPrototypeOf(real()),
      set: (_, key, value) => Reflect.set(real(), key, value),
      defineProperty: (_, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
      deleteProperty: (_, key) => Reflect.deleteProperty(real(), key),
    },
  );
}
