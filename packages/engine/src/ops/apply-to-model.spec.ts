import { describe, expect, it } from 'vitest';
import { emptySchema, type SchemaModel, type TableModel } from '../schema/model.js';
import { TableMap } from '../schema/table-map.js';
import { StrataError } from '../errors.js';
import { PostgresNormalizer } from '../dialects/postgres/postgres-normalizer.js';
import { applyToModel } from './apply-to-model.js';
import type { Op } from './op.js';
import { codeOf } from '../__fixtures__/code-of.js';
import { TEST_NORMALIZER, applyAll } from '../__fixtures__/test-normalizer.js';

function table(model: SchemaModel, name: string): TableModel {
  const found = model.tables.get(name);
  if (found === undefined) throw new Error(`no table ${name}`);
  return found;
}

/** The error code `fn` throws. */

/** clients (id PK, email, status, nickname) ← orders (id PK, client_id → clients.id, amount); enum mood. */
function base(): SchemaModel {
  return applyAll(
    emptySchema(),
    {
      kind: 'createTable',
      table: 'clients',
      columns: [
        { name: 'id', type: 'INTEGER', primaryKey: true, autoIncrement: true },
        { name: 'email', type: 'varchar(255)', nullable: false },
        { name: 'status', type: 'varchar(20)', default: "'active'" },
        { name: 'nickname', type: 'text' },
      ],
      uniqueConstraints: [{ name: 'uq_clients_email', columns: ['email'] }],
      checkConstraints: [{ name: 'ck_clients_status', expression: "status <> 'status'" }],
    },
    { kind: 'createIndex', table: 'clients', name: 'ix_clients_status', columns: ['status'], where: 'status IS NOT NULL' },
    {
      kind: 'createTable',
      table: 'orders',
      columns: [
        { name: 'id', type: 'integer', primaryKey: true },
        { name: 'client_id', type: 'integer' },
        { name: 'amount', type: 'integer', default: '0' },
      ],
      foreignKeys: [{ name: 'fk_orders_client', columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['id'], onDelete: 'cascade' }],
    },
    { kind: 'createIndex', table: 'orders', name: 'ix_orders_client_amount', columns: ['client_id', 'amount'] },
    { kind: 'createEnum', name: 'mood', values: ['sad', 'ok'] },
  );
}

describe('applyToModel: tables', () => {
  it('createTable normalizes columns, defaults nullable to true and turns the primaryKey shorthand into a NOT NULL key', () => {
    const clients = table(base(), 'clients');
    expect(clients.columns).toEqual([
      { name: 'id', type: 'integer', nullable: false, autoIncrement: true },
      { name: 'email', type: 'varchar(255)', nullable: false },
      { name: 'status', type: 'varchar(20)', nullable: true, default: "'active'" },
      { name: 'nickname', type: 'text', nullable: true },
    ]);
    expect(clients.primaryKey).toEqual({ columns: ['id'] });
    expect(clients.uniqueConstraints).toEqual([{ name: 'uq_clients_email', columns: ['email'] }]);
    expect(clients.checkConstraints).toEqual([{ name: 'ck_clients_status', expression: "status <> 'status'" }]);
  });

  it('createTable: foreign key actions default to no action; an explicit primary key makes its columns NOT NULL; constraints in name order', () => {
    const model = applyAll(base(), {
      kind: 'createTable',
      table: 'notes',
      columns: [
        { name: 'client_id', type: 'integer' },
        { name: 'n', type: 'integer' },
        { name: 'parent_n', type: 'integer' },
      ],
      primaryKey: { name: 'notes_pkey', columns: ['client_id', 'n'] },
      uniqueConstraints: [
        { name: 'uq_b', columns: ['n'] },
        { name: 'uq_a', columns: ['parent_n'] },
      ],
      foreignKeys: [
        { name: 'fk_notes_parent', columns: ['client_id', 'parent_n'], referencedTable: 'notes', referencedColumns: ['client_id', 'n'] },
        { name: 'fk_notes_client', columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['id'] },
      ],
    });
    const notes = table(model, 'notes');
    expect(notes.primaryKey).toEqual({ name: 'notes_pkey', columns: ['client_id', 'n'] });
    expect(notes.columns.map((c) => [c.name, c.nullable])).toEqual([
      ['client_id', false],
      ['n', false],
      ['parent_n', true],
    ]);
    expect(notes.uniqueConstraints.map((u) => u.name)).toEqual(['uq_a', 'uq_b']);
    expect(notes.foreignKeys).toEqual([
      { name: 'fk_notes_client', columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['id'], onDelete: 'no action', onUpdate: 'no action' },
      {
        name: 'fk_notes_parent',
        columns: ['client_id', 'parent_n'],
        referencedTable: 'notes',
        referencedColumns: ['client_id', 'n'],
        onDelete: 'no action',
        onUpdate: 'no action',
      },
    ]);
    expect(notes.indexes).toEqual([]);
  });

  it('createTable refuses an existing table, a missing referenced column, and a malformed definition; a table of another stream may be referenced', () => {
    const model = base();
    expect(codeOf(() => applyAll(model, { kind: 'createTable', table: 'clients', columns: [{ name: 'id', type: 'integer' }] }))).toBe('OPS_OBJECT_EXISTS');
    const referencing = (referencedTable: string, referencedColumn: string): Op => ({
      kind: 'createTable',
      table: 'x',
      columns: [{ name: 'c', type: 'integer' }],
      foreignKeys: [{ name: 'fk', columns: ['c'], referencedTable, referencedColumns: [referencedColumn] }],
    });
    // A table the model does not hold belongs to another stream migrating the same database.
    expect(applyAll(model, referencing('users', 'id')).tables.get('x')?.foreignKeys[0]?.referencedTable).toBe('users');
    expect(codeOf(() => applyAll(model, referencing('clients', 'ghost')))).toBe('OPS_COLUMN_MISSING');
    expect(codeOf(() => applyAll(model, { kind: 'createTable', table: 'x', columns: [] }))).toBe('OPS_INVALID');
  });

  it('dropTable removes the table; refuses a missing table and one that another table references', () => {
    const model = applyAll(base(), { kind: 'dropTable', table: 'orders' });
    expect([...model.tables.keys()]).toEqual(['clients']);
    expect(codeOf(() => applyAll(model, { kind: 'dropTable', table: 'orders' }))).toBe('OPS_TABLE_MISSING');
    expect(codeOf(() => applyAll(base(), { kind: 'dropTable', table: 'clients' }))).toBe('OPS_OBJECT_IN_USE');
  });

  it('dropTable accepts a table that only references itself', () => {
    const model = applyAll(
      base(),
      { kind: 'createTable', table: 'tree', columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'parent', type: 'integer' }] },
      { kind: 'createForeignKey', table: 'tree', foreignKey: { name: 'fk_tree', columns: ['parent'], referencedTable: 'tree', referencedColumns: ['id'] } },
      { kind: 'dropTable', table: 'tree' },
    );
    expect(model.tables.has('tree')).toBe(false);
  });

  it('renameTable keeps the table in place and carries the new name into every foreign key that references it', () => {
    const model = applyAll(
      base(),
      { kind: 'createForeignKey', table: 'clients', foreignKey: { name: 'fk_clients_referrer', columns: ['id'], referencedTable: 'clients', referencedColumns: ['id'] } },
      { kind: 'renameTable', table: 'clients', to: 'customers' },
    );
    expect([...model.tables.keys()]).toEqual(['customers', 'orders']);
    const customers = table(model, 'customers');
    expect(customers.name).toBe('customers');
    expect(customers.indexes.map((i) => i.name)).toEqual(['ix_clients_status']);
    expect(customers.foreignKeys[0]?.referencedTable).toBe('customers');
    expect(table(model, 'orders').foreignKeys[0]?.referencedTable).toBe('customers');
  });

  it('renameTable requalifies the table\'s own expressions that name it, as SQLite does; other names stay', () => {
    const model = applyAll(
      emptySchema(),
      {
        kind: 'createTable',
        table: 'users',
        columns: [{ name: 'age', type: 'integer' }, { name: 'users_total', type: 'integer' }],
        checkConstraints: [{ name: 'users_age_check', expression: '"users"."age" >= 0 AND users_total >= 0' }],
      },
      { kind: 'createIndex', table: 'users', name: 'users_age_idx', columns: [{ expression: 'abs(users.age)' }], where: '"users"."age" > 1' },
      { kind: 'renameTable', table: 'users', to: 'members' },
    );
    expect(table(model, 'members').checkConstraints.map((c) => c.statedExpression ?? c.expression)).toEqual(['"members"."age" >= 0 AND users_total >= 0']);
    expect(table(model, 'members').indexes[0]?.parts).toMatchObject([{ expression: 'abs(members.age)' }]);
    expect(table(model, 'members').indexes[0]?.statedWhere ?? table(model, 'members').indexes[0]?.where).toBe('"members"."age" > 1');
  });

  it('renameTable refuses a missing table and an existing target', () => {
    expect(codeOf(() => applyAll(base(), { kind: 'renameTable', table: 'ghosts', to: 'spirits' }))).toBe('OPS_TABLE_MISSING');
    expect(codeOf(() => applyAll(base(), { kind: 'renameTable', table: 'clients', to: 'orders' }))).toBe('OPS_OBJECT_EXISTS');
  });
});

