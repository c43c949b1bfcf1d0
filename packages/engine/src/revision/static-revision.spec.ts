import { describe, expect, it } from 'vitest';
import { readStaticRevision } from './static-revision.js';
import { renderRevisionSource } from './write-revision.js';

const CREATED = new Date('2026-01-02T03:04:05Z');

/** A file as `strata revision` writes it, its bodies given. */
function generated(upgrade = "await execute('CREATE TABLE t (id integer)');", extra = ''): string {
  return renderRevisionSource({ id: 'a1b2c3d4e5f6', parents: ['0f0e0d0c0b0a'], message: 'create t', createdAt: CREATED })
    .replace('async upgrade({ execute }) {},', `${extra}async upgrade({ execute }) {\n    ${upgrade}\n  },`);
}

describe('readStaticRevision', () => {
  it('reads what `strata revision` writes, every metadata field and awkward message included', () => {
    const message = `it's "quoted", a \\ backslash, é and a tab\there`;
    const source = renderRevisionSource({
      id: 'a1b2c3d4e5f6',
      parents: ['0f0e0d0c0b0a', '1f1e1d1c1b1a'],
      message,
      dependsOn: ['billing@9a8b7c6d5e4f', 'base_schema'],
      branchLabels: ['feature.x'],
      createdAt: CREATED,
    });
    expect(readStaticRevision(source)).toEqual({
      id: 'a1b2c3d4e5f6',
      parents: ['0f0e0d0c0b0a', '1f1e1d1c1b1a'],
      message,
      dependsOn: ['billing@9a8b7c6d5e4f', 'base_schema'],
      branchLabels: ['feature.x'],
    });
  });

  it('reads a file with typed imports, hoisted literal constants, transactional and bodies holding braces in strings and comments', () => {
    const source = [
      "import { revision, type CreateTableOptions } from '@strata/engine';",
      '',
      "const users: CreateTableOptions = { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'n', type: 'numeric(10, 2)', default: -1.5 }], note: null };",
      '',
      'export default revision({',
      "  id: 'a1b2c3d4e5f6',",
      '  parents: [],',
      "  message: 'create users',",
      '  transactional: false,',
      '  async upgrade({ op, inspect }) {',
      "    if (!(await inspect.hasTable('users'))) await op.createTable('users', users); // a } in a comment",
      "    await op.execute('select \\'}\\' where 1 = 1');",
      '  },',
      '  async downgrade({ op }) {',
      '    /* { */',
      "    await op.dropTable('users');",
      '  },',
      '});',
      '',
    ].join('\n');
    expect(readStaticRevision(source)).toEqual({ id: 'a1b2c3d4e5f6', parents: [], message: 'create users', transactional: false });
  });

  it.each([
    ['a division in a body', generated('const half = 4 / 2;')],
    ['a regular expression in a body', generated("const re = /a/; await execute('select 1');")],
    ['a template literal in a body', generated('await execute(`CREATE TABLE t (id integer)`);')],
    ['an escape JSON does not read', generated("await execute('\\x41');")],
    ['a computed id', generated().replace("id: 'a1b2c3d4e5f6',", "id: 'a1b2c3' + 'd4e5f6',")],
    ['an id from a variable', generated().replace("id: 'a1b2c3d4e5f6',", 'id: ID,')],
    ['an id from the environment', generated().replace("id: 'a1b2c3d4e5f6',", 'id: process.env.ID,')],
    ['a spread property', generated().replace("message: 'create t',", "message: 'create t',\n  ...shared,")],
    ['a property of another name', generated().replace("message: 'create t',", "message: 'create t',\n  lockTimeout: '5s',")],
    ['an arrow-function upgrade', generated().replace('async upgrade({ execute }) {', 'upgrade: async ({ execute }) => {')],
    ['a missing downgrade', generated().replace(/ {2}async downgrade\([^)]*\) \{\},\n/, '')],
    ['a second import', generated().replace("import { revision } from '@strata/engine';", "import { revision } from '@strata/engine';\nimport { helper } from './_helper';")],
    ['a top-level statement', generated().replace('export default', "console.log('loaded');\nexport default")],
    ['a constant with a call', generated().replace('export default', "const t: string = String('t');\nexport default")],
    ['a constant with a member access', generated().replace('export default', 'const t: string = process.env;\nexport default')],
    ['code after the revision', `${generated()}export const other = 1;\n`],
    ['an unclosed body', generated().replace(/\}\);\n$/, '')],
  ])('answers undefined for %s', (_, source) => {
    expect(readStaticRevision(source)).toBeUndefined();
  });

  it('reads the unchanged template of the cases above (each case is one change away from a readable file)', () => {
    expect(readStaticRevision(generated())).toEqual({ id: 'a1b2c3d4e5f6', parents: ['0f0e0d0c0b0a'], message: 'create t' });
  });
});
