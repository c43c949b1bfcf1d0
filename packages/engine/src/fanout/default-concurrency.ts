/**
 * How many tenants a fan-out runs at once unless told otherwise. In a file of its own so that the
 * command line's help can name it without loading the fan-out (the runner, the census, the reports).
 *
 * @example
 * ```ts
 * import { DEFAULT_FANOUT_CONCURRENCY } from '@strata/engine';
 * console.log(`at most ${DEFAULT_FANOUT_CONCURRENCY} tenants at once`);
 * ```
 */
export const DEFAULT_FANOUT_CONCURRENCY = 4;