describe('applyToModel: columns', () => {
  it('addColumn appends the normalized column', () => {
    const model = applyAll(base(), { kind: 'addColumn', table: 'clients', column: { name: 'score', type: 'NUMERIC(5,2)', nullable: false, default: ' 0 ' } });
    expect(table(model, 'clients').columns.at(-1)).toEqual({ name: 'score', type: 'numeric(5,2)', nullable: false, default: '0' });
  });

  it('addColumn refuses an existing column, a missing table and the primaryKey shorthand', () => {
    expect(codeOf(() => applyAll(base(), { kind: 'addColumn', table: 'clients', column: { name: 'email', type: 'text' } }))).toBe('OPS_OBJECT_EXISTS');
    expect(codeOf(() => applyAll(base(), { kind: 'addColumn', table: 'ghosts', column: { name: 'a', type: 'text' } }))).toBe('OPS_TABLE_MISSING');
    expect(codeOf(() => applyAll(base(), { kind: 'addColumn', table: 'clients', column: { name: 'k', type: 'int', primaryKey: true } }))).toBe('OPS_INVALID');
  });

  it('dropColumn removes the column with the indexes, unique constraints and primary key made of it alone', () => {
    let model = applyAll(base(), { kind: 'dropCheckConstraint', table: 'clients', name: 'ck_clients_status' });
    model = applyAll(model, { kind: 'dropColumn', table: 'clients', column: 'status' });
    let clients = table(model, 'clients');
    expect(clients.columns.map((c) => c.name)).toEqual(['id', 'email', 'nickname']);
    expect(clients.indexes).toEqual([]);
    model = applyAll(model, { kind: 'dropColumn', table: 'clients', column: 'email' });
    clients = table(model, 'clients');
    expect(clients.uniqueConstraints).toEqual([]);
    model = applyAll(
      model,
      { kind: 'createTable', table: 'tags', columns: [{ name: 'label', type: 'text', primaryKey: true }, { name: 'note', type: 'text' }] },
      { kind: 'dropColumn', table: 'tags', column: 'label' },
    );
    expect(table(model, 'tags').primaryKey).toBeUndefined();
  });

  it('dropColumn refuses while something else needs the column: multi-column index, check, expression, foreign keys, multi-column key', () => {
    const model = base();
    // ck_clients_status mentions status (and the string 'status' is a literal, not a reference).
    expect(codeOf(() => applyAll(model, { kind: 'dropColumn', table: 'clients', column: 'status' }))).toBe('OPS_OBJECT_IN_USE');
    // ix_orders_client_amount is (client_id, amount): PostgreSQL would drop it, MySQL narrow it.
    expect(codeOf(() => applyAll(model, { kind: 'dropColumn', table: 'orders', column: 'amount' }))).toBe('OPS_OBJECT_IN_USE');
    // fk_orders_client uses client_id; orders.client_id references clients.id.
    const withoutIndex = applyAll(model, { kind: 'dropIndex', table: 'orders', name: 'ix_orders_client_amount' });
    expect(codeOf(() => applyAll(withoutIndex, { kind: 'dropColumn', table: 'orders', column: 'client_id' }))).toBe('OPS_OBJECT_IN_USE');
    expect(codeOf(() => applyAll(withoutIndex, { kind: 'dropColumn', table: 'clients', column: 'id' }))).toBe('OPS_OBJECT_IN_USE');
    const expressions = applyAll(
      model,
      { kind: 'createIndex', table: 'clients', name: 'ix_lower_email', columns: [{ expression: 'lower(email)' }] },
      { kind: 'addColumn', table: 'clients', column: { name: 'nick_len', type: 'int', generated: { expression: 'length("nickname")', stored: true } } },
    );
    expect(codeOf(() => applyAll(expressions, { kind: 'dropColumn', table: 'clients', column: 'email' }))).toBe('OPS_OBJECT_IN_USE');
    expect(codeOf(() => applyAll(expressions, { kind: 'dropColumn', table: 'clients', column: 'nickname' }))).toBe('OPS_OBJECT_IN_USE');
    const composite = applyAll(model, {
      kind: 'createTable',
      table: 'pairs',
      columns: [{ name: 'a', type: 'int' }, { name: 'b', type: 'int' }, { name: 'c', type: 'int' }],
      primaryKey: { columns: ['a', 'b'] },
      uniqueConstraints: [{ name: 'uq_pairs', columns: ['b', 'c'] }],
    });
    expect(codeOf(() => applyAll(composite, { kind: 'dropColumn', table: 'pairs', column: 'a' }))).toBe('OPS_OBJECT_IN_USE');
    expect(codeOf(() => applyAll(composite, { kind: 'dropColumn', table: 'pairs', column: 'c' }))).toBe('OPS_OBJECT_IN_USE');
  });

  it('dropColumn refuses a missing column and the last column of a table', () => {
    expect(codeOf(() => applyAll(base(), { kind: 'dropColumn', table: 'clients', column: 'ghost' }))).toBe('OPS_COLUMN_MISSING');
    const single = applyAll(base(), { kind: 'createTable', table: 'one', columns: [{ name: 'a', type: 'int' }] });
    expect(codeOf(() => applyAll(single, { kind: 'dropColumn', table: 'one', column: 'a' }))).toBe('OPS_INVALID');
  });

  it('alterColumn changes only the given fields, normalizing the type and default; null drops the default', () => {
    let model = applyAll(base(), { kind: 'alterColumn', table: 'clients', column: 'status', type: 'VARCHAR(40)' });
    expect(table(model, 'clients').columns[2]).toEqual({ name: 'status', type: 'varchar(40)', nullable: true, default: "'active'" });
    model = applyAll(model, { kind: 'alterColumn', table: 'clients', column: 'status', nullable: false, default: null });
    expect(table(model, 'clients').columns[2]).toEqual({ name: 'status', type: 'varchar(40)', nullable: false });
    model = applyAll(model, { kind: 'alterColumn', table: 'clients', column: 'status', default: " 'new' " });
    expect(table(model, 'clients').columns[2]?.default).toBe("'new'");
  });

  it('alterColumn refuses a missing column, a nullable primary key column and a change of nothing', () => {
    expect(codeOf(() => applyAll(base(), { kind: 'alterColumn', table: 'clients', column: 'ghost', nullable: true }))).toBe('OPS_COLUMN_MISSING');
    expect(codeOf(() => applyAll(base(), { kind: 'alterColumn', table: 'clients', column: 'id', nullable: true }))).toBe('OPS_INVALID');
    expect(codeOf(() => applyAll(base(), { kind: 'alterColumn', table: 'clients', column: 'status' }))).toBe('OPS_INVALID');
  });

  it('renameColumn carries the name through indexes, uniques, checks, the primary key, generated columns and every foreign key', () => {
    const model = applyAll(
      base(),
      { kind: 'createIndex', table: 'clients', name: 'ix_lower_email', columns: [{ expression: 'lower(email)' }, 'id'], where: '"email" IS NOT NULL' },
      { kind: 'addColumn', table: 'clients', column: { name: 'email_len', type: 'int', generated: { expression: 'length(email)', stored: false } } },
      { kind: 'renameColumn', table: 'clients', column: 'email', to: 'mail' },
      { kind: 'renameColumn', table: 'clients', column: 'status', to: 'state' },
      { kind: 'renameColumn', table: 'clients', column: 'id', to: 'client_id' },
    );
    const clients = table(model, 'clients');
    expect(clients.columns.map((c) => c.name)).toEqual(['client_id', 'mail', 'state', 'nickname', 'email_len']);
    expect(clients.columns[4]?.generated).toEqual({ expression: 'length(mail)', stored: false });
    expect(clients.primaryKey).toEqual({ columns: ['client_id'] });
    expect(clients.uniqueConstraints).toEqual([{ name: 'uq_clients_email', columns: ['mail'] }]);
    // The string literal 'status' is data, not a reference: it stays.
    expect(clients.checkConstraints).toEqual([{ name: 'ck_clients_status', expression: "state <> 'status'" }]);
    expect(clients.indexes).toEqual([
      { name: 'ix_clients_status', parts: [{ column: 'state' }], unique: false, where: 'state IS NOT NULL' },
      { name: 'ix_lower_email', parts: [{ expression: 'lower(mail)' }, { column: 'client_id' }], unique: false, where: '"mail" IS NOT NULL' },
    ]);
    expect(table(model, 'orders').foreignKeys[0]).toMatchObject({ columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['client_id'] });
  });

  it('renameColumn carries the name into the table’s own foreign keys, both sides of a self-reference', () => {
    const model = applyAll(
      base(),
      { kind: 'addColumn', table: 'clients', column: { name: 'referrer', type: 'integer' } },
      { kind: 'createForeignKey', table: 'clients', foreignKey: { name: 'fk_referrer', columns: ['referrer'], referencedTable: 'clients', referencedColumns: ['id'] } },
      { kind: 'renameColumn', table: 'clients', column: 'id', to: 'pk' },
      { kind: 'renameColumn', table: 'clients', column: 'referrer', to: 'referred_by' },
    );
    expect(table(model, 'clients').foreignKeys[0]).toMatchObject({ columns: ['referred_by'], referencedColumns: ['pk'] });
  });

  it('renameColumn refuses a missing column and an existing target', () => {
    expect(codeOf(() => applyAll(base(), { kind: 'renameColumn', table: 'clients', column: 'ghost', to: 'x' }))).toBe('OPS_COLUMN_MISSING');
    expect(codeOf(() => applyAll(base(), { kind: 'renameColumn', table: 'clients', column: 'email', to: 'status' }))).toBe('OPS_OBJECT_EXISTS');
  });
});

