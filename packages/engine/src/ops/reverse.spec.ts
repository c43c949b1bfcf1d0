import { describe, expect, it } from 'vitest';
import { StrataError } from '../errors.js';
import { emptySchema, type SchemaModel } from '../schema/model.js';
import { OP_KINDS, type Op } from './op.js';
import { reverseOp } from './reverse.js';
import { codeOf } from '../__fixtures__/code-of.js';
import { applyAll } from '../__fixtures__/test-normalizer.js';


/** A schema with something of every kind: keys, defaults, generated and auto-increment columns, every constraint, an enum. */
function base(): SchemaModel {
  return applyAll(
    emptySchema(),
    { kind: 'createEnum', name: 'mood', values: ['sad', 'ok'] },
    {
      kind: 'createTable',
      table: 'clients',
      columns: [
        { name: 'id', type: 'integer', primaryKey: true, autoIncrement: true },
        { name: 'email', type: 'varchar(255)', nullable: false },
        { name: 'status', type: 'varchar(20)', default: "'active'" },
        { name: 'mood', type: 'mood' },
        { name: 'email_len', type: 'integer', generated: { expression: 'length(email)', stored: true } },
        { name: 'nickname', type: 'text' },
      ],
      uniqueConstraints: [{ name: 'uq_clients_email', columns: ['email'] }],
      checkConstraints: [{ name: 'ck_clients_status', expression: "status <> ''" }],
    },
    { kind: 'createIndex', table: 'clients', name: 'ix_clients_nickname', columns: ['nickname'], where: 'nickname IS NOT NULL', method: 'btree' },
    { kind: 'createIndex', table: 'clients', name: 'ix_clients_status', columns: ['status', { expression: 'lower(email)' }], unique: true },
    { kind: 'createUniqueConstraint', table: 'clients', constraint: { name: 'uq_clients_nickname', columns: ['nickname'] } },
    {
      kind: 'createTable',
      table: 'orders',
      columns: [
        { name: 'id', type: 'integer', primaryKey: true },
        { name: 'client_id', type: 'integer' },
        { name: 'parent_id', type: 'integer' },
        { name: 'amount', type: 'integer', default: '0' },
      ],
      checkConstraints: [{ name: 'ck_orders_amount', expression: 'amount >= 0' }],
      foreignKeys: [
        { name: 'fk_orders_client', columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'restrict' },
        { name: 'fk_orders_parent', columns: ['parent_id'], referencedTable: 'orders', referencedColumns: ['id'] },
      ],
    },
    { kind: 'createIndex', table: 'orders', name: 'ix_orders_client', columns: ['client_id'] },
    { kind: 'createTable', table: 'links', columns: [{ name: 'a', type: 'int', nullable: false }, { name: 'b', type: 'int' }, { name: 'label', type: 'text', primaryKey: true }] },
    { kind: 'createRole', name: 'auditor', inherit: false },
    { kind: 'enableRowLevelSecurity', table: 'orders', force: true },
    { kind: 'createPolicy', table: 'orders', policy: { name: 'p_orders_read', command: 'select', roles: ['auditor'], using: 'amount >= 0' } },
    { kind: 'createPolicy', table: 'orders', policy: { name: 'p_orders_write', permissive: false, command: 'update', withCheck: 'amount < 1000' } },
    { kind: 'createSequence', name: 'invoice_numbers', start: '1000', increment: '5', cycle: true },
    { kind: 'createView', name: 'big_orders', definition: 'SELECT id, amount FROM orders WHERE amount > 100' },
    { kind: 'createView', name: 'order_totals', definition: 'select client_id, sum(amount) as total from orders group by client_id', materialized: true },
    { kind: 'createSchema', name: 'audit' },
  );
}

