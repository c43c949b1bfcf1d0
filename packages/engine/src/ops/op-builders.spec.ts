import { describe, expect, it } from 'vitest';
import { StrataError } from '../errors.js';
import { createOpBuilders, validateOp, type OpBuilders } from './op-builders.js';
import type { Op } from './op.js';

function recorder(): { op: OpBuilders; ran: Op[] } {
  const ran: Op[] = [];
  return { op: createOpBuilders(async (built) => void ran.push(built)), ran };
}

/** Each builder call and the op it must build: one per op kind (the record fails to compile when a kind is added). */
const CALLS: Record<Op['kind'], { call: (op: OpBuilders) => Promise<void>; expected: Op }> = {
  createTable: {
    call: (op) =>
      op.createTable('clients', {
        columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'email', type: 'text', nullable: false }],
        uniqueConstraints: [{ name: 'uq_email', columns: ['email'] }],
        checkConstraints: [{ name: 'ck_email', expression: "email <> ''" }],
        foreignKeys: [{ name: 'fk_self', columns: ['id'], referencedTable: 'clients', referencedColumns: ['id'] }],
      }),
    expected: {
      kind: 'createTable',
      table: 'clients',
      columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'email', type: 'text', nullable: false }],
      uniqueConstraints: [{ name: 'uq_email', columns: ['email'] }],
      checkConstraints: [{ name: 'ck_email', expression: "email <> ''" }],
      foreignKeys: [{ name: 'fk_self', columns: ['id'], referencedTable: 'clients', referencedColumns: ['id'] }],
    },
  },
  dropTable: { call: (op) => op.dropTable('clients'), expected: { kind: 'dropTable', table: 'clients' } },
  renameTable: { call: (op) => op.renameTable('client', 'clients'), expected: { kind: 'renameTable', table: 'client', to: 'clients' } },
  addColumn: {
    call: (op) => op.addColumn('clients', { name: 'status', type: 'varchar(20)', default: "'active'" }),
    expected: { kind: 'addColumn', table: 'clients', column: { name: 'status', type: 'varchar(20)', default: "'active'" } },
  },
  dropColumn: { call: (op) => op.dropColumn('clients', 'status'), expected: { kind: 'dropColumn', table: 'clients', column: 'status' } },
  alterColumn: {
    call: (op) => op.alterColumn('clients', 'amount', { type: 'bigint', using: 'amount::bigint', nullable: false, default: null }),
    expected: { kind: 'alterColumn', table: 'clients', column: 'amount', type: 'bigint', using: 'amount::bigint', nullable: false, default: null },
  },
  renameColumn: {
    call: (op) => op.renameColumn('clients', 'mail', 'email'),
    expected: { kind: 'renameColumn', table: 'clients', column: 'mail', to: 'email' },
  },
  createIndex: {
    call: (op) => op.createIndex('ix_email', 'clients', ['email', { expression: 'lower(name)' }], { unique: true, where: 'id > 0', method: 'btree' }),
    expected: {
      kind: 'createIndex',
      table: 'clients',
      name: 'ix_email',
      columns: ['email', { expression: 'lower(name)' }],
      unique: true,
      where: 'id > 0',
      method: 'btree',
    },
  },
  dropIndex: { call: (op) => op.dropIndex('ix_email', 'clients'), expected: { kind: 'dropIndex', table: 'clients', name: 'ix_email' } },
  renameIndex: { call: (op) => op.renameIndex('clients', 'ix_mail', 'ix_email'), expected: { kind: 'renameIndex', table: 'clients', name: 'ix_mail', to: 'ix_email' } },
  renameConstraint: {
    call: (op) => op.renameConstraint('clients', 'customer_pkey', 'clients_pkey'),
    expected: { kind: 'renameConstraint', table: 'clients', name: 'customer_pkey', to: 'clients_pkey' },
  },
  createForeignKey: {
    call: (op) => op.createForeignKey('fk_orders_client', 'orders', 'clients', ['client_id'], ['id'], { onDelete: 'cascade', onUpdate: 'restrict' }),
    expected: {
      kind: 'createForeignKey',
      table: 'orders',
      foreignKey: { name: 'fk_orders_client', columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'restrict' },
    },
  },
  dropForeignKey: {
    call: (op) => op.dropForeignKey('fk_orders_client', 'orders'),
    expected: { kind: 'dropForeignKey', table: 'orders', name: 'fk_orders_client' },
  },
  createUniqueConstraint: {
    call: (op) => op.createUniqueConstraint('uq_email', 'clients', ['email']),
    expected: { kind: 'createUniqueConstraint', table: 'clients', constraint: { name: 'uq_email', columns: ['email'] } },
  },
  dropUniqueConstraint: {
    call: (op) => op.dropUniqueConstraint('uq_email', 'clients'),
    expected: { kind: 'dropUniqueConstraint', table: 'clients', name: 'uq_email' },
  },
  createCheckConstraint: {
    call: (op) => op.createCheckConstraint('ck_amount', 'orders', 'amount >= 0'),
    expected: { kind: 'createCheckConstraint', table: 'orders', constraint: { name: 'ck_amount', expression: 'amount >= 0' } },
  },
  dropCheckConstraint: {
    call: (op) => op.dropCheckConstraint('ck_amount', 'orders'),
    expected: { kind: 'dropCheckConstraint', table: 'orders', name: 'ck_amount' },
  },
  validateConstraint: {
    call: (op) => op.validateConstraint('orders', 'ck_amount'),
    expected: { kind: 'validateConstraint', table: 'orders', name: 'ck_amount' },
  },
  createPrimaryKey: {
    call: (op) => op.createPrimaryKey('memberships', ['user_id', 'group_id'], { name: 'memberships_pkey' }),
    expected: { kind: 'createPrimaryKey', table: 'memberships', primaryKey: { name: 'memberships_pkey', columns: ['user_id', 'group_id'] } },
  },
  dropPrimaryKey: {
    call: (op) => op.dropPrimaryKey('memberships', 'memberships_pkey'),
    expected: { kind: 'dropPrimaryKey', table: 'memberships', name: 'memberships_pkey' },
  },
  createEnum: { call: (op) => op.createEnum('mood', ['sad', 'ok']), expected: { kind: 'createEnum', name: 'mood', values: ['sad', 'ok'] } },
  addEnumValue: {
    call: (op) => op.addEnumValue('mood', 'happy', { after: 'ok' }),
    expected: { kind: 'addEnumValue', name: 'mood', value: 'happy', after: 'ok' },
  },
  renameEnumValue: {
    call: (op) => op.renameEnumValue('mood', 'sad', 'blue'),
    expected: { kind: 'renameEnumValue', name: 'mood', value: 'sad', to: 'blue' },
  },
  dropEnum: { call: (op) => op.dropEnum('mood'), expected: { kind: 'dropEnum', name: 'mood' } },
  enableRowLevelSecurity: {
    call: (op) => op.enableRowLevelSecurity('docs', { force: true }),
    expected: { kind: 'enableRowLevelSecurity', table: 'docs', force: true },
  },
  disableRowLevelSecurity: { call: (op) => op.disableRowLevelSecurity('docs'), expected: { kind: 'disableRowLevelSecurity', table: 'docs' } },
  createPolicy: {
    call: (op) => op.createPolicy('p_own', 'docs', { permissive: false, command: 'insert', roles: ['app'], withCheck: 'owner = current_user' }),
    expected: { kind: 'createPolicy', table: 'docs', policy: { name: 'p_own', permissive: false, command: 'insert', roles: ['app'], withCheck: 'owner = current_user' } },
  },
  dropPolicy: { call: (op) => op.dropPolicy('p_own', 'docs'), expected: { kind: 'dropPolicy', table: 'docs', name: 'p_own' } },
  alterPolicy: {
    call: (op) => op.alterPolicy('p_own', 'docs', { using: 'true' }),
    expected: { kind: 'alterPolicy', table: 'docs', name: 'p_own', using: 'true' },
  },
  createRole: { call: (op) => op.createRole('app', { inherit: false }), expected: { kind: 'createRole', name: 'app', inherit: false } },
  dropRole: { call: (op) => op.dropRole('app'), expected: { kind: 'dropRole', name: 'app' } },
  createSequence: {
    call: (op) => op.createSequence('invoice_numbers', { start: '1000', cycle: true }),
    expected: { kind: 'createSequence', name: 'invoice_numbers', start: '1000', cycle: true },
  },
  alterSequence: { call: (op) => op.alterSequence('invoice_numbers', { increment: '5' }), expected: { kind: 'alterSequence', name: 'invoice_numbers', increment: '5' } },
  dropSequence: { call: (op) => op.dropSequence('invoice_numbers'), expected: { kind: 'dropSequence', name: 'invoice_numbers' } },
  createView: {
    call: (op) => op.createView('client_counts', 'select count(*) from clients', { materialized: true }),
    expected: { kind: 'createView', name: 'client_counts', definition: 'select count(*) from clients', materialized: true },
  },
  dropView: { call: (op) => op.dropView('active_clients'), expected: { kind: 'dropView', name: 'active_clients' } },
  createSchema: { call: (op) => op.createSchema('billing'), expected: { kind: 'createSchema', name: 'billing' } },
  dropSchema: { call: (op) => op.dropSchema('billing'), expected: { kind: 'dropSchema', name: 'billing' } },
  execute: {
    call: (op) => op.execute('UPDATE clients SET status = $1', ['active']),
    expected: { kind: 'execute', sql: 'UPDATE clients SET status = $1', params: ['active'] },
  },
};

