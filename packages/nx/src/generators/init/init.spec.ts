import { readJson, readNxJson, updateJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { initGenerator, initGeneratorInternal } from './init';

describe('@strata/nx:init', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('registers the plugin once and sets the target defaults', async () => {
    await initGeneratorInternal(tree, { skipFormat: true, addPlugin: true });
    await initGeneratorInternal(tree, { skipFormat: true, addPlugin: true });
    const nxJson = readNxJson(tree);
    expect(nxJson?.plugins?.filter((p) => (typeof p === 'string' ? p : p.plugin) === '@strata/nx/plugin')).toHaveLength(1);
    // The dependencies' migrate first, with the command line's --sql/--url/--to forwarded (issue 12).
    expect(nxJson?.targetDefaults?.['migrate']).toMatchInlineSnapshot(`
      {
        "dependsOn": [
          {
            "dependencies": true,
            "params": "forward",
            "target": "migrate",
          },
        ],
      }
    `);
    expect(nxJson?.targetDefaults?.['migrate-test']).toMatchInlineSnapshot(`
      {
        "cache": true,
      }
    `);
  });

  it('adds only the missing devDependencies', async () => {
    updateJson(tree, 'package.json', (json) => ({ ...json, devDependencies: { 'drizzle-orm': '0.44.0' } }));
    await initGeneratorInternal(tree, { skipFormat: true });
    expect(readJson(tree, 'package.json').devDependencies).toMatchInlineSnapshot(`
      {
        "@strata/engine": "0.1.0",
        "drizzle-kit": "^0.31.11",
        "drizzle-orm": "0.44.0",
      }
    `);
  });

  it('keeps existing target defaults', async () => {
    updateJson(tree, 'nx.json', (json) => ({ ...json, targetDefaults: { migrate: { dependsOn: ['build'] } } }));
    await initGeneratorInternal(tree, { skipFormat: true, skipPackageJson: true });
    expect(readNxJson(tree)?.targetDefaults?.['migrate']).toEqual({ dependsOn: ['build'] });
  });

  it('replaces the plain ^migrate of earlier versions, which ran dependencies online under --sql', async () => {
    updateJson(tree, 'nx.json', (json) => ({ ...json, targetDefaults: { migrate: { dependsOn: ['^migrate'], cache: false } } }));
    await initGeneratorInternal(tree, { skipFormat: true, skipPackageJson: true });
    expect(readNxJson(tree)?.targetDefaults?.['migrate']).toEqual({ cache: false, dependsOn: [{ dependencies: true, target: 'migrate', params: 'forward' }] });
  });

  it('initGenerator does not register the plugin', async () => {
    await initGenerator(tree, { skipFormat: true, skipPackageJson: true });
    expect(readNxJson(tree)?.plugins ?? []).toEqual([]);
  });
});