describe('applyToModel: indexes and constraints', () => {
  it('createIndex adds the normalized index in name order; dropIndex removes it', () => {
    let model = applyAll(base(), {
      kind: 'createIndex',
      table: 'clients',
      name: 'ix_a',
      columns: ['email', { expression: 'lower(  nickname )' }],
      unique: true,
      where: 'id  > 0',
      method: 'btree',
    });
    expect(table(model, 'clients').indexes).toEqual([
      // Compared in normal form, stated as written (the form a downgrade renders).
      {
        name: 'ix_a',
        parts: [{ column: 'email' }, { expression: 'lower( nickname )', statedExpression: 'lower(  nickname )' }],
        unique: true,
        where: 'id > 0',
        statedWhere: 'id  > 0',
        method: 'btree',
      },
      { name: 'ix_clients_status', parts: [{ column: 'status' }], unique: false, where: 'status IS NOT NULL' },
    ]);
    model = applyAll(model, { kind: 'dropIndex', table: 'clients', name: 'ix_a' });
    expect(table(model, 'clients').indexes.map((i) => i.name)).toEqual(['ix_clients_status']);
  });

  it('createIndex keeps opclass, DESC and NULLS placement only where not the default, and storage parameters as text', () => {
    const model = applyAll(base(), {
      kind: 'createIndex',
      table: 'clients',
      name: 'ix_keyed',
      columns: [
        { column: 'email', opclass: 'text_pattern_ops', order: 'asc', nulls: 'last' },
        { column: 'nickname', order: 'desc', nulls: 'first' },
        { column: 'status', order: 'desc', nulls: 'last' },
        { expression: 'lower(  email )', nulls: 'first' },
      ],
      with: { FillFactor: 70, deduplicate_items: false },
      concurrently: true,
    });
    // concurrently is how the index was built: no catalog keeps it, so neither does the replayed model.
    expect(table(model, 'clients').indexes.find((index) => index.name === 'ix_keyed')).toEqual({
      name: 'ix_keyed',
      parts: [
        { column: 'email', opclass: 'text_pattern_ops' },
        { column: 'nickname', order: 'desc' },
        { column: 'status', order: 'desc', nulls: 'last' },
        { expression: 'lower( email )', statedExpression: 'lower(  email )', nulls: 'first' },
      ],
      unique: false,
      with: { fillfactor: '70', deduplicate_items: 'false' },
    });
  });

  it('renameColumn keeps the keying of the index parts it renames', () => {
    const model = applyAll(
      base(),
      { kind: 'createIndex', table: 'clients', name: 'ix_keyed', columns: [{ column: 'email', opclass: 'text_pattern_ops', order: 'desc' }] },
      { kind: 'renameColumn', table: 'clients', column: 'email', to: 'mail' },
    );
    expect(table(model, 'clients').indexes.find((index) => index.name === 'ix_keyed')?.parts).toEqual([{ column: 'mail', opclass: 'text_pattern_ops', order: 'desc' }]);
  });

  it('createIndex refuses a missing column named in a keyed part', () => {
    expect(codeOf(() => applyAll(base(), { kind: 'createIndex', table: 'clients', name: 'ix_x', columns: [{ column: 'ghost', order: 'desc' }] }))).toBe('OPS_COLUMN_MISSING');
  });

  it('createIndex refuses an existing name and a missing column; dropIndex a missing index', () => {
    expect(codeOf(() => applyAll(base(), { kind: 'createIndex', table: 'clients', name: 'ix_clients_status', columns: ['email'] }))).toBe('OPS_OBJECT_EXISTS');
    expect(codeOf(() => applyAll(base(), { kind: 'createIndex', table: 'clients', name: 'ix_x', columns: ['ghost'] }))).toBe('OPS_COLUMN_MISSING');
    expect(codeOf(() => applyAll(base(), { kind: 'dropIndex', table: 'clients', name: 'ix_ghost' }))).toBe('OPS_OBJECT_MISSING');
    expect(codeOf(() => applyAll(base(), { kind: 'dropIndex', table: 'ghosts', name: 'ix_ghost' }))).toBe('OPS_TABLE_MISSING');
  });

  it('createForeignKey defaults both actions; dropForeignKey removes it', () => {
    let model = applyAll(base(), {
      kind: 'createForeignKey',
      table: 'orders',
      foreignKey: { name: 'fk_orders_amount', columns: ['amount'], referencedTable: 'clients', referencedColumns: ['id'], onUpdate: 'restrict' },
    });
    expect(table(model, 'orders').foreignKeys.map((f) => [f.name, f.onDelete, f.onUpdate])).toEqual([
      ['fk_orders_amount', 'no action', 'restrict'],
      ['fk_orders_client', 'cascade', 'no action'],
    ]);
    model = applyAll(model, { kind: 'dropForeignKey', table: 'orders', name: 'fk_orders_amount' });
    expect(table(model, 'orders').foreignKeys.map((f) => f.name)).toEqual(['fk_orders_client']);
  });

  it('createForeignKey refuses an existing name, missing columns on either side and an unknown action; another stream\'s table may be referenced', () => {
    const fk = (name: string, column: string, referencedTable: string, referencedColumn: string): Op => ({
      kind: 'createForeignKey',
      table: 'orders',
      foreignKey: { name, columns: [column], referencedTable, referencedColumns: [referencedColumn] },
    });
    expect(codeOf(() => applyAll(base(), fk('fk_orders_client', 'amount', 'clients', 'id')))).toBe('OPS_OBJECT_EXISTS');
    expect(codeOf(() => applyAll(base(), fk('fk_x', 'ghost', 'clients', 'id')))).toBe('OPS_COLUMN_MISSING');
    expect(applyAll(base(), fk('fk_x', 'amount', 'users', 'id')).tables.get('orders')?.foreignKeys.map((f) => f.referencedTable)).toContain('users');
    expect(codeOf(() => applyAll(base(), fk('fk_x', 'amount', 'clients', 'ghost')))).toBe('OPS_COLUMN_MISSING');
    expect(codeOf(() => applyAll(base(), { kind: 'dropForeignKey', table: 'orders', name: 'fk_ghost' }))).toBe('OPS_OBJECT_MISSING');
    const badAction = {
      kind: 'createForeignKey',
      table: 'orders',
      foreignKey: { name: 'fk_x', columns: ['amount'], referencedTable: 'clients', referencedColumns: ['id'], onDelete: 'explode' },
    } as unknown as Op;
    expect(codeOf(() => applyAll(base(), badAction))).toBe('OPS_INVALID');
  });

  it('unique constraints: create (name order), refuse duplicates and missing columns, drop', () => {
    let model = applyAll(base(), { kind: 'createUniqueConstraint', table: 'clients', constraint: { name: 'uq_a_nickname', columns: ['nickname'] } });
    expect(table(model, 'clients').uniqueConstraints.map((u) => u.name)).toEqual(['uq_a_nickname', 'uq_clients_email']);
    expect(codeOf(() => applyAll(model, { kind: 'createUniqueConstraint', table: 'clients', constraint: { name: 'uq_a_nickname', columns: ['email'] } }))).toBe(
      'OPS_OBJECT_EXISTS',
    );
    expect(codeOf(() => applyAll(model, { kind: 'createUniqueConstraint', table: 'clients', constraint: { name: 'uq_x', columns: ['ghost'] } }))).toBe(
      'OPS_COLUMN_MISSING',
    );
    model = applyAll(model, { kind: 'dropUniqueConstraint', table: 'clients', name: 'uq_a_nickname' });
    expect(table(model, 'clients').uniqueConstraints.map((u) => u.name)).toEqual(['uq_clients_email']);
    expect(codeOf(() => applyAll(model, { kind: 'dropUniqueConstraint', table: 'clients', name: 'uq_a_nickname' }))).toBe('OPS_OBJECT_MISSING');
  });

  it('check constraints: create (normalized), refuse duplicates, drop', () => {
    let model = applyAll(base(), { kind: 'createCheckConstraint', table: 'orders', constraint: { name: 'ck_amount', expression: 'amount  >=  0' } });
    expect(table(model, 'orders').checkConstraints).toEqual([{ name: 'ck_amount', expression: 'amount >= 0', statedExpression: 'amount  >=  0' }]);
    expect(codeOf(() => applyAll(model, { kind: 'createCheckConstraint', table: 'orders', constraint: { name: 'ck_amount', expression: 'true' } }))).toBe(
      'OPS_OBJECT_EXISTS',
    );
    model = applyAll(model, { kind: 'dropCheckConstraint', table: 'orders', name: 'ck_amount' });
    expect(table(model, 'orders').checkConstraints).toEqual([]);
    expect(codeOf(() => applyAll(model, { kind: 'dropCheckConstraint', table: 'orders', name: 'ck_amount' }))).toBe('OPS_OBJECT_MISSING');
  });

  it('createPrimaryKey makes its columns NOT NULL; dropPrimaryKey leaves them so', () => {
    let model = applyAll(
      base(),
      { kind: 'createTable', table: 'links', columns: [{ name: 'a', type: 'int' }, { name: 'b', type: 'int' }, { name: 'c', type: 'int' }] },
      { kind: 'createPrimaryKey', table: 'links', primaryKey: { name: 'links_pkey', columns: ['a', 'b'] } },
    );
    expect(table(model, 'links').primaryKey).toEqual({ name: 'links_pkey', columns: ['a', 'b'] });
    expect(table(model, 'links').columns.map((c) => c.nullable)).toEqual([false, false, true]);
    expect(codeOf(() => applyAll(model, { kind: 'createPrimaryKey', table: 'links', primaryKey: { columns: ['c'] } }))).toBe('OPS_OBJECT_EXISTS');
    expect(codeOf(() => applyAll(model, { kind: 'dropPrimaryKey', table: 'links', name: 'other_pkey' }))).toBe('OPS_OBJECT_MISSING');
    model = applyAll(model, { kind: 'dropPrimaryKey', table: 'links', name: 'links_pkey' });
    expect(table(model, 'links').primaryKey).toBeUndefined();
    expect(table(model, 'links').columns.map((c) => c.nullable)).toEqual([false, false, true]);
    expect(codeOf(() => applyAll(model, { kind: 'dropPrimaryKey', table: 'links' }))).toBe('OPS_OBJECT_MISSING');
    expect(codeOf(() => applyAll(model, { kind: 'createPrimaryKey', table: 'links', primaryKey: { columns: ['ghost'] } }))).toBe('OPS_COLUMN_MISSING');
  });
});

