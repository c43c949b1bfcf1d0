import { describe, expect, it } from 'vitest';
import type { SchemaNormalizer } from '../dialects/renderer.js';
import { applyToModel } from '../ops/apply-to-model.js';
import type { Op } from '../ops/op.js';
import type { ColumnModel, EnumModel, ForeignKeyModel, PolicyModel, RoleModel, SchemaModel, SequenceModel, TableModel, ViewModel } from '../schema/model.js';
import { diffSchemas, type DiffOptions, type SchemaDiff } from './diff.js';
import { EnumChangeUnsupportedError, InvalidRenameError, UnknownRenameError } from './errors.js';
import { codeOf } from '../__fixtures__/code-of.js';

/** The models are normalized already: types and expressions are kept as they are, `NULL` means no default. */
const normalizer: SchemaNormalizer = {
  normalizeType: (type) => type,
  normalizeDefault: (expression) => (expression === undefined || expression.toUpperCase() === 'NULL' ? undefined : expression),
  normalizeExpression: (expression) => expression,
};

const PG: DiffOptions = { capabilities: { enums: true } };

function col(name: string, type: string, extra: Partial<ColumnModel> = {}): ColumnModel {
  return { name, type, nullable: true, ...extra };
}

function tbl(name: string, columns: ColumnModel[], extra: Partial<Omit<TableModel, 'name' | 'columns'>> = {}): TableModel {
  return { name, columns, indexes: [], foreignKeys: [], uniqueConstraints: [], checkConstraints: [], ...extra };
}

function fk(name: string, columns: string[], referencedTable: string, referencedColumns: string[], extra: Partial<ForeignKeyModel> = {}): ForeignKeyModel {
  return { name, columns, referencedTable, referencedColumns, onDelete: 'no action', onUpdate: 'no action', ...extra };
}

function schema(tables: TableModel[], enums: EnumModel[] = []): SchemaModel {
  return { tables: new Map(tables.map((t) => [t.name, t])), enums: new Map(enums.map((e) => [e.name, e])) };
}

/** The schema with one table changed (in place). */
function change(model: SchemaModel, name: string, edit: (table: TableModel) => TableModel): SchemaModel {
  const tables = new Map(model.tables);
  tables.set(name, edit(model.tables.get(name) as TableModel));
  return { tables, enums: model.enums };
}

/** The schema without the named tables. */
function without(model: SchemaModel, ...names: string[]): SchemaModel {
  return schema([...model.tables.values()].filter((t) => !names.includes(t.name)), [...model.enums.values()]);
}

/** The schema with more tables. */
function plus(model: SchemaModel, ...tables: TableModel[]): SchemaModel {
  return schema([...model.tables.values(), ...tables], [...model.enums.values()]);
}

/** A model as plain sorted data, so that comparisons ignore the order of the maps. */
function plain(model: SchemaModel): unknown {
  const sorted = <T>(map: ReadonlyMap<string, T>): [string, T][] => [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    tables: sorted(model.tables),
    enums: sorted(model.enums),
    roles: sorted(model.roles ?? new Map()),
    sequences: sorted(model.sequences ?? new Map()),
    views: sorted(model.views ?? new Map()),
    schemas: model.schemas ?? [],
  };
}

/** Diffs, then proves the ops: replayed in order onto `from`, they give `to`. */
function prove(from: SchemaModel, to: SchemaModel, options: DiffOptions = PG): SchemaDiff {
  const diff = diffSchemas(from, to, options);
  const replayed = diff.ops.reduce((model, op) => applyToModel(model, op, normalizer), from);
  expect(plain(replayed)).toEqual(plain(to));
  return diff;
}

/** The destructive entries as `kind table: reason`, for readable assertions. */
function destructive(diff: SchemaDiff): string[] {
  return diff.destructive.map(({ index, reason }) => `${diff.ops[index]?.kind}: ${reason}`);
}


/** clients (id PK auto, email unique, name indexed) ← orders (id PK, client_id → clients.id cascade, amount checked). */
function base(): SchemaModel {
  return schema([
    tbl('clients', [col('id', 'integer', { nullable: false, autoIncrement: true }), col('email', 'varchar(255)', { nullable: false }), col('name', 'text')], {
      primaryKey: { name: 'clients_pkey', columns: ['id'] },
      indexes: [{ name: 'ix_clients_name', parts: [{ column: 'name' }], unique: false }],
      uniqueConstraints: [{ name: 'uq_clients_email', columns: ['email'] }],
    }),
    tbl(
      'orders',
      [col('id', 'integer', { nullable: false }), col('client_id', 'integer', { nullable: false }), col('amount', 'numeric(10,2)', { nullable: false, default: '0' })],
      {
        primaryKey: { name: 'orders_pkey', columns: ['id'] },
        foreignKeys: [fk('fk_orders_client', ['client_id'], 'clients', ['id'], { onDelete: 'cascade' })],
        checkConstraints: [{ name: 'ck_orders_amount', expression: 'amount >= 0' }],
      },
    ),
  ]);
}

describe('diffSchemas: no change', () => {
  it('a schema diffed with itself gives nothing', () => {
    const model = schema([...base().tables.values()], [{ name: 'mood', values: ['sad', 'ok'] }]);
    expect(diffSchemas(model, model, PG)).toEqual({ ops: [], destructive: [], ambiguous: [] });
  });

  it('the same input gives the same ops in the same order, whatever order the maps hold', () => {
    const to = plus(without(base(), 'orders'), tbl('b', [col('id', 'integer')]), tbl('a', [col('id', 'integer')]));
    const shuffled = schema([...to.tables.values()].reverse());
    const first = diffSchemas(base(), to, PG);
    expect(diffSchemas(base(), to, PG)).toEqual(first);
    expect(diffSchemas(schema([...base().tables.values()].reverse()), shuffled, PG)).toEqual(first);
    expect(first.ops.map((op) => op.kind + ':' + ('table' in op ? op.table : ''))).toEqual(['createTable:a', 'createTable:b', 'dropTable:orders']);
  });
});

