import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Tree } from '@nx/devkit';
import { FsTree } from 'nx/src/generators/tree';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import migrateMergeExecutor from '../../executors/migrate-merge/migrate-merge.impl';
import { mergeGenerator } from './merge';

const REPO_NODE_MODULES = join(__dirname, '..', '..', '..', '..', '..', 'node_modules');

const revisionFile = (id: string, parents: readonly string[]): string =>
  `import { revision } from '@strata/engine';\nexport default revision({ id: '${id}', parents: ${JSON.stringify(parents)}, async upgrade() {}, async downgrade() {} });\n`;

/** A workspace on disk (the engine reads configs and revisions from disk), changed through an FsTree as `nx g` does. */
describe('@strata/nx:merge', () => {
  let root: string;
  let tree: Tree;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'strata-nx-merge-'));
    symlinkSync(REPO_NODE_MODULES, join(root, 'node_modules'), 'dir');
    write('package.json', '{ "name": "ws", "private": true }');
    write('nx.json', '{}');
    write('apps/billing/project.json', '{ "name": "billing", "root": "apps/billing" }');
    write('apps/billing/strata.config.json', '{ "dialect": "sqlite", "url": "file:billing.db" }');
    write('apps/billing/migrations/20240101_0000_base.ts', revisionFile('aaaa00000001', []));
    write('apps/billing/migrations/20240101_0001_left.ts', revisionFile('bbbb00000002', ['aaaa00000001']));
    write('apps/billing/migrations/20240101_0002_right.ts', revisionFile('cccc00000003', ['aaaa00000001']));
    tree = new FsTree(root, false);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes the merge of every head through the Tree only (dry-run safe), as strata merge renders it', async () => {
    await mergeGenerator(tree, { project: 'billing', message: 'join branches', revId: 'dddd00000004' });
    const changes = tree.listChanges();
    expect(changes.map((change) => `${change.type} ${change.path}`)).toEqual([expect.stringMatching(/^CREATE apps\/billing\/migrations\/\d{8}_\d{4}_join_branches\.ts$/)]);
    expect(readdirSync(join(root, 'apps/billing/migrations'))).toHaveLength(3);
    expect(changes[0]?.content?.toString().replace(/Create Date: .*/, 'Create Date: <date>')).toMatchInlineSnapshot(`
      "/**
       * join branches
       *
       * Merges heads bbbb00000002, cccc00000003.
       *
       * Revision ID: dddd00000004
       * Parents: bbbb00000002, cccc00000003
       * Create Date: <date>
       */
      import { revision } from '@strata/engine';

      export default revision({
        id: 'dddd00000004',
        parents: ['bbbb00000002', 'cccc00000003'],
        message: 'join branches',
        async upgrade() {
          // Nothing to do.
        },
        async downgrade() {
          // Nothing to do.
        },
      });
      "
    `);
  });

  it('names the merge after its parents without a message, and takes the heads to merge as prefixes', async () => {
    await mergeGenerator(tree, { project: 'billing', revisions: 'bbbb,cccc', revId: 'dddd00000004' });
    const [change] = tree.listChanges();
    expect(change?.path).toMatch(/_merge_bbbb00000002_cccc00000003\.ts$/);
    expect(change?.content?.toString()).toContain("message: 'merge bbbb00000002, cccc00000003',");
  });

  it('refuses a stream with a single head, naming the Nx target that lists the heads', async () => {
    write('apps/billing/migrations/20240101_0003_merge.ts', revisionFile('dddd00000004', ['bbbb00000002', 'cccc00000003']));
    await expect(mergeGenerator(tree, { project: 'billing' })).rejects.toThrow(
      /REVISION_NOTHING_TO_MERGE: Nothing to merge in stream "billing": only dddd00000004 \(the stream has a single head\)\.\nhint: .*nx run billing:migrate-status/,
    );
  });

  it('refuses a revision that is not a head (the engine\'s mergeParents)', async () => {
    await expect(mergeGenerator(tree, { project: 'billing', revisions: ['aaaa', 'bbbb'] })).rejects.toThrow(/REVISION_MERGE_NOT_HEAD/);
    expect(tree.listChanges()).toEqual([]);
  });

  it('the migrate-merge target writes the same file on disk (the alias)', async () => {
    await mergeGenerator(tree, { project: 'billing', message: 'join', revId: 'dddd00000004' });
    const generated = tree.listChanges()[0]?.content?.toString();
    const result = await migrateMergeExecutor(
      { cwd: 'apps/billing', message: 'join', revId: 'dddd00000004' },
      {
        root,
        cwd: root,
        isVerbose: false,
        projectName: 'billing',
        targetName: 'migrate-merge',
        projectGraph: { nodes: {}, dependencies: {} },
        projectsConfigurations: { version: 2, projects: { billing: { root: 'apps/billing' } } },
        nxJsonConfiguration: {},
      },
    );
    expect(result.success).toBe(true);
    const [file] = readdirSync(join(root, 'apps/billing/migrations')).filter((name) => name.endsWith('_join.ts'));
    const written = readFileSync(join(root, 'apps/billing/migrations', file ?? ''), 'utf8');
    expect(written.replace(/Create Date: .*/, '')).toBe(generated?.replace(/Create Date: .*/, ''));
  });
});
