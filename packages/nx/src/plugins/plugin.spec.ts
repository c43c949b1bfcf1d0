import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AggregateCreateNodesError, type CreateNodesContext } from '@nx/devkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodes } from './plugin';

const REPO_NODE_MODULES = join(__dirname, '..', '..', '..', '..', 'node_modules');

describe('@strata/nx/plugin createNodes', () => {
  let root: string;
  let context: CreateNodesContext;

  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'strata-nx-plugin-'));
    symlinkSync(REPO_NODE_MODULES, join(root, 'node_modules'), 'dir');
    write('package.json', '{ "name": "ws", "private": true }');
    context = { nxJsonConfiguration: {}, workspaceRoot: root };
    process.env.NX_WORKSPACE_DATA_DIRECTORY = join(root, '.nx', 'workspace-data');
  });

  afterEach(() => {
    delete process.env.NX_WORKSPACE_DATA_DIRECTORY;
    rmSync(root, { recursive: true, force: true });
  });

  it('infers the ten targets for a project with a drizzle.config, migrate after the dependencies\' migrate, params forwarded', async () => {
    write('apps/billing/project.json', '{ "name": "billing" }');
    write('apps/billing/drizzle.config.ts', "export default { dialect: 'sqlite', schema: './src/db/schema.ts', dbCredentials: { url: 'file:billing.db' } };");
    const results = await createNodes[1](['apps/billing/drizzle.config.ts'], {}, context);
    const project = results[0]?.[1].projects?.['apps/billing'];
    expect(Object.keys(project?.targets ?? {})).toMatchInlineSnapshot(`
      [
        "migrate",
        "migrate-down",
        "migrate-stamp",
        "migrate-repair",
        "migrate-merge",
        "migrate-status",
        "migrate-history",
        "migrate-check",
        "migrate-test",
        "migrate-check-db",
      ]
    `);
    expect(project?.targets?.['migrate']).toMatchObject({
      executor: '@strata/nx:migrate',
      options: { cwd: '{projectRoot}' },
      dependsOn: [{ dependencies: true, target: 'migrate', params: 'forward' }],
      metadata: { description: expect.any(String), help: { command: 'npx strata upgrade --help' } },
    });
    const test = project?.targets?.['migrate-test'];
    expect(test?.cache).toBe(true);
    expect(test?.inputs?.slice(0, 4)).toMatchInlineSnapshot(`
      [
        "{projectRoot}/migrations/**/*",
        "{projectRoot}/drizzle.config.ts",
        "{projectRoot}/src/db/**/*",
        "^default",
      ]
    `);
    expect(project?.metadata?.['strata']).toEqual({ stream: 'billing', revisionsDir: 'apps/billing/migrations', dialect: 'sqlite' });
  });

  it('caches migrate-check on the files it reads, as migrate-test; --db is the uncached migrate-check-db (issue 12, item 11)', async () => {
    write('apps/accounts/project.json', '{ "name": "accounts" }');
    write('apps/accounts/strata.config.json', '{ "dialect": "sqlite" }');
    write('apps/billing/project.json', '{ "name": "billing" }');
    write('apps/billing/drizzle.config.ts', "export default { dialect: 'sqlite', schema: './src/db/schema.ts', dbCredentials: { url: 'file:billing.db' } };");
    const results = await createNodes[1](['apps/accounts/strata.config.json', 'apps/billing/drizzle.config.ts'], {}, context);
    const targets = results.find(([file]) => file.startsWith('apps/billing'))?.[1].projects?.['apps/billing']?.targets ?? {};
    expect(targets['migrate-check']?.cache).toBe(true);
    expect(targets['migrate-check']?.outputs).toEqual([]);
    expect(targets['migrate-check']?.inputs).toEqual(targets['migrate-test']?.inputs);
    expect(targets['migrate-check']?.inputs?.slice(0, 4)).toEqual(['{projectRoot}/migrations/**/*', '{projectRoot}/drizzle.config.ts', '{projectRoot}/src/db/**/*', '^default']);
    expect(targets['migrate-check-db']).toMatchObject({ executor: '@strata/nx:migrate-check', options: { cwd: '{projectRoot}', db: true }, cache: false });
  });

  it('uses the target names of the plugin options', async () => {
    write('db/project.json', '{ "name": "shared-db" }');
    write('db/strata.config.json', '{ "stream": "shared", "dir": "versions", "dialect": "sqlite" }');
    const results = await createNodes[1](['db/strata.config.json'], { migrateTargetName: 'db-up', migrateTestTargetName: 'db-test' }, context);
    const targets = results[0]?.[1].projects?.['db']?.targets ?? {};
    expect(targets['db-up']?.dependsOn).toEqual([{ dependencies: true, target: 'db-up', params: 'forward' }]);
    expect(targets['db-test']?.inputs?.[0]).toBe('{projectRoot}/versions/**/*');
    expect(results[0]?.[1].projects?.['db']?.metadata?.['strata']).toMatchObject({ stream: 'shared', revisionsDir: 'db/versions' });
  });

  it('skips folders that are not projects, and a strata.config next to a drizzle.config', async () => {
    write('scratch/drizzle.config.ts', "export default { dialect: 'sqlite' };");
    write('apps/a/package.json', '{ "name": "a" }');
    write('apps/a/drizzle.config.ts', "export default { dialect: 'sqlite' };");
    write('apps/a/strata.config.json', '{ "dir": "revisions" }');
    const results = await createNodes[1](['scratch/drizzle.config.ts', 'apps/a/drizzle.config.ts', 'apps/a/strata.config.json'], {}, context);
    const roots = results.flatMap(([, result]) => Object.keys(result.projects ?? {}));
    expect(roots).toEqual(['apps/a']);
  });

  it('never fails the graph on a config that does not load: targets from the folder, the error kept for the run (issue 12)', async () => {
    write('apps/good/project.json', '{ "name": "good" }');
    write('apps/good/strata.config.json', '{ "dialect": "sqlite" }');
    write('apps/bad/project.json', '{ "name": "bad" }');
    write('apps/bad/drizzle.config.ts', "export default { dialect: 'postgres' };");
    write('apps/env/project.json', '{ "name": "env" }');
    write(
      'apps/env/drizzle.config.ts',
      "if (!process.env.STRATA_SPEC_DB) throw new Error('STRATA_SPEC_DB is not set');\nexport default { dialect: 'sqlite', out: './db', schema: './src/schema.ts', dbCredentials: { url: process.env.STRATA_SPEC_DB } };",
    );
    const files = ['apps/good/strata.config.json', 'apps/bad/drizzle.config.ts', 'apps/env/drizzle.config.ts'];
    const results = await createNodes[1](files, {}, context);
    const projects = Object.fromEntries(results.flatMap(([, result]) => Object.entries(result.projects ?? {})));
    expect(Object.keys(projects).sort()).toEqual(['apps/bad', 'apps/env', 'apps/good']);
    expect(Object.keys(projects['apps/env']?.targets ?? {})).toHaveLength(10);
    expect(projects['apps/env']?.metadata?.['strata']).toEqual({
      stream: 'env',
      revisionsDir: 'apps/env/db',
      configError: expect.stringMatching(/^LOADER_MODULE_THREW: .*STRATA_SPEC_DB is not set/),
    });
    expect(projects['apps/env']?.targets?.['migrate-test']?.inputs?.[0]).toBe('{projectRoot}/**/*');
    expect(projects['apps/env']?.targets?.['migrate-check']?.inputs?.[0]).toBe('{projectRoot}/**/*');
    expect(projects['apps/bad']?.metadata?.['strata'].configError).toMatch(/^CONFIG_INVALID: /);

    // Not cached: once the variable is set, the config's own settings are read.
    process.env.STRATA_SPEC_DB = 'file:env.db';
    try {
      const again = await createNodes[1](['apps/env/drizzle.config.ts'], {}, context);
      expect(again[0]?.[1].projects?.['apps/env']?.metadata?.['strata']).toEqual({ stream: 'env', revisionsDir: 'apps/env/db', dialect: 'sqlite' });
    } finally {
      delete process.env.STRATA_SPEC_DB;
    }
  });

  it('reports a file that fails in an AggregateCreateNodesError, with the other files\' projects as partial results', async () => {
    write('apps/ok/project.json', '{ "name": "ok" }');
    write('apps/ok/strata.config.json', '{ "dialect": "sqlite" }');
    write('apps/broken/strata.config.json', '{ "dialect": "sqlite" }');
    // A folder where the manifest should be: reading it throws EISDIR.
    mkdirSync(join(root, 'apps/broken/project.json'));
    const error: unknown = await Promise.resolve(createNodes[1](['apps/ok/strata.config.json', 'apps/broken/strata.config.json'], {}, context)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AggregateCreateNodesError);
    const aggregate = error as AggregateCreateNodesError;
    expect(aggregate.errors.map(([file, e]) => [file, (e as NodeJS.ErrnoException).code])).toEqual([['apps/broken/strata.config.json', 'EISDIR']]);
    expect(aggregate.partialResults.map(([file, result]) => [file, Object.keys(result.projects ?? {})])).toEqual([['apps/ok/strata.config.json', ['apps/ok']]]);
  });

  it('reuses cached targets until a config file changes', async () => {
    write('apps/c/project.json', '{ "name": "c" }');
    write('apps/c/strata.config.json', '{ "dialect": "sqlite" }');
    const first = await createNodes[1](['apps/c/strata.config.json'], {}, context);
    expect(readdirSync(join(root, '.nx', 'workspace-data')).filter((f) => f.startsWith('strata-'))).toHaveLength(1);
    write('apps/c/strata.config.json', '{ "dialect": "sqlite", "dir": "other" }');
    const second = await createNodes[1](['apps/c/strata.config.json'], {}, context);
    expect(first[0]?.[1].projects?.['apps/c']?.metadata?.['strata'].revisionsDir).toBe('apps/c/migrations');
    expect(second[0]?.[1].projects?.['apps/c']?.metadata?.['strata'].revisionsDir).toBe('apps/c/other');
  });
});
