import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StrataError } from '../errors.js';
import { checksumOf, loadRevisions } from './load-revisions.js';
import type { Revision } from './revision.js';
import { renderRevisionSource } from './write-revision.js';

const root = mkdtempSync(join(tmpdir(), 'strata-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function folder(files: Record<string, string>): string {
  const dir = join(root, `s${n++}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const source = (id: string, parents: string[], extra = '') => `import { revision } from '@strata/engine';
${extra}
export default revision({
  id: '${id}',
  parents: ${JSON.stringify(parents)} as string[],
  message: 'rev ${id}',
  async upgrade({ execute }: { execute: (sql: string) => Promise<unknown> }) { await execute('select 1'); },
  async downgrade() {},
});
`;

function loadError(dir: string): StrataError {
  try {
    loadRevisions(dir);
  } catch (error) {
    if (error instanceof StrataError) return error;
    throw error;
  }
  throw new Error('loadRevisions did not throw');
}

describe('loadRevisions', () => {
  it('loads TypeScript revision files in file-name order with their checksums', () => {
    const a = source('aaaa0001', []);
    const b = source('bbbb0002', ['aaaa0001']);
    const dir = folder({ '20260101_1200_first.ts': a, '20260101_1300_second.ts': b, 'notes.md': '# not a revision' });
    const revisions = loadRevisions(dir);
    expect(revisions.map((r) => r.id)).toEqual(['aaaa0001', 'bbbb0002']);
    expect(revisions[1]).toMatchObject({ parents: ['aaaa0001'], message: 'rev bbbb0002', file: join(dir, '20260101_1300_second.ts') });
    expect(revisions[0]?.checksum).toBe(checksumOf(a));
  });

  it('skips declarations, tests, config files and _private helpers, and lets revisions import helpers', () => {
    const dir = folder({
      '_shared.ts': `export const TABLE: string = 'users';`,
      '20260101_1200_uses_helper.ts': source('cccc0003', [], `import { TABLE } from './_shared';\nexport const used = TABLE;`),
      'strata.config.ts': 'export default {}',
      'types.d.ts': 'export type X = 1;',
      'x.spec.ts': 'throw new Error("never loaded")',
    });
    expect(loadRevisions(dir).map((r) => r.id)).toEqual(['cccc0003']);
  });

  it('names the file on a syntax error', () => {
    const file = '20260101_1200_broken.ts';
    const dir = folder({ [file]: `import { revision } from '@strata/engine';\nexport default revision({ id: 'dddd0004', parents: [] ;` });
    const error = loadError(dir);
    expect(error.code).toBe('LOADER_MODULE_FAILED');
    expect(error.message).toContain(join(dir, file));
    expect(error.hint).toContain(file);
  });

  it('names the file when the module throws while loading, without calling its source invalid (issue 12)', () => {
    const dir = folder({ '20260101_1200_throws.ts': `throw new Error('boom at load');` });
    const error = loadError(dir);
    expect(error.code).toBe('LOADER_MODULE_THREW');
    expect(error.message).toMatch(/throws\.ts threw while it was loaded: boom at load/);
    expect(error.hint).not.toContain('valid TypeScript');
    // A SyntaxError raised by the running code (JSON.parse) is a throw, not a syntax error of the file.
    const parsing = folder({ '20260101_1200_parses.ts': `JSON.parse('{');` });
    expect(loadError(parsing).code).toBe('LOADER_MODULE_THREW');
  });

  it("gives a revision file revision() from '@strata/engine' and names anything else it imports from there, with the file", () => {
    const typed = folder({
      '20260101_1200_typed.ts': source('aaaa00000001', [], "import type { CreateTableOptions } from '@strata/engine';\nconst t: CreateTableOptions = { columns: [] };\nvoid t;"),
      '20260101_1201_default.ts': source('aaaa00000002', ['aaaa00000001'], "import * as engine from '@strata/engine';\nif (typeof engine.revision !== 'function') throw new Error('no revision');"),
    });
    expect(loadRevisions(typed).map((r) => r.id)).toEqual(['aaaa00000001', 'aaaa00000002']);
    const reaching = folder({ '20260101_1200_reaches.ts': source('aaaa00000001', [], "import { loadRevisions } from '@strata/engine';\nloadRevisions('.');") });
    const error = loadError(reaching);
    expect(error.code).toBe('LOADER_MODULE_THREW');
    expect(error.message).toContain('reaches.ts threw while it was loaded');
    expect(error.message).toContain(`gets only revision (and the types) from '@strata/engine', not "loadRevisions"`);
  });

  it('rejects a file without a default export', () => {
    const dir = folder({ '20260101_1200_no_default.ts': `export const x = 1;` });
    const error = loadError(dir);
    expect(error.code).toBe('REVISION_INVALID');
    expect(error.message).toContain('no default export');
    expect(error.message).toContain('no_default.ts');
  });

  it('rejects a revision without an id or with a bad one', () => {
    const missing = folder({ '20260101_1200_no_id.ts': `import { revision } from '@strata/engine';\nexport default { parents: [], upgrade() {}, downgrade() {} };` });
    expect(loadError(missing)).toMatchObject({ code: 'REVISION_INVALID', message: expect.stringMatching(/no_id\.ts: `id` is missing/) });
    const bad = folder({ '20260101_1200_bad_id.ts': `export default { id: 'NOT VALID', parents: [], upgrade() {}, downgrade() {} };` });
    expect(loadError(bad).message).toContain('"NOT VALID"');
  });

  it('reports an invalid revision({...}) with its own code, field and file, not as a module that failed to load (issue 10)', () => {
    const file = '20260101_1200_bad_call.ts';
    const dir = folder({ [file]: `import { revision } from '@strata/engine';\nexport default revision({ id: 'NOT VALID', parents: [], upgrade() {}, downgrade() {} });` });
    const error = loadError(dir);
    expect(error.code).toBe('REVISION_INVALID');
    expect(error.message).toContain(`Invalid revision in ${join(dir, file)}: `);
    expect(error.message).toContain('"NOT VALID"');
    expect(error.details).toMatchObject({ file: join(dir, file) });
  });

  it('reports a missing folder with the path and the command that creates it', () => {
    const error = loadError(join(root, 'nope'));
    expect(error.code).toBe('LOADER_FOLDER_MISSING');
    expect(error.message).toContain(join(root, 'nope'));
    expect(error.hint).toContain('strata init');
  });

  it('loads a stream of 1,000 revisions', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) {
      const id = `r${String(i).padStart(5, '0')}`;
      files[`20260101_${String(i).padStart(4, '0')}_rev.ts`] = source(id, i === 0 ? [] : [`r${String(i - 1).padStart(5, '0')}`]);
    }
    const revisions = loadRevisions(folder(files));
    expect(revisions).toHaveLength(1000);
    expect(revisions[999]?.parents).toEqual(['r00998']);
  });
});

describe('loadRevisions with the compile cache', () => {
  let cacheDir: string;
  const previous = process.env['STRATA_CACHE_DIR'];
  beforeEach(() => {
    cacheDir = join(root, `cache-${n++}`);
    process.env['STRATA_CACHE_DIR'] = cacheDir;
  });
  afterEach(() => {
    if (previous === undefined) delete process.env['STRATA_CACHE_DIR'];
    else process.env['STRATA_CACHE_DIR'] = previous;
  });

  /** A file as `strata revision` writes it, with an upgrade that runs `sql`. */
  const generated = (fields: { id: string; parents: string[]; message: string; dependsOn?: string[]; branchLabels?: string[] }, sql: string): string =>
    renderRevisionSource({ ...fields, createdAt: new Date('2026-01-02T03:04:05Z') }).replace(
      'async upgrade({ execute }) {},',
      `async upgrade({ execute }) {\n    await execute('${sql}');\n  },`,
    );

  /** Removes the cache's compiled texts, so that whether a later load compiled anything shows on disk. */
  const dropCodePacks = (): void => {
    for (const name of readdirSync(join(cacheDir, 'packs'))) if (name.endsWith('.code.pack')) rmSync(join(cacheDir, 'packs', name));
  };
  const codePackWritten = (): boolean => existsSync(join(cacheDir, 'packs')) && readdirSync(join(cacheDir, 'packs')).some((name) => name.endsWith('.code.pack'));

  /** The SQL a revision's upgrade runs. */
  const upgradeSql = async (revision: Revision): Promise<string[]> => {
    const ran: string[] = [];
    await revision.upgrade({ execute: async (sql: string) => void ran.push(sql) } as never);
    return ran;
  };

  /** A revision without its functions, every other field as loaded. */
  const fieldsOf = (revision: Revision): Record<string, unknown> => {
    const { upgrade: _upgrade, downgrade: _downgrade, ...fields } = revision;
    return fields;
  };

  it('reads a generated file from the cache once it loaded cleanly: every field as a real load gives, the module compiled on the first upgrade', async () => {
    const dir = folder({
      '20260101_1200_base.ts': generated({ id: 'aaaa0001', parents: [], message: "it's the \"base\"", branchLabels: ['core'] }, 'CREATE TABLE a (id integer)'),
      '20260101_1300_next.ts': generated({ id: 'bbbb0002', parents: ['aaaa0001'], message: 'next', dependsOn: ['billing@cccc0003'] }, 'CREATE TABLE b (id integer)'),
    });
    const real = loadRevisions(dir);
    dropCodePacks();
    const cached = loadRevisions(dir);
    expect(codePackWritten()).toBe(false);
    expect(cached.map(fieldsOf)).toEqual(real.map(fieldsOf));
    expect(cached[0]).toMatchObject({ message: 'it\'s the "base"', branchLabels: ['core'], transactional: true, safetyAllow: [] });
    expect(cached[1]).toMatchObject({ parents: ['aaaa0001'], dependsOn: ['billing@cccc0003'], checksum: real[1]?.checksum });
    expect(await upgradeSql(cached[1]!)).toEqual(['CREATE TABLE b (id integer)']);
    expect(await upgradeSql(cached[0]!)).toEqual(['CREATE TABLE a (id integer)']);
  });

  it('sees an edited file as edited: its new metadata and its new upgrade, whatever the cache holds', async () => {
    const file = '20260101_1200_edited.ts';
    const dir = folder({ [file]: generated({ id: 'dddd0004', parents: [], message: 'before' }, 'SELECT 1') });
    loadRevisions(dir);
    expect((await Promise.all(loadRevisions(dir).map(upgradeSql))).flat()).toEqual(['SELECT 1']);
    const edited = generated({ id: 'dddd0004', parents: [], message: 'after' }, 'SELECT 2');
    writeFileSync(join(dir, file), edited);
    const [revision] = loadRevisions(dir);
    expect(revision).toMatchObject({ message: 'after', checksum: checksumOf(edited) });
    expect(await upgradeSql(revision!)).toEqual(['SELECT 2']);
    expect(await upgradeSql(loadRevisions(dir)[0]!)).toEqual(['SELECT 2']);
  });

  it('loads a file of another shape on every load, never from its text', () => {
    const loads = globalThis as { strataLoadCount?: number };
    loads.strataLoadCount = 0;
    const counted = generated({ id: 'eeee0005', parents: [], message: 'counted' }, 'SELECT 1').replace(
      'export default',
      'const seen = globalThis as { strataLoadCount?: number };\nseen.strataLoadCount = (seen.strataLoadCount ?? 0) + 1;\nexport default',
    );
    const templated = generated({ id: 'ffff0006', parents: ['eeee0005'], message: 'templated' }, 'SELECT 1').replace("'SELECT 1'", '`SELECT ${1}`');
    const dir = folder({ '20260101_1200_counted.ts': counted, '20260101_1300_templated.ts': templated });
    loadRevisions(dir);
    dropCodePacks();
    const again = loadRevisions(dir);
    expect(loads.strataLoadCount).toBe(2);
    // The template-literal file was compiled again: the code pack is back.
    expect(codePackWritten()).toBe(true);
    expect(again.map((r) => r.id)).toEqual(['eeee0005', 'ffff0006']);
  });

  it('loads every file as without a cache when the cache cannot be written', async () => {
    const blocker = join(root, `blocker-${n++}`);
    writeFileSync(blocker, '');
    process.env['STRATA_CACHE_DIR'] = join(blocker, 'cache');
    const dir = folder({ '20260101_1200_only.ts': generated({ id: 'abab0007', parents: [], message: 'only' }, 'SELECT 7') });
    loadRevisions(dir);
    const [revision] = loadRevisions(dir);
    expect(revision).toMatchObject({ id: 'abab0007', message: 'only' });
    expect(await upgradeSql(revision!)).toEqual(['SELECT 7']);
  });
});
