import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findUnguardedOperations } from './check-guards.js';

const VERSIONS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../migrations/versions');

/** A revision file around the given upgrade body. */
const revisionWith = (upgrade: string, params = '{ op, inspect }') => `import { revision } from '@strata/engine';

export default revision({
  id: 'abcd1234',
  parents: [],
  async upgrade(${params}) {
${upgrade}
  },
  async downgrade() {},
});
`;

describe('findUnguardedOperations: guarded forms', () => {
  it.each([
    ['if, one line', "if (!(await inspect.hasTable('t'))) await op.createTable('t', { columns: [{ name: 'id', type: 'integer' }] });"],
    ['if, braced, nested in another block', "if (await inspect.hasTable('t')) {\n  if (true) {\n    await op.dropTable('t');\n  }\n}"],
    ['else branch', "if (await inspect.hasColumn('t', 'c')) {\n  console.log('present');\n} else {\n  await op.addColumn('t', { name: 'c', type: 'text' });\n}"],
    ['&&', "(await inspect.hasIndex('t', 'ix')) && (await op.dropIndex('ix', 't'));"],
    ['||', "(await inspect.hasIndex('t', 'ix')) || (await op.createIndex('ix', 't', ['c']));"],
    ['conditional', "await ((await inspect.hasEnum('e')) ? op.dropEnum('e') : Promise.resolve());"],
    ['early return', "if (await inspect.hasTable('t')) return;\nawait op.createTable('t', { columns: [{ name: 'id', type: 'integer' }] });"],
    ['early return in a block', "if ((await inspect.tables()).includes('t')) {\n  console.log('done');\n  return;\n}\nawait op.dropTable('old');"],
    ['any inspect member: the seed pattern', "const columns = new Set((await inspect.columns('t')).map((c) => c.name));\nif (!columns.has('c')) await op.addColumn('t', { name: 'c', type: 'text' });"],
    ['a variable derived through another', "const cols = await inspect.columns('t');\nconst [status] = cols.filter((c) => c.name === 'status');\nif (status?.nullable) await op.alterColumn('t', 'status', { nullable: false });"],
    ['batch calls under the batchAlterTable guard', "if (await inspect.hasTable('t')) {\n  await op.batchAlterTable('t', (batch) => {\n    batch.addColumn({ name: 'c', type: 'text' });\n    batch.dropColumn('d');\n  });\n}"],
    ['batch calls with guards of their own', "await op.batchAlterTable('t', async (batch) => {\n  if (!(await inspect.hasColumn('t', 'c'))) batch.addColumn({ name: 'c', type: 'text' });\n});"],
    ['a batch with no operation', "await op.batchAlterTable('t', () => {});"],
    ['raw SQL', "await op.execute('UPDATE t SET c = 1');"],
  ])('%s', (_name, body) => {
    expect(findUnguardedOperations(revisionWith(body), 'r.ts')).toEqual([]);
  });

  it('follows the context parameter: ctx.op / ctx.inspect, destructured later, renamed', () => {
    const viaContext = revisionWith("if (!(await ctx.inspect.hasColumn('t', 'c'))) await ctx.op.addColumn('t', { name: 'c', type: 'text' });", 'ctx');
    const destructuredLater = revisionWith("const { op, inspect: i } = ctx;\nif (await i.hasTable('t')) await op.dropTable('t');", 'ctx');
    const assignedLater = revisionWith("const o = ctx.op;\nconst i = ctx.inspect;\nif (await i.hasTable('t')) await o.dropTable('t');", 'ctx');
    const renamed = revisionWith("if (await check.hasTable('t')) await o.dropTable('t');", '{ op: o, inspect: check }');
    for (const source of [viaContext, destructuredLater, assignedLater, renamed]) expect(findUnguardedOperations(source, 'r.ts')).toEqual([]);
  });

  it('reads upgrade and downgrade written as functions, properties and exports', () => {
    const source = `
export async function upgrade({ op, inspect }) {
  if (await inspect.hasTable('t')) await op.dropTable('t');
}
export const downgrade = async (ctx) => {
  if (!(await ctx.inspect.hasTable('t'))) await ctx.op.createTable('t', { columns: [{ name: 'id', type: 'integer' }] });
};
const other = { upgrade: async ({ op, inspect }) => { if (await inspect.hasEnum('e')) await op.dropEnum('e'); } };
`;
    expect(findUnguardedOperations(source, 'r.ts')).toEqual([]);
  });
});