describe('diffSchemas: tables', () => {
  it('creates a table with its key, constraints and foreign keys, then its indexes', () => {
    const invoices = tbl(
      'invoices',
      [col('id', 'bigint', { nullable: false, autoIncrement: true }), col('client_id', 'integer', { nullable: false }), col('total', 'numeric(12,2)', { default: '0' })],
      {
        primaryKey: { name: 'invoices_pkey', columns: ['id'] },
        indexes: [{ name: 'ix_invoices_client', parts: [{ column: 'client_id' }], unique: false }],
        foreignKeys: [fk('fk_invoices_client', ['client_id'], 'clients', ['id'], { onDelete: 'restrict' })],
        uniqueConstraints: [{ name: 'uq_invoices_client_total', columns: ['client_id', 'total'] }],
        checkConstraints: [{ name: 'ck_invoices_total', expression: 'total >= 0' }],
      },
    );
    const diff = prove(base(), plus(base(), invoices));
    expect(diff.ops).toEqual<Op[]>([
      {
        kind: 'createTable',
        table: 'invoices',
        columns: [
          { name: 'id', type: 'bigint', nullable: false, autoIncrement: true },
          { name: 'client_id', type: 'integer', nullable: false },
          { name: 'total', type: 'numeric(12,2)', default: '0' },
        ],
        primaryKey: { name: 'invoices_pkey', columns: ['id'] },
        uniqueConstraints: [{ name: 'uq_invoices_client_total', columns: ['client_id', 'total'] }],
        checkConstraints: [{ name: 'ck_invoices_total', expression: 'total >= 0' }],
        foreignKeys: [{ name: 'fk_invoices_client', columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['id'], onDelete: 'restrict' }],
      },
      { kind: 'createIndex', table: 'invoices', name: 'ix_invoices_client', columns: ['client_id'] },
    ]);
    expect(diff.destructive).toEqual([]);
    expect(diff.ambiguous).toEqual([]);
  });

  it('creates new tables in foreign key order: a referenced new table first', () => {
    const a = tbl('a_lines', [col('id', 'integer'), col('z_id', 'integer')], { foreignKeys: [fk('fk_a_z', ['z_id'], 'z_heads', ['id'])] });
    const z = tbl('z_heads', [col('id', 'integer', { nullable: false })], { primaryKey: { columns: ['id'] } });
    const diff = prove(base(), plus(base(), a, z));
    expect(diff.ops.map((op) => op.kind === 'createTable' && op.table)).toEqual(['z_heads', 'a_lines']);
  });

  it('creates two new tables that reference each other: the cyclic foreign key is added after both', () => {
    const authors = tbl('authors', [col('id', 'integer', { nullable: false }), col('best_book_id', 'integer')], {
      primaryKey: { columns: ['id'] },
      foreignKeys: [fk('fk_authors_best_book', ['best_book_id'], 'books', ['id'], { onDelete: 'set null' })],
    });
    const books = tbl('books', [col('id', 'integer', { nullable: false }), col('author_id', 'integer'), col('parent_id', 'integer')], {
      primaryKey: { columns: ['id'] },
      foreignKeys: [fk('fk_books_author', ['author_id'], 'authors', ['id']), fk('fk_books_parent', ['parent_id'], 'books', ['id'])],
    });
    const diff = prove(base(), plus(base(), books, authors));
    expect(diff.ops).toEqual<Op[]>([
      {
        kind: 'createTable',
        table: 'authors',
        columns: [
          { name: 'id', type: 'integer', nullable: false },
          { name: 'best_book_id', type: 'integer' },
        ],
        primaryKey: { columns: ['id'] },
      },
      {
        kind: 'createTable',
        table: 'books',
        columns: [
          { name: 'id', type: 'integer', nullable: false },
          { name: 'author_id', type: 'integer' },
          { name: 'parent_id', type: 'integer' },
        ],
        primaryKey: { columns: ['id'] },
        foreignKeys: [
          { name: 'fk_books_author', columns: ['author_id'], referencedTable: 'authors', referencedColumns: ['id'] },
          { name: 'fk_books_parent', columns: ['parent_id'], referencedTable: 'books', referencedColumns: ['id'] },
        ],
      },
      {
        kind: 'createForeignKey',
        table: 'authors',
        foreignKey: { name: 'fk_authors_best_book', columns: ['best_book_id'], referencedTable: 'books', referencedColumns: ['id'], onDelete: 'set null' },
      },
    ]);
  });

  it('drops a table, destructively', () => {
    const from = plus(base(), tbl('audit', [col('at', 'timestamp')]));
    const diff = prove(from, base());
    expect(diff.ops).toEqual<Op[]>([{ kind: 'dropTable', table: 'audit' }]);
    expect(destructive(diff)).toEqual(['dropTable: drops table audit and its rows']);
  });

  it('drops a table that a kept table references: the foreign key goes first', () => {
    const to = change(without(base(), 'clients'), 'orders', (t) => ({ ...t, foreignKeys: [] }));
    const diff = prove(base(), to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropForeignKey', table: 'orders', name: 'fk_orders_client' },
      { kind: 'dropTable', table: 'clients' },
    ]);
    expect(destructive(diff)).toEqual(['dropTable: drops table clients and its rows']);
  });

  it('drops tables that reference one another: referencing tables first, a cycle broken by its foreign keys', () => {
    const x = tbl('x', [col('id', 'integer', { nullable: false }), col('y_id', 'integer')], {
      primaryKey: { columns: ['id'] },
      foreignKeys: [fk('fk_x_y', ['y_id'], 'y', ['id'])],
    });
    const y = tbl('y', [col('id', 'integer', { nullable: false }), col('x_id', 'integer')], {
      primaryKey: { columns: ['id'] },
      foreignKeys: [fk('fk_y_x', ['x_id'], 'x', ['id'])],
    });
    const w = tbl('w', [col('x_id', 'integer')], { foreignKeys: [fk('fk_w_x', ['x_id'], 'x', ['id'])] });
    const diff = prove(plus(base(), w, x, y), base());
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropTable', table: 'w' },
      { kind: 'dropForeignKey', table: 'y', name: 'fk_y_x' },
      { kind: 'dropTable', table: 'x' },
      { kind: 'dropTable', table: 'y' },
    ]);
  });

  it('creates a new table after the kept table gets the column and key its foreign key needs', () => {
    const to = plus(
      change(base(), 'clients', (t) => ({
        ...t,
        columns: [...t.columns, col('code', 'varchar(10)', { nullable: false })],
        uniqueConstraints: [{ name: 'uq_clients_code', columns: ['code'] }, ...t.uniqueConstraints],
      })),
      tbl('vouchers', [col('code', 'varchar(10)')], { foreignKeys: [fk('fk_vouchers_client', ['code'], 'clients', ['code'])] }),
    );
    const diff = prove(base(), to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'addColumn', table: 'clients', column: { name: 'code', type: 'varchar(10)', nullable: false } },
      { kind: 'createUniqueConstraint', table: 'clients', constraint: { name: 'uq_clients_code', columns: ['code'] } },
      {
        kind: 'createTable',
        table: 'vouchers',
        columns: [{ name: 'code', type: 'varchar(10)' }],
        foreignKeys: [{ name: 'fk_vouchers_client', columns: ['code'], referencedTable: 'clients', referencedColumns: ['code'] }],
      },
    ]);
  });

  it('drops a table whose foreign key needs a column dropped from a kept table: that foreign key goes first', () => {
    const from = plus(base(), tbl('legacy', [col('client_email', 'varchar(255)')], { foreignKeys: [fk('fk_legacy_email', ['client_email'], 'clients', ['email'])] }));
    const to = change(base(), 'clients', (t) => ({ ...t, columns: t.columns.filter((c) => c.name !== 'email'), uniqueConstraints: [] }));
    const diff = prove(from, to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropForeignKey', table: 'legacy', name: 'fk_legacy_email' },
      { kind: 'dropUniqueConstraint', table: 'clients', name: 'uq_clients_email' },
      { kind: 'dropColumn', table: 'clients', column: 'email' },
      { kind: 'dropTable', table: 'legacy' },
    ]);
    expect(destructive(diff)).toEqual(['dropColumn: drops column clients.email and its data', 'dropTable: drops table legacy and its rows']);
  });

  it('renames a table by hint: foreign keys that reference it follow', () => {
    const to = schema([
      { ...(base().tables.get('clients') as TableModel), name: 'customers' },
      change(base(), 'orders', (t) => ({ ...t, foreignKeys: [fk('fk_orders_client', ['client_id'], 'customers', ['id'], { onDelete: 'cascade' })] })).tables.get(
        'orders',
      ) as TableModel,
    ]);
    const diff = prove(base(), to, { ...PG, renames: { tables: { clients: 'customers' } } });
    expect(diff.ops).toEqual<Op[]>([{ kind: 'renameTable', table: 'clients', to: 'customers' }]);
    expect(diff.ambiguous).toEqual([]);
  });

  it('renames a referenced table whose key, index and incoming foreign key names follow it: all renamed in place (issue 12, item 3)', () => {
    const clients = base().tables.get('clients') as TableModel;
    const to = schema([
      {
        ...clients,
        name: 'customers',
        primaryKey: { name: 'customers_pkey', columns: ['id'] },
        indexes: [{ name: 'ix_customers_name', parts: [{ column: 'name' }], unique: false }],
        uniqueConstraints: [{ name: 'uq_customers_email', columns: ['email'] }],
      },
      change(base(), 'orders', (t) => ({ ...t, foreignKeys: [fk('fk_orders_customer', ['client_id'], 'customers', ['id'], { onDelete: 'cascade' })] })).tables.get(
        'orders',
      ) as TableModel,
    ]);
    const diff = prove(base(), to, { ...PG, renames: { tables: { clients: 'customers' } } });
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'renameTable', table: 'clients', to: 'customers' },
      { kind: 'renameConstraint', table: 'customers', name: 'clients_pkey', to: 'customers_pkey' },
      { kind: 'renameConstraint', table: 'customers', name: 'uq_clients_email', to: 'uq_customers_email' },
      { kind: 'renameIndex', table: 'customers', name: 'ix_clients_name', to: 'ix_customers_name' },
      { kind: 'renameConstraint', table: 'orders', name: 'fk_orders_client', to: 'fk_orders_customer' },
    ]);
    expect(diff.destructive).toEqual([]);
  });

  it('a renamed key that also changes, or whose column is recreated, is dropped and created, not renamed', () => {
    const to = change(base(), 'orders', (t) => ({ ...t, checkConstraints: [{ name: 'orders_amount_check', expression: 'amount > 0' }] }));
    expect(prove(base(), to).ops.map((op) => op.kind)).toEqual(['dropCheckConstraint', 'createCheckConstraint']);
    const retyped = change(base(), 'clients', (t) => ({
      ...t,
      columns: t.columns.map((c) => (c.name === 'name' ? { ...c, generated: { expression: "'x'", stored: true } } : c)),
      indexes: [{ name: 'ix_clients_label', parts: [{ column: 'name' }], unique: false }],
    }));
    expect(prove(base(), retyped).ops.map((op) => op.kind)).not.toContain('renameIndex');
  });

  it('without a hint, a dropped and an added table are listed as ambiguous, and still dropped and created', () => {
    const from = plus(base(), tbl('audit', [col('at', 'timestamp')]));
    const to = plus(base(), tbl('audit_log', [col('at', 'timestamp')]));
    const diff = prove(from, to);
    expect(diff.ambiguous).toEqual([{ kind: 'table', dropped: ['audit'], added: ['audit_log'] }]);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'createTable', table: 'audit_log', columns: [{ name: 'at', type: 'timestamp' }] },
      { kind: 'dropTable', table: 'audit' },
    ]);
    const hinted = prove(from, to, { ...PG, renames: { tables: { audit: 'audit_log' } } });
    expect(hinted.ops).toEqual<Op[]>([{ kind: 'renameTable', table: 'audit', to: 'audit_log' }]);
    expect(hinted.ambiguous).toEqual([]);
  });

  it('recreates a kept table none of whose columns survive (the last column cannot be dropped)', () => {
    const from = plus(base(), tbl('seq', [col('n', 'integer', { nullable: false, autoIncrement: true })], { primaryKey: { columns: ['n'] } }));
    const to = plus(base(), tbl('seq', [col('n', 'integer', { nullable: false })], { primaryKey: { columns: ['n'] } }));
    const diff = prove(from, to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropTable', table: 'seq' },
      { kind: 'createTable', table: 'seq', columns: [{ name: 'n', type: 'integer', nullable: false }], primaryKey: { columns: ['n'] } },
    ]);
    expect(destructive(diff)).toEqual([
      'dropTable: every column of table seq is dropped or recreated (column seq.n stops being auto-increment, which alterColumn cannot express: it is dropped and added again and its values are lost): the table is dropped and created again and its rows are lost',
    ]);
  });
});