describe('applyToModel: renaming keys, constraints and indexes (issue 12, item 3)', () => {
  it('renameConstraint renames whichever constraint has the name, keeping its definition and name order', () => {
    let model = applyAll(
      base(),
      { kind: 'renameConstraint', table: 'clients', name: 'uq_clients_email', to: 'clients_email_unique' },
      { kind: 'renameConstraint', table: 'clients', name: 'ck_clients_status', to: 'a_status_check' },
      { kind: 'renameConstraint', table: 'orders', name: 'fk_orders_client', to: 'fk_orders_customer' },
    );
    expect(table(model, 'clients').uniqueConstraints).toEqual([{ name: 'clients_email_unique', columns: ['email'] }]);
    expect(table(model, 'clients').checkConstraints.map((c) => c.name)).toEqual(['a_status_check']);
    expect(table(model, 'orders').foreignKeys).toMatchObject([{ name: 'fk_orders_customer', columns: ['client_id'], referencedTable: 'clients', onDelete: 'cascade' }]);
    model = applyAll(
      model,
      { kind: 'createTable', table: 'links', columns: [{ name: 'a', type: 'int' }] },
      { kind: 'createPrimaryKey', table: 'links', primaryKey: { name: 'links_pkey', columns: ['a'] } },
      { kind: 'renameConstraint', table: 'links', name: 'links_pkey', to: 'pairs_pkey' },
    );
    expect(table(model, 'links').primaryKey).toEqual({ name: 'pairs_pkey', columns: ['a'] });
  });

  it('renameConstraint refuses a missing constraint and a name another constraint of the table has', () => {
    expect(codeOf(() => applyAll(base(), { kind: 'renameConstraint', table: 'clients', name: 'ghost', to: 'x' }))).toBe('OPS_OBJECT_MISSING');
    expect(codeOf(() => applyAll(base(), { kind: 'renameConstraint', table: 'clients', name: 'uq_clients_email', to: 'ck_clients_status' }))).toBe('OPS_OBJECT_EXISTS');
    expect(codeOf(() => applyAll(base(), { kind: 'renameConstraint', table: 'ghosts', name: 'a', to: 'b' }))).toBe('OPS_TABLE_MISSING');
  });

  it('renameIndex renames the index, keeping its definition; refuses a missing index and an existing target', () => {
    const model = applyAll(base(), { kind: 'renameIndex', table: 'clients', name: 'ix_clients_status', to: 'clients_status_idx' });
    expect(table(model, 'clients').indexes).toEqual([{ ...table(base(), 'clients').indexes[0], name: 'clients_status_idx' }]);
    expect(codeOf(() => applyAll(base(), { kind: 'renameIndex', table: 'clients', name: 'ghost', to: 'x' }))).toBe('OPS_OBJECT_MISSING');
    const two = applyAll(base(), { kind: 'createIndex', table: 'clients', name: 'ix_clients_email', columns: ['email'] });
    expect(codeOf(() => applyAll(two, { kind: 'renameIndex', table: 'clients', name: 'ix_clients_status', to: 'ix_clients_email' }))).toBe('OPS_OBJECT_EXISTS');
  });
});

