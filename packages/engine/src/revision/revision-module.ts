import { revision } from './revision.js';

/** What a revision file's `@strata/engine` holds at run time; its types are erased when the file is compiled. */
const EXPORTS = { revision };

/** Keys module interop and inspection ask for, which are not imports of the file's own. */
const INTEROP_KEYS = new Set(['__esModule', 'default', 'then', 'toJSON']);

/**
 * The `@strata/engine` a revision file imports: `revision()` and nothing else at run time (types
 * are erased), so loading a stream loads no more of the engine than the runner needs, and the
 * revision folder never imports the package's entry point. Importing anything else is an error
 * naming it (the loader reports it with the file), not an `undefined` that fails later.
 *
 * @example
 * ```ts
 * // In a revision file, as before:
 * import { revision, type CreateTableOptions } from '@strata/engine';
 * ```
 */
export const REVISION_MODULE: Readonly<typeof EXPORTS> = new Proxy(EXPORTS, {
  get(target, key) {
    if (typeof key === 'symbol' || Object.hasOwn(target, key)) return Reflect.get(target, key);
    if (key === '__esModule') return true;
    if (INTEROP_KEYS.has(key)) return undefined;
    throw new Error(
      `a revision file gets only ${Object.keys(target).join(', ')} (and the types) from '@strata/engine', not "${key}": ` +
        'work with the database through the migration context (op, inspect, execute, connection), or import other code from a module of your own',
    );
  },
});