describe('diffSchemas: columns', () => {
  it('adds a nullable column, and a NOT NULL one without a default (destructive: fails on existing rows)', () => {
    const to = change(base(), 'clients', (t) => ({
      ...t,
      columns: [...t.columns, col('phone', 'varchar(20)'), col('tier', 'integer', { nullable: false }), col('score', 'integer', { nullable: false, default: '0' })],
    }));
    const diff = prove(base(), to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'addColumn', table: 'clients', column: { name: 'phone', type: 'varchar(20)' } },
      { kind: 'addColumn', table: 'clients', column: { name: 'tier', type: 'integer', nullable: false } },
      { kind: 'addColumn', table: 'clients', column: { name: 'score', type: 'integer', nullable: false, default: '0' } },
    ]);
    expect(destructive(diff)).toEqual(['addColumn: adds NOT NULL column clients.tier without a default, which fails while the table has rows']);
  });

  it('drops a column, after the index on it', () => {
    const to = change(base(), 'clients', (t) => ({ ...t, columns: t.columns.filter((c) => c.name !== 'name'), indexes: [] }));
    const diff = prove(base(), to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropIndex', table: 'clients', name: 'ix_clients_name' },
      { kind: 'dropColumn', table: 'clients', column: 'name' },
    ]);
    expect(destructive(diff)).toEqual(['dropColumn: drops column clients.name and its data']);
  });

  it('renames a column by hint: its index and unique constraint follow', () => {
    const to = change(base(), 'clients', (t) => ({
      ...t,
      columns: t.columns.map((c) => (c.name === 'email' ? { ...c, name: 'mail' } : c)),
      uniqueConstraints: [{ name: 'uq_clients_email', columns: ['mail'] }],
    }));
    const diff = prove(base(), to, { ...PG, renames: { columns: { 'clients.email': 'mail' } } });
    expect(diff.ops).toEqual<Op[]>([{ kind: 'renameColumn', table: 'clients', column: 'email', to: 'mail' }]);
    expect(diff.ambiguous).toEqual([]);
  });

  it('renames a column in a renamed table (the hint names the table as in the target)', () => {
    const to = schema([
      { ...(base().tables.get('orders') as TableModel), name: 'purchases', checkConstraints: [{ name: 'ck_orders_amount', expression: 'total >= 0' }] },
      base().tables.get('clients') as TableModel,
    ]);
    const purchases = to.tables.get('purchases') as TableModel;
    const target = change(to, 'purchases', () => ({ ...purchases, columns: purchases.columns.map((c) => (c.name === 'amount' ? { ...c, name: 'total' } : c)) }));
    const diff = prove(base(), target, { ...PG, renames: { tables: { orders: 'purchases' }, columns: { 'purchases.amount': 'total' } } });
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'renameTable', table: 'orders', to: 'purchases' },
      { kind: 'renameColumn', table: 'purchases', column: 'amount', to: 'total' },
    ]);
  });

  it('without a hint, a dropped and an added column are ambiguous, and still dropped and added (add first)', () => {
    const from = schema([tbl('notes', [col('body', 'text')])]);
    const to = schema([tbl('notes', [col('content', 'text')])]);
    const diff = prove(from, to);
    expect(diff.ambiguous).toEqual([{ kind: 'column', table: 'notes', dropped: ['body'], added: ['content'] }]);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'addColumn', table: 'notes', column: { name: 'content', type: 'text' } },
      { kind: 'dropColumn', table: 'notes', column: 'body' },
    ]);
    expect(prove(from, to, { ...PG, renames: { columns: { 'notes.body': 'content' } } }).ops).toEqual<Op[]>([
      { kind: 'renameColumn', table: 'notes', column: 'body', to: 'content' },
    ]);
  });

  it('changes types: widening is safe, narrowing is destructive; one alterColumn per column', () => {
    const from = schema([tbl('t', [col('a', 'varchar(20)'), col('b', 'varchar(50)'), col('c', 'integer'), col('d', 'bigint'), col('e', 'varchar(10)')])]);
    const to = schema([tbl('t', [col('a', 'varchar(50)'), col('b', 'varchar(20)'), col('c', 'bigint'), col('d', 'integer'), col('e', 'text')])]);
    const diff = prove(from, to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'alterColumn', table: 't', column: 'a', type: 'varchar(50)' },
      { kind: 'alterColumn', table: 't', column: 'b', type: 'varchar(20)' },
      { kind: 'alterColumn', table: 't', column: 'c', type: 'bigint' },
      { kind: 'alterColumn', table: 't', column: 'd', type: 'integer' },
      { kind: 'alterColumn', table: 't', column: 'e', type: 'text' },
    ]);
    expect(destructive(diff)).toEqual([
      'alterColumn: changes column t.b from varchar(50) to varchar(20), which may truncate or reject existing values',
      'alterColumn: changes column t.d from bigint to integer, which may truncate or reject existing values',
    ]);
  });

  it('changes a MySQL enum or set: adding values is safe, removing one is destructive', () => {
    const from = schema([tbl('t', [col('a', "enum('owner','admin')"), col('b', "enum('x','it''s')"), col('c', "set('r','w')"), col('d', "enum('r','w')")])]);
    const to = schema([tbl('t', [col('a', "enum('owner','admin','guest')"), col('b', "enum('x')"), col('c', "set('w','r','x')"), col('d', "set('r','w')")])]);
    expect(destructive(prove(from, to, { capabilities: { enums: false } }))).toEqual([
      "alterColumn: changes column t.b from enum('x','it''s') to enum('x'), which may truncate or reject existing values",
      "alterColumn: changes column t.d from enum('r','w') to set('r','w'), which may truncate or reject existing values",
    ]);
  });

  it('changes nullability: NOT NULL is destructive (fails on NULL rows), dropping it is not', () => {
    const to = change(base(), 'clients', (t) => ({
      ...t,
      columns: t.columns.map((c) => (c.name === 'name' ? { ...c, nullable: false } : c.name === 'email' ? { ...c, nullable: true } : c)),
    }));
    const diff = prove(base(), to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'alterColumn', table: 'clients', column: 'email', nullable: true },
      { kind: 'alterColumn', table: 'clients', column: 'name', nullable: false },
    ]);
    expect(destructive(diff)).toEqual(['alterColumn: makes column clients.name NOT NULL, which fails while a row holds NULL']);
  });

  it('sets, changes and drops defaults, strings with quotes included; type and default in one alterColumn', () => {
    const from = schema([tbl('t', [col('a', 'text'), col('b', 'text', { default: "'it''s'" }), col('c', 'integer', { default: '1' }), col('d', 'varchar(5)')])]);
    const to = schema([tbl('t', [col('a', 'text', { default: "'say \"hi\"'" }), col('b', 'text', { default: "'it''s not'" }), col('c', 'integer'), col('d', 'varchar(9)', { default: "'x'" })])]);
    const diff = prove(from, to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'alterColumn', table: 't', column: 'a', default: "'say \"hi\"'" },
      { kind: 'alterColumn', table: 't', column: 'b', default: "'it''s not'" },
      { kind: 'alterColumn', table: 't', column: 'c', default: null },
      { kind: 'alterColumn', table: 't', column: 'd', type: 'varchar(9)', default: "'x'" },
    ]);
    expect(diff.destructive).toEqual([]);
  });

  it('a changed generated expression is a drop and an add, destructive', () => {
    const from = schema([tbl('t', [col('a', 'integer'), col('b', 'integer'), col('sum', 'integer', { generated: { expression: 'a + b', stored: true } })])]);
    const to = schema([tbl('t', [col('a', 'integer'), col('b', 'integer'), col('sum', 'integer', { generated: { expression: 'a + b + 1', stored: true } })])]);
    const diff = prove(from, to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropColumn', table: 't', column: 'sum' },
      { kind: 'addColumn', table: 't', column: { name: 'sum', type: 'integer', generated: { expression: 'a + b + 1', stored: true } } },
    ]);
    expect(destructive(diff)).toEqual([
      'dropColumn: column t.sum changes from generated stored as a + b to generated stored as a + b + 1, which alterColumn cannot express: it is dropped and added again',
    ]);
  });

  it('a type change under a generated column recreates the generated column after the change', () => {
    const from = schema([tbl('t', [col('a', 'integer'), col('double', 'integer', { generated: { expression: '"a" * 2', stored: true } })])]);
    const to = schema([tbl('t', [col('a', 'bigint'), col('double', 'integer', { generated: { expression: '"a" * 2', stored: true } })])]);
    const diff = prove(from, to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropColumn', table: 't', column: 'double' },
      { kind: 'alterColumn', table: 't', column: 'a', type: 'bigint' },
      { kind: 'addColumn', table: 't', column: { name: 'double', type: 'integer', generated: { expression: '"a" * 2', stored: true } } },
    ]);
  });

  it('an autoIncrement change is a drop and an add with the reason; keys and foreign keys on it are rebuilt', () => {
    const to = change(base(), 'clients', (t) => ({
      ...t,
      columns: [...t.columns.filter((c) => c.name !== 'id'), col('id', 'integer', { nullable: false })],
    }));
    const diff = prove(base(), to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropForeignKey', table: 'orders', name: 'fk_orders_client' },
      { kind: 'dropPrimaryKey', table: 'clients', name: 'clients_pkey' },
      { kind: 'dropColumn', table: 'clients', column: 'id' },
      { kind: 'addColumn', table: 'clients', column: { name: 'id', type: 'integer', nullable: false } },
      { kind: 'createPrimaryKey', table: 'clients', primaryKey: { name: 'clients_pkey', columns: ['id'] } },
      {
        kind: 'createForeignKey',
        table: 'orders',
        foreignKey: { name: 'fk_orders_client', columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['id'], onDelete: 'cascade' },
      },
    ]);
    expect(destructive(diff)).toEqual([
      'dropColumn: column clients.id stops being auto-increment, which alterColumn cannot express: it is dropped and added again and its values are lost',
    ]);
  });

  it('a type change of a referenced column rebuilds the foreign keys on both sides', () => {
    const from = change(base(), 'clients', (t) => t);
    const to = change(
      change(from, 'clients', (t) => ({ ...t, columns: t.columns.map((c) => (c.name === 'id' ? { ...c, type: 'bigint' } : c)) })),
      'orders',
      (t) => ({ ...t, columns: t.columns.map((c) => (c.name === 'client_id' ? { ...c, type: 'bigint' } : c)) }),
    );
    const diff = prove(from, to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropForeignKey', table: 'orders', name: 'fk_orders_client' },
      { kind: 'alterColumn', table: 'clients', column: 'id', type: 'bigint' },
      { kind: 'alterColumn', table: 'orders', column: 'client_id', type: 'bigint' },
      {
        kind: 'createForeignKey',
        table: 'orders',
        foreignKey: { name: 'fk_orders_client', columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['id'], onDelete: 'cascade' },
      },
    ]);
    expect(diff.destructive).toEqual([]);
  });
});

