/**
 * The engine is an ES module and this plugin is CommonJS (Nx loads plugins with `require`), so it is
 * reached only through a dynamic `import()` (kept as is by TypeScript's NodeNext output for CommonJS
 * files) from async code, and only when a target, generator or cache miss needs it.
 *
 * The executors load `@strata/engine/shell` (settings, revisions, output) and then their own verb,
 * `@strata/engine/commands/<verb>`: the whole `@strata/engine` loads every verb, autogenerate and every
 * dialect, about twice the modules a no-op `nx run app:migrate` needs (see `tools/bench/nx.mjs`).
 */
export type Engine = typeof import('@strata/engine');

/** What every executor resolves before it calls its verb (`@strata/engine/shell`). */
export type EngineShell = typeof import('@strata/engine/shell');

let engine: Promise<Engine> | undefined;
let shell: Promise<EngineShell> | undefined;

/** Loads `@strata/engine` once per process. */
export function loadEngine(): Promise<Engine> {
  engine ??= import('@strata/engine');
  return engine;
}

/** Loads `@strata/engine/shell` once per process. */
export function loadShell(): Promise<EngineShell> {
  shell ??= import('@strata/engine/shell');
  return shell;
}
