import { createRequire } from 'node:module';

/** The ts-morph module's shape. */
export type TsMorph = typeof import('ts-morph');

const require = createRequire(import.meta.url);
let loaded: TsMorph | undefined;

/**
 * ts-morph, loaded on first use. Importing it costs most of a second of CPU, which every command
 * would pay through the engine's entry point; only writing a revision and checking guards need it.
 * @internal
 */
export function tsMorph(): TsMorph {
  loaded ??= require('ts-morph') as TsMorph;
  return loaded;
}