describe('diffSchemas: keys and constraints', () => {
  it('changes a composite primary key: drop, then create', () => {
    const from = schema([
      tbl('lines', [col('order_id', 'integer', { nullable: false }), col('n', 'integer', { nullable: false }), col('sku', 'text', { nullable: false })], {
        primaryKey: { name: 'lines_pkey', columns: ['order_id', 'n'] },
      }),
    ]);
    const to = change(from, 'lines', (t) => ({ ...t, primaryKey: { name: 'lines_pkey', columns: ['order_id', 'sku'] } }));
    const diff = prove(from, to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropPrimaryKey', table: 'lines', name: 'lines_pkey' },
      { kind: 'createPrimaryKey', table: 'lines', primaryKey: { name: 'lines_pkey', columns: ['order_id', 'sku'] } },
    ]);
  });

  it('adds and drops unique constraints', () => {
    const to = change(base(), 'clients', (t) => ({ ...t, uniqueConstraints: [{ name: 'uq_clients_name', columns: ['name'] }] }));
    const diff = prove(base(), to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropUniqueConstraint', table: 'clients', name: 'uq_clients_email' },
      { kind: 'createUniqueConstraint', table: 'clients', constraint: { name: 'uq_clients_name', columns: ['name'] } },
    ]);
  });

  it('changing the unique key a foreign key references rebuilds that foreign key', () => {
    const from = plus(base(), tbl('emails', [col('address', 'varchar(255)')], { foreignKeys: [fk('fk_emails_client', ['address'], 'clients', ['email'])] }));
    const to = change(from, 'clients', (t) => ({ ...t, uniqueConstraints: [{ name: 'uq_clients_email', columns: ['email'], nullsNotDistinct: true }] }));
    const diff = prove(from, to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropForeignKey', table: 'emails', name: 'fk_emails_client' },
      { kind: 'dropUniqueConstraint', table: 'clients', name: 'uq_clients_email' },
      { kind: 'createUniqueConstraint', table: 'clients', constraint: { name: 'uq_clients_email', columns: ['email'], nullsNotDistinct: true } },
      { kind: 'createForeignKey', table: 'emails', foreignKey: { name: 'fk_emails_client', columns: ['address'], referencedTable: 'clients', referencedColumns: ['email'] } },
    ]);
  });

  it('renaming the unique key a foreign key references renames it in place; the foreign key stays (issue 12, item 3)', () => {
    const from = plus(base(), tbl('emails', [col('address', 'varchar(255)')], { foreignKeys: [fk('fk_emails_client', ['address'], 'clients', ['email'])] }));
    const to = change(from, 'clients', (t) => ({ ...t, uniqueConstraints: [{ name: 'uq_clients_mail', columns: ['email'] }] }));
    expect(prove(from, to).ops).toEqual<Op[]>([{ kind: 'renameConstraint', table: 'clients', name: 'uq_clients_email', to: 'uq_clients_mail' }]);
  });

  it('adds a check and changes one (drop, then create)', () => {
    const to = change(base(), 'orders', (t) => ({
      ...t,
      checkConstraints: [
        { name: 'ck_orders_amount', expression: 'amount > 0' },
        { name: 'ck_orders_id', expression: 'id > 0' },
      ],
    }));
    const diff = prove(base(), to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropCheckConstraint', table: 'orders', name: 'ck_orders_amount' },
      { kind: 'createCheckConstraint', table: 'orders', constraint: { name: 'ck_orders_amount', expression: 'amount > 0' } },
      { kind: 'createCheckConstraint', table: 'orders', constraint: { name: 'ck_orders_id', expression: 'id > 0' } },
    ]);
  });

  it('adds, drops and changes the action of foreign keys', () => {
    const from = plus(
      base(),
      tbl('notes', [col('client_id', 'integer'), col('order_id', 'integer')], { foreignKeys: [fk('fk_notes_order', ['order_id'], 'orders', ['id'])] }),
    );
    const to = change(
      change(from, 'notes', (t) => ({ ...t, foreignKeys: [fk('fk_notes_client', ['client_id'], 'clients', ['id'], { onDelete: 'set null', onUpdate: 'cascade' })] })),
      'orders',
      (t) => ({ ...t, foreignKeys: [fk('fk_orders_client', ['client_id'], 'clients', ['id'], { onDelete: 'restrict' })] }),
    );
    const diff = prove(from, to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropForeignKey', table: 'notes', name: 'fk_notes_order' },
      { kind: 'dropForeignKey', table: 'orders', name: 'fk_orders_client' },
      {
        kind: 'createForeignKey',
        table: 'notes',
        foreignKey: { name: 'fk_notes_client', columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['id'], onDelete: 'set null', onUpdate: 'cascade' },
      },
      {
        kind: 'createForeignKey',
        table: 'orders',
        foreignKey: { name: 'fk_orders_client', columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['id'], onDelete: 'restrict' },
      },
    ]);
  });
});