async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof StrataError) return error.code;
    throw error;
  }
  throw new Error('did not throw');
}

describe('createOpBuilders: each method builds its op', () => {
  for (const [kind, { call, expected }] of Object.entries(CALLS)) {
    it(kind, async () => {
      const { op, ran } = recorder();
      await call(op);
      expect(ran).toStrictEqual([expected]);
    });
  }

  it('optional arguments left out stay out of the op', async () => {
    const { op, ran } = recorder();
    await op.createIndex('ix', 't', ['a']);
    await op.createForeignKey('fk', 't', 'u', ['a'], ['id']);
    await op.createPrimaryKey('t', ['a']);
    await op.dropPrimaryKey('t');
    await op.addEnumValue('mood', 'x');
    await op.execute('SELECT 1');
    await op.alterColumn('t', 'a', { nullable: true });
    expect(ran).toStrictEqual([
      { kind: 'createIndex', table: 't', name: 'ix', columns: ['a'] },
      { kind: 'createForeignKey', table: 't', foreignKey: { name: 'fk', columns: ['a'], referencedTable: 'u', referencedColumns: ['id'] } },
      { kind: 'createPrimaryKey', table: 't', primaryKey: { columns: ['a'] } },
      { kind: 'dropPrimaryKey', table: 't' },
      { kind: 'addEnumValue', name: 'mood', value: 'x' },
      { kind: 'execute', sql: 'SELECT 1' },
      { kind: 'alterColumn', table: 't', column: 'a', nullable: true },
    ]);
  });

  it('the op does not share arrays with the caller', async () => {
    const { op, ran } = recorder();
    const columns = ['a'];
    await op.createIndex('ix', 't', columns);
    columns.push('b');
    expect(ran[0]).toMatchObject({ columns: ['a'] });
  });
});

