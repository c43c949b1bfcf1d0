import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { UnsafeOperation } from '../../src/autogenerate/check-safety.js';
import { renderGeneratedRevision } from '../../src/autogenerate/render-revision.js';
import { toSafeForms } from '../../src/autogenerate/safe-forms.js';
import { applyToModel } from '../../src/ops/apply-to-model.js';
import type { Op } from '../../src/ops/op.js';
import { reverseOp } from '../../src/ops/reverse.js';
import { emptySchema, type SchemaModel } from '../../src/schema/model.js';
import { describeDialects } from '../support/databases.js';
import { StreamFixture, describeRun, jsonOf, makeTempDir, versionRows, withConnection } from '../support/streams.js';

// Issue 13 #2: the safe forms of risky ops build the same catalog as the plain forms, and the lint passes them.
const A = 'aaaa13200001';
const B = 'bbbb13200002';
const ROWS = 50_000;

const BASE: readonly Op[] = [
  { kind: 'createTable', table: 'users', columns: [{ name: 'id', type: 'integer', primaryKey: true }] },
  {
    kind: 'createTable',
    table: 'orders',
    columns: [
      { name: 'id', type: 'integer', primaryKey: true },
      { name: 'user_id', type: 'integer' },
      { name: 'code', type: 'integer' },
      { name: 'note', type: 'text' },
    ],
  },
];

/** Every risky op the safe forms cover, on the existing table orders. */
const CHANGES: readonly Op[] = [
  { kind: 'createIndex', table: 'orders', name: 'ix_orders_user', columns: ['user_id'] },
  { kind: 'createForeignKey', table: 'orders', foreignKey: { name: 'fk_orders_user', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'] } },
  { kind: 'createCheckConstraint', table: 'orders', constraint: { name: 'ck_orders_code', expression: 'code >= 0' } },
  { kind: 'alterColumn', table: 'orders', column: 'note', nullable: false },
  { kind: 'createUniqueConstraint', table: 'orders', constraint: { name: 'uq_orders_code', columns: ['code'] } },
];

/** Writes a generated revision of `ops` (its downgrade derived as autogenerate derives it) and returns the model after. */
function writeGenerated(dir: string, file: string, id: string, parents: readonly string[], ops: readonly Op[], before: SchemaModel, normalizer: Parameters<typeof applyToModel>[2]): SchemaModel {
  const inverses: Op[][] = [];
  let model = before;
  for (const op of ops) {
    inverses.push(reverseOp(op, model));
    model = applyToModel(model, op, normalizer);
  }
  writeFileSync(join(dir, file), renderGeneratedRevision({ id, parents, message: file, createdAt: new Date('2024-05-01T00:00:00Z'), upgrade: ops, downgrade: inverses.reverse().flat() }));
  return model;
}

await describeDialects(
  'safe forms',
  (ctx) => {
    const temp = makeTempDir(`safe-forms-${ctx.name}`);
    afterAll(() => temp.remove());

    it('the safe forms reach the catalog the plain forms reach, on a table holding rows; the lint flags the plain ones only; down and up again', async () => {
      const streams = await Promise.all(
        (['plain', 'safe'] as const).map(async (form) => {
          const db = await ctx.createDatabase(`zero_forms_${form}`);
          const s = new StreamFixture(temp.path, `zero-forms-${form}`, db.url);
          const base = writeGenerated(s.dir, '20240501_0000_base.ts', A, [], BASE, emptySchema(), ctx.dialect.normalizer);
          const changes = form === 'plain' ? CHANGES : toSafeForms(CHANGES, base, ctx.dialect.capabilities, ctx.dialect.normalizer);
          writeGenerated(s.dir, '20240501_0001_changes.ts', B, [A], changes, base, ctx.dialect.normalizer);
          const first = await s.cli('upgrade', A);
          expect(first.code, describeRun(first)).toBe(0);
          await withConnection(ctx.dialect, s.url, async (c) => {
            await c.query(`INSERT INTO users (id) SELECT g FROM generate_series(1, 100) AS g`);
            await c.query(`INSERT INTO orders (id, user_id, code, note) SELECT g, 1 + g % 100, g, 'n' || g FROM generate_series(1, ${ROWS}) AS g`);
          });
          return { form, s };
        }),
      );
      for (const { form, s } of streams) {
        const check = await s.cli('check', '--db', '--json');
        expect(check.code, describeRun(check)).toBe(0);
        const unsafe = jsonOf<{ findings: { kind: string; operation: UnsafeOperation }[] }>(check)
          .findings.filter((f) => f.kind === 'unsafe-operation' && f.operation.revision === B)
          .map((f) => f.operation.kind);
        expect(unsafe, form).toEqual(form === 'plain' ? ['createIndex', 'createForeignKey', 'createCheckConstraint', 'alterColumn', 'createUniqueConstraint'] : []);
        const source = readFileSync(join(s.dir, '20240501_0001_changes.ts'), 'utf8');
        expect(source.includes('transactional: false'), form).toBe(form === 'safe');
        const run = await s.cli('upgrade', 'head');
        expect(run.code, describeRun(run)).toBe(0);
        expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([B]);
      }
      const [plain, safe] = await Promise.all(streams.map(({ s }) => withConnection(ctx.dialect, s.url, (c) => ctx.dialect.readSchema(c))));
      const orders = safe?.tables.get('orders');
      expect(orders).toEqual(plain?.tables.get('orders'));
      expect(orders?.columns.find((c) => c.name === 'note')?.nullable).toBe(false);
      expect(orders?.checkConstraints.map((c) => c.name)).toEqual(['ck_orders_code']);
      expect(orders?.uniqueConstraints).toEqual([{ name: 'uq_orders_code', columns: ['code'] }]);
      expect(orders?.indexes.map((i) => i.name)).toEqual(['ix_orders_user']);
      expect(orders?.foreignKeys.map((f) => f.name)).toEqual(['fk_orders_user']);
      // NOT VALID constraints were validated: the catalog says so, not only the model.
      const validated = await withConnection(ctx.dialect, streams[1]?.s.url ?? '', (c) =>
        c.query("SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype IN ('f', 'c') ORDER BY conname"),
      );
      expect(validated.map((row) => [row.conname, row.convalidated])).toEqual([
        ['ck_orders_code', true],
        ['fk_orders_user', true],
      ]);

      const s = streams[1]?.s;
      if (s === undefined) throw new Error('no safe stream');
      const down = await s.cli('downgrade', A);
      expect(down.code, describeRun(down)).toBe(0);
      const up = await s.cli('upgrade', 'head');
      expect(up.code, describeRun(up)).toBe(0);
      const again = await withConnection(ctx.dialect, s.url, (c) => ctx.dialect.readSchema(c));
      expect(again.tables.get('orders')).toEqual(plain?.tables.get('orders'));
    });
  },
  ['postgresql'],
);