describe('findUnguardedOperations: unguarded operations', () => {
  it('reports each with its file, line, column, method and text', () => {
    const source = revisionWith(
      [
        "    await op.dropTable('t');",
        "    if (flag) await op.addColumn('t', { name: 'c', type: 'text' });",
        "    if (await inspect.hasTable('t')) console.log('no early return');",
        "    await op.renameColumn('t', 'a', 'b');",
        "    await op.batchAlterTable('t', (batch) => {",
        "      batch.alterColumn('c', { nullable: false });",
        "      if (await inspect.hasColumn('t', 'd')) batch.dropColumn('d');",
        '    });',
        "    await op.batchAlterTable('t', build);",
        "    if (await inspect.hasTable('t')) await op.execute('SELECT 1');",
      ].join('\n'),
    );
    expect(findUnguardedOperations(source, 'migrations/r.ts')).toEqual([
      { file: 'migrations/r.ts', line: 7, column: 11, method: 'dropTable', text: "op.dropTable('t')" },
      { file: 'migrations/r.ts', line: 8, column: 21, method: 'addColumn', text: "op.addColumn('t', { name: 'c', type: 'text' })" },
      { file: 'migrations/r.ts', line: 10, column: 11, method: 'renameColumn', text: "op.renameColumn('t', 'a', 'b')" },
      { file: 'migrations/r.ts', line: 12, column: 7, method: 'alterColumn', text: "batch.alterColumn('c', { nullable: false })" },
      { file: 'migrations/r.ts', line: 15, column: 11, method: 'batchAlterTable', text: "op.batchAlterTable('t', build)" },
    ]);
  });

  it('row-level security, policies and roles are schema operations too', () => {
    const source = revisionWith(
      [
        "    await op.createRole('app');",
        "    await op.enableRowLevelSecurity('t');",
        "    await op.createPolicy('p', 't', { using: 'true' });",
        "    await op.alterPolicy('p', 't', { using: 'false' });",
        "    if (await inspect.hasPolicy('t', 'p')) await op.dropPolicy('p', 't');",
        "    if (await inspect.hasRowLevelSecurity('t')) await op.disableRowLevelSecurity('t');",
        "    if (await inspect.hasRole('app')) await op.dropRole('app');",
      ].join('\n'),
    );
    expect(findUnguardedOperations(source, 'r.ts').map(({ method }) => method)).toEqual(['createRole', 'enableRowLevelSecurity', 'createPolicy', 'alterPolicy']);
  });

  it('sequences and views are schema operations too', () => {
    const source = revisionWith(
      [
        "    await op.createSequence('n', { start: '10' });",
        "    await op.createView('v', 'select 1', { materialized: true });",
        "    if (await inspect.hasSequence('n')) await op.alterSequence('n', { increment: '2' });",
        "    if (await inspect.hasViewAs('v', 'select 1')) await op.dropView('v', { materialized: true });",
        "    await op.dropSequence('n');",
      ].join('\n'),
    );
    expect(findUnguardedOperations(source, 'r.ts').map(({ method }) => method)).toEqual(['createSequence', 'createView', 'dropSequence']);
  });

  it('through the context parameter, and in downgrade too', () => {
    const source = `export default revision({
  id: 'abcd1234',
  parents: [],
  async upgrade(ctx) {
    await ctx.op.createEnum('e', ['a']);
  },
  async downgrade({ op }) {
    await op.dropEnum('e');
  },
});
`;
    expect(findUnguardedOperations(source, 'r.ts').map(({ line, method }) => ({ line, method }))).toEqual([
      { line: 5, method: 'createEnum' },
      { line: 8, method: 'dropEnum' },
    ]);
  });

  it('a guard must read inspect: a condition on anything else does not count', () => {
    const source = revisionWith("const exists = await other.hasTable('t');\nif (exists) await op.dropTable('t');");
    expect(findUnguardedOperations(source, 'r.ts').map((f) => f.method)).toEqual(['dropTable']);
  });

  it('shortens long calls to one line of 120 characters', () => {
    const columns = Array.from({ length: 10 }, (_, i) => `{ name: 'column_${i}', type: 'text' }`).join(',\n      ');
    const [finding] = findUnguardedOperations(revisionWith(`await op.createTable('t', {\n  columns: [\n      ${columns}],\n});`), 'r.ts');
    expect(finding?.text).toHaveLength(120);
    expect(finding?.text).toMatch(/^op\.createTable\('t', \{ columns: \[ \{ name: 'column_0', type: 'text' \}, .*…$/);
  });

  it('looks only inside upgrade and downgrade', () => {
    const source = `async function helper(op) { await op.dropTable('t'); }\n${revisionWith('await helper(op);')}`;
    expect(findUnguardedOperations(source, 'r.ts')).toEqual([]);
  });
});

describe('findUnguardedOperations: the example revisions', () => {
  const files = readdirSync(VERSIONS).filter((name) => name.endsWith('.ts'));

  it('finds the examples', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s has no unguarded operation', (name) => {
    const file = join(VERSIONS, name);
    expect(findUnguardedOperations(readFileSync(file, 'utf8'), file)).toEqual([]);
  });
});