describe('applyToModel: enums and raw SQL', () => {
  it('createEnum adds the type; refuses an existing one', () => {
    expect(base().enums.get('mood')).toEqual({ name: 'mood', values: ['sad', 'ok'] });
    expect(codeOf(() => applyAll(base(), { kind: 'createEnum', name: 'mood', values: [] }))).toBe('OPS_OBJECT_EXISTS');
  });

  it('addEnumValue appends, or places the value before/after another', () => {
    const model = applyAll(
      base(),
      { kind: 'addEnumValue', name: 'mood', value: 'happy' },
      { kind: 'addEnumValue', name: 'mood', value: 'angry', before: 'sad' },
      { kind: 'addEnumValue', name: 'mood', value: 'fine', after: 'ok' },
    );
    expect(model.enums.get('mood')?.values).toEqual(['angry', 'sad', 'ok', 'fine', 'happy']);
  });

  it('addEnumValue refuses a missing enum, an existing value, a missing anchor and two anchors', () => {
    expect(codeOf(() => applyAll(base(), { kind: 'addEnumValue', name: 'ghost', value: 'x' }))).toBe('OPS_OBJECT_MISSING');
    expect(codeOf(() => applyAll(base(), { kind: 'addEnumValue', name: 'mood', value: 'ok' }))).toBe('OPS_OBJECT_EXISTS');
    expect(codeOf(() => applyAll(base(), { kind: 'addEnumValue', name: 'mood', value: 'x', after: 'ghost' }))).toBe('OPS_OBJECT_MISSING');
    expect(codeOf(() => applyAll(base(), { kind: 'addEnumValue', name: 'mood', value: 'x', after: 'ok', before: 'sad' }))).toBe('OPS_INVALID');
  });

  it('renameEnumValue carries column defaults holding the value, scalar and array, as the server prints them renamed', () => {
    const normalizer = new PostgresNormalizer();
    const model = [
      { kind: 'createEnum', name: 'state', values: ['new', 'paid'] },
      {
        kind: 'createTable',
        table: 'orders',
        columns: [
          { name: 'state', type: 'state', default: "'new'" },
          { name: 'history', type: 'state[]', default: `'{"new","paid"}'` },
          { name: 'other', type: 'text', default: "'new'" },
        ],
      },
      { kind: 'renameEnumValue', name: 'state', value: 'new', to: 'placed' },
    ].reduce((current, op) => applyToModel(current, op as Op, normalizer), emptySchema());
    expect(table(model, 'orders').columns.map((column) => [column.name, column.default, column.statedDefault])).toEqual([
      ['state', "'placed'", undefined],
      ['history', "'{placed,paid}'", undefined],
      ['other', "'new'", undefined],
    ]);
  });

  it('renameEnumValue renames in place; refuses a missing value and an existing target', () => {
    expect(applyAll(base(), { kind: 'renameEnumValue', name: 'mood', value: 'sad', to: 'blue' }).enums.get('mood')?.values).toEqual(['blue', 'ok']);
    expect(codeOf(() => applyAll(base(), { kind: 'renameEnumValue', name: 'mood', value: 'ghost', to: 'x' }))).toBe('OPS_OBJECT_MISSING');
    expect(codeOf(() => applyAll(base(), { kind: 'renameEnumValue', name: 'mood', value: 'sad', to: 'ok' }))).toBe('OPS_OBJECT_EXISTS');
  });

  it('dropEnum removes the type; refuses a missing one and one a column uses', () => {
    expect(applyAll(base(), { kind: 'dropEnum', name: 'mood' }).enums.has('mood')).toBe(false);
    expect(codeOf(() => applyAll(base(), { kind: 'dropEnum', name: 'ghost' }))).toBe('OPS_OBJECT_MISSING');
    const used = applyAll(base(), { kind: 'addColumn', table: 'clients', column: { name: 'mood', type: 'mood' } });
    expect(codeOf(() => applyAll(used, { kind: 'dropEnum', name: 'mood' }))).toBe('OPS_OBJECT_IN_USE');
  });

  it('execute returns the model unchanged (the caller decides what raw SQL means)', () => {
    const model = base();
    expect(applyToModel(model, { kind: 'execute', sql: 'DROP TABLE clients' }, TEST_NORMALIZER)).toBe(model);
  });
});