/** One applicable op of every reversible kind that changes the model, over `base()` (validateConstraint changes nothing it keeps). */
const REVERSIBLE: Record<Exclude<Op['kind'], 'addEnumValue' | 'execute' | 'validateConstraint'>, Op> = {
  createTable: {
    kind: 'createTable',
    table: 'notes',
    columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'client_id', type: 'integer' }],
    foreignKeys: [{ name: 'fk_notes_client', columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['id'] }],
  },
  dropTable: { kind: 'dropTable', table: 'orders' },
  renameTable: { kind: 'renameTable', table: 'clients', to: 'customers' },
  addColumn: { kind: 'addColumn', table: 'clients', column: { name: 'score', type: 'numeric', nullable: false, default: '0' } },
  dropColumn: { kind: 'dropColumn', table: 'clients', column: 'nickname' },
  alterColumn: { kind: 'alterColumn', table: 'clients', column: 'status', type: 'text', nullable: false, default: null },
  renameColumn: { kind: 'renameColumn', table: 'clients', column: 'email', to: 'mail' },
  createIndex: { kind: 'createIndex', table: 'orders', name: 'ix_orders_amount', columns: ['amount'], unique: true },
  dropIndex: { kind: 'dropIndex', table: 'clients', name: 'ix_clients_status' },
  renameIndex: { kind: 'renameIndex', table: 'clients', name: 'ix_clients_status', to: 'ix_clients_state' },
  renameConstraint: { kind: 'renameConstraint', table: 'orders', name: 'fk_orders_client', to: 'fk_orders_customer' },
  createForeignKey: {
    kind: 'createForeignKey',
    table: 'links',
    foreignKey: { name: 'fk_links_a', columns: ['a'], referencedTable: 'clients', referencedColumns: ['id'], onDelete: 'set null' },
  },
  dropForeignKey: { kind: 'dropForeignKey', table: 'orders', name: 'fk_orders_client' },
  createUniqueConstraint: { kind: 'createUniqueConstraint', table: 'links', constraint: { name: 'uq_links', columns: ['a', 'b'] } },
  dropUniqueConstraint: { kind: 'dropUniqueConstraint', table: 'clients', name: 'uq_clients_email' },
  createCheckConstraint: { kind: 'createCheckConstraint', table: 'links', constraint: { name: 'ck_links', expression: 'a < b' } },
  dropCheckConstraint: { kind: 'dropCheckConstraint', table: 'orders', name: 'ck_orders_amount' },
  createPrimaryKey: { kind: 'createPrimaryKey', table: 'orders', primaryKey: { columns: ['id'] } },
  dropPrimaryKey: { kind: 'dropPrimaryKey', table: 'links' },
  createEnum: { kind: 'createEnum', name: 'size', values: ['s', 'm'] },
  renameEnumValue: { kind: 'renameEnumValue', name: 'mood', value: 'sad', to: 'blue' },
  dropEnum: { kind: 'dropEnum', name: 'mood' },
  enableRowLevelSecurity: { kind: 'enableRowLevelSecurity', table: 'clients', force: true },
  disableRowLevelSecurity: { kind: 'disableRowLevelSecurity', table: 'orders', force: false },
  createPolicy: { kind: 'createPolicy', table: 'clients', policy: { name: 'p_clients_all', roles: ['auditor', 'writer'], using: "status <> 'gone'" } },
  dropPolicy: { kind: 'dropPolicy', table: 'orders', name: 'p_orders_read' },
  alterPolicy: { kind: 'alterPolicy', table: 'orders', name: 'p_orders_read', roles: ['public'], using: 'amount > 10' },
  createRole: { kind: 'createRole', name: 'writer', createDb: true },
  dropRole: { kind: 'dropRole', name: 'auditor' },
  createSequence: { kind: 'createSequence', name: 'ticket_numbers', minValue: '100', maxValue: '999', cache: '10' },
  alterSequence: { kind: 'alterSequence', name: 'invoice_numbers', increment: '10' },
  dropSequence: { kind: 'dropSequence', name: 'invoice_numbers' },
  createView: { kind: 'createView', name: 'client_emails', definition: 'SELECT id, email FROM clients', materialized: true },
  dropView: { kind: 'dropView', name: 'order_totals', materialized: true },
  createSchema: { kind: 'createSchema', name: 'billing' },
  dropSchema: { kind: 'dropSchema', name: 'audit' },
};

/** Some ops need the schema prepared first (createPrimaryKey needs a table without one). */
const PREPARE: Partial<Record<Op['kind'], Op[]>> = {
  createPrimaryKey: [
    { kind: 'dropForeignKey', table: 'orders', name: 'fk_orders_parent' },
    { kind: 'dropPrimaryKey', table: 'orders' },
    { kind: 'alterColumn', table: 'orders', column: 'id', nullable: true },
  ],
  dropEnum: [{ kind: 'dropColumn', table: 'clients', column: 'mood' }],
  dropRole: [{ kind: 'dropPolicy', table: 'orders', name: 'p_orders_read' }],
};