describe('diffSchemas: indexes', () => {
  it('adds and drops indexes, partial, expression and method ones included', () => {
    const to = change(base(), 'clients', (t) => ({
      ...t,
      indexes: [
        { name: 'ix_clients_email_lower', parts: [{ expression: 'lower(email)' }], unique: true },
        { name: 'ix_clients_email_active', parts: [{ column: 'email' }], unique: false, where: "name <> ''", method: 'hash' },
      ].sort((a, b) => (a.name < b.name ? -1 : 1)),
    }));
    const diff = prove(base(), to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropIndex', table: 'clients', name: 'ix_clients_name' },
      { kind: 'createIndex', table: 'clients', name: 'ix_clients_email_active', columns: ['email'], where: "name <> ''", method: 'hash' },
      { kind: 'createIndex', table: 'clients', name: 'ix_clients_email_lower', columns: [{ expression: 'lower(email)' }], unique: true },
    ]);
  });

  it('a changed index (columns, uniqueness, predicate or method) is dropped and created again', () => {
    const from = schema([
      tbl('t', [col('a', 'integer'), col('b', 'text')], {
        indexes: [
          { name: 'ix_1', parts: [{ column: 'a' }], unique: false },
          { name: 'ix_2', parts: [{ column: 'a' }], unique: false },
          { name: 'ix_3', parts: [{ column: 'a' }], unique: false, where: 'a > 0' },
          { name: 'ix_4', parts: [{ expression: 'lower(b)' }], unique: false, method: 'btree' },
          { name: 'ix_5', parts: [{ column: 'b' }], unique: false },
        ],
      }),
    ]);
    const to = schema([
      tbl('t', [col('a', 'integer'), col('b', 'text')], {
        indexes: [
          { name: 'ix_1', parts: [{ column: 'a' }, { column: 'b' }], unique: false },
          { name: 'ix_2', parts: [{ column: 'a' }], unique: true },
          { name: 'ix_3', parts: [{ column: 'a' }], unique: false, where: 'a > 1' },
          { name: 'ix_4', parts: [{ expression: 'lower(b)' }], unique: false, method: 'hash' },
          { name: 'ix_5', parts: [{ column: 'b' }], unique: false },
        ],
      }),
    ]);
    const diff = prove(from, to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropIndex', table: 't', name: 'ix_1' },
      { kind: 'dropIndex', table: 't', name: 'ix_2' },
      { kind: 'dropIndex', table: 't', name: 'ix_3' },
      { kind: 'dropIndex', table: 't', name: 'ix_4' },
      { kind: 'createIndex', table: 't', name: 'ix_1', columns: ['a', 'b'] },
      { kind: 'createIndex', table: 't', name: 'ix_2', columns: ['a'], unique: true },
      { kind: 'createIndex', table: 't', name: 'ix_3', columns: ['a'], where: 'a > 1' },
      { kind: 'createIndex', table: 't', name: 'ix_4', columns: [{ expression: 'lower(b)' }], method: 'hash' },
    ]);
  });

  it('a changed operator class, order, NULLS placement or storage parameter is a drop and a create; concurrently alone is no change', () => {
    const indexes = (keyed: boolean): TableModel['indexes'] => [
      { name: 'ix_1', parts: [{ column: 'b', ...(keyed ? { opclass: 'text_pattern_ops' } : {}) }], unique: false },
      { name: 'ix_2', parts: [{ column: 'a', ...(keyed ? { order: 'desc' as const } : {}) }], unique: false },
      { name: 'ix_3', parts: [{ column: 'a', ...(keyed ? { nulls: 'first' as const } : {}) }], unique: false },
      { name: 'ix_4', parts: [{ column: 'a' }], unique: false, with: { fillfactor: keyed ? '70' : '90' } },
      { name: 'ix_5', parts: [{ column: 'a' }], unique: false, ...(keyed ? { concurrently: true as const } : {}) },
    ];
    const from = schema([tbl('t', [col('a', 'integer'), col('b', 'text')], { indexes: indexes(false) })]);
    const to = schema([tbl('t', [col('a', 'integer'), col('b', 'text')], { indexes: indexes(true) })]);
    // Not `prove`: the replayed model never holds `concurrently`, which only a Drizzle schema states.
    expect(diffSchemas(from, to, PG).ops).toEqual<Op[]>([
      { kind: 'dropIndex', table: 't', name: 'ix_1' },
      { kind: 'dropIndex', table: 't', name: 'ix_2' },
      { kind: 'dropIndex', table: 't', name: 'ix_3' },
      { kind: 'dropIndex', table: 't', name: 'ix_4' },
      { kind: 'createIndex', table: 't', name: 'ix_1', columns: [{ column: 'b', opclass: 'text_pattern_ops' }] },
      { kind: 'createIndex', table: 't', name: 'ix_2', columns: [{ column: 'a', order: 'desc' }] },
      { kind: 'createIndex', table: 't', name: 'ix_3', columns: [{ column: 'a', nulls: 'first' }] },
      { kind: 'createIndex', table: 't', name: 'ix_4', columns: ['a'], with: { fillfactor: '70' } },
    ]);
  });

  it('an index whose expression uses a recreated column is rebuilt around it', () => {
    const from = schema([tbl('t', [col('k', 'integer'), col('g', 'text', { generated: { expression: "'x'", stored: true } })], {
      indexes: [{ name: 'ix_g', parts: [{ expression: 'upper(g)' }], unique: false }],
    })]);
    const to = schema([tbl('t', [col('k', 'integer'), col('g', 'text', { generated: { expression: "'y'", stored: true } })], {
      indexes: [{ name: 'ix_g', parts: [{ expression: 'upper(g)' }], unique: false }],
    })]);
    const diff = prove(from, to);
    expect(diff.ops.map((op) => op.kind)).toEqual(['dropIndex', 'dropColumn', 'addColumn', 'createIndex']);
  });
});