describe('applyToModel: row-level security, policies and roles', () => {
  const policy: Op = { kind: 'createPolicy', table: 'orders', policy: { name: 'p_own', command: 'select', roles: ['b', 'a', 'a'], using: 'client_id > 0' } };

  it('enable/disable switch row-level security, keep or set force, and leave no switch when both are off', () => {
    const enabled = applyAll(base(), { kind: 'enableRowLevelSecurity', table: 'orders' });
    expect(table(enabled, 'orders').rowLevelSecurity).toEqual({ enabled: true, forced: false });
    const forced = applyAll(enabled, { kind: 'enableRowLevelSecurity', table: 'orders', force: true });
    expect(table(forced, 'orders').rowLevelSecurity).toEqual({ enabled: true, forced: true });
    expect(table(applyAll(forced, { kind: 'disableRowLevelSecurity', table: 'orders' }), 'orders').rowLevelSecurity).toEqual({ enabled: false, forced: true });
    expect(table(applyAll(enabled, { kind: 'disableRowLevelSecurity', table: 'orders' }), 'orders')).toEqual(table(base(), 'orders'));
    expect(codeOf(() => applyAll(base(), { kind: 'enableRowLevelSecurity', table: 'ghost' }))).toBe('OPS_TABLE_MISSING');
  });

  it('createPolicy states the defaults and sorts the roles; refuses a duplicate; alter and drop it', () => {
    const model = applyAll(base(), policy, { kind: 'createPolicy', table: 'orders', policy: { name: 'p_all' } });
    expect(table(model, 'orders').policies).toEqual([
      { name: 'p_all', permissive: true, command: 'all', roles: ['public'] },
      { name: 'p_own', permissive: true, command: 'select', roles: ['a', 'b'], using: 'client_id > 0' },
    ]);
    expect(codeOf(() => applyAll(model, policy))).toBe('OPS_OBJECT_EXISTS');
    const altered = applyAll(model, { kind: 'alterPolicy', table: 'orders', name: 'p_own', roles: ['public', 'a'], withCheck: 'true' });
    expect(table(altered, 'orders').policies?.[1]).toEqual({ name: 'p_own', permissive: true, command: 'select', roles: ['public'], using: 'client_id > 0', withCheck: 'true' });
    const dropped = applyAll(model, { kind: 'dropPolicy', table: 'orders', name: 'p_own' }, { kind: 'dropPolicy', table: 'orders', name: 'p_all' });
    expect(table(dropped, 'orders')).toEqual(table(base(), 'orders'));
    expect(codeOf(() => applyAll(base(), { kind: 'dropPolicy', table: 'orders', name: 'p_own' }))).toBe('OPS_OBJECT_MISSING');
    expect(codeOf(() => applyAll(base(), { kind: 'alterPolicy', table: 'orders', name: 'p_own', using: 'true' }))).toBe('OPS_OBJECT_MISSING');
  });

  it('a column a policy uses cannot be dropped; a renamed one is renamed in the policy', () => {
    const model = applyAll(base(), policy);
    expect(codeOf(() => applyAll(model, { kind: 'dropColumn', table: 'orders', column: 'client_id' }))).toBe('OPS_OBJECT_IN_USE');
    const renamed = applyAll(model, { kind: 'dropForeignKey', table: 'orders', name: 'fk_orders_client' }, { kind: 'renameColumn', table: 'orders', column: 'client_id', to: 'customer_id' });
    expect(table(renamed, 'orders').policies?.[0]?.using).toBe('customer_id > 0');
  });

  it('createRole states the defaults; dropRole refuses while a policy names the role; both refuse what the model contradicts', () => {
    const model = applyAll(base(), { kind: 'createRole', name: 'a', createDb: true });
    expect([...(model.roles?.values() ?? [])]).toEqual([{ name: 'a', createDb: true, createRole: false, inherit: true }]);
    expect(codeOf(() => applyAll(model, { kind: 'createRole', name: 'a' }))).toBe('OPS_OBJECT_EXISTS');
    expect(codeOf(() => applyAll(applyAll(model, policy), { kind: 'dropRole', name: 'a' }))).toBe('OPS_OBJECT_IN_USE');
    expect(applyAll(model, { kind: 'dropRole', name: 'a' })).toEqual(base());
    expect(codeOf(() => applyAll(base(), { kind: 'dropRole', name: 'a' }))).toBe('OPS_OBJECT_MISSING');
  });
});

