import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StrataError } from '../errors.js';
import { checksumOf, loadRevisions } from './load-revisions.js';

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
