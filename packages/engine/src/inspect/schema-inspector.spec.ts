import { describe, expect, it } from 'vitest';
import type { Connection } from '../dialects/connection.js';
import { StrataError } from '../errors.js';
import type { Op } from '../ops/op.js';
import { emptySchema, type SchemaModel } from '../schema/model.js';
import type { GuardDifference } from './inspector.js';
import { liveSchemaSource, modelSchemaSource, SchemaInspector, type SchemaSource } from './schema-inspector.js';
import { applyAll, TEST_NORMALIZER } from '../__fixtures__/test-normalizer.js';

function schema(...ops: Op[]): SchemaModel {
  return applyAll(emptySchema(), ...ops);
}

function fixture(): SchemaModel {
  return schema(
    {
      kind: 'createTable',
      table: 'clients',
      columns: [
        { name: 'id', type: 'integer', primaryKey: true, autoIncrement: true },
        { name: 'email', type: 'varchar(255)', nullable: false, default: "'x'" },
        { name: 'name', type: 'text' },
      ],
      uniqueConstraints: [{ name: 'uq_clients_email', columns: ['email'] }],
      checkConstraints: [{ name: 'ck_clients_email', expression: "email <> ''" }],
    },
    { kind: 'createIndex', table: 'clients', name: 'ix_clients_email', columns: ['name', { expression: 'lower(email)' }], unique: true, where: 'id > 0' },
    {
      kind: 'createTable',
      table: 'orders',
      columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'client_id', type: 'integer' }],
      foreignKeys: [{ name: 'fk_orders_client', columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['id'], onDelete: 'cascade' }],
    },
    { kind: 'createEnum', name: 'mood', values: ['sad', 'ok'] },
  );
}

/** A source that counts its loads and can be switched to a new model (the "database" changing). */
class FakeSource implements SchemaSource {
  current: SchemaModel;
  loads = 0;
  constructor(model: SchemaModel) {
    this.current = model;
  }
  async load(): Promise<SchemaModel> {
    this.loads += 1;
    return this.current;
  }
}

function inspector(model: SchemaModel = fixture()): { inspect: SchemaInspector; source: FakeSource; differences: GuardDifference[] } {
  const source = new FakeSource(model);
  const differences: GuardDifference[] = [];
  const inspect = new SchemaInspector(source, { normalizer: TEST_NORMALIZER, onDifference: (d) => differences.push(d) });
  return { inspect, source, differences };
}

