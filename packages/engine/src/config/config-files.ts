import { createRequire } from 'node:module';

/**
 * The file names that configure a stream, in the order they are looked for, kept in the package's
 * `config-files.json` so that the Nx plugin, which must know them before it loads the engine (it
 * finds streams while Nx builds the project graph), reads the same list: `@strata/engine/config-files.json`.
 */
const CONFIG_FILES = createRequire(import.meta.url)('../../config-files.json') as { readonly drizzle: readonly string[]; readonly strata: readonly string[] };

/**
 * The drizzle.config files the engine reads (dialect, credentials, schema), in the order they are looked for:
 * drizzle-kit's own lookup order, plus the module flavours the engine's loader compiles.
 *
 * @example
 * ```ts
 * import { DRIZZLE_CONFIG_NAMES } from '@strata/engine';
 * DRIZZLE_CONFIG_NAMES[0]; // 'drizzle.config.ts'
 * ```
 */
export const DRIZZLE_CONFIG_NAMES: readonly string[] = CONFIG_FILES.drizzle;

/**
 * The strata.config files the engine reads (a stream's own settings), in the order they are looked for.
 *
 * @example
 * ```ts
 * import { STRATA_CONFIG_NAMES } from '@strata/engine';
 * STRATA_CONFIG_NAMES.at(-1); // 'strata.config.json'
 * ```
 */
export const STRATA_CONFIG_NAMES: readonly string[] = CONFIG_FILES.strata;
