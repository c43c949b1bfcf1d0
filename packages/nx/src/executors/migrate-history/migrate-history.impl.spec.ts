import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import migrateExecutor from '../migrate/migrate.impl';
import migrateHistoryExecutor from './migrate-history.impl';

const REPO_NODE_MODULES = join(__dirname, '..', '..', '..', '..', '..', 'node_modules');
const A = 'aaaa00000001';
const B = 'bbbb00000002';

/** A SQLite stream of two revisions, migrated, then listed both ways. */
describe('@strata/nx:migrate-history', () => {
  let root: string;
  let output: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const revisionFile = (id: string, parents: string[]) =>
    `import { revision } from '@strata/engine';\nexport default revision({ id: '${id}', parents: ${JSON.stringify(parents)}, message: 'rev ${id}',\n` +
    `  async upgrade({ execute }) { await execute('CREATE TABLE IF NOT EXISTS t_${id} (id integer)'); },\n` +
    `  async downgrade({ execute }) { await execute('DROP TABLE IF EXISTS t_${id}'); } });\n`;
  const context = (targetName: string): ExecutorContext => ({
    root,
    cwd: root,
    isVerbose: false,
    projectName: 'app',
    targetName,
    projectGraph: { nodes: {}, dependencies: {} },
    projectsConfigurations: { version: 2, projects: { app: { root: 'apps/app' } } },
    nxJsonConfiguration: {},
  });
  /** The revision each line is about, in order: the id named last (`history` prints `parent -> id`). */
  const order = (text: string) =>
    text.split('\n').flatMap((line) => {
      const named = [A, B].filter((id) => line.includes(id)).sort((x, y) => line.lastIndexOf(y) - line.lastIndexOf(x));
      return named.slice(0, 1);
    });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'strata-nx-history-'));
    symlinkSync(REPO_NODE_MODULES, join(root, 'node_modules'), 'dir');
    write('apps/app/project.json', '{ "name": "app" }');
    write('apps/app/strata.config.json', '{ "dialect": "sqlite", "url": "file:app.db" }');
    write('apps/app/migrations/20240101_0000_a.ts', revisionFile(A, []));
    write('apps/app/migrations/20240101_0001_b.ts', revisionFile(B, [A]));
    output = '';
    const capture = (chunk: string | Uint8Array) => {
      output += String(chunk);
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(root, { recursive: true, force: true });
  });

  it('lists the files and, with --applied, the ledger in the same order: newest first (issue 12, item 11)', async () => {
    expect(await migrateExecutor({ cwd: 'apps/app' }, context('migrate'))).toEqual({ success: true });

    output = '';
    expect(await migrateHistoryExecutor({ cwd: 'apps/app' }, context('migrate-history')), output).toEqual({ success: true });
    expect(order(output)).toEqual([B, A]);

    output = '';
    expect(await migrateHistoryExecutor({ cwd: 'apps/app', applied: true }, context('migrate-history')), output).toEqual({ success: true });
    expect(order(output)).toEqual([B, A]);

    output = '';
    expect(await migrateHistoryExecutor({ cwd: 'apps/app', applied: true, json: true }, context('migrate-history')), output).toEqual({ success: true });
    expect((JSON.parse(output) as { history: { revision: string }[] }).history.map((row) => row.revision)).toEqual([B, A]);
  });
});