describe('SchemaInspector: cache', () => {
  it('loads once, on first use, however many questions follow (concurrent ones included)', async () => {
    const { inspect, source } = inspector();
    expect(inspect.loads).toBe(0);
    await Promise.all([inspect.hasTable('clients'), inspect.columns('clients'), inspect.hasEnum('mood')]);
    await inspect.indexes('orders');
    await inspect.hasColumn('clients', 'email');
    expect(inspect.loads).toBe(1);
    expect(source.loads).toBe(1);
  });

  it('apply keeps the cached model current without a reload', async () => {
    const { inspect } = inspector();
    expect(await inspect.hasColumn('clients', 'status')).toBe(false);
    await inspect.apply({ kind: 'addColumn', table: 'clients', column: { name: 'status', type: 'varchar(20)' } });
    expect(await inspect.hasColumn('clients', 'status')).toBe(true);
    await inspect.apply({ kind: 'dropTable', table: 'orders' });
    expect(await inspect.tables()).toEqual(['clients']);
    expect((await inspect.model()).tables.has('orders')).toBe(false);
    expect(inspect.loads).toBe(1);
  });

  it('apply before anything was loaded loads nothing: the next load reads the schema with the op in it', async () => {
    const { inspect, source } = inspector(emptySchema());
    await inspect.apply({ kind: 'createEnum', name: 'mood', values: ['ok'] });
    expect(inspect.loads).toBe(0);
    source.current = schema({ kind: 'createEnum', name: 'mood', values: ['ok'] });
    expect(await inspect.hasEnum('mood')).toBe(true);
    expect(inspect.loads).toBe(1);
  });

  it('apply of an op that cannot apply throws and leaves the cache as it was', async () => {
    const { inspect } = inspector();
    const before = await inspect.model();
    await expect(inspect.apply({ kind: 'dropTable', table: 'ghosts' })).rejects.toMatchObject({ code: 'OPS_TABLE_MISSING' });
    expect(await inspect.model()).toBe(before);
  });

  it('invalidate drops the cache: the next question reloads (after raw SQL)', async () => {
    const { inspect, source } = inspector();
    expect(await inspect.hasTable('audit')).toBe(false);
    source.current = schema({ kind: 'createTable', table: 'audit', columns: [{ name: 'id', type: 'integer' }] });
    await inspect.apply({ kind: 'execute', sql: 'CREATE TABLE audit (id integer)' });
    expect(await inspect.hasTable('audit')).toBe(false);
    inspect.invalidate();
    expect(await inspect.hasTable('audit')).toBe(true);
    expect(inspect.loads).toBe(2);
  });

  it('with stored texts (SQLite), a dropped table takes its own texts out and keeps the model; a rename reloads', async () => {
    const stored = [
      { type: 'table', name: 'clients', table: 'clients', sql: 'CREATE TABLE clients (id integer)' },
      { type: 'table', name: 'Orders', table: 'Orders', sql: 'CREATE TABLE Orders (id integer)' },
      { type: 'index', name: 'ix_orders', table: 'Orders', sql: 'CREATE INDEX ix_orders ON Orders (id)' },
      { type: 'trigger', name: 'tr_orders', table: 'Orders', sql: 'CREATE TRIGGER tr_orders AFTER INSERT ON Orders BEGIN SELECT 1; END' },
      { type: 'view', name: 'order_ids', table: 'order_ids', sql: 'CREATE VIEW order_ids AS SELECT id FROM Orders' },
    ] as const;
    const { inspect } = inspector({ ...fixture(), stored });
    expect(await inspect.hasTable('orders')).toBe(true);
    await inspect.apply({ kind: 'dropTable', table: 'orders' });
    expect(await inspect.hasTable('orders')).toBe(false);
    expect((await inspect.model()).stored?.map((object) => object.name)).toEqual(['clients', 'order_ids']);
    expect(inspect.loads).toBe(1);
    await inspect.apply({ kind: 'renameTable', table: 'clients', to: 'customers' });
    await inspect.model();
    expect(inspect.loads).toBe(2);
  });

  it('a load in flight when invalidate is called does not fill the cache', async () => {
    const { inspect, source } = inspector(emptySchema());
    const stale = inspect.model();
    inspect.invalidate();
    source.current = fixture();
    await stale;
    expect(await inspect.hasTable('clients')).toBe(true);
    expect(inspect.loads).toBe(2);
  });

  it('liveSchemaSource reflects through readSchema(connection); modelSchemaSource returns the model', async () => {
    const connection = {} as Connection;
    const seen: Connection[] = [];
    const model = fixture();
    const live = liveSchemaSource({ readSchema: async (c) => (seen.push(c), model) }, connection);
    expect(await live.load()).toBe(model);
    expect(seen).toEqual([connection]);
    expect(await modelSchemaSource(model).load()).toBe(model);
    const inspect = new SchemaInspector(modelSchemaSource(model), { normalizer: TEST_NORMALIZER });
    expect(await inspect.hasForeignKey('orders', 'fk_orders_client')).toBe(true);
  });
});

describe('SchemaInspector: lists', () => {
  it('answers from the model', async () => {
    const { inspect } = inspector();
    expect(await inspect.tables()).toEqual(['clients', 'orders']);
    expect((await inspect.table('clients'))?.name).toBe('clients');
    expect(await inspect.table('ghosts')).toBeUndefined();
    expect((await inspect.columns('clients')).map((c) => c.name)).toEqual(['id', 'email', 'name']);
    expect((await inspect.indexes('clients')).map((i) => i.name)).toEqual(['ix_clients_email']);
    expect((await inspect.foreignKeys('orders')).map((f) => f.name)).toEqual(['fk_orders_client']);
    expect((await inspect.uniqueConstraints('clients')).map((u) => u.name)).toEqual(['uq_clients_email']);
    expect((await inspect.checkConstraints('clients')).map((c) => c.name)).toEqual(['ck_clients_email']);
    expect(await inspect.primaryKey('clients')).toEqual({ columns: ['id'] });
    expect(await inspect.enums()).toEqual([{ name: 'mood', values: ['sad', 'ok'] }]);
  });

  it('a list of a missing table throws OPS_TABLE_MISSING (names are matched exactly)', async () => {
    const { inspect } = inspector();
    await expect(inspect.columns('Clients')).rejects.toBeInstanceOf(StrataError);
    await expect(inspect.indexes('ghosts')).rejects.toMatchObject({ code: 'OPS_TABLE_MISSING' });
    await expect(inspect.primaryKey('ghosts')).rejects.toMatchObject({ code: 'OPS_TABLE_MISSING' });
  });
});