describe('createOpBuilders: batchAlterTable', () => {
  it('collects the table’s ops and runs them in order once the callback returns', async () => {
    const { op, ran } = recorder();
    let ranDuringCallback = -1;
    await op.batchAlterTable('clients', async (batch) => {
      batch.addColumn({ name: 'status', type: 'text' });
      batch.alterColumn('email', { nullable: false });
      batch.renameColumn('mail', 'email2');
      await Promise.resolve();
      batch.dropColumn('legacy');
      batch.createIndex('ix_status', ['status'], { unique: true });
      batch.dropIndex('ix_old');
      batch.createForeignKey('fk_owner', 'users', ['owner_id'], ['id'], { onDelete: 'set null' });
      batch.dropForeignKey('fk_old');
      batch.createUniqueConstraint('uq_email', ['email']);
      batch.dropUniqueConstraint('uq_old');
      batch.createCheckConstraint('ck_status', "status <> ''");
      batch.dropCheckConstraint('ck_old');
      batch.dropPrimaryKey();
      batch.createPrimaryKey(['id'], { name: 'clients_pkey' });
      ranDuringCallback = ran.length;
    });
    expect(ranDuringCallback).toBe(0);
    expect(ran.map((o) => o.kind)).toEqual([
      'addColumn',
      'alterColumn',
      'renameColumn',
      'dropColumn',
      'createIndex',
      'dropIndex',
      'createForeignKey',
      'dropForeignKey',
      'createUniqueConstraint',
      'dropUniqueConstraint',
      'createCheckConstraint',
      'dropCheckConstraint',
      'dropPrimaryKey',
      'createPrimaryKey',
    ]);
    expect(ran.every((o) => 'table' in o && o.table === 'clients')).toBe(true);
    expect(ran[6]).toStrictEqual({
      kind: 'createForeignKey',
      table: 'clients',
      foreignKey: { name: 'fk_owner', columns: ['owner_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'set null' },
    });
  });

  it('runs nothing when the callback throws, and waits for each op before the next', async () => {
    const ran: string[] = [];
    const op = createOpBuilders(async (built) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      ran.push(built.kind);
    });
    await expect(
      op.batchAlterTable('clients', (batch) => {
        batch.addColumn({ name: 'a', type: 'int' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(ran).toEqual([]);
    await op.batchAlterTable('clients', (batch) => {
      batch.addColumn({ name: 'a', type: 'int' });
      batch.dropColumn('b');
    });
    expect(ran).toEqual(['addColumn', 'dropColumn']);
  });

  it('a malformed batch op throws at once, inside the callback', async () => {
    const { op, ran } = recorder();
    expect(await codeOf(() => op.batchAlterTable('clients', (batch) => batch.createIndex('ix', [])))).toBe('OPS_INVALID');
    expect(await codeOf(() => op.batchAlterTable('', () => undefined))).toBe('OPS_INVALID');
    expect(ran).toEqual([]);
  });
});

describe('createOpBuilders: validation (OPS_INVALID before anything runs)', () => {
  const invalid: [string, (op: OpBuilders) => Promise<void>][] = [
    ['an empty table name', (op) => op.dropTable('')],
    ['a table without columns', (op) => op.createTable('t', { columns: [] })],
    ['a column without a type', (op) => op.createTable('t', { columns: [{ name: 'a', type: ' ' }] })],
    ['a column declared twice', (op) => op.createTable('t', { columns: [{ name: 'a', type: 'int' }, { name: 'a', type: 'text' }] })],
    ['a primaryKey and a primaryKey shorthand', (op) => op.createTable('t', { columns: [{ name: 'a', type: 'int', primaryKey: true }], primaryKey: { columns: ['a'] } })],
    ['a primary key on an undeclared column', (op) => op.createTable('t', { columns: [{ name: 'a', type: 'int' }], primaryKey: { columns: ['b'] } })],
    ['a unique constraint on an undeclared column', (op) => op.createTable('t', { columns: [{ name: 'a', type: 'int' }], uniqueConstraints: [{ name: 'uq', columns: ['b'] }] })],
    [
      'two constraints with one name',
      (op) =>
        op.createTable('t', {
          columns: [{ name: 'a', type: 'int' }],
          uniqueConstraints: [{ name: 'c', columns: ['a'] }],
          checkConstraints: [{ name: 'c', expression: 'a > 0' }],
        }),
    ],
    ['a check without an expression', (op) => op.createCheckConstraint('ck', 't', '')],
    ['a default and a generated expression', (op) => op.addColumn('t', { name: 'a', type: 'int', default: '0', generated: { expression: 'b + 1', stored: true } })],
    ['the primaryKey shorthand outside createTable', (op) => op.addColumn('t', { name: 'a', type: 'int', primaryKey: true })],
    ['an alterColumn that changes nothing', (op) => op.alterColumn('t', 'a', {})],
    ['using without a type', (op) => op.alterColumn('t', 'a', { using: 'a::int', nullable: true })],
    ['a rename to the same name', (op) => op.renameColumn('t', 'a', 'a')],
    ['a constraint rename to the same name', (op) => op.renameConstraint('t', 'a', 'a')],
    ['an index rename to nothing', (op) => op.renameIndex('t', 'a', '')],
    ['a table rename to nothing', (op) => op.renameTable('t', '')],
    ['an index without columns', (op) => op.createIndex('ix', 't', [])],
    ['an index with an empty expression', (op) => op.createIndex('ix', 't', [{ expression: '' }])],
    ['an index part with an unknown order', (op) => op.createIndex('ix', 't', [{ column: 'a', order: 'up' as never }])],
    ['an index part with an unknown NULLS placement', (op) => op.createIndex('ix', 't', [{ column: 'a', nulls: 'middle' as never }])],
    ['an index part with an empty operator class', (op) => op.createIndex('ix', 't', [{ column: 'a', opclass: '' }])],
    ['an index storage parameter that is an object', (op) => op.createIndex('ix', 't', ['a'], { with: { fillfactor: {} as never } })],
    ['a foreign key with mismatched column counts', (op) => op.createForeignKey('fk', 't', 'u', ['a', 'b'], ['id'])],
    ['a foreign key with an unknown action', (op) => op.createForeignKey('fk', 't', 'u', ['a'], ['id'], { onDelete: 'explode' as never })],
    ['a unique constraint naming a column twice', (op) => op.createUniqueConstraint('uq', 't', ['a', 'a'])],
    ['a primary key without columns', (op) => op.createPrimaryKey('t', [])],
    ['an enum with a value twice', (op) => op.createEnum('mood', ['ok', 'ok'])],
    ['an enum value placed before and after', (op) => op.addEnumValue('mood', 'x', { before: 'a', after: 'b' })],
    ['an enum value renamed to itself', (op) => op.renameEnumValue('mood', 'ok', 'ok')],
    ['empty SQL', (op) => op.execute('  ')],
    ['a schema name with a dot', (op) => op.createSchema('billing.archive')],
    ['a table renamed into another schema', (op) => op.renameTable('billing.bills', 'archive.bills')],
    ['a table of a schema renamed into the default one', (op) => op.renameTable('billing.bills', 'bills')],
    ['the default schema created', (op) => op.createSchema('public')],
    ['the default schema dropped', (op) => op.dropSchema('public')],
  ];
  for (const [what, call] of invalid) {
    it(what, async () => {
      const { op, ran } = recorder();
      expect(await codeOf(() => call(op))).toBe('OPS_INVALID');
      expect(ran).toEqual([]);
    });
  }

  it('the error names the op and the object', async () => {
    const { op } = recorder();
    await expect(op.createIndex('ix_clients', 'clients', [])).rejects.toMatchObject({
      code: 'OPS_INVALID',
      message: 'createIndex: index ix_clients on table clients has no columns.',
      hint: expect.stringContaining('strata check'),
    });
  });

  it('refuses policies PostgreSQL would refuse, and an alterPolicy that changes nothing', async () => {
    const { op } = recorder();
    await expect(op.createPolicy('p', 'docs', { command: 'select', withCheck: 'true' })).rejects.toMatchObject({
      code: 'OPS_INVALID',
      message: 'createPolicy: policy p on table docs is for SELECT, which takes no WITH CHECK expression.',
    });
    await expect(op.createPolicy('p', 'docs', { command: 'insert', using: 'true' })).rejects.toMatchObject({ code: 'OPS_INVALID' });
    await expect(op.createPolicy('p', 'docs', { command: 'merge' as never })).rejects.toMatchObject({ code: 'OPS_INVALID' });
    await expect(op.createPolicy('p', 'docs', { roles: [] })).rejects.toMatchObject({ code: 'OPS_INVALID' });
    await expect(op.alterPolicy('p', 'docs', {})).rejects.toMatchObject({ code: 'OPS_INVALID' });
  });

  it('validateOp accepts every op the builders build', () => {
    for (const { expected } of Object.values(CALLS)) expect(() => validateOp(expected)).not.toThrow();
  });
});