describe('reverseOp: applying an op then its reverse gives the schema back', () => {
  it('covers every op kind (reversible here, irreversible below)', () => {
    expect([...Object.keys(REVERSIBLE), 'addEnumValue', 'execute', 'validateConstraint'].sort()).toEqual([...OP_KINDS].sort());
  });

  for (const [kind, op] of Object.entries(REVERSIBLE)) {
    it(kind, () => {
      const before = applyAll(base(), ...(PREPARE[kind as Op['kind']] ?? []));
      const after = applyAll(before, op);
      expect(after).not.toEqual(before);
      expect(applyAll(after, ...reverseOp(op, before))).toEqual(before);
    });
  }

  it('a whole revision: its ops reversed in reverse order undo it', () => {
    const before = base();
    const ops: Op[] = [
      { kind: 'renameTable', table: 'links', to: 'pairs' },
      { kind: 'renameColumn', table: 'pairs', column: 'label', to: 'name' },
      { kind: 'dropColumn', table: 'pairs', column: 'name' },
      { kind: 'dropTable', table: 'orders' },
      { kind: 'dropColumn', table: 'clients', column: 'nickname' },
    ];
    const states = [before];
    for (const op of ops) states.push(applyAll(states.at(-1) as SchemaModel, op));
    const downgrade = ops.flatMap((op, i) => ({ op, before: states[i] as SchemaModel })).reverse().flatMap(({ op, before: b }) => reverseOp(op, b));
    expect(applyAll(states.at(-1) as SchemaModel, ...downgrade)).toEqual(before);
  });
});

