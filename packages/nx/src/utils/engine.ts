/**
 * The engine is an ES module and this plugin is CommonJS (Nx loads plugins with `require`), so it is
 * reached only through a dynamic `import()` (kept as is by TypeScript's NodeNext output for CommonJS
 * files) from async code, and only when a target, generator or cache miss needs it.
 */
export type Engine = typeof import('@strata/engine');

let engine: Promise<Engine> | undefined;

/** Loads `@strata/engine` once per process. */
export function loadEngine(): Promise<Engine> {
  engine ??= import('@strata/engine');
  return engine;
}