describe('applyToModel: purity', () => {
  it('never changes its input and shares the tables an op does not touch', () => {
    const model = base();
    const snapshot = structuredClone({ tables: [...model.tables], enums: [...model.enums] });
    const next = applyAll(
      model,
      { kind: 'addColumn', table: 'clients', column: { name: 'x', type: 'int' } },
      { kind: 'renameColumn', table: 'clients', column: 'email', to: 'mail' },
      { kind: 'addEnumValue', name: 'mood', value: 'happy' },
    );
    expect({ tables: [...model.tables], enums: [...model.enums] }).toEqual(snapshot);
    expect(next.tables.get('orders')).toBe(model.tables.get('orders'));
  });
});

describe('applyToModel: sequences and views (PostgreSQL)', () => {
  const pg = new PostgresNormalizer();
  const clients: Op = { kind: 'createTable', table: 'clients', columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'name', type: 'text' }] };

  it('createSequence keeps only the options off the bigint defaults; alterSequence sets them in full; dropSequence leaves no empty map', () => {
    const created = applyToModel(emptySchema(), { kind: 'createSequence', name: 'n', start: '1', increment: '1', minValue: '1', cache: '20', cycle: false }, pg);
    expect([...(created.sequences?.values() ?? [])]).toEqual([{ name: 'n', cache: '20' }]);
    const altered = applyToModel(created, { kind: 'alterSequence', name: 'n', increment: '-1' }, pg);
    // Descending: the defaults become MINVALUE = the type's least, MAXVALUE -1, START the max; cache back to 1.
    expect(altered.sequences?.get('n')).toEqual({ name: 'n', increment: '-1' });
    const dropped = applyToModel(altered, { kind: 'dropSequence', name: 'n' }, pg);
    expect(dropped).toEqual(emptySchema());
  });

  it('sequences refuse an existing name on create and a missing one on alter and drop', () => {
    const model = applyToModel(emptySchema(), { kind: 'createSequence', name: 'n' }, pg);
    expect(codeOf(() => applyToModel(model, { kind: 'createSequence', name: 'n' }, pg))).toBe('OPS_OBJECT_EXISTS');
    expect(codeOf(() => applyToModel(model, { kind: 'alterSequence', name: 'm', increment: '2' }, pg))).toBe('OPS_OBJECT_MISSING');
    expect(codeOf(() => applyToModel(model, { kind: 'dropSequence', name: 'm' }, pg))).toBe('OPS_OBJECT_MISSING');
    expect(codeOf(() => applyToModel(model, { kind: 'createSequence', name: 'x', increment: '0' }, pg))).toBe('OPS_INVALID');
    expect(codeOf(() => applyToModel(model, { kind: 'createSequence', name: 'x', start: 'ten' }, pg))).toBe('OPS_INVALID');
  });

  it('createView keeps the query as stated beside the comparison form that pg_get_viewdef reads back equal to', () => {
    const model = applyAllWith(pg, clients, { kind: 'createView', name: 'named', definition: 'select "id", "name" from "clients" where "clients"."name" like \'a%\'' });
    expect(model.views?.get('named')).toEqual({
      name: 'named',
      materialized: false,
      definition: "select id, name from clients where name ~~ 'a%'",
      statedDefinition: 'select "id", "name" from "clients" where "clients"."name" like \'a%\'',
    });
    expect(pg.normalizeViewDefinition(" SELECT clients.id,\n    clients.name\n   FROM clients\n  WHERE (clients.name ~~ 'a%'::text);")).toBe(model.views?.get('named')?.definition);
  });

  it('createView refuses a name a table, sequence or view has; dropView a missing view or the other kind', () => {
    const model = applyAllWith(pg, clients, { kind: 'createView', name: 'counts', definition: 'select count(*) from clients', materialized: true });
    expect(codeOf(() => applyToModel(model, { kind: 'createView', name: 'clients', definition: 'select 1' }, pg))).toBe('OPS_OBJECT_EXISTS');
    expect(codeOf(() => applyToModel(model, { kind: 'createView', name: 'counts', definition: 'select 1' }, pg))).toBe('OPS_OBJECT_EXISTS');
    expect(codeOf(() => applyToModel(model, { kind: 'dropView', name: 'counts', materialized: false }, pg))).toBe('OPS_OBJECT_MISSING');
    expect(codeOf(() => applyToModel(model, { kind: 'dropView', name: 'nothing' }, pg))).toBe('OPS_OBJECT_MISSING');
    expect(applyToModel(model, { kind: 'dropView', name: 'counts', materialized: true }, pg).views).toBeUndefined();
  });
});

