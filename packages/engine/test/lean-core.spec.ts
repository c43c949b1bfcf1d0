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

/** The engine's own modules (paths under dist/) a fresh process has loaded as ES modules after running `body`. */
function engineModulesLoadedAfter(body: string): string[] {
  const hook = `export async function load(url, context, next) { if (url.includes('/dist/')) process.stderr.write('LOADED ' + url + '\\n'); return next(url, context); }`;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  const run = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', body], { cwd: ENGINE_DIR, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const dist = `${join(ENGINE_DIR, 'dist')}/`;
  return run.stderr.split('\n').filter((line) => line.startsWith('LOADED file://')).map((line) => decodeURIComponent(line.slice('LOADED file://'.length)).replace(dist, ''));
}

it('the command line loads a verb\'s command when the verb runs: parsing loads no runner, fan-out or command module', () => {
  const loaded = engineModulesLoadedAfter(`await import(${dist('cli/commands/index.js')}); await import(${dist('cli/stream-options.js')});`);
  expect(loaded).toContain('cli/commands/revision.js');
  expect(loaded.filter((file) => file.startsWith('commands/') || file.startsWith('runner/') || file === 'fanout/fanout.js' || file.startsWith('autogenerate/generate'))).toEqual([]);
});
