import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ENGINE_DIR } from './support/streams.js';

// Issue 9: the engine's entry points (the library, the command line) load none of the heavy
// packages until a command needs them: ts-morph (checking guards), drizzle-kit
// (reading a Drizzle schema), the database drivers (a connection of that dialect), sucrase (loading
// a revision file). Runs the compiled dist/ (`npm run build` first), as users do.
const HEAVY = ['ts-morph', 'typescript', 'drizzle-kit', 'drizzle-orm', 'pg', 'mysql2', 'better-sqlite3', '@electric-sql/pglite', 'sucrase'];

/** The packages under node_modules a fresh process has loaded after running `body` (ES module code). */
function packagesLoadedAfter(body: string): string[] {
  const script = [
    "import { createRequire } from 'node:module';",
    body,
    'const loaded = new Set();',
    'for (const file of Object.keys(createRequire(import.meta.url).cache)) {',
    "  const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file);",
    '  if (match) loaded.add(match[1]);',
    '}',
    'console.log(JSON.stringify([...loaded].sort()));',
  ].join('\n');
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ENGINE_DIR, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as string[];
}

const dist = (module: string): string => JSON.stringify(join(ENGINE_DIR, 'dist', module));

it('importing @strata/engine and the CLI loads no heavy package', () => {
  const loaded = packagesLoadedAfter(`await import(${dist('index.js')}); await import(${dist('cli/main.js')});`);
  expect(loaded.filter((name) => HEAVY.includes(name))).toEqual([]);
});

it('writing a revision loads no ts-morph either: the file is assembled as text', () => {
  const loaded = packagesLoadedAfter(
    `const { renderGeneratedRevision } = await import(${dist('index.js')});\n` +
      "renderGeneratedRevision({ id: 'abcd00000001', parents: [], message: 'm', createdAt: new Date(), upgrade: [{ kind: 'dropTable', table: 't' }], downgrade: [] });",
  );
  expect(loaded.filter((name) => HEAVY.includes(name))).toEqual([]);
});

it('ts-morph comes in when guards are checked, and the probe sees it', () => {
  const loaded = packagesLoadedAfter(
    `const { findUnguardedOperations } = await import(${dist('index.js')});\n` +
      "findUnguardedOperations('export default 1;', 'r.ts');",
  );
  expect(loaded).toContain('ts-morph');
});