function applyAllWith(normalizer: PostgresNormalizer, ...ops: Op[]): SchemaModel {
  return ops.reduce((model, op) => applyToModel(model, op, normalizer), emptySchema());
}

describe('applyToModel: PostgreSQL schemas', () => {
  const pg = new PostgresNormalizer();

  it('createSchema lists the schema in name order, once (IF NOT EXISTS); dropSchema removes it and leaves no empty list', () => {
    const created = applyAllWith(pg, { kind: 'createSchema', name: 'billing' }, { kind: 'createSchema', name: 'auth' }, { kind: 'createSchema', name: 'billing' });
    expect(created.schemas).toEqual(['auth', 'billing']);
    const dropped = [{ kind: 'dropSchema', name: 'auth' }, { kind: 'dropSchema', name: 'billing' }, { kind: 'dropSchema', name: 'billing' }] satisfies Op[];
    expect(dropped.reduce((model, op) => applyToModel(model, op, pg), created)).toEqual(emptySchema());
  });

  it('objects of a schema are keyed schema.name, apart from a public one of the same name; dropSchema refuses while one is left', () => {
    const model = applyAllWith(
      pg,
      { kind: 'createSchema', name: 'auth' },
      { kind: 'createTable', table: 'auth.users', columns: [{ name: 'id', type: 'integer', primaryKey: true }] },
      { kind: 'createTable', table: 'users', columns: [{ name: 'id', type: 'integer' }] },
      { kind: 'createEnum', name: 'auth.role', values: ['admin'] },
    );
    expect([...model.tables.keys()]).toEqual(['auth.users', 'users']);
    expect(codeOf(() => applyToModel(model, { kind: 'dropSchema', name: 'auth' }, pg))).toBe('OPS_OBJECT_IN_USE');
    const emptied = [
      { kind: 'dropTable', table: 'auth.users' },
      { kind: 'dropEnum', name: 'auth.role' },
      { kind: 'dropSchema', name: 'auth' },
    ] satisfies Op[];
    expect(emptied.reduce((current, op) => applyToModel(current, op, pg), model).schemas).toBeUndefined();
  });
});

describe('applyToModel on a model held as a TableMap', () => {
  it('gives every op the same result and the same refusal as on a Map, and leaves each earlier model as it was', () => {
    const ops: Op[] = [
      { kind: 'createTable', table: 'users', columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'boss', type: 'integer' }], foreignKeys: [{ name: 'fk_boss', columns: ['boss'], referencedTable: 'users', referencedColumns: ['id'] }] },
      { kind: 'createTable', table: 'orders', columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'user_id', type: 'integer' }, { name: 'note', type: 'text' }], foreignKeys: [{ name: 'fk_user', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'] }] },
      { kind: 'createTable', table: 'audit', columns: [{ name: 'id', type: 'integer' }, { name: 'order_id', type: 'integer' }] },
      { kind: 'createForeignKey', table: 'audit', foreignKey: { name: 'fk_order', columns: ['order_id'], referencedTable: 'orders', referencedColumns: ['id'] } },
      { kind: 'createIndex', table: 'orders', name: 'ix_note', columns: ['note'] },
      { kind: 'renameColumn', table: 'users', column: 'id', to: 'user_pk' },
      { kind: 'dropColumn', table: 'users', column: 'user_pk' },
      { kind: 'dropTable', table: 'users' },
      { kind: 'dropColumn', table: 'orders', column: 'note' },
      { kind: 'renameTable', table: 'orders', to: 'purchases' },
      { kind: 'dropTable', table: 'purchases' },
      { kind: 'dropForeignKey', table: 'audit', name: 'fk_order' },
      { kind: 'dropTable', table: 'purchases' },
      { kind: 'createTable', table: 'purchases', columns: [{ name: 'id', type: 'integer' }] },
      { kind: 'addColumn', table: 'audit', column: { name: 'purchase_id', type: 'integer' } },
    ];
    let plain = emptySchema();
    let held: SchemaModel = { ...emptySchema(), tables: TableMap.from(new Map()) };
    const steps: { plain: SchemaModel; held: SchemaModel }[] = [];
    const outcomes: string[] = [];
    for (const op of ops) {
      let refused: string | undefined;
      try {
        plain = applyToModel(plain, op, TEST_NORMALIZER);
      } catch (error) {
        if (!(error instanceof StrataError)) throw error;
        refused = error.code;
      }
      if (refused === undefined) held = applyToModel(held, op, TEST_NORMALIZER);
      else expect(codeOf(() => applyToModel(held, op, TEST_NORMALIZER))).toBe(refused);
      outcomes.push(refused ?? 'ok');
      expect(held.tables).toBeInstanceOf(TableMap);
      expect([...held.tables]).toEqual([...plain.tables]);
      steps.push({ plain, held });
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'OPS_OBJECT_IN_USE', 'OPS_OBJECT_IN_USE', 'ok', 'ok', 'OPS_OBJECT_IN_USE', 'ok', 'ok', 'ok', 'ok']);
    for (const step of steps) expect([...step.held.tables]).toEqual([...step.plain.tables]);
    expect(table(held, 'audit').foreignKeys).toEqual([]);
  });
});

