// Child process of run.mjs: one cold load, measured from inside a fresh `node`.
// Usage: node cold-load.mjs TS_DIR MJS_DIR; prints one JSON line of timings in milliseconds.
//
// Order: import the engine, load the `.ts` revisions and build the graph (what every `strata`
// command does first), then import the `.mjs` twins natively (the floor). The engine is imported
// with `import()` rather than a static import so that its own cost can be timed.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [tsDir, mjsDir] = process.argv.slice(2);

let mark = performance.now();
const lap = () => {
  const now = performance.now();
  const elapsed = now - mark;
  mark = now;
  return elapsed;
};

const { loadRevisions, RevisionGraph } = await import('../../packages/engine/dist/index.js');
const engineImportMs = lap();
const revisions = loadRevisions(tsDir);
const loadMs = lap();
const graph = new RevisionGraph(revisions);
const graphMs = lap();
// performance.now() counts from the process's start, so this includes Node's own bootstrap.
const sinceProcessStartMs = performance.now();

// Native ESM import of every file at once, the fastest way Node offers to evaluate them.
const files = readdirSync(mjsDir).filter((name) => name.endsWith('.mjs'));
await Promise.all(files.map((name) => import(pathToFileURL(join(mjsDir, name)).href)));
const mjsImportMs = lap();

if (graph.revisions.length !== files.length) {
  throw new Error(`loaded ${graph.revisions.length} revisions but ${files.length} .mjs files`);
}
console.log(JSON.stringify({ engineImportMs, loadMs, graphMs, sinceProcessStartMs, mjsImportMs }));
