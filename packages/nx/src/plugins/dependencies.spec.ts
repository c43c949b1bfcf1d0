import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CreateDependenciesContext, FileData, ProjectConfiguration } from '@nx/devkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDependencies, crossStreamDependencies } from './dependencies';

describe('crossStreamDependencies', () => {
  it('reads stream@rev entries of dependsOn, over several lines and quote styles', () => {
    const source = `export default revision({
      id: 'b1', parents: ['a1'],
      dependsOn: [
        'accounts@3f2a9c1d4e5b', "shared-db@5c1e0a7b9d24",
        \`billing@head\`, 'a1',
      ],
    });`;
    expect(crossStreamDependencies(source)).toEqual(['accounts', 'shared-db', 'billing']);
  });

  it('ignores same-stream ids, emails in comments and files without dependsOn', () => {
    expect(crossStreamDependencies("// ask ops@example.com\nexport default revision({ id: 'b1', parents: [], dependsOn: ['a1b2'] });")).toEqual([]);
    expect(crossStreamDependencies("const x = 'accounts@3f2a';")).toEqual([]);
  });
});

describe('createDependencies', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const revision = (id: string, dependsOn: string[]) =>
    `import { revision } from '@strata/engine';\nexport default revision({ id: '${id}', parents: [], dependsOn: ${JSON.stringify(dependsOn)}, async upgrade() {}, async downgrade() {} });\n`;

  const context = (projects: Record<string, ProjectConfiguration>, files: Record<string, string[]>): CreateDependenciesContext => {
    const projectFileMap: Record<string, FileData[]> = Object.fromEntries(
      Object.entries(files).map(([name, list]) => [name, list.map((file) => ({ file, hash: file }))]),
    );
    return {
      projects,
      externalNodes: {},
      nxJsonConfiguration: {},
      workspaceRoot: root,
      fileMap: { projectFileMap, nonProjectFiles: [] },
      filesToProcess: { projectFileMap, nonProjectFiles: [] },
    };
  };
  const stream = (name: string, root: string, stream = name, dir = 'migrations'): ProjectConfiguration => ({
    name,
    root,
    metadata: { strata: { stream, revisionsDir: `${root}/${dir}` } },
  });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'strata-nx-deps-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('makes an edge from a revision naming another stream, mapped through stream names', async () => {
    write('apps/billing/migrations/20240101_0000_a.ts', revision('b1', ['accounts@a1a1a1a1']));
    write('apps/billing/migrations/20240101_0001_b.ts', revision('b2', ['b1']));
    write('apps/billing/migrations/helpers/x.ts', revision('zz', ['ghost@a1a1']));
    write('apps/billing/src/schema.ts', "// dependsOn: ['accounts@a1a1a1a1']");
    write('apps/accounts/migrations/20240101_0000_a.ts', revision('a1a1a1a1', []));
    const projects = {
      'apps/billing': stream('billing', 'apps/billing'),
      // The accounts project's stream is renamed by its strata.config.
      'apps/accounts': stream('accounts-app', 'apps/accounts', 'accounts'),
    };
    const deps = await createDependencies(
      {},
      context(projects, {
        billing: ['apps/billing/migrations/20240101_0000_a.ts', 'apps/billing/migrations/20240101_0001_b.ts', 'apps/billing/migrations/helpers/x.ts', 'apps/billing/src/schema.ts'],
        'accounts-app': ['apps/accounts/migrations/20240101_0000_a.ts'],
      }),
    );
    expect(deps).toEqual([{ source: 'billing', target: 'accounts-app', sourceFile: 'apps/billing/migrations/20240101_0000_a.ts', type: 'static' }]);
  });

  it('reads 20 streams of 100 revisions quickly', async () => {
    const projects: Record<string, ProjectConfiguration> = {};
    const files: Record<string, string[]> = {};
    for (let s = 0; s < 20; s++) {
      const name = `svc${s}`;
      projects[`apps/${name}`] = stream(name, `apps/${name}`);
      files[name] = [];
      for (let r = 0; r < 100; r++) {
        const file = `apps/${name}/migrations/2024010${r % 10}_${String(r).padStart(4, '0')}_rev.ts`;
        write(file, revision(`${s}r${String(r).padStart(4, '0')}`, s > 0 && r % 10 === 0 ? [`svc${s - 1}@0r0000`] : []));
        files[name].push(file);
      }
    }
    const started = performance.now();
    const deps = await createDependencies({}, context(projects, files));
    const elapsed = performance.now() - started;
    expect(deps).toHaveLength(19 * 10);
    expect(elapsed).toBeLessThan(500);
  });
});