describe('diffSchemas: enums', () => {
  const mood: EnumModel = { name: 'mood', values: ['sad', 'ok'] };

  it('creates an enum before the column that uses it, and drops one after the column that used it', () => {
    const from = change(schema([...base().tables.values()], [{ name: 'old_mood', values: ['x'] }]), 'clients', (t) => ({
      ...t,
      columns: [...t.columns, col('old', 'old_mood')],
    }));
    const to = change(schema([...base().tables.values()], [mood]), 'clients', (t) => ({ ...t, columns: [...t.columns, col('mood', 'mood', { default: "'ok'" })] }));
    const diff = prove(from, to, { ...PG, renames: {} });
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'createEnum', name: 'mood', values: ['sad', 'ok'] },
      { kind: 'addColumn', table: 'clients', column: { name: 'mood', type: 'mood', default: "'ok'" } },
      { kind: 'dropColumn', table: 'clients', column: 'old' },
      { kind: 'dropEnum', name: 'old_mood' },
    ]);
    expect(destructive(diff)).toEqual(['dropColumn: drops column clients.old and its data', 'dropEnum: drops enum old_mood']);
    expect(diff.ambiguous).toEqual([{ kind: 'column', table: 'clients', dropped: ['old'], added: ['mood'] }]);
  });

  it('adds values in position: first (before), middle and last (after)', () => {
    const from = schema([], [mood]);
    const to = schema([], [{ name: 'mood', values: ['awful', 'sad', 'meh', 'ok', 'great'] }]);
    const diff = prove(from, to);
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'addEnumValue', name: 'mood', value: 'awful', before: 'sad' },
      { kind: 'addEnumValue', name: 'mood', value: 'meh', after: 'sad' },
      { kind: 'addEnumValue', name: 'mood', value: 'great', after: 'ok' },
    ]);
  });

  it('refuses an enum that loses or reorders values (PostgreSQL cannot express it)', () => {
    expect(codeOf(() => diffSchemas(schema([], [mood]), schema([], [{ name: 'mood', values: ['sad'] }]), PG))).toBe(EnumChangeUnsupportedError.CODE);
    expect(codeOf(() => diffSchemas(schema([], [mood]), schema([], [{ name: 'mood', values: ['ok', 'sad'] }]), PG))).toBe(EnumChangeUnsupportedError.CODE);
  });

  it('without enum types (MySQL, SQLite) the enum maps are not compared', () => {
    const diff = diffSchemas(schema([], [mood]), schema([], [{ name: 'mood', values: ['sad'] }]), { capabilities: { enums: false } });
    expect(diff.ops).toEqual([]);
  });
});

