import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TsModuleLoader } from '../loader/ts-module-loader.js';
import { normalizeRevision } from './revision.js';
import {
  RevisionFileExistsError,
  newRevisionId,
  renderRevisionSource,
  revisionFileName,
  writeRevisionFile,
  type RevisionSourceFields,
} from './write-revision.js';

const AT = new Date('2024-05-01T09:05:42.123Z');

const folders: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-write-revision-'));
  folders.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const engine = await import('../index.js');

/** Loads a written file the way the engine does: `@strata/engine` is this engine. */
function loadBack(file: string) {
  const exported = new TsModuleLoader({ '@strata/engine': engine }).load(file) as { default?: unknown };
  return normalizeRevision(exported.default, file);
}

describe('newRevisionId', () => {
  it('is 12 lowercase hex characters', () => {
    expect(newRevisionId()).toMatch(/^[0-9a-f]{12}$/);
  });

  it('takes its bytes from the given source', () => {
    expect(newRevisionId((size) => Uint8Array.from({ length: size }, (_, i) => i * 17 + 10))).toBe('0a1b2c3d4e5f');
  });

  it('differs between calls', () => {
    expect(new Set(Array.from({ length: 100 }, () => newRevisionId())).size).toBe(100);
  });
});

describe('revisionFileName', () => {
  it('follows YYYYMMDD_HHMM_<slug>.ts in UTC', () => {
    expect(revisionFileName(AT, 'Add users table')).toBe('20240501_0905_add_users_table.ts');
    expect(revisionFileName(new Date('2024-12-31T23:59:59+02:00'), 'x')).toBe('20241231_2159_x.ts');
  });

  it.each([
    ['  Add  "users" -- table!  ', 'add_users_table'],
    ['add_users', 'add_users'],
    ['__leading and trailing__', 'leading_and_trailing'],
    ['Crème brûlée', 'creme_brulee'],
    ['v2.1: rename user->account', 'v2_1_rename_user_account'],
    ['', 'revision'],
    ['!!! ---', 'revision'],
    ['テーブル追加', 'revision'],
    ['line one\nline two', 'line_one_line_two'],
  ])('slugs %j as %j', (message, slug) => {
    expect(revisionFileName(AT, message)).toBe(`20240501_0905_${slug}.ts`);
  });

  it('cuts a long slug at a word boundary, at most 40 characters', () => {
    const name = revisionFileName(AT, 'add the billing address columns to the customers table');
    const slug = name.slice('20240501_0905_'.length, -'.ts'.length);
    expect(slug).toBe('add_the_billing_address_columns_to_the');
    expect(slug.length).toBeLessThanOrEqual(40);
  });

  it('keeps a slug of exactly 40 characters whole', () => {
    const message = 'a'.repeat(20) + ' ' + 'b'.repeat(19);
    expect(revisionFileName(AT, message)).toBe(`20240501_0905_${'a'.repeat(20)}_${'b'.repeat(19)}.ts`);
  });

  it('cuts a single word longer than 40 characters at 40', () => {
    expect(revisionFileName(AT, 'x'.repeat(60))).toBe(`20240501_0905_${'x'.repeat(40)}.ts`);
  });
});