describe('SchemaInspector: has* by name', () => {
  it('answers existence, false for a missing table', async () => {
    const { inspect, differences } = inspector();
    expect(await inspect.hasTable('clients')).toBe(true);
    expect(await inspect.hasTable('Clients')).toBe(false);
    expect(await inspect.hasColumn('clients', 'email')).toBe(true);
    expect(await inspect.hasColumn('clients', 'ghost')).toBe(false);
    expect(await inspect.hasColumn('ghosts', 'email')).toBe(false);
    expect(await inspect.hasIndex('clients', 'ix_clients_email')).toBe(true);
    expect(await inspect.hasIndex('orders', 'ix_clients_email')).toBe(false);
    expect(await inspect.hasForeignKey('orders', 'fk_orders_client')).toBe(true);
    expect(await inspect.hasForeignKey('orders', 'fk_ghost')).toBe(false);
    expect(await inspect.hasUniqueConstraint('clients', 'uq_clients_email')).toBe(true);
    expect(await inspect.hasUniqueConstraint('clients', 'uq_ghost')).toBe(false);
    expect(await inspect.hasCheckConstraint('clients', 'ck_clients_email')).toBe(true);
    expect(await inspect.hasCheckConstraint('ghosts', 'ck_clients_email')).toBe(false);
    expect(await inspect.hasPrimaryKey('clients')).toBe(true);
    expect(await inspect.hasPrimaryKey('ghosts')).toBe(false);
    // Any kind of constraint, by name (what renameConstraint's guard asks); an index is not one.
    expect(await inspect.hasConstraint('clients', 'uq_clients_email')).toBe(true);
    expect(await inspect.hasConstraint('clients', 'ck_clients_email')).toBe(true);
    expect(await inspect.hasConstraint('orders', 'fk_orders_client')).toBe(true);
    expect(await inspect.hasConstraint('clients', 'ix_clients_email')).toBe(false);
    expect(await inspect.hasConstraint('ghosts', 'uq_clients_email')).toBe(false);
    expect(await inspect.hasEnum('mood')).toBe(true);
    expect(await inspect.hasEnum('size')).toBe(false);
    expect(await inspect.hasEnumValue('mood', 'ok')).toBe(true);
    expect(await inspect.hasEnumValue('mood', 'happy')).toBe(false);
    expect(await inspect.hasEnumValue('size', 'ok')).toBe(false);
    expect(differences).toEqual([]);
  });
});

describe('SchemaInspector: INVALID indexes (issue 13, item 1)', () => {
  it('hasIndex answers false for an INVALID index, which indexes() still lists; a create replays over it', async () => {
    const model = fixture();
    const clients = model.tables.get('clients');
    if (clients === undefined) throw new Error('no clients');
    const invalid: SchemaModel = {
      ...model,
      tables: new Map([...model.tables, ['clients', { ...clients, indexes: clients.indexes.map((i) => (i.name === 'ix_clients_email' ? { ...i, valid: false as const } : i)) }]]),
    };
    const { inspect } = inspector(invalid);
    expect(await inspect.hasIndex('clients', 'ix_clients_email')).toBe(false);
    expect((await inspect.indexes('clients')).find((i) => i.name === 'ix_clients_email')?.valid).toBe(false);
    await inspect.apply({ kind: 'createIndex', table: 'clients', name: 'ix_clients_email', columns: ['email'], concurrently: true });
    expect(await inspect.hasIndex('clients', 'ix_clients_email')).toBe(true);
    expect((await inspect.indexes('clients')).filter((i) => i.name === 'ix_clients_email')).toEqual([{ name: 'ix_clients_email', parts: [{ column: 'email' }], unique: false }]);
  });
});