describe('diffSchemas: row-level security, policies and roles', () => {
  const own: PolicyModel = { name: 'p_orders_own', permissive: true, command: 'select', roles: ['auditor'], using: "client_id = current_setting('app.client')::integer" };
  const cap: PolicyModel = { name: 'p_orders_cap', permissive: false, command: 'insert', roles: ['public'], withCheck: 'amount < 1000' };
  const auditor: RoleModel = { name: 'auditor', createDb: false, createRole: false, inherit: true };
  const secured = (model: SchemaModel, policies: PolicyModel[] = [cap, own]): SchemaModel => ({
    ...change(model, 'orders', (t) => ({ ...t, rowLevelSecurity: { enabled: true, forced: false }, ...(policies.length > 0 ? { policies } : {}) })),
    roles: new Map([['auditor', auditor]]),
  });

  it('a new role first, then row-level security and the policies once the table exists', () => {
    const from = without(base(), 'orders');
    const diff = prove(from, secured(base()));
    expect(diff.ops.map((op) => op.kind)).toEqual(['createRole', 'createTable', 'enableRowLevelSecurity', 'createPolicy', 'createPolicy']);
    expect(diff.ops[0]).toEqual({ kind: 'createRole', name: 'auditor', createDb: false, createRole: false, inherit: true });
    expect(diff.ops[4]).toEqual({ kind: 'createPolicy', table: 'orders', policy: { name: 'p_orders_own', command: 'select', roles: ['auditor'], using: own.using } });
    expect(diff.destructive).toEqual([]);
  });

  it('enables row-level security on a kept table and adds policies (the regression: no longer silent)', () => {
    const diff = prove(base(), secured(base()));
    expect(diff.ops.map((op) => `${op.kind} ${'table' in op ? op.table : 'name' in op ? op.name : ''}`)).toEqual([
      'createRole auditor',
      'enableRowLevelSecurity orders',
      'createPolicy orders',
      'createPolicy orders',
    ]);
  });

  it('alters what ALTER POLICY can, drops and creates what it cannot, lists the drops as destructive', () => {
    const from = secured(base());
    const to = secured(base(), [
      { name: 'p_orders_all', permissive: true, command: 'all', roles: ['public'], using: 'amount > 0' },
      { ...own, using: 'true', roles: ['public'] },
    ]);
    const diff = prove({ ...from, tables: new Map(from.tables) }, { ...to, roles: new Map() });
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropPolicy', table: 'orders', name: 'p_orders_cap' },
      { kind: 'alterPolicy', table: 'orders', name: 'p_orders_own', roles: ['public'], using: 'true' },
      { kind: 'createPolicy', table: 'orders', policy: { name: 'p_orders_all', using: 'amount > 0' } },
      { kind: 'dropRole', name: 'auditor' },
    ]);
    expect(destructive(diff)).toEqual([
      'dropPolicy: drops row-level security policy p_orders_cap on orders: until it exists again its rule does not apply',
      'dropRole: drops role auditor (its grants and memberships are lost)',
    ]);

    const restrictive = prove(from, secured(base(), [cap, { ...own, permissive: false }]));
    expect(restrictive.ops.map((op) => op.kind)).toEqual(['dropPolicy', 'createPolicy']);
    expect(destructive(restrictive)[0]).toMatch(/^dropPolicy: recreates row-level security policy p_orders_own/);
  });

  it('drops a policy before a column it uses is dropped or changes type, and creates it again after', () => {
    const from = secured(base());
    const to = {
      ...change(secured(base()), 'orders', (t) => ({
        ...t,
        columns: t.columns.map((c) => (c.name === 'amount' ? { ...c, type: 'bigint' } : c)),
        checkConstraints: [],
      })),
      roles: from.roles as ReadonlyMap<string, RoleModel>,
    };
    const diff = prove(from, to);
    const kinds = diff.ops.map((op) => `${op.kind}${op.kind === 'dropPolicy' || op.kind === 'createPolicy' ? ` ${(op.kind === 'dropPolicy' ? op.name : op.policy.name)}` : ''}`);
    expect(kinds.indexOf('dropPolicy p_orders_cap')).toBeLessThan(kinds.indexOf('alterColumn'));
    expect(kinds.indexOf('createPolicy p_orders_cap')).toBeGreaterThan(kinds.indexOf('alterColumn'));
    expect(kinds).not.toContain('dropPolicy p_orders_own');
  });

  it('turns row-level security off destructively; a dropped table takes its policies with it', () => {
    const from = secured(base(), []);
    const off = prove(from, { ...base(), roles: from.roles as ReadonlyMap<string, RoleModel> });
    expect(off.ops).toEqual<Op[]>([{ kind: 'disableRowLevelSecurity', table: 'orders' }]);
    expect(destructive(off)).toEqual(['disableRowLevelSecurity: turns row-level security off on orders: its policies no longer restrict any row']);
    const dropped = prove(secured(base()), { ...without(base(), 'orders') });
    expect(dropped.ops.map((op) => op.kind)).toEqual(['dropTable', 'dropRole']);
  });

  it('a role whose options change is dropped and created again; without roles on either side nothing is compared', () => {
    const from = { ...base(), roles: new Map([['auditor', auditor]]) };
    const diff = prove(from, { ...base(), roles: new Map([['auditor', { ...auditor, inherit: false }]]) });
    expect(diff.ops).toEqual<Op[]>([
      { kind: 'dropRole', name: 'auditor' },
      { kind: 'createRole', name: 'auditor', createDb: false, createRole: false, inherit: false },
    ]);
    expect(diffSchemas(base(), base(), PG).ops).toEqual([]);
  });

  it('keeps a role a kept policy still names, though the schema no longer creates it (it became `.existing()`)', () => {
    const from = secured(base());
    expect(diffSchemas(from, { ...from, roles: new Map() }, PG).ops).toEqual([]);
  });
});

describe('diffSchemas: rename hints', () => {
  it('a hint naming something absent is AUTOGENERATE_UNKNOWN_RENAME', () => {
    const to = base();
    expect(codeOf(() => diffSchemas(base(), to, { ...PG, renames: { tables: { nope: 'clients' } } }))).toBe(UnknownRenameError.CODE);
    expect(codeOf(() => diffSchemas(base(), to, { ...PG, renames: { columns: { 'clients.nope': 'email' } } }))).toBe(UnknownRenameError.CODE);
    expect(codeOf(() => diffSchemas(base(), to, { ...PG, renames: { columns: { 'nowhere.email': 'mail' } } }))).toBe(UnknownRenameError.CODE);
    expect(codeOf(() => diffSchemas(base(), to, { ...PG, renames: { columns: { 'clients.email': 'absent' } } }))).toBe(UnknownRenameError.CODE);
  });

  it('a hint that cannot be a rename is AUTOGENERATE_INVALID_RENAME', () => {
    expect(codeOf(() => diffSchemas(base(), base(), { ...PG, renames: { columns: { 'clients.email': 'name' } } }))).toBe(InvalidRenameError.CODE);
    const to = plus(base(), tbl('audit', [col('at', 'timestamp')]));
    expect(codeOf(() => diffSchemas(base(), to, { ...PG, renames: { tables: { clients: 'audit' } } }))).toBe(InvalidRenameError.CODE);
  });
});