describe('renderRevisionSource', () => {
  const base: RevisionSourceFields = { id: '3f2a9c1d4e5b', parents: [], message: 'create users', createdAt: AT };

  it('renders a base revision', () => {
    expect(renderRevisionSource(base)).toBe(
      [
        '/**',
        ' * create users',
        ' *',
        ' * Revision ID: 3f2a9c1d4e5b',
        ' * Parents: none (base revision)',
        ' * Create Date: 2024-05-01T09:05:42.123Z',
        ' */',
        "import { revision } from '@strata/engine';",
        '',
        'export default revision({',
        '  id: "3f2a9c1d4e5b",',
        '  parents: [],',
        '  message: "create users",',
        '  async upgrade({ execute }) {},',
        '  async downgrade({ execute }) {},',
        '});',
        '',
      ].join('\n'),
    );
  });

  it('renders a merge revision with its heads in the header, and dependsOn and branchLabels when given', () => {
    const source = renderRevisionSource({
      id: 'c0ffee000001',
      parents: ['aaaa11112222', 'bbbb33334444'],
      message: 'merge heads',
      dependsOn: ['accounts@3f2a9c1d4e5b'],
      branchLabels: ['billing'],
      createdAt: AT,
    });
    expect(source).toContain(' * Merges heads aaaa11112222, bbbb33334444.\n');
    expect(source).toContain(' * Parents: aaaa11112222, bbbb33334444\n');
    expect(source).toContain('  parents: ["aaaa11112222", "bbbb33334444"],\n');
    expect(source).toContain('  dependsOn: ["accounts@3f2a9c1d4e5b"],\n  branchLabels: ["billing"],\n');
  });

  it('leaves out empty dependsOn and branchLabels, and says nothing of merging for one parent', () => {
    const source = renderRevisionSource({ ...base, parents: ['aaaa11112222'], dependsOn: [], branchLabels: [] });
    expect(source).not.toContain('dependsOn');
    expect(source).not.toContain('branchLabels');
    expect(source).not.toContain('Merges');
    expect(source).toContain(' * Parents: aaaa11112222\n');
  });

  it('is byte-identical for the same input', () => {
    const fields = { ...base, parents: ['aaaa11112222', 'bbbb33334444'], branchLabels: ['x'] };
    expect(renderRevisionSource(fields)).toBe(renderRevisionSource({ ...fields }));
  });

  it('escapes the message in code and keeps it from closing the header comment', () => {
    const source = renderRevisionSource({ ...base, message: 'fix "quotes" */ and \\ back\nsecond line' });
    expect(source).toContain('  message: "fix \\"quotes\\" */ and \\\\ back\\nsecond line",\n');
    expect(source).toContain(' * fix "quotes" *\\/ and \\ back\n * second line\n');
    expect(source.indexOf('*/')).toBe(source.indexOf(' */\nimport') + 1);
  });

  it('refuses fields that would not load back', () => {
    expect(() => renderRevisionSource({ ...base, id: 'NOT-AN-ID' })).toThrow(/id "NOT-AN-ID"/);
    expect(() => renderRevisionSource({ ...base, parents: ['x'] })).toThrow(/parents/);
    expect(() => renderRevisionSource({ ...base, dependsOn: ['bad stream@abcd'] })).toThrow(/dependsOn/);
  });
});

describe('writeRevisionFile', () => {
  it('creates the folder, writes the file and loads back as the same revision', () => {
    const dir = join(tempDir(), 'nested', 'migrations');
    const result = writeRevisionFile(dir, {
      id: 'c0ffee000001',
      parents: ['aaaa11112222', 'bbbb33334444'],
      message: 'merge "heads"',
      dependsOn: ['accounts@3f2a9c1d4e5b'],
      branchLabels: ['billing'],
      createdAt: AT,
    });
    expect(result).toEqual({ file: join(dir, '20240501_0905_merge_heads.ts'), id: 'c0ffee000001' });
    expect(readdirSync(dir)).toEqual(['20240501_0905_merge_heads.ts']);
    const loaded = loadBack(result.file);
    expect(loaded).toMatchObject({
      id: 'c0ffee000001',
      parents: ['aaaa11112222', 'bbbb33334444'],
      message: 'merge "heads"',
      dependsOn: ['accounts@3f2a9c1d4e5b'],
      branchLabels: ['billing'],
      transactional: true,
    });
  });

  it('runs the empty upgrade and downgrade bodies', async () => {
    const { file } = writeRevisionFile(tempDir(), { parents: [], message: 'empty', createdAt: AT });
    const loaded = loadBack(file);
    const ctx = { execute: async () => [] } as unknown as Parameters<typeof loaded.upgrade>[0];
    await expect(Promise.resolve(loaded.upgrade(ctx))).resolves.toBeUndefined();
    await expect(Promise.resolve(loaded.downgrade(ctx))).resolves.toBeUndefined();
  });

  it('generates an id when none is given', () => {
    const { file, id } = writeRevisionFile(tempDir(), { parents: [], message: 'first' });
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(loadBack(file).id).toBe(id);
  });

  it('writes the same bytes as renderRevisionSource', () => {
    const fields = { id: '3f2a9c1d4e5b', parents: [], message: 'create users', createdAt: AT };
    const { file } = writeRevisionFile(tempDir(), fields);
    expect(readFileSync(file, 'utf8')).toBe(renderRevisionSource(fields));
  });

  it('refuses to overwrite an existing file and leaves it and the folder as they were', () => {
    const dir = tempDir();
    const existing = join(dir, '20240501_0905_create_users.ts');
    writeFileSync(existing, '// mine\n');
    let error: unknown;
    try {
      writeRevisionFile(dir, { parents: [], message: 'create users', createdAt: AT });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RevisionFileExistsError);
    expect(error).toMatchObject({ code: 'REVISION_FILE_EXISTS', details: { file: existing } });
    expect((error as Error).message).toContain(existing);
    expect(readFileSync(existing, 'utf8')).toBe('// mine\n');
    expect(readdirSync(dir)).toEqual(['20240501_0905_create_users.ts']);
  });
});