describe('SchemaInspector: has* with a definition', () => {
  it('reports no difference when the definition equals the object after normalization', async () => {
    const { inspect, differences } = inspector();
    expect(
      await inspect.hasTable('clients', {
        columns: [
          { name: 'id', type: 'INTEGER', autoIncrement: true },
          { name: 'email', type: 'VARCHAR(255)', nullable: false, default: " 'x' " },
        ],
        primaryKey: { columns: ['id'] },
      }),
    ).toBe(true);
    expect(await inspect.hasColumn('clients', { name: 'id', type: 'Integer', primaryKey: true, autoIncrement: true })).toBe(true);
    expect(await inspect.hasColumn('clients', { name: 'name', type: 'TEXT', default: 'NULL' })).toBe(true);
    expect(
      await inspect.hasIndex('clients', { name: 'ix_clients_email', columns: ['name', { expression: ' lower(email) ' }], unique: true, where: 'id  >  0' }),
    ).toBe(true);
    expect(
      await inspect.hasForeignKey('orders', { name: 'fk_orders_client', columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['id'], onDelete: 'cascade' }),
    ).toBe(true);
    expect(await inspect.hasUniqueConstraint('clients', { name: 'uq_clients_email', columns: ['email'] })).toBe(true);
    expect(await inspect.hasCheckConstraint('clients', { name: 'ck_clients_email', expression: "email  <>  ''" })).toBe(true);
    expect(await inspect.hasPrimaryKey('clients', ['id'])).toBe(true);
    expect(await inspect.hasEnum('mood', ['sad', 'ok'])).toBe(true);
    expect(differences).toEqual([]);
  });

  it('a definition of something missing answers false without a difference', async () => {
    const { inspect, differences } = inspector();
    expect(await inspect.hasColumn('clients', { name: 'status', type: 'text' })).toBe(false);
    expect(await inspect.hasTable('audit', { columns: [{ name: 'id', type: 'integer' }] })).toBe(false);
    expect(differences).toEqual([]);
  });

  it('a different column: still true, the difference reported as readable definitions', async () => {
    const { inspect, differences } = inspector();
    expect(await inspect.hasColumn('clients', { name: 'email', type: 'varchar(100)', default: "'y'" })).toBe(true);
    expect(differences).toEqual([
      { object: 'column', table: 'clients', name: 'email', expected: "varchar(100) NULL DEFAULT 'y'", actual: "varchar(255) NOT NULL DEFAULT 'x'" },
    ]);
  });

  it('a column that is auto-increment on one side only differs', async () => {
    const { inspect, differences } = inspector();
    await inspect.hasColumn('clients', { name: 'id', type: 'integer', nullable: false });
    expect(differences).toEqual([
      { object: 'column', table: 'clients', name: 'id', expected: 'integer NOT NULL', actual: 'integer NOT NULL AUTO_INCREMENT' },
    ]);
  });

  it('a different table: the declared columns compared, missing ones shown, extra existing columns ignored', async () => {
    const { inspect, differences } = inspector();
    expect(await inspect.hasTable('clients', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'status', type: 'text' }] })).toBe(true);
    expect(differences).toEqual([
      {
        object: 'table',
        name: 'clients',
        expected: 'TABLE clients (id integer NOT NULL, status text NULL)',
        actual: 'TABLE clients (id integer NOT NULL AUTO_INCREMENT, status missing)',
      },
    ]);
  });

  it('a different index: parts, uniqueness, predicate and method', async () => {
    const { inspect, differences } = inspector();
    expect(await inspect.hasIndex('clients', { name: 'ix_clients_email', columns: ['email'], method: 'hash' })).toBe(true);
    expect(differences).toEqual([
      {
        object: 'index',
        table: 'clients',
        name: 'ix_clients_email',
        expected: 'INDEX ix_clients_email ON (email) USING hash',
        actual: 'UNIQUE INDEX ix_clients_email ON (name, lower(email)) WHERE id > 0',
      },
    ]);
  });

  it('a different index keying: opclass, order, NULLS placement and storage parameters are compared, concurrently is not', async () => {
    const { inspect, differences } = inspector();
    const same = { name: 'ix_clients_email', columns: ['name', { expression: 'lower(email)' }], unique: true, where: 'id > 0' } as const;
    expect(await inspect.hasIndex('clients', { ...same, concurrently: true })).toBe(true);
    expect(differences).toEqual([]);
    await inspect.hasIndex('clients', {
      ...same,
      columns: [{ column: 'name', opclass: 'text_pattern_ops', order: 'desc', nulls: 'last' }, { expression: 'lower(email)', nulls: 'first' }],
      with: { fillfactor: 70 },
    });
    expect(differences).toEqual([
      {
        object: 'index',
        table: 'clients',
        name: 'ix_clients_email',
        expected: 'UNIQUE INDEX ix_clients_email ON (name text_pattern_ops DESC NULLS LAST, lower(email) NULLS FIRST) WITH (fillfactor=70) WHERE id > 0',
        actual: 'UNIQUE INDEX ix_clients_email ON (name, lower(email)) WHERE id > 0',
      },
    ]);
  });

  it('a different foreign key: columns, referenced table and columns, actions', async () => {
    const { inspect, differences } = inspector();
    await inspect.hasForeignKey('orders', { name: 'fk_orders_client', columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['id'] });
    expect(differences).toEqual([
      {
        object: 'foreignKey',
        table: 'orders',
        name: 'fk_orders_client',
        expected: 'FOREIGN KEY fk_orders_client (client_id) REFERENCES clients (id) ON DELETE NO ACTION ON UPDATE NO ACTION',
        actual: 'FOREIGN KEY fk_orders_client (client_id) REFERENCES clients (id) ON DELETE CASCADE ON UPDATE NO ACTION',
      },
    ]);
  });

  it('a different unique constraint, check constraint, primary key and enum', async () => {
    const { inspect, differences } = inspector();
    expect(await inspect.hasUniqueConstraint('clients', { name: 'uq_clients_email', columns: ['email', 'name'] })).toBe(true);
    expect(await inspect.hasCheckConstraint('clients', { name: 'ck_clients_email', expression: 'length(email) > 3' })).toBe(true);
    expect(await inspect.hasPrimaryKey('clients', ['id', 'email'])).toBe(true);
    expect(await inspect.hasEnum('mood', ['ok', 'sad'])).toBe(true);
    expect(differences).toEqual([
      { object: 'uniqueConstraint', table: 'clients', name: 'uq_clients_email', expected: 'UNIQUE uq_clients_email (email, name)', actual: 'UNIQUE uq_clients_email (email)' },
      {
        object: 'checkConstraint',
        table: 'clients',
        name: 'ck_clients_email',
        expected: 'CHECK ck_clients_email (length(email) > 3)',
        actual: "CHECK ck_clients_email (email <> '')",
      },
      { object: 'primaryKey', table: 'clients', name: 'PRIMARY KEY', expected: 'PRIMARY KEY (id, email)', actual: 'PRIMARY KEY (id)' },
      { object: 'enum', name: 'mood', expected: "ENUM mood ('ok', 'sad')", actual: "ENUM mood ('sad', 'ok')" },
    ]);
  });

  it('policies, row-level security and roles from the model; a different policy or role is a difference', async () => {
    const { inspect, differences } = inspector(
      applyAll(
        fixture(),
        { kind: 'createRole', name: 'auditor' },
        { kind: 'enableRowLevelSecurity', table: 'orders' },
        { kind: 'createPolicy', table: 'orders', policy: { name: 'p_read', command: 'select', roles: ['auditor'], using: 'client_id > 0' } },
      ),
    );
    expect(await inspect.hasRowLevelSecurity('orders')).toBe(true);
    expect(await inspect.hasRowLevelSecurity('clients')).toBe(false);
    expect(await inspect.policies('orders')).toEqual([{ name: 'p_read', permissive: true, command: 'select', roles: ['auditor'], using: 'client_id > 0' }]);
    expect(await inspect.hasPolicy('orders', { name: 'p_read', command: 'select', roles: ['auditor'], using: ' client_id  > 0' })).toBe(true);
    expect(differences).toEqual([]);
    expect(await inspect.hasPolicy('orders', { name: 'p_read', permissive: false, command: 'select', using: 'true' })).toBe(true);
    expect(await inspect.hasRole('auditor', { inherit: false })).toBe(true);
    expect(await inspect.hasRole('writer')).toBe(false);
    expect(await inspect.hasPolicy('clients', 'p_read')).toBe(false);
    expect(differences).toEqual([
      {
        object: 'policy',
        table: 'orders',
        name: 'p_read',
        expected: 'POLICY p_read AS RESTRICTIVE FOR SELECT TO public USING (true)',
        actual: 'POLICY p_read AS PERMISSIVE FOR SELECT TO auditor USING (client_id > 0)',
      },
      { object: 'role', name: 'auditor', expected: 'ROLE auditor NOCREATEDB NOCREATEROLE NOINHERIT', actual: 'ROLE auditor NOCREATEDB NOCREATEROLE INHERIT' },
    ]);
  });

  it('a source that reads roles from the server is asked for them; role ops leave its model alone', async () => {
    const asked: string[] = [];
    const source: SchemaSource = {
      load: async () => fixture(),
      role: async (name) => (asked.push(name), name === 'app' ? { name, createDb: false, createRole: false, inherit: true } : undefined),
    };
    const inspect = new SchemaInspector(source, { normalizer: TEST_NORMALIZER });
    expect(await inspect.hasRole('app')).toBe(true);
    // A dropRole the model never knew of does not fail after the server ran it.
    await inspect.apply({ kind: 'dropRole', name: 'app' });
    expect(await inspect.hasRole('ghost')).toBe(false);
    expect(asked).toEqual(['app', 'ghost']);
  });

  it('without onDifference a difference is silent and the answer still true', async () => {
    const inspect = new SchemaInspector(modelSchemaSource(fixture()), { normalizer: TEST_NORMALIZER });
    expect(await inspect.hasColumn('clients', { name: 'email', type: 'text' })).toBe(true);
  });
});