describe('reverseOp: shapes', () => {
  it('dropColumn → addColumn with the full old definition, then what the drop took with it', () => {
    expect(reverseOp(REVERSIBLE.dropColumn, base())).toEqual([
      { kind: 'addColumn', table: 'clients', column: { name: 'nickname', type: 'text' } },
      { kind: 'createUniqueConstraint', table: 'clients', constraint: { name: 'uq_clients_nickname', columns: ['nickname'] } },
      {
        kind: 'createIndex',
        table: 'clients',
        name: 'ix_clients_nickname',
        columns: ['nickname'],
        where: 'nickname IS NOT NULL',
        method: 'btree',
      },
    ]);
    expect(reverseOp({ kind: 'dropColumn', table: 'clients', column: 'email_len' }, base())).toEqual([
      { kind: 'addColumn', table: 'clients', column: { name: 'email_len', type: 'integer', generated: { expression: 'length(email)', stored: true } } },
    ]);
  });

  it('dropColumn of a single-column primary key recreates the key', () => {
    expect(reverseOp({ kind: 'dropColumn', table: 'links', column: 'label' }, base())).toEqual([
      { kind: 'addColumn', table: 'links', column: { name: 'label', type: 'text', nullable: false } },
      { kind: 'createPrimaryKey', table: 'links', primaryKey: { columns: ['label'] } },
    ]);
  });

  it('dropTable → createTable with columns and constraints, then one createIndex per index', () => {
    const ops = reverseOp(REVERSIBLE.dropTable, base());
    expect(ops.map((o) => o.kind)).toEqual(['createTable', 'createIndex', 'enableRowLevelSecurity', 'createPolicy', 'createPolicy']);
    expect(ops[0]).toMatchObject({
      kind: 'createTable',
      table: 'orders',
      primaryKey: { columns: ['id'] },
      checkConstraints: [{ name: 'ck_orders_amount', expression: 'amount >= 0' }],
      foreignKeys: [
        { name: 'fk_orders_client', onDelete: 'cascade', onUpdate: 'restrict' },
        { name: 'fk_orders_parent', referencedTable: 'orders', onDelete: 'no action' },
      ],
    });
  });

  it('alterColumn → alterColumn of the changed fields only, back to their old values', () => {
    expect(reverseOp(REVERSIBLE.alterColumn, base())).toEqual([
      { kind: 'alterColumn', table: 'clients', column: 'status', type: 'varchar(20)', nullable: true, default: "'active'" },
    ]);
    expect(reverseOp({ kind: 'alterColumn', table: 'clients', column: 'nickname', default: "'x'" }, base())).toEqual([
      { kind: 'alterColumn', table: 'clients', column: 'nickname', default: null },
    ]);
  });

  it('createPrimaryKey → dropPrimaryKey, then nullable again for the columns the key made NOT NULL', () => {
    const before = applyAll(base(), { kind: 'dropPrimaryKey', table: 'links' });
    expect(reverseOp({ kind: 'createPrimaryKey', table: 'links', primaryKey: { name: 'links_pkey', columns: ['a', 'b'] } }, before)).toEqual([
      { kind: 'dropPrimaryKey', table: 'links', name: 'links_pkey' },
      { kind: 'alterColumn', table: 'links', column: 'b', nullable: true },
    ]);
  });

  it('dropTable gives the table its row-level security (forced) and policies back', () => {
    const ops = reverseOp({ kind: 'dropTable', table: 'orders' }, base());
    expect(ops.slice(-3)).toEqual([
      { kind: 'enableRowLevelSecurity', table: 'orders', force: true },
      { kind: 'createPolicy', table: 'orders', policy: { name: 'p_orders_read', command: 'select', roles: ['auditor'], using: 'amount >= 0' } },
      { kind: 'createPolicy', table: 'orders', policy: { name: 'p_orders_write', permissive: false, command: 'update', withCheck: 'amount < 1000' } },
    ]);
  });

  it('alterPolicy → the old values; when it added an expression ALTER POLICY cannot remove, drop and create', () => {
    expect(reverseOp({ kind: 'alterPolicy', table: 'orders', name: 'p_orders_read', using: 'true' }, base())).toEqual([
      { kind: 'alterPolicy', table: 'orders', name: 'p_orders_read', using: 'amount >= 0' },
    ]);
    const added: Op = { kind: 'alterPolicy', table: 'orders', name: 'p_orders_write', using: 'amount > 0' };
    expect(reverseOp(added, base()).map((op) => op.kind)).toEqual(['dropPolicy', 'createPolicy']);
    expect(applyAll(applyAll(base(), added), ...reverseOp(added, base()))).toEqual(base());
  });

  it('renames and creates invert without looking at the schema', () => {
    const empty = emptySchema();
    expect(reverseOp(REVERSIBLE.renameTable, empty)).toEqual([{ kind: 'renameTable', table: 'customers', to: 'clients' }]);
    expect(reverseOp(REVERSIBLE.renameColumn, empty)).toEqual([{ kind: 'renameColumn', table: 'clients', column: 'mail', to: 'email' }]);
    expect(reverseOp(REVERSIBLE.renameEnumValue, empty)).toEqual([{ kind: 'renameEnumValue', name: 'mood', value: 'blue', to: 'sad' }]);
    expect(reverseOp(REVERSIBLE.createTable, empty)).toEqual([{ kind: 'dropTable', table: 'notes' }]);
    expect(reverseOp(REVERSIBLE.createEnum, empty)).toEqual([{ kind: 'dropEnum', name: 'size' }]);
  });
});

describe('reverseOp: online constraint forms', () => {
  it('validateConstraint changes nothing the model keeps and reverses to nothing; NOT VALID and USING INDEX reverse as plain creates do', () => {
    const validate: Op = { kind: 'validateConstraint', table: 'orders', name: 'fk_orders_client' };
    expect(applyAll(base(), validate)).toEqual(base());
    expect(reverseOp(validate, base())).toEqual([]);
    expect(codeOf(() => applyAll(base(), { kind: 'validateConstraint', table: 'orders', name: 'ck_ghost' }))).toBe('OPS_OBJECT_MISSING');
    const notValid: Op = { kind: 'createCheckConstraint', table: 'orders', constraint: { name: 'ck_orders_id', expression: 'id > 0' }, notValid: true };
    expect(reverseOp(notValid, base())).toEqual([{ kind: 'dropCheckConstraint', table: 'orders', name: 'ck_orders_id' }]);
    const indexed = applyAll(base(), { kind: 'createIndex', table: 'orders', name: 'ux_orders_amount', columns: ['amount'], unique: true, concurrently: true });
    const using: Op = { kind: 'createUniqueConstraint', table: 'orders', constraint: { name: 'ux_orders_amount', columns: ['amount'] }, usingIndex: 'ux_orders_amount' };
    const after = applyAll(indexed, using);
    expect(after.tables.get('orders')?.indexes.map((i) => i.name)).toEqual(['ix_orders_client']);
    expect(after.tables.get('orders')?.uniqueConstraints).toEqual([{ name: 'ux_orders_amount', columns: ['amount'] }]);
    expect(reverseOp(using, indexed)).toEqual([{ kind: 'dropUniqueConstraint', table: 'orders', name: 'ux_orders_amount' }]);
  });
});

