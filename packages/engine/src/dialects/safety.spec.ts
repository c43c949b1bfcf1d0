import { describe, expect, it } from 'vitest';
import type { Op } from '../ops/op.js';
import type { ColumnModel } from '../schema/model.js';
import type { DialectName } from './dialect.js';
import { isInplaceTypeChange, MYSQL_SAFETY_RULES } from './mysql/mysql-safety.js';
import { isBinaryCoercible, notNullProofSkipsScan, POSTGRES_SAFETY_RULES } from './postgres/postgres-safety.js';
import { lockCost, type SafetyRules } from './safety.js';
import { SQLITE_SAFETY_RULES } from './sqlite/sqlite-safety.js';

const RULES: Record<DialectName, SafetyRules> = { postgresql: POSTGRES_SAFETY_RULES, mysql: MYSQL_SAFETY_RULES, sqlite: SQLITE_SAFETY_RULES };

const column = (name: string, type: string, nullable = true): ColumnModel => ({ name, type, nullable });

/** One op per rule, with the column it changes as it was. */
const CASES: readonly { readonly title: string; readonly op: Op; readonly column?: ColumnModel }[] = [
  { title: 'createIndex', op: { kind: 'createIndex', table: 'orders', name: 'ix_orders_user', columns: ['user_id'] } },
  { title: 'createIndex concurrently', op: { kind: 'createIndex', table: 'orders', name: 'ix_orders_user', columns: ['user_id'], concurrently: true } },
  {
    title: 'createForeignKey',
    op: { kind: 'createForeignKey', table: 'orders', foreignKey: { name: 'fk_orders_user', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'] } },
  },
  { title: 'SET NOT NULL', op: { kind: 'alterColumn', table: 'orders', column: 'note', nullable: false }, column: column('note', 'varchar(20)') },
  { title: 'integer to bigint', op: { kind: 'alterColumn', table: 'orders', column: 'amount', type: 'bigint' }, column: column('amount', 'integer') },
  { title: 'varchar widened', op: { kind: 'alterColumn', table: 'orders', column: 'note', type: 'varchar(40)' }, column: column('note', 'varchar(20)') },
  { title: 'volatile default', op: { kind: 'addColumn', table: 'orders', column: { name: 'token', type: 'uuid', default: 'gen_random_uuid()' } } },
  { title: 'constant default', op: { kind: 'addColumn', table: 'orders', column: { name: 'state', type: 'text', default: "'new'" } } },
  { title: 'createCheckConstraint', op: { kind: 'createCheckConstraint', table: 'orders', constraint: { name: 'ck_amount', expression: 'amount > 0' } } },
  { title: 'dropTable', op: { kind: 'dropTable', table: 'orders' } },
  { title: 'renameTable', op: { kind: 'renameTable', table: 'orders', to: 'purchases' } },
  { title: 'dropPrimaryKey', op: { kind: 'dropPrimaryKey', table: 'orders' } },
];

/** `[lock, work]` per case and dialect; null: no finding. */
const EXPECTED: Record<DialectName, Record<string, readonly [string, string] | null>> = {
  postgresql: {
    createIndex: ['SHARE', 'build'],
    'createIndex concurrently': null,
    createForeignKey: ['SHARE ROW EXCLUSIVE', 'scan'],
    'SET NOT NULL': ['ACCESS EXCLUSIVE', 'scan'],
    'integer to bigint': ['ACCESS EXCLUSIVE', 'rewrite'],
    'varchar widened': null,
    'volatile default': ['ACCESS EXCLUSIVE', 'rewrite'],
    'constant default': null,
    createCheckConstraint: ['ACCESS EXCLUSIVE', 'scan'],
    dropTable: ['ACCESS EXCLUSIVE', 'brief'],
    renameTable: ['ACCESS EXCLUSIVE', 'brief'],
    dropPrimaryKey: null,
  },
  mysql: {
    createIndex: null,
    'createIndex concurrently': null,
    createForeignKey: ['ALGORITHM=COPY', 'copy'],
    'SET NOT NULL': null,
    'integer to bigint': ['ALGORITHM=COPY', 'copy'],
    'varchar widened': null,
    'volatile default': null,
    'constant default': null,
    createCheckConstraint: null,
    dropTable: null,
    renameTable: null,
    dropPrimaryKey: ['ALGORITHM=COPY', 'copy'],
  },
  sqlite: {
    createIndex: null,
    'createIndex concurrently': null,
    createForeignKey: ['database write lock', 'copy'],
    'SET NOT NULL': ['database write lock', 'copy'],
    'integer to bigint': ['database write lock', 'copy'],
    'varchar widened': ['database write lock', 'copy'],
    // SQLite cannot ADD COLUMN with a non-constant default: the table is recreated.
    'volatile default': ['database write lock', 'copy'],
    'constant default': null,
    createCheckConstraint: ['database write lock', 'copy'],
    dropTable: null,
    renameTable: null,
    dropPrimaryKey: ['database write lock', 'copy'],
  },
};

describe.each(Object.keys(RULES) as DialectName[])('safety rules [%s]', (dialect) => {
  it.each(CASES.map((c) => [c.title, c] as const))('%s', (title, { op, column: col }) => {
    const cost = lockCost(RULES[dialect], op, col ? { column: col } : {});
    const expected = EXPECTED[dialect][title];
    expect(cost === undefined ? null : [cost.lock, cost.work]).toEqual(expected);
    if (cost) expect(cost.tables[0]).toBe('orders');
  });
});

describe('PostgreSQL foreign keys lock both tables', () => {
  it('names the referenced table', () => {
    const cost = lockCost(POSTGRES_SAFETY_RULES, CASES[2]?.op as Op, {});
    expect(cost?.tables).toEqual(['orders', 'users']);
  });
});

describe('isBinaryCoercible (PostgreSQL: no rewrite)', () => {
  it.each([
    ['varchar(20)', 'varchar(40)', true],
    ['character varying(20)', 'text', true],
    ['varchar(20)', 'varchar', true],
    ['varchar(40)', 'varchar(20)', false],
    ['numeric(10,2)', 'numeric(12,2)', true],
    ['numeric(10,2)', 'numeric(12,3)', false],
    ['integer', 'bigint', false],
    ['text', 'text', true],
  ] as const)('%s to %s: %s', (from, to, expected) => {
    expect(isBinaryCoercible(from, to)).toBe(expected);
  });
});

describe('isInplaceTypeChange (MySQL: no COPY)', () => {
  it.each([
    ['varchar(20)', 'varchar(40)', true],
    ['varchar(40)', 'varchar(100)', false],
    ['varchar(100)', 'varchar(200)', true],
    ['varchar(40)', 'varchar(20)', false],
    ['int', 'bigint', false],
  ] as const)('%s to %s: %s', (from, to, expected) => {
    expect(isInplaceTypeChange(from, to)).toBe(expected);
  });
});

describe('PostgreSQL safe forms take no long lock (issue 13, item 2)', () => {
  const orders = {
    name: 'orders',
    columns: [column('id', 'integer', false), column('note', 'varchar(20)')],
    primaryKey: { columns: ['id'] },
    indexes: [],
    foreignKeys: [],
    uniqueConstraints: [],
    checkConstraints: [{ name: 'orders_note_not_null', expression: 'note IS NOT NULL' }],
  };
  it.each([
    ['createForeignKey NOT VALID', { kind: 'createForeignKey', table: 'orders', foreignKey: { name: 'fk', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'] }, notValid: true }],
    ['createCheckConstraint NOT VALID', { kind: 'createCheckConstraint', table: 'orders', constraint: { name: 'ck', expression: 'amount > 0' }, notValid: true }],
    ['validateConstraint', { kind: 'validateConstraint', table: 'orders', name: 'ck' }],
    ['createUniqueConstraint USING INDEX', { kind: 'createUniqueConstraint', table: 'orders', constraint: { name: 'uq', columns: ['note'] }, usingIndex: 'uq' }],
    ['dropIndex concurrently', { kind: 'dropIndex', table: 'orders', name: 'ix', concurrently: true }],
  ] as const)('%s', (_title, op) => {
    expect(lockCost(POSTGRES_SAFETY_RULES, op as Op, {})).toBeUndefined();
  });

  it('SET NOT NULL over a check that proves the column holds no NULL is not flagged; without it, it is', () => {
    const op: Op = { kind: 'alterColumn', table: 'orders', column: 'note', nullable: false };
    expect(lockCost(POSTGRES_SAFETY_RULES, op, { table: orders, column: column('note', 'varchar(20)') })).toBeUndefined();
    expect(lockCost(POSTGRES_SAFETY_RULES, op, { table: { ...orders, checkConstraints: [] }, column: column('note', 'varchar(20)') })?.work).toBe('scan');
  });

  it('the check skips the scan from PostgreSQL 12 on (server_version_num); before, SET NOT NULL is flagged with no safer form, and an unknown version counts as a supported server', () => {
    expect([90_624, 110_022, 119_999, 120_000, 150_004].map(notNullProofSkipsScan)).toEqual([false, false, false, true, true]);
    expect(notNullProofSkipsScan(undefined)).toBe(true);
    const op: Op = { kind: 'alterColumn', table: 'orders', column: 'note', nullable: false };
    const note = column('note', 'varchar(20)');
    expect(lockCost(POSTGRES_SAFETY_RULES, op, { table: orders, column: note, serverVersion: 150_004 })).toBeUndefined();
    const eleven = lockCost(POSTGRES_SAFETY_RULES, op, { table: orders, column: note, serverVersion: 110_022 });
    expect([eleven?.lock, eleven?.work]).toEqual(['ACCESS EXCLUSIVE', 'scan']);
    expect(eleven?.saferWay).toBe(
      'none on this server (PostgreSQL 11.22): SET NOT NULL scans even over a valid check before PostgreSQL 12; run it when the table is quiet, or upgrade the server',
    );
    expect(lockCost(POSTGRES_SAFETY_RULES, op, { table: orders, column: note, serverVersion: 90_624 })?.saferWay).toMatch(/^none on this server \(PostgreSQL 9\.6\.24\)/);
    expect(lockCost(POSTGRES_SAFETY_RULES, op, { table: { ...orders, checkConstraints: [] }, column: note, serverVersion: 110_022 })?.saferWay).toMatch(/^add `CHECK \(note IS NOT NULL\) NOT VALID`/);
  });

  it('a constant default is stored in the catalog from PostgreSQL 11 on; on 10 adding the column rewrites the table', () => {
    const op: Op = { kind: 'addColumn', table: 'orders', column: { name: 'state', type: 'text', default: "'new'" } };
    expect(lockCost(POSTGRES_SAFETY_RULES, op, { serverVersion: 110_000 })).toBeUndefined();
    expect(lockCost(POSTGRES_SAFETY_RULES, op, {})).toBeUndefined();
    const ten = lockCost(POSTGRES_SAFETY_RULES, op, { serverVersion: 100_023 });
    expect([ten?.lock, ten?.work, ten?.effect]).toEqual([
      'ACCESS EXCLUSIVE',
      'rewrite',
      "blocks reads and writes while it rewrites the table (the default 'new' is written into every row on PostgreSQL 10.23; from 11 on it is not)",
    ]);
    expect(lockCost(POSTGRES_SAFETY_RULES, { ...op, column: { name: 'state', type: 'text', default: 'NULL' } }, { serverVersion: 100_023 })).toBeUndefined();
  });
});