describe('diffSchemas: sequences and views', () => {
  const clients = tbl('clients', [col('id', 'integer', { nullable: false }), col('name', 'text'), col('score', 'integer')]);
  const orders = tbl('orders', [col('id', 'integer', { nullable: false }), col('amount', 'integer')]);
  const view = (name: string, definition: string, materialized = false): ViewModel => ({ name, materialized, definition });
  const withViews = (model: SchemaModel, ...views: ViewModel[]): SchemaModel => ({ ...model, views: new Map(views.map((v) => [v.name, v])) });
  const withSequences = (model: SchemaModel, ...sequences: SequenceModel[]): SchemaModel => ({ ...model, sequences: new Map(sequences.map((s) => [s.name, s])) });

  it('creates sequences before tables, alters changed ones in full, drops the gone ones last', () => {
    const from = withSequences(schema([orders]), { name: 'old_numbers' }, { name: 'invoice_numbers', start: '1000' });
    const to = withSequences(schema([orders, clients]), { name: 'invoice_numbers', start: '1000', increment: '5' }, { name: 'ticket_numbers', cycle: true });
    const diff = prove(from, to);
    expect(diff.ops.map((op) => op.kind)).toEqual(['createSequence', 'alterSequence', 'createTable', 'dropSequence']);
    expect(diff.ops[1]).toEqual({ kind: 'alterSequence', name: 'invoice_numbers', start: '1000', increment: '5' });
    expect(destructive(diff)).toEqual(['dropSequence: drops sequence old_numbers and its current value']);
  });

  it('a view over a changed table is dropped first and created last; views over it go before it and come after it; a view over an unchanged table stays', () => {
    const before = withViews(
      schema([clients, orders]),
      view('named', 'select id, name from clients'),
      view('named_upper', 'select upper(name) from named'),
      view('big_orders', 'select id from orders where amount > 100', true),
    );
    const after = withViews(
      change(schema([clients, orders]), 'clients', (t) => ({ ...t, columns: t.columns.map((c) => (c.name === 'score' ? { ...c, type: 'bigint' } : c)) })),
      view('named', 'select id, name from clients'),
      view('named_upper', 'select upper(name) from named'),
      view('big_orders', 'select id from orders where amount > 100', true),
    );
    const diff = prove(before, after);
    expect(diff.ops.map((op) => `${op.kind} ${'name' in op ? op.name : 'table' in op ? op.table : ''}`)).toEqual([
      'dropView named_upper',
      'dropView named',
      'alterColumn clients',
      'createView named',
      'createView named_upper',
    ]);
    expect(diff.ops[0]).toEqual({ kind: 'dropView', name: 'named_upper', definition: 'select upper(name) from named' });
    expect(destructive(diff)).toEqual([]);
  });

  it('a changed query or kind is a drop and a create; a view that goes is destructive', () => {
    const before = withViews(schema([clients]), view('a', 'select id from clients'), view('b', 'select name from clients'), view('gone', 'select 1'));
    const after = withViews(schema([clients]), view('a', 'select id, name from clients'), view('b', 'select name from clients', true));
    const diff = prove(before, after);
    expect(diff.ops.map((op) => `${op.kind} ${'name' in op ? op.name : ''}`)).toEqual(['dropView a', 'dropView b', 'dropView gone', 'createView a', 'createView b']);
    expect(destructive(diff)).toEqual(['dropView: drops view gone']);
  });

  it('the drop of a rebuilt view names the new views that read it: a re-run that finds them knows the revision ran', () => {
    const before = withViews(schema([clients]), view('named', 'select id, name from clients'));
    const after = withViews(
      change(schema([clients]), 'clients', (t) => ({ ...t, columns: [...t.columns, col('email', 'text')] })),
      view('named', 'select id, name from clients'),
      view('upper_named', 'select upper(name) from named'),
    );
    const diff = prove(before, after);
    expect(diff.ops[0]).toEqual({
      kind: 'dropView',
      name: 'named',
      definition: 'select id, name from clients',
      skipIfCreated: [{ name: 'upper_named', definition: 'select upper(name) from named' }],
    });
  });

  it('a view over a dropped table goes before the table', () => {
    const before = withViews(schema([clients, orders]), view('big_orders', 'select id from "orders"'));
    const diff = prove(before, schema([clients]));
    expect(diff.ops.map((op) => op.kind)).toEqual(['dropView', 'dropTable']);
  });
});

describe('diffSchemas: PostgreSQL schemas (objects named schema.name)', () => {
  const users = tbl('auth.users', [col('id', 'integer', { nullable: false })], { primaryKey: { name: 'users_pkey', columns: ['id'] } });
  const invoices = tbl('billing.invoices', [col('id', 'integer', { nullable: false }), col('user_id', 'integer'), col('status', 'billing.invoice_status')], {
    primaryKey: { name: 'invoices_pkey', columns: ['id'] },
    foreignKeys: [fk('invoices_user_fk', ['user_id'], 'auth.users', ['id'])],
    indexes: [{ name: 'invoices_user_idx', parts: [{ column: 'user_id' }], unique: false }],
  });
  const status: EnumModel = { name: 'billing.invoice_status', values: ['draft', 'paid'] };
  const app = (tables: TableModel[], enums: EnumModel[], schemas: string[]): SchemaModel => ({ ...schema(tables, enums), ...(schemas.length > 0 ? { schemas } : {}) });

  it('creates each new schema first, before the enums and tables in it, and the foreign key across schemas after both tables', () => {
    const diff = prove(schema([]), app([users, invoices], [status], ['auth', 'billing']));
    expect(diff.ops.map((op) => `${op.kind} ${'table' in op ? op.table : op.kind === 'execute' ? '' : op.name}`)).toEqual([
      'createSchema auth',
      'createSchema billing',
      'createEnum billing.invoice_status',
      'createTable auth.users',
      'createTable billing.invoices',
      'createIndex billing.invoices',
    ]);
    expect(diff.ops[4]).toMatchObject({ foreignKeys: [{ referencedTable: 'auth.users' }] });
  });

  it('drops a schema last, once every table, enum and sequence in it is gone', () => {
    const before: SchemaModel = { ...app([users, invoices], [status], ['auth', 'billing']), sequences: new Map([['billing.numbers', { name: 'billing.numbers' }]]) };
    const diff = prove(before, app([users], [], ['auth']));
    expect(diff.ops.map((op) => op.kind)).toEqual(['dropTable', 'dropEnum', 'dropSequence', 'dropSchema']);
    expect(diff.ops.at(-1)).toEqual({ kind: 'dropSchema', name: 'billing' });
  });

  it('a schema declared with nothing in it yet is created alone; a kept one is left as it is', () => {
    const before = app([users], [], ['auth']);
    expect(prove(before, app([users], [], ['audit', 'auth'])).ops).toEqual([{ kind: 'createSchema', name: 'audit' }]);
    expect(diffSchemas(before, before, PG).ops).toEqual([]);
  });

  it('a table of the same name in two schemas is two tables', () => {
    const publicUsers = tbl('users', [col('id', 'integer')]);
    const diff = prove(app([users], [], ['auth']), app([users, publicUsers], [], ['auth']));
    expect(diff.ops).toEqual([{ kind: 'createTable', table: 'users', columns: [{ name: 'id', type: 'integer' }] }]);
  });

  it('a view of another schema over a changed table of a third is rebuilt around the change (billing.invoices named in its query)', () => {
    const paid: ViewModel = { name: 'reporting.paid', materialized: false, definition: 'select id from billing.invoices' };
    const before: SchemaModel = { ...app([users, invoices], [status], ['auth', 'billing', 'reporting']), views: new Map([[paid.name, paid]]) };
    const wider = { ...invoices, columns: [...invoices.columns, col('note', 'text')] };
    const diff = prove(before, { ...before, tables: new Map([...before.tables, [wider.name, wider]]) });
    expect(diff.ops.map((op) => op.kind)).toEqual(['dropView', 'addColumn', 'createView']);
  });

  it('applyToModel refuses a dropSchema while an object is left in the schema', () => {
    expect(codeOf(() => applyToModel(app([users], [], ['auth']), { kind: 'dropSchema', name: 'auth' }, normalizer))).toBe('OPS_OBJECT_IN_USE');
  });
});