describe('reverseOp: concurrent indexes', () => {
  it('a concurrent create reverses to a concurrent drop, and back', () => {
    const create: Op = { kind: 'createIndex', table: 'orders', name: 'ix_orders_amount', columns: ['amount'], concurrently: true };
    expect(reverseOp(create, base())).toEqual([{ kind: 'dropIndex', table: 'orders', name: 'ix_orders_amount', concurrently: true }]);
    const drop: Op = { kind: 'dropIndex', table: 'orders', name: 'ix_orders_client', concurrently: true };
    expect(reverseOp(drop, base())).toEqual([{ kind: 'createIndex', table: 'orders', name: 'ix_orders_client', columns: ['client_id'], concurrently: true }]);
  });
});

describe('reverseOp: errors', () => {
  it('addEnumValue is irreversible (PostgreSQL cannot drop an enum value), naming the op', () => {
    try {
      reverseOp({ kind: 'addEnumValue', name: 'mood', value: 'happy' }, base());
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(StrataError);
      expect((error as StrataError).code).toBe('OPS_IRREVERSIBLE');
      expect((error as StrataError).message).toContain('addEnumValue');
      expect((error as StrataError).message).toContain('happy');
    }
  });

  it('execute is irreversible', () => {
    expect(codeOf(() => reverseOp({ kind: 'execute', sql: "UPDATE clients SET status = 'x'" }, base()))).toBe('OPS_IRREVERSIBLE');
  });

  it('a drop or alter of something missing from the schema before it', () => {
    const model = base();
    expect(codeOf(() => reverseOp({ kind: 'dropTable', table: 'ghosts' }, model))).toBe('OPS_TABLE_MISSING');
    expect(codeOf(() => reverseOp({ kind: 'dropColumn', table: 'clients', column: 'ghost' }, model))).toBe('OPS_COLUMN_MISSING');
    expect(codeOf(() => reverseOp({ kind: 'alterColumn', table: 'clients', column: 'ghost', nullable: true }, model))).toBe('OPS_COLUMN_MISSING');
    expect(codeOf(() => reverseOp({ kind: 'dropIndex', table: 'clients', name: 'ix_ghost' }, model))).toBe('OPS_OBJECT_MISSING');
    expect(codeOf(() => reverseOp({ kind: 'dropForeignKey', table: 'orders', name: 'fk_ghost' }, model))).toBe('OPS_OBJECT_MISSING');
    expect(codeOf(() => reverseOp({ kind: 'dropUniqueConstraint', table: 'orders', name: 'uq_ghost' }, model))).toBe('OPS_OBJECT_MISSING');
    expect(codeOf(() => reverseOp({ kind: 'dropCheckConstraint', table: 'orders', name: 'ck_ghost' }, model))).toBe('OPS_OBJECT_MISSING');
    expect(codeOf(() => reverseOp({ kind: 'dropEnum', name: 'ghost' }, model))).toBe('OPS_OBJECT_MISSING');
    expect(codeOf(() => reverseOp({ kind: 'dropPolicy', table: 'orders', name: 'ghost' }, model))).toBe('OPS_OBJECT_MISSING');
    expect(codeOf(() => reverseOp({ kind: 'alterPolicy', table: 'orders', name: 'ghost', using: 'true' }, model))).toBe('OPS_OBJECT_MISSING');
    expect(codeOf(() => reverseOp({ kind: 'dropRole', name: 'ghost' }, model))).toBe('OPS_OBJECT_MISSING');
    const keyless = applyAll(model, { kind: 'dropPrimaryKey', table: 'links' });
    expect(codeOf(() => reverseOp({ kind: 'dropPrimaryKey', table: 'links' }, keyless))).toBe('OPS_OBJECT_MISSING');
  });
});
