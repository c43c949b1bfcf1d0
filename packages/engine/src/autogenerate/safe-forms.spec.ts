import { describe, expect, it } from 'vitest';
import type { DialectCapabilities } from '../dialects/dialect.js';
import type { Op } from '../ops/op.js';
import { emptySchema } from '../schema/model.js';
import { applyAll, TEST_NORMALIZER } from '../__fixtures__/test-normalizer.js';
import { toSafeForms } from './safe-forms.js';

const POSTGRES: DialectCapabilities = { transactionalDdl: true, enums: true, onlineIndexes: true, notValidConstraints: true };
const MYSQL: DialectCapabilities = { transactionalDdl: false, enums: false, onlineIndexes: true };
const SQLITE: DialectCapabilities = { transactionalDdl: true, enums: false };

const BEFORE = applyAll(
  emptySchema(),
  { kind: 'createTable', table: 'users', columns: [{ name: 'id', type: 'integer', primaryKey: true }] },
  { kind: 'createTable', table: 'orders', columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'user_id', type: 'integer' }, { name: 'code', type: 'integer' }, { name: 'note', type: 'text' }] },
);

/** Every risky op on the existing table orders, and one on a table the same list creates. */
const PLAIN: readonly Op[] = [
  { kind: 'createIndex', table: 'orders', name: 'ix_orders_user', columns: ['user_id'] },
  { kind: 'createForeignKey', table: 'orders', foreignKey: { name: 'fk_orders_user', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'] } },
  { kind: 'createCheckConstraint', table: 'orders', constraint: { name: 'ck_orders_code', expression: 'code >= 0' } },
  { kind: 'alterColumn', table: 'orders', column: 'note', nullable: false },
  { kind: 'createUniqueConstraint', table: 'orders', constraint: { name: 'uq_orders_code', columns: ['code'] } },
  { kind: 'createTable', table: 'items', columns: [{ name: 'id', type: 'integer', primaryKey: true }] },
  { kind: 'createIndex', table: 'items', name: 'ix_items_id', columns: ['id'] },
];

describe('toSafeForms (issue 13, item 2)', () => {
  it('PostgreSQL: concurrent index, NOT VALID then VALIDATE, SET NOT NULL through a check, UNIQUE USING INDEX; a new table left alone', () => {
    const safe = toSafeForms(PLAIN, BEFORE, POSTGRES, TEST_NORMALIZER);
    const label = (op: Op): string =>
      'name' in op ? (op.name ?? '') : 'constraint' in op ? op.constraint.name : 'foreignKey' in op ? op.foreignKey.name : op.kind === 'alterColumn' ? op.column : 'table' in op ? op.table : '';
    expect(safe.map((op) => `${op.kind} ${label(op)}`)).toEqual([
      'createIndex ix_orders_user',
      'createForeignKey fk_orders_user',
      'validateConstraint fk_orders_user',
      'createCheckConstraint ck_orders_code',
      'validateConstraint ck_orders_code',
      'createCheckConstraint orders_note_not_null',
      'validateConstraint orders_note_not_null',
      'alterColumn note',
      'dropCheckConstraint orders_note_not_null',
      'createIndex uq_orders_code',
      'createUniqueConstraint uq_orders_code',
      'createTable items',
      'createIndex ix_items_id',
    ]);
    expect(safe[0]).toMatchObject({ concurrently: true });
    expect(safe[1]).toMatchObject({ notValid: true });
    expect(safe[5]).toEqual({ kind: 'createCheckConstraint', table: 'orders', constraint: { name: 'orders_note_not_null', expression: 'note IS NOT NULL' }, notValid: true });
    expect(safe[9]).toEqual({ kind: 'createIndex', table: 'orders', name: 'uq_orders_code', columns: ['code'], unique: true, concurrently: true });
    expect(safe[10]).toMatchObject({ usingIndex: 'uq_orders_code' });
    expect(safe[12]).not.toHaveProperty('concurrently');
  });

  it.each([
    ['postgresql', POSTGRES],
    ['mysql', MYSQL],
    ['sqlite', SQLITE],
  ] as const)('%s: the safe forms build the same schema model as the plain ops', (_name, capabilities) => {
    expect(applyAll(BEFORE, ...toSafeForms(PLAIN, BEFORE, capabilities, TEST_NORMALIZER))).toEqual(applyAll(BEFORE, ...PLAIN));
  });

  it('MySQL: only the index goes online; SQLite: nothing changes', () => {
    expect(toSafeForms(PLAIN, BEFORE, MYSQL, TEST_NORMALIZER)).toEqual([{ ...PLAIN[0], concurrently: true }, ...PLAIN.slice(1)]);
    expect(toSafeForms(PLAIN, BEFORE, SQLITE, TEST_NORMALIZER)).toEqual(PLAIN);
  });
});
