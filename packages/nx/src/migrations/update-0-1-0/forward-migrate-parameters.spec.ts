import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNxJson, updateNxJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import forwardMigrateParametersMigration from './forward-migrate-parameters';

const PACKAGE_ROOT = join(__dirname, '..', '..', '..');

describe('nx migrate: forward-migrate-parameters', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('rewrites the plain ^migrate an earlier nx add wrote, keeping the rest of the entry', () => {
    updateNxJson(tree, { ...readNxJson(tree), targetDefaults: { migrate: { dependsOn: ['^migrate'], inputs: ['default'] } } });
    forwardMigrateParametersMigration(tree);
    expect(readNxJson(tree)?.targetDefaults?.['migrate']).toEqual({
      dependsOn: [{ dependencies: true, target: 'migrate', params: 'forward' }],
      inputs: ['default'],
    });
  });

  it('leaves a dependsOn the user wrote, and a workspace without one, as they are', () => {
    updateNxJson(tree, { ...readNxJson(tree), targetDefaults: { migrate: { dependsOn: ['build', '^migrate'] } } });
    const before = tree.read('nx.json', 'utf8');
    forwardMigrateParametersMigration(tree);
    expect(tree.read('nx.json', 'utf8')).toBe(before);
  });

  it('is registered: package.json names migrations.json, whose entries point at built files (npm run build)', () => {
    const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { 'nx-migrations': { migrations: string }; files: string[] };
    expect(manifest['nx-migrations'].migrations).toBe('./migrations.json');
    expect(manifest.files).toContain('migrations.json');
    const migrations = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'migrations.json'), 'utf8')) as { generators: Record<string, { version: string; description: string; implementation: string }> };
    expect(Object.keys(migrations.generators)).toEqual(['forward-migrate-parameters']);
    for (const entry of Object.values(migrations.generators)) {
      expect(entry.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(entry.description).not.toBe('');
      expect(existsSync(join(PACKAGE_ROOT, `${entry.implementation}.js`))).toBe(true);
    }
  });
});
