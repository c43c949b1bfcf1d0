import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { DialectName } from '../../src/dialects/dialect.js';
import type { StrataError } from '../../src/errors.js';
import type { RevisionFailedError } from '../../src/runner/errors.js';
import type { RunResult } from '../../src/runner/events.js';
import type { ColumnModel, SchemaModel, TableModel } from '../../src/schema/model.js';
import { ALL_TARGETS, describeDialects, type DialectTestContext } from '../support/databases.js';
import { ApiStream, ModelReplay, drizzleModuleUrl, makeTempDir, numbers, pick, plainSchema, writeOpsStream, type OpsRevisionSpec } from '../support/schema.js';

// ---------------------------------------------------------------------------------------------
// The ops stream: every operation, each guarded the seed's way (check with `inspect`, then act),
// with a guarded downgrade. The bodies branch on `dialect` where a dialect lacks a feature.
// ---------------------------------------------------------------------------------------------

const OPS_STREAM: readonly OpsRevisionSpec[] = [
  {
    id: 'r01_tables',
    message: 'owners and memberships',
    upgrade: `
if (!(await inspect.hasTable('owners'))) {
  await op.createTable('owners', {
    columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'code', type: 'varchar(20)', nullable: false }],
    uniqueConstraints: [{ name: 'uq_owners_code', columns: ['code'] }],
  });
}
if (!(await inspect.hasTable('memberships'))) {
  await op.createTable('memberships', {
    columns: [
      { name: 'owner_id', type: 'integer' },
      { name: 'group_id', type: 'integer' },
      { name: 'role', type: 'varchar(20)', nullable: false, default: "'member'" },
      { name: 'score', type: 'integer' },
    ],
    primaryKey: { name: 'memberships_pkey', columns: ['owner_id', 'group_id'] },
    uniqueConstraints: [{ name: 'uq_memberships_role', columns: ['owner_id', 'role'] }],
    checkConstraints: [{ name: 'ck_memberships_score', expression: 'score >= 0' }],
    foreignKeys: [
      { name: 'fk_memberships_owner', columns: ['owner_id'], referencedTable: 'owners', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'restrict' },
    ],
  });
}`,
    downgrade: `
if (await inspect.hasTable('memberships')) await op.dropTable('memberships');
if (await inspect.hasTable('owners')) await op.dropTable('owners');`,
  },
  {
    id: 'r02_products',
    message: 'items renamed to products',
    upgrade: `
if (!(await inspect.hasTable('items')) && !(await inspect.hasTable('products'))) {
  await op.createTable('items', {
    columns: [
      { name: 'id', type: 'integer', primaryKey: true },
      { name: 'name', type: 'varchar(50)' },
      { name: 'legacy', type: 'text' },
      { name: 'amount', type: 'varchar(20)' },
      { name: 'note', type: 'varchar(100)', default: "'none'" },
    ],
  });
}
if ((await inspect.hasTable('items')) && !(await inspect.hasTable('products'))) await op.renameTable('items', 'products');`,
    downgrade: `
if (await inspect.hasTable('products')) await op.dropTable('products');`,
  },
  {
    id: 'r03_columns',
    message: 'column operations',
    upgrade: `
// r09 renames sku to code: either name means this column exists (as r02 does for the table).
if (!(await inspect.hasColumn('products', 'sku')) && !(await inspect.hasColumn('products', 'code'))) await op.addColumn('products', { name: 'sku', type: 'varchar(30)' });
if (await inspect.hasColumn('products', 'legacy')) await op.dropColumn('products', 'legacy');
if (await inspect.hasColumn('products', 'name')) await op.renameColumn('products', 'name', 'title');
const column = async (name: string) => (await inspect.columns('products')).find((c) => c.name === name);
if (!(await column('amount'))?.type.startsWith('int')) {
  await op.alterColumn('products', 'amount', { type: 'integer', ...(dialect === 'postgresql' ? { using: 'amount::integer' } : {}) });
}
if ((await column('title'))?.nullable) await op.alterColumn('products', 'title', { nullable: false });
if ((await column('note'))?.default !== "'n/a'") await op.alterColumn('products', 'note', { default: "'n/a'" });`,
    downgrade: `
if (!(await inspect.hasTable('products'))) return;
const column = async (name: string) => (await inspect.columns('products')).find((c) => c.name === name);
if ((await column('note'))?.default === "'n/a'") await op.alterColumn('products', 'note', { default: "'none'" });
if ((await column('title'))?.nullable === false) await op.alterColumn('products', 'title', { nullable: true });
if ((await column('amount'))?.type.startsWith('int')) await op.alterColumn('products', 'amount', { type: 'varchar(20)' });
if (await inspect.hasColumn('products', 'title')) await op.renameColumn('products', 'title', 'name');
if (!(await inspect.hasColumn('products', 'legacy'))) await op.addColumn('products', { name: 'legacy', type: 'text' });
if (await inspect.hasColumn('products', 'sku')) await op.dropColumn('products', 'sku');`,
  },
  {
    id: 'r04_indexes',
    message: 'indexes',
    upgrade: `
if (!(await inspect.hasIndex('products', 'ix_products_sku'))) await op.createIndex('ix_products_sku', 'products', ['sku'], { unique: true });
if (!(await inspect.hasIndex('products', 'ix_products_title_amount'))) await op.createIndex('ix_products_title_amount', 'products', ['title', 'amount']);
if (dialect !== 'mysql') {
  if (!(await inspect.hasIndex('products', 'ix_products_lower_title'))) await op.createIndex('ix_products_lower_title', 'products', [{ expression: 'lower(title)' }]);
  if (!(await inspect.hasIndex('products', 'ix_products_cheap'))) await op.createIndex('ix_products_cheap', 'products', ['amount'], { where: 'amount < 100' });
} else if (!(await inspect.hasIndex('products', 'ix_products_cheap'))) {
  await op.createIndex('ix_products_cheap', 'products', ['amount']);
}
if (dialect === 'postgresql') {
  if (!(await inspect.hasColumn('products', 'tags'))) await op.addColumn('products', { name: 'tags', type: 'text[]' });
  if (!(await inspect.hasIndex('products', 'ix_products_tags'))) await op.createIndex('ix_products_tags', 'products', ['tags'], { method: 'gin' });
  if (!(await inspect.hasIndex('products', 'ix_products_note_hash'))) await op.createIndex('ix_products_note_hash', 'products', ['note'], { method: 'hash' });
}`,
    downgrade: `
for (const name of ['ix_products_note_hash', 'ix_products_tags', 'ix_products_cheap', 'ix_products_lower_title', 'ix_products_title_amount', 'ix_products_sku']) {
  if (await inspect.hasIndex('products', name)) await op.dropIndex(name, 'products');
}
if (await inspect.hasColumn('products', 'tags')) await op.dropColumn('products', 'tags');`,
  },
  {
    id: 'r05_constraints',
    message: 'foreign key unique check',
    upgrade: `
if (!(await inspect.hasColumn('products', 'owner_id'))) await op.addColumn('products', { name: 'owner_id', type: 'integer' });
if (!(await inspect.hasForeignKey('products', 'fk_products_owner'))) {
  await op.createForeignKey('fk_products_owner', 'products', 'owners', ['owner_id'], ['id'], { onDelete: 'set null', onUpdate: 'cascade' });
}
if (!(await inspect.hasUniqueConstraint('products', 'uq_products_title'))) await op.createUniqueConstraint('uq_products_title', 'products', ['title']);
if (!(await inspect.hasCheckConstraint('products', 'ck_products_amount'))) await op.createCheckConstraint('ck_products_amount', 'products', 'amount >= 0');`,
    downgrade: `
if (await inspect.hasCheckConstraint('products', 'ck_products_amount')) await op.dropCheckConstraint('ck_products_amount', 'products');
if (await inspect.hasUniqueConstraint('products', 'uq_products_title')) await op.dropUniqueConstraint('uq_products_title', 'products');
if (await inspect.hasForeignKey('products', 'fk_products_owner')) await op.dropForeignKey('fk_products_owner', 'products');
if (await inspect.hasColumn('products', 'owner_id')) await op.dropColumn('products', 'owner_id');`,
  },
  {
    id: 'r06_drops',
    message: 'drop memberships constraints',
    upgrade: `
if (await inspect.hasForeignKey('memberships', 'fk_memberships_owner')) await op.dropForeignKey('fk_memberships_owner', 'memberships');
if (await inspect.hasUniqueConstraint('memberships', 'uq_memberships_role')) await op.dropUniqueConstraint('uq_memberships_role', 'memberships');
if (await inspect.hasCheckConstraint('memberships', 'ck_memberships_score')) await op.dropCheckConstraint('ck_memberships_score', 'memberships');
if (await inspect.hasPrimaryKey('memberships')) await op.dropPrimaryKey('memberships');`,
    downgrade: `
if (!(await inspect.hasTable('memberships'))) return;
if (!(await inspect.hasPrimaryKey('memberships'))) await op.createPrimaryKey('memberships', ['owner_id', 'group_id'], { name: 'memberships_pkey' });
if (!(await inspect.hasCheckConstraint('memberships', 'ck_memberships_score'))) await op.createCheckConstraint('ck_memberships_score', 'memberships', 'score >= 0');
if (!(await inspect.hasUniqueConstraint('memberships', 'uq_memberships_role'))) await op.createUniqueConstraint('uq_memberships_role', 'memberships', ['owner_id', 'role']);
if (!(await inspect.hasForeignKey('memberships', 'fk_memberships_owner'))) {
  await op.createForeignKey('fk_memberships_owner', 'memberships', 'owners', ['owner_id'], ['id'], { onDelete: 'cascade', onUpdate: 'restrict' });
}`,
  },
  {
    id: 'r07_primary_key',
    message: 'new primary key',
    upgrade: `
if (!(await inspect.hasPrimaryKey('memberships'))) await op.createPrimaryKey('memberships', ['group_id', 'owner_id'], { name: 'memberships_pk2' });`,
    downgrade: `
if (await inspect.hasPrimaryKey('memberships')) await op.dropPrimaryKey('memberships', 'memberships_pk2');`,
  },
  {
    id: 'r08_enum_and_data',
    message: 'enum and parameterised execute',
    upgrade: `
if (dialect === 'postgresql') {
  if (!(await inspect.hasEnum('mood'))) await op.createEnum('mood', ['sad', 'happy']);
  if (!(await inspect.hasEnumValue('mood', 'ok'))) await op.addEnumValue('mood', 'ok', { before: 'happy' });
  if (!(await inspect.hasEnumValue('mood', 'ecstatic'))) await op.addEnumValue('mood', 'ecstatic', { after: 'happy' });
  if (await inspect.hasEnumValue('mood', 'sad')) await op.renameEnumValue('mood', 'sad', 'blue');
  if (!(await inspect.hasColumn('products', 'mood'))) await op.addColumn('products', { name: 'mood', type: 'mood' });
  if (!(await inspect.hasEnum('scratch'))) await op.createEnum('scratch', ['a']);
  if (await inspect.hasEnum('scratch')) await op.dropEnum('scratch');
}
const existing = await execute(\`SELECT id FROM owners WHERE id = \${p(1)}\`, [7]);
if (existing.length === 0) await op.execute(\`INSERT INTO owners (id, code) VALUES (\${p(1)}, \${p(2)})\`, [7, 'seven']);
await execute(\`UPDATE owners SET code = \${p(1)} WHERE id = \${p(2)}\`, ['SEVEN', 7]);`,
    downgrade: `
if (await inspect.hasTable('owners')) await execute(\`DELETE FROM owners WHERE id = \${p(1)}\`, [7]);
if (await inspect.hasColumn('products', 'mood')) await op.dropColumn('products', 'mood');
if (await inspect.hasEnum('mood')) await op.dropEnum('mood');`,
  },
  {
    id: 'r09_batch',
    message: 'batch alter products',
    upgrade: `
await op.batchAlterTable('products', async (batch) => {
  if (!(await inspect.hasColumn('products', 'status'))) batch.addColumn({ name: 'status', type: 'varchar(20)', nullable: false, default: "'active'" });
  if (!(await inspect.hasIndex('products', 'ix_products_status'))) batch.createIndex('ix_products_status', ['status']);
  const sku = (await inspect.columns('products')).find((c) => c.name === 'sku');
  if (sku?.type === 'varchar(30)') batch.alterColumn('sku', { type: 'varchar(60)' });
  if (sku !== undefined) batch.renameColumn('sku', 'code');
});`,
    downgrade: `
if (!(await inspect.hasTable('products'))) return;
await op.batchAlterTable('products', async (batch) => {
  const code = (await inspect.columns('products')).find((c) => c.name === 'code');
  if (code !== undefined) batch.renameColumn('code', 'sku');
  if (code?.type === 'varchar(60)') batch.alterColumn('sku', { type: 'varchar(30)' });
  if (await inspect.hasIndex('products', 'ix_products_status')) batch.dropIndex('ix_products_status');
  if (await inspect.hasColumn('products', 'status')) batch.dropColumn('status');
});`,
  },
  {
    id: 'r10_row_level_security',
    message: 'row-level security and policies on owners',
    // PostgreSQL only: the other dialects refuse these ops. Only predefined roles are named (roles
    // are cluster-wide); the test user is a superuser, whom row-level security never restricts.
    upgrade: `
if (dialect === 'postgresql') {
  if (!(await inspect.hasRowLevelSecurity('owners'))) await op.enableRowLevelSecurity('owners', { force: true });
  if (!(await inspect.hasPolicy('owners', 'owners_read'))) await op.createPolicy('owners_read', 'owners', { command: 'select', using: "code <> ''" });
  if (!(await inspect.hasPolicy('owners', 'owners_write'))) {
    await op.createPolicy('owners_write', 'owners', { permissive: false, command: 'update', roles: ['pg_read_all_data'], using: 'true', withCheck: 'id > 0' });
  }
  if (await inspect.hasPolicy('owners', 'owners_read')) await op.alterPolicy('owners_read', 'owners', { roles: ['pg_monitor', 'pg_read_all_data'], using: 'id > 0' });
}`,
    downgrade: `
if (dialect !== 'postgresql' || !(await inspect.hasTable('owners'))) return;
if (await inspect.hasPolicy('owners', 'owners_write')) await op.dropPolicy('owners_write', 'owners');
if (await inspect.hasPolicy('owners', 'owners_read')) await op.dropPolicy('owners_read', 'owners');
if (await inspect.hasRowLevelSecurity('owners')) await op.disableRowLevelSecurity('owners', { force: false });`,
  },
];
const OPS_IDS = OPS_STREAM.map((spec) => spec.id);

/** A column as the reader reports it (nullable unless said). */
function col(name: string, type: string, extra: Partial<ColumnModel> = {}): ColumnModel {
  return { name, type, nullable: true, ...extra };
}

function tableOf(model: SchemaModel, name: string): TableModel {
  const table = model.tables.get(name);
  expect(table, `table ${name} exists`).toBeDefined();
  return table as TableModel;
}

function expectRevisionFailed(error: unknown): RevisionFailedError {
  expect((error as StrataError).code, String(error)).toBe('RUNNER_REVISION_FAILED');
  return error as RevisionFailedError;
}

await describeDialects('ops', (ctx: DialectTestContext) => {
  const name: DialectName = ctx.name;
  const dialect = ctx.dialect;
  const INT = pick(name, { postgresql: 'integer', mysql: 'int', sqlite: 'integer' });
  const transactional = dialect.capabilities.transactionalDdl;
  const temp = makeTempDir(`ops-${name}`);
  afterAll(() => temp.remove());
  let n = 0;

  /** A fresh database and an empty revisions folder. */
  async function freshStream(label: string): Promise<ApiStream> {
    n += 1;
    const database = await ctx.createDatabase(label);
    return new ApiStream(dialect, database.url, join(temp.path, `s${n}`, 'migrations'));
  }

  async function opsStream(label: string): Promise<ApiStream> {
    const s = await freshStream(label);
    writeOpsStream(s.dir, OPS_STREAM);
    return s;
  }

  // -------------------------------------------------------------------------------------------
  // 1. Every operation, read back
  // -------------------------------------------------------------------------------------------

  it('creates tables with composite primary key, unique, check and foreign key, read back as declared', async () => {
    const s = await opsStream('ops_create');
    await s.upgrade('r01_tables');
    const schema = await s.schema();
    expect([...schema.tables.keys()].sort()).toStrictEqual(['memberships', 'owners']);
    expect(tableOf(schema, 'owners')).toStrictEqual({
      name: 'owners',
      columns: [col('id', INT, { nullable: false }), col('code', 'varchar(20)', { nullable: false })],
      primaryKey: name === 'postgresql' ? { name: 'owners_pkey', columns: ['id'] } : { columns: ['id'] },
      indexes: [],
      foreignKeys: [],
      uniqueConstraints: [{ name: 'uq_owners_code', columns: ['code'] }],
      checkConstraints: [],
    });
    expect(tableOf(schema, 'memberships')).toStrictEqual({
      name: 'memberships',
      columns: [
        col('owner_id', INT, { nullable: false }),
        col('group_id', INT, { nullable: false }),
        col('role', 'varchar(20)', { nullable: false, default: "'member'" }),
        col('score', INT),
      ],
      primaryKey: name === 'postgresql' ? { name: 'memberships_pkey', columns: ['owner_id', 'group_id'] } : { columns: ['owner_id', 'group_id'] },
      indexes: [],
      foreignKeys: [
        { name: 'fk_memberships_owner', columns: ['owner_id'], referencedTable: 'owners', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'restrict' },
      ],
      uniqueConstraints: [{ name: 'uq_memberships_role', columns: ['owner_id', 'role'] }],
      checkConstraints: [{ name: 'ck_memberships_score', expression: 'score >= 0' }],
    });
    // The constraints are real: the check and the foreign key refuse rows.
    await expect(s.query("INSERT INTO memberships (owner_id, group_id, role, score) VALUES (1, 1, 'x', 0)")).rejects.toThrow();
    await s.query("INSERT INTO owners (id, code) VALUES (1, 'one')");
    await expect(s.query("INSERT INTO memberships (owner_id, group_id, role, score) VALUES (1, 1, 'x', -1)")).rejects.toThrow();
  });

  it('renames a table, adds, drops, renames and alters columns (type, nullability, default), read back', async () => {
    const s = await opsStream('ops_columns');
    await s.upgrade('r02_products');
    let schema = await s.schema();
    expect(schema.tables.has('items')).toBe(false);
    expect(tableOf(schema, 'products').columns.map((c) => c.name)).toStrictEqual(['id', 'name', 'legacy', 'amount', 'note']);
    await s.query("INSERT INTO products (id, name, amount) VALUES (1, 'pen', '12')");

    await s.upgrade('r03_columns');
    schema = await s.schema();
    expect(tableOf(schema, 'products').columns).toStrictEqual([
      col('id', INT, { nullable: false }),
      col('title', 'varchar(50)', { nullable: false }),
      col('amount', INT),
      col('note', 'varchar(100)', { default: "'n/a'" }),
      col('sku', 'varchar(30)'),
    ]);
    // The type change converted the value; the rename kept it.
    const [row] = await s.query('SELECT title, amount, note FROM products WHERE id = 1');
    expect({ title: row?.['title'], amount: Number(row?.['amount']), note: row?.['note'] }).toStrictEqual({ title: 'pen', amount: 12, note: 'none' });
    await expect(s.query('INSERT INTO products (id, title) VALUES (2, NULL)')).rejects.toThrow();
    await s.query("INSERT INTO products (id, title) VALUES (3, 'cup')");
    expect((await s.query('SELECT note FROM products WHERE id = 3'))[0]?.['note']).toBe('n/a');
  });

  it('creates unique, multi-column, expression, partial and method indexes, and drops them', async () => {
    const s = await opsStream('ops_indexes');
    await s.upgrade('r04_indexes');
    const table = tableOf(await s.schema(), 'products');
    // MySQL keeps no difference between a unique index and a unique constraint: it reads as a constraint.
    const uniqueSku = { name: 'ix_products_sku', parts: [{ column: 'sku' }], unique: true };
    const expected = pick(name, {
      postgresql: [
        { name: 'ix_products_cheap', parts: [{ column: 'amount' }], unique: false, where: 'amount < 100' },
        { name: 'ix_products_lower_title', parts: [{ expression: 'lower(title)' }], unique: false },
        { name: 'ix_products_note_hash', parts: [{ column: 'note' }], unique: false, method: 'hash' },
        uniqueSku,
        { name: 'ix_products_tags', parts: [{ column: 'tags' }], unique: false, method: 'gin' },
        { name: 'ix_products_title_amount', parts: [{ column: 'title' }, { column: 'amount' }], unique: false },
      ],
      mysql: [
        { name: 'ix_products_cheap', parts: [{ column: 'amount' }], unique: false },
        { name: 'ix_products_title_amount', parts: [{ column: 'title' }, { column: 'amount' }], unique: false },
      ],
      sqlite: [
        { name: 'ix_products_cheap', parts: [{ column: 'amount' }], unique: false, where: 'amount < 100' },
        { name: 'ix_products_lower_title', parts: [{ expression: 'lower(title)' }], unique: false },
        uniqueSku,
        { name: 'ix_products_title_amount', parts: [{ column: 'title' }, { column: 'amount' }], unique: false },
      ],
    });
    expect(table.indexes).toStrictEqual(expected);
    if (name === 'mysql') expect(table.uniqueConstraints).toStrictEqual([{ name: 'ix_products_sku', columns: ['sku'] }]);
    await s.query("INSERT INTO products (id, title, sku) VALUES (1, 'a', 'X')");
    await expect(s.query("INSERT INTO products (id, title, sku) VALUES (2, 'b', 'X')")).rejects.toThrow();

    await s.downgrade('r03_columns');
    const after = tableOf(await s.schema(), 'products');
    expect(after.indexes).toStrictEqual([]);
    expect(after.uniqueConstraints).toStrictEqual([]);
    expect(after.columns.map((c) => c.name)).not.toContain('tags');
  });

  it('creates and drops foreign keys (on delete/update), unique and check constraints and primary keys', async () => {
    const s = await opsStream('ops_constraints');
    await s.upgrade('r05_constraints');
    let schema = await s.schema();
    const products = tableOf(schema, 'products');
    expect(products.columns.at(-1)).toStrictEqual(col('owner_id', INT));
    expect(products.foreignKeys).toStrictEqual([
      { name: 'fk_products_owner', columns: ['owner_id'], referencedTable: 'owners', referencedColumns: ['id'], onDelete: 'set null', onUpdate: 'cascade' },
    ]);
    expect(products.uniqueConstraints).toContainEqual({ name: 'uq_products_title', columns: ['title'] });
    expect(products.checkConstraints).toStrictEqual([{ name: 'ck_products_amount', expression: 'amount >= 0' }]);
    // ON DELETE SET NULL works.
    await s.query("INSERT INTO owners (id, code) VALUES (1, 'one')");
    await s.query("INSERT INTO products (id, title, owner_id) VALUES (1, 'a', 1)");
    await s.query('DELETE FROM owners WHERE id = 1');
    expect((await s.query('SELECT owner_id FROM products WHERE id = 1'))[0]?.['owner_id']).toBeNull();

    await s.upgrade('r06_drops');
    const memberships = tableOf(await s.schema(), 'memberships');
    expect(memberships).toStrictEqual({
      name: 'memberships',
      // The columns of a dropped primary key stay NOT NULL, as on the servers.
      columns: [
        col('owner_id', INT, { nullable: false }),
        col('group_id', INT, { nullable: false }),
        col('role', 'varchar(20)', { nullable: false, default: "'member'" }),
        col('score', INT),
      ],
      indexes: [],
      foreignKeys: [],
      uniqueConstraints: [],
      checkConstraints: [],
    });

    await s.upgrade('r07_primary_key');
    schema = await s.schema();
    expect(tableOf(schema, 'memberships').primaryKey).toStrictEqual(
      name === 'postgresql' ? { name: 'memberships_pk2', columns: ['group_id', 'owner_id'] } : { columns: ['group_id', 'owner_id'] },
    );
    await s.query("INSERT INTO memberships (owner_id, group_id) VALUES (1, 1)");
    await expect(s.query("INSERT INTO memberships (owner_id, group_id) VALUES (1, 1)")).rejects.toThrow();

    // Downgrading r07 and r06 puts the original definitions back.
    await s.query('DELETE FROM memberships');
    await s.downgrade('r05_constraints');
    const restored = tableOf(await s.schema(), 'memberships');
    expect(restored.primaryKey).toStrictEqual(
      name === 'postgresql' ? { name: 'memberships_pkey', columns: ['owner_id', 'group_id'] } : { columns: ['owner_id', 'group_id'] },
    );
    expect(restored.foreignKeys.map((f) => [f.name, f.onDelete, f.onUpdate])).toStrictEqual([['fk_memberships_owner', 'cascade', 'restrict']]);
    expect(restored.uniqueConstraints).toStrictEqual([{ name: 'uq_memberships_role', columns: ['owner_id', 'role'] }]);
    expect(restored.checkConstraints).toStrictEqual([{ name: 'ck_memberships_score', expression: 'score >= 0' }]);
  });

  it('runs a parameterised execute; on PostgreSQL creates, extends, renames and drops enums', async () => {
    const s = await opsStream('ops_enum');
    await s.upgrade('r08_enum_and_data');
    const schema = await s.schema();
    expect(await s.query('SELECT id, code FROM owners')).toStrictEqual([{ id: 7, code: 'SEVEN' }]);
    if (name === 'postgresql') {
      expect(plainSchema(schema).enums).toStrictEqual({ mood: ['blue', 'ok', 'happy', 'ecstatic'] });
      expect(tableOf(schema, 'products').columns.find((c) => c.name === 'mood')).toStrictEqual(col('mood', 'mood'));
      await s.query("UPDATE products SET mood = 'ecstatic'");
      await expect(s.query("INSERT INTO products (id, title, mood) VALUES (9, 'z', 'sad')")).rejects.toThrow();
    } else {
      expect(schema.enums.size).toBe(0);
    }
    await s.downgrade('r07_primary_key');
    const after = await s.schema();
    expect(after.enums.size).toBe(0);
    expect(tableOf(after, 'products').columns.map((c) => c.name)).not.toContain('mood');
    expect(await s.query('SELECT id FROM owners')).toStrictEqual([]);
  });

  it('runs a batch: add column, create index, alter type, rename column, with rows kept', async () => {
    const s = await opsStream('ops_batch');
    await s.upgrade('r08_enum_and_data');
    await s.query("INSERT INTO products (id, title, sku, amount) VALUES (1, 'pen', 'P-1', 3), (2, 'cup', 'C-2', 4)");
    await s.upgrade('r09_batch');
    const products = tableOf(await s.schema(), 'products');
    expect(products.columns.find((c) => c.name === 'code')).toStrictEqual(col('code', 'varchar(60)'));
    expect(products.columns.find((c) => c.name === 'status')).toStrictEqual(col('status', 'varchar(20)', { nullable: false, default: "'active'" }));
    expect(products.columns.map((c) => c.name)).not.toContain('sku');
    expect(products.indexes.find((i) => i.name === 'ix_products_status')).toStrictEqual({ name: 'ix_products_status', parts: [{ column: 'status' }], unique: false });
    // The unique index on sku follows the rename (read as a constraint on MySQL).
    const skuIndex = name === 'mysql' ? products.uniqueConstraints.find((u) => u.name === 'ix_products_sku')?.columns : products.indexes.find((i) => i.name === 'ix_products_sku')?.parts;
    expect(skuIndex).toStrictEqual(name === 'mysql' ? ['code'] : [{ column: 'code' }]);
    expect(await s.query('SELECT id, code, status FROM products ORDER BY id')).toStrictEqual([
      { id: 1, code: 'P-1', status: 'active' },
      { id: 2, code: 'C-2', status: 'active' },
    ]);
    await s.downgrade('-1');
    expect(await s.query('SELECT id, sku FROM products ORDER BY id')).toStrictEqual([
      { id: 1, sku: 'P-1' },
      { id: 2, sku: 'C-2' },
    ]);
    expect(tableOf(await s.schema(), 'products').columns.find((c) => c.name === 'sku')).toStrictEqual(col('sku', 'varchar(30)'));
  });

  // -------------------------------------------------------------------------------------------
  // 2. Live inspector == model inspector, after every step
  // -------------------------------------------------------------------------------------------

  it('reads back, after every revision up and down, exactly the model the revisions replay into', async () => {
    const s = await opsStream('ops_live_model');
    const replay = new ModelReplay(dialect, s.graph);
    const compare = async (step: string): Promise<void> => {
      expect(plainSchema(await s.schema()), `live schema == model inspector ${step}`).toStrictEqual(plainSchema(await replay.model()));
    };
    for (const id of OPS_IDS) {
      const result = await s.upgrade('+1');
      expect(result.steps.map((step) => step.revision)).toStrictEqual([id]);
      await replay.upgrade(id);
      await compare(`after upgrading ${id}`);
      // The offline replay from base (the public API behind \`--sql\` and autogenerate) agrees too.
      expect(plainSchema(await s.model(id)), `replaySchema(${id})`).toStrictEqual(plainSchema(await replay.model()));
    }
    for (const id of [...OPS_IDS].reverse()) {
      const result = await s.downgrade('-1');
      expect(result.steps.map((step) => step.revision)).toStrictEqual([id]);
      await replay.downgrade(id);
      await compare(`after downgrading ${id}`);
    }
    expect((await s.schema()).tables.size).toBe(0);
    expect(replay.differences).toStrictEqual([]);
  });

  // -------------------------------------------------------------------------------------------
  // 3. Idempotency: every guarded revision runs twice
  // -------------------------------------------------------------------------------------------

  it('runs every guarded upgrade and downgrade a second time over its own result without error or change', async () => {
    const s = await opsStream('ops_twice');
    const first = await s.upgrade('head');
    expect(first.steps.map((step) => step.status)).toStrictEqual(OPS_IDS.map(() => 'applied'));
    const afterUp = plainSchema(await s.schema());
    expect(Object.keys(afterUp.tables).sort()).toStrictEqual(['memberships', 'owners', 'products']);

    await s.stamp('base');
    expect(await s.heads()).toStrictEqual([]);
    const second = await s.upgrade('head');
    expect(second.steps.map((step) => [step.revision, step.status, step.differences])).toStrictEqual(OPS_IDS.map((id) => [id, 'applied', []]));
    expect(plainSchema(await s.schema())).toStrictEqual(afterUp);
    expect(await s.query('SELECT id, code FROM owners')).toStrictEqual([{ id: 7, code: 'SEVEN' }]);
    expect(await s.heads()).toStrictEqual([OPS_IDS.at(-1)]);

    await s.downgrade('base');
    const afterDown = plainSchema(await s.schema());
    expect(afterDown).toStrictEqual({ tables: {}, enums: {} });
    await s.stamp('head');
    const again = await s.downgrade('base');
    expect(again.steps.map((step) => step.status)).toStrictEqual(OPS_IDS.map(() => 'applied'));
    expect(plainSchema(await s.schema())).toStrictEqual(afterDown);
    expect(await s.heads()).toStrictEqual([]);
    expect(s.events.filter((e) => e.type === 'guard-difference')).toStrictEqual([]);
  });

  // -------------------------------------------------------------------------------------------
  // 4. The seed's patterns, up, down and up again, with rows kept
  // -------------------------------------------------------------------------------------------

  /** `clients (id, name)` with three rows, the start of every pattern. */
  const CLIENTS: OpsRevisionSpec = {
    id: 'p01_clients',
    message: 'clients',
    upgrade: `
if (!(await inspect.hasTable('users'))) {
  await op.createTable('users', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'email', type: 'varchar(50)' }] });
}
if (!(await inspect.hasTable('clients'))) {
  await op.createTable('clients', {
    columns: [
      { name: 'id', type: 'integer', primaryKey: true },
      { name: 'name', type: 'varchar(50)' },
      { name: 'is_blocked', type: 'boolean', nullable: false, default: 'false' },
      { name: 'owner_user_id', type: 'integer' },
    ],
  });
}
if ((await execute('SELECT id FROM users')).length === 0) await execute("INSERT INTO users (id, email) VALUES (1, 'a@x'), (2, 'b@x')");
if ((await execute('SELECT id FROM clients')).length === 0) {
  await execute("INSERT INTO clients (id, name, is_blocked, owner_user_id) VALUES (1, 'ann', false, 1), (2, 'bob', true, 1), (3, 'cid', false, 2)");
}`,
    downgrade: `
if (await inspect.hasTable('clients')) await op.dropTable('clients');
if (await inspect.hasTable('users')) await op.dropTable('users');`,
  };

  /** Upgrades and downgrades that check, after each run, that the live schema is the model inspector's. */
  class PatternStream extends ApiStream {
    override async upgrade(target = 'head'): Promise<RunResult> {
      const result = await super.upgrade(target);
      expect(plainSchema(await this.schema()), 'live == model').toStrictEqual(plainSchema(await this.expectedModel()));
      return result;
    }

    override async downgrade(target = 'base'): Promise<RunResult> {
      const result = await super.downgrade(target);
      expect(plainSchema(await this.schema()), 'live == model').toStrictEqual(plainSchema(await this.expectedModel()));
      return result;
    }

    /** The model of the applied revisions, upgraded in order through the model inspector. */
    async expectedModel(): Promise<SchemaModel> {
      const replay = new ModelReplay(dialect, this.graph);
      const applied = this.graph.ancestors(await this.heads(), { inclusive: true });
      for (const id of ['p01_clients', 'p02_pattern'].filter((r) => applied.includes(r))) await replay.upgrade(id);
      return replay.model();
    }
  }

  async function patternStream(label: string, pattern: Omit<OpsRevisionSpec, 'id' | 'parents'>): Promise<PatternStream> {
    const plain = await freshStream(label);
    const s = new PatternStream(dialect, plain.url, plain.dir);
    writeOpsStream(s.dir, [CLIENTS, { id: 'p02_pattern', ...pattern }]);
    await s.upgrade('head');
    return s;
  }

  const clientNames = async (s: ApiStream, column = 'name'): Promise<unknown[]> =>
    (await s.query(`SELECT ${column} AS v FROM clients ORDER BY id`)).map((r) => r['v']);

  it('adds a non-nullable column in three steps on a table with rows, and back', async () => {
    const s = await patternStream('pat_not_null', {
      message: 'clients status',
      upgrade: `
if (!(await inspect.hasColumn('clients', 'status'))) await op.addColumn('clients', { name: 'status', type: 'varchar(20)', nullable: true });
await op.execute("UPDATE clients SET status = 'active' WHERE status IS NULL");
if ((await inspect.columns('clients')).find((c) => c.name === 'status')?.nullable) await op.alterColumn('clients', 'status', { nullable: false });`,
      downgrade: `
if (await inspect.hasColumn('clients', 'status')) await op.dropColumn('clients', 'status');`,
    });
    const check = async (): Promise<void> => {
      expect(tableOf(await s.schema(), 'clients').columns.find((c) => c.name === 'status')).toStrictEqual(col('status', 'varchar(20)', { nullable: false }));
      expect(await clientNames(s, 'status')).toStrictEqual(['active', 'active', 'active']);
      await expect(s.query("INSERT INTO clients (id, name, status) VALUES (9, 'x', NULL)")).rejects.toThrow();
    };
    await check();
    await s.downgrade('-1');
    expect(tableOf(await s.schema(), 'clients').columns.map((c) => c.name)).toStrictEqual(['id', 'name', 'is_blocked', 'owner_user_id']);
    expect(await clientNames(s)).toStrictEqual(['ann', 'bob', 'cid']);
    await s.upgrade('head');
    await check();
  });

  it('renames a column in batch mode, keeping the data both ways', async () => {
    const s = await patternStream('pat_rename', {
      message: 'clients full name',
      upgrade: `
await op.batchAlterTable('clients', async (batch) => {
  if (await inspect.hasColumn('clients', 'name')) batch.renameColumn('name', 'full_name');
});`,
      downgrade: `
await op.batchAlterTable('clients', async (batch) => {
  if (await inspect.hasColumn('clients', 'full_name')) batch.renameColumn('full_name', 'name');
});`,
    });
    expect(await clientNames(s, 'full_name')).toStrictEqual(['ann', 'bob', 'cid']);
    expect(tableOf(await s.schema(), 'clients').columns[1]).toStrictEqual(col('full_name', 'varchar(50)'));
    await s.downgrade('-1');
    expect(await clientNames(s, 'name')).toStrictEqual(['ann', 'bob', 'cid']);
    await s.upgrade('head');
    expect(await clientNames(s, 'full_name')).toStrictEqual(['ann', 'bob', 'cid']);
  });

  it('adds a foreign key with ON DELETE CASCADE that cascades, and back', async () => {
    const s = await patternStream('pat_fk', {
      message: 'clients owner fk',
      upgrade: `
if (!(await inspect.hasForeignKey('clients', 'fk_clients_owner_user'))) {
  await op.createForeignKey('fk_clients_owner_user', 'clients', 'users', ['owner_user_id'], ['id'], { onDelete: 'cascade' });
}`,
      downgrade: `
if (await inspect.hasForeignKey('clients', 'fk_clients_owner_user')) await op.dropForeignKey('fk_clients_owner_user', 'clients');`,
    });
    const fk = { name: 'fk_clients_owner_user', columns: ['owner_user_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'cascade' };
    expect(tableOf(await s.schema(), 'clients').foreignKeys).toMatchObject([fk]);
    // MySQL made an index named after the key for it (none fitted); dropping the key drops that
    // index too, so the live schema stays equal to the model (checked after the step).
    await s.downgrade('-1');
    const down = tableOf(await s.schema(), 'clients');
    expect(down.foreignKeys).toStrictEqual([]);
    expect(down.indexes).toStrictEqual([]);
    expect(await clientNames(s)).toStrictEqual(['ann', 'bob', 'cid']);
    await s.upgrade('head');
    expect(tableOf(await s.schema(), 'clients').foreignKeys).toMatchObject([fk]);
    expect(await clientNames(s)).toStrictEqual(['ann', 'bob', 'cid']);
    await s.query('DELETE FROM users WHERE id = 1');
    expect(await clientNames(s)).toStrictEqual(['cid']);
  });

  it(`adds a ${name === 'mysql' ? 'plain (MySQL has no partial indexes)' : 'partial'} index, and back`, async () => {
    const s = await patternStream('pat_partial', {
      message: 'clients active index',
      upgrade: `
if (!(await inspect.hasIndex('clients', 'ix_clients_active'))) {
  await op.createIndex('ix_clients_active', 'clients', ['name'], dialect === 'mysql' ? {} : { where: 'is_blocked = false' });
}`,
      downgrade: `
if (await inspect.hasIndex('clients', 'ix_clients_active')) await op.dropIndex('ix_clients_active', 'clients');`,
    });
    const index = {
      name: 'ix_clients_active',
      parts: [{ column: 'name' }],
      unique: false,
      ...(name === 'mysql' ? {} : { where: dialect.normalizer.normalizeExpression('is_blocked = false') }),
    };
    expect(tableOf(await s.schema(), 'clients').indexes).toStrictEqual([index]);
    await s.downgrade('-1');
    expect(tableOf(await s.schema(), 'clients').indexes).toStrictEqual([]);
    await s.upgrade('head');
    expect(tableOf(await s.schema(), 'clients').indexes).toStrictEqual([index]);
    expect(await clientNames(s)).toStrictEqual(['ann', 'bob', 'cid']);
  });

  it('adds an index with a descending part (read back as DESC on every dialect), and back', async () => {
    const s = await patternStream('pat_desc', {
      message: 'clients newest-name index',
      upgrade: `
const ixClientsNameDesc = { name: 'ix_clients_name_desc', columns: [{ column: 'name', order: 'desc' }, 'id'] };
if (!(await inspect.hasIndex('clients', ixClientsNameDesc))) await op.createIndex(ixClientsNameDesc.name, 'clients', ixClientsNameDesc.columns);`,
      downgrade: `
if (await inspect.hasIndex('clients', 'ix_clients_name_desc')) await op.dropIndex('ix_clients_name_desc', 'clients');`,
    });
    const index = { name: 'ix_clients_name_desc', parts: [{ column: 'name', order: 'desc' }, { column: 'id' }], unique: false };
    expect(tableOf(await s.schema(), 'clients').indexes).toStrictEqual([index]);
    await s.downgrade('-1');
    expect(tableOf(await s.schema(), 'clients').indexes).toStrictEqual([]);
    await s.upgrade('head');
    expect(tableOf(await s.schema(), 'clients').indexes).toStrictEqual([index]);
    // The guard compares the order too: the same revision again is a no-op without a difference.
    await s.stamp('p01_clients');
    const rerun = await s.upgrade('head');
    expect(rerun.steps.flatMap((step) => step.differences)).toStrictEqual([]);
  });

  it.runIf(name === 'postgresql')('creates an index concurrently in a revision with transactional: false; a transactional one is refused with a coded error', async () => {
    const upgrade = `
if (!(await inspect.hasIndex('clients', 'ix_clients_name_cc'))) {
  await op.createIndex('ix_clients_name_cc', 'clients', [{ column: 'name', order: 'desc', nulls: 'last' }], { concurrently: true, with: { fillfactor: 80 } });
}`;
    const downgrade = `
if (await inspect.hasIndex('clients', 'ix_clients_name_cc')) await op.dropIndex('ix_clients_name_cc', 'clients');`;
    const refused = await freshStream('pat_cc_tx');
    writeOpsStream(refused.dir, [CLIENTS, { id: 'p02_pattern', message: 'concurrently, transactional', upgrade, downgrade }]);
    const error = expectRevisionFailed(await refused.upgrade('head').then(() => undefined, (e: unknown) => e));
    const cause = error.cause as StrataError;
    expect(cause.code).toBe('RUNNER_CONCURRENT_INDEX_IN_TRANSACTION');
    expect(cause.hint).toContain('transactional: false');
    expect(tableOf(await refused.schema(), 'clients').indexes).toStrictEqual([]);

    const s = await patternStream('pat_cc', { message: 'concurrently, not transactional', transactional: false, upgrade, downgrade });
    const index = { name: 'ix_clients_name_cc', parts: [{ column: 'name', order: 'desc', nulls: 'last' }], unique: false, with: { fillfactor: '80' } };
    expect(tableOf(await s.schema(), 'clients').indexes).toStrictEqual([index]);
    await s.downgrade('-1');
    expect(tableOf(await s.schema(), 'clients').indexes).toStrictEqual([]);
    await s.upgrade('head');
    expect(tableOf(await s.schema(), 'clients').indexes).toStrictEqual([index]);
  });

  it.runIf(name === 'postgresql')('creates an enum and a column of it; the downgrade drops the column, then the enum', async () => {
    const s = await patternStream('pat_enum', {
      message: 'clients status enum',
      upgrade: `
if (!(await inspect.hasEnum('client_status'))) await op.createEnum('client_status', ['active', 'inactive', 'suspended']);
if (!(await inspect.hasColumn('clients', 'status'))) await op.addColumn('clients', { name: 'status', type: 'client_status', nullable: true });`,
      downgrade: `
if (await inspect.hasColumn('clients', 'status')) await op.dropColumn('clients', 'status');
if (await inspect.hasEnum('client_status')) await op.dropEnum('client_status');`,
    });
    const check = async (): Promise<void> => {
      const schema = await s.schema();
      expect(plainSchema(schema).enums).toStrictEqual({ client_status: ['active', 'inactive', 'suspended'] });
      expect(tableOf(schema, 'clients').columns.at(-1)).toStrictEqual(col('status', 'client_status'));
      await s.query("UPDATE clients SET status = 'suspended' WHERE id = 2");
      await expect(s.query("UPDATE clients SET status = 'gone' WHERE id = 2")).rejects.toThrow();
    };
    await check();
    await s.downgrade('-1');
    const down = await s.schema();
    expect(down.enums.size).toBe(0);
    expect(tableOf(down, 'clients').columns.map((c) => c.name)).not.toContain('status');
    expect(await clientNames(s)).toStrictEqual(['ann', 'bob', 'cid']);
    await s.upgrade('head');
    await check();
  });

  // -------------------------------------------------------------------------------------------
  // 5. Guard differences
  // -------------------------------------------------------------------------------------------

  /** A revision that creates `gd_new`, then guards `gd_items.label` and `gd_items` with full definitions. */
  const GUARDED: OpsRevisionSpec = {
    id: 'g01_guarded',
    message: 'guarded against another definition',
    upgrade: `
if (!(await inspect.hasTable('gd_new'))) await op.createTable('gd_new', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });
if (!(await inspect.hasColumn('gd_items', { name: 'label', type: 'varchar(50)', nullable: false }))) {
  await op.addColumn('gd_items', { name: 'label', type: 'varchar(50)', nullable: false });
}
if (!(await inspect.hasTable('gd_items', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'extra', type: 'text' }] }))) {
  throw new Error('unreachable: gd_items exists');
}`,
    downgrade: `
if (await inspect.hasTable('gd_new')) await op.dropTable('gd_new');`,
  };
  const RAW_TABLE = 'CREATE TABLE gd_items (id integer PRIMARY KEY, label varchar(20))';
  const LABEL_EXPECTED = 'varchar(50) NOT NULL';
  const LABEL_ACTUAL = 'varchar(20) NULL';

  async function guardStream(label: string): Promise<ApiStream> {
    const s = await freshStream(label);
    writeOpsStream(s.dir, [GUARDED]);
    await s.query(RAW_TABLE);
    return s;
  }

  it('a guard that finds its object under another definition skips it, warns, and reports the difference', async () => {
    const s = await guardStream('guard_warn');
    const result = await s.upgrade('head');
    const [step] = result.steps;
    expect(step?.status).toBe('applied');
    expect(step?.differences).toHaveLength(2);
    expect(step?.differences[0]).toStrictEqual({ object: 'column', table: 'gd_items', name: 'label', expected: LABEL_EXPECTED, actual: LABEL_ACTUAL });
    expect(step?.differences[1]).toMatchObject({ object: 'table', name: 'gd_items' });
    expect(step?.differences[1]?.expected).toContain('extra');
    expect(step?.differences[1]?.actual).not.toBe(step?.differences[1]?.expected);
    expect(s.events.filter((e) => e.type === 'guard-difference')).toStrictEqual(
      (step?.differences ?? []).map((difference) => ({ type: 'guard-difference', stream: s.name, revision: 'g01_guarded', difference })),
    );
    // Skipped: the column keeps its definition; the rest of the revision ran.
    const schema = await s.schema();
    expect(tableOf(schema, 'gd_items').columns[1]).toStrictEqual(col('label', 'varchar(20)'));
    expect(schema.tables.has('gd_new')).toBe(true);
    expect(await s.heads()).toStrictEqual(['g01_guarded']);
  });

  it(`with strict, the guard difference fails the revision${transactional ? ' and nothing of it stays' : ''}`, async () => {
    const s = await guardStream('guard_strict');
    const error = expectRevisionFailed(await s.upgrade('head', { strict: true }).then(() => undefined, (e: unknown) => e));
    const cause = error.cause as StrataError;
    expect(cause.code).toBe('RUNNER_GUARD_DIFFERENCE');
    expect(cause.message).toContain('gd_items.label');
    expect(cause.message).toContain(`expected ${LABEL_EXPECTED}; found ${LABEL_ACTUAL}`);
    expect(error.result.steps.map((step) => [step.revision, step.status])).toStrictEqual([['g01_guarded', 'failed']]);
    expect(await s.heads()).toStrictEqual([]);
    // PostgreSQL and SQLite roll the revision back; MySQL's DDL stays done before the failing guard.
    expect((await s.schema()).tables.has('gd_new')).toBe(!transactional);
    expect(s.events.filter((e) => e.type === 'guard-difference')).toStrictEqual([]);
  });

  it('through the CLI: a warning line on stderr, and exit code 1 under --strict', async () => {
    const { StreamFixture, describeRun } = await import('../support/streams.js');
    const s = await guardStream('guard_cli');
    const cli = new StreamFixture(join(s.dir, '..', 'cli'), s.name, s.url, s.dir);
    const strict = await cli.cli('upgrade', 'head', '--strict');
    expect(strict.code, describeRun(strict)).toBe(1);
    expect(strict.stderr).toContain('error RUNNER_REVISION_FAILED');
    expect(strict.stderr).toContain(`expected ${LABEL_EXPECTED}; found ${LABEL_ACTUAL}`);
    expect(await s.heads()).toStrictEqual([]);

    const warned = await cli.cli('upgrade', 'head');
    expect(warned.code, describeRun(warned)).toBe(0);
    expect(warned.stderr).toContain(
      `warning: revision g01_guarded: column gd_items.label exists but differs: expected ${LABEL_EXPECTED}; found ${LABEL_ACTUAL} (the operation was skipped; --strict makes this an error)`,
    );
    expect(warned.stderr).toMatch(/^warning: revision g01_guarded: table gd_items exists but differs/m);
    expect(await s.heads()).toStrictEqual(['g01_guarded']);
  });

  // -------------------------------------------------------------------------------------------
  // 6. Data migrations through Drizzle and parameterised execute
  // -------------------------------------------------------------------------------------------

  const coreModule = drizzleModuleUrl(pick(name, { postgresql: 'drizzle-orm/pg-core', mysql: 'drizzle-orm/mysql-core', sqlite: 'drizzle-orm/sqlite-core' }));
  const ormModule = drizzleModuleUrl('drizzle-orm');

  /** `d_clients`, then a data revision writing through Drizzle and `execute`, throwing at the end when `fail`. */
  async function dataStream(label: string, fail: boolean): Promise<ApiStream> {
    const s = await freshStream(label);
    writeOpsStream(s.dir, [
      {
        id: 'd01_table',
        message: 'd clients',
        upgrade: `
if (!(await inspect.hasTable('d_clients'))) {
  await op.createTable('d_clients', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'name', type: 'varchar(50)' }, { name: 'score', type: 'integer' }] });
}`,
        downgrade: `if (await inspect.hasTable('d_clients')) await op.dropTable('d_clients');`,
      },
      {
        id: 'd02_data',
        message: 'd clients data',
        upgrade: `
const core: any = await import(${JSON.stringify(coreModule)});
const { eq }: any = await import(${JSON.stringify(ormModule)});
const table = dialect === 'postgresql'
  ? core.pgTable('d_clients', { id: core.integer('id').primaryKey(), name: core.varchar('name', { length: 50 }), score: core.integer('score') })
  : dialect === 'mysql'
    ? core.mysqlTable('d_clients', { id: core.int('id').primaryKey(), name: core.varchar('name', { length: 50 }), score: core.int('score') })
    : core.sqliteTable('d_clients', { id: core.integer('id').primaryKey(), name: core.text('name'), score: core.integer('score') });
const db: any = await ctx.drizzle();
await db.insert(table).values([{ id: 1, name: 'ann', score: 1 }, { id: 2, name: 'bob', score: 2 }]);
await db.update(table).set({ score: 10 }).where(eq(table.id, 1));
await execute(\`UPDATE d_clients SET name = \${p(1)} WHERE id = \${p(2)}\`, ['bobby', 2]);
${fail ? "throw new Error('data migration failed after writing');" : ''}`,
        downgrade: `await execute('DELETE FROM d_clients');`,
      },
    ]);
    return s;
  }

  const dataRows = async (s: ApiStream): Promise<unknown[]> =>
    (await s.query('SELECT id, name, score FROM d_clients ORDER BY id')).map((r) => ({ id: Number(r['id']), name: r['name'], score: Number(r['score']) }));

  it('writes rows through ctx.drizzle() and a parameterised execute', async () => {
    const s = await dataStream('data_ok', false);
    await s.upgrade('head');
    expect(await dataRows(s)).toStrictEqual([
      { id: 1, name: 'ann', score: 10 },
      { id: 2, name: 'bobby', score: 2 },
    ]);
    await s.downgrade('-1');
    expect(await dataRows(s)).toStrictEqual([]);
  });

  it(`a data revision that throws after writing through Drizzle ${transactional ? 'rolls its rows back (same transaction)' : 'keeps them (MySQL: no transaction around DDL revisions)'}`, async () => {
    const s = await dataStream('data_fail', true);
    const error = expectRevisionFailed(await s.upgrade('head').then(() => undefined, (e: unknown) => e));
    expect((error.cause as Error).message).toBe('data migration failed after writing');
    expect(error.result.steps.map((step) => [step.revision, step.status])).toStrictEqual([
      ['d01_table', 'applied'],
      ['d02_data', 'failed'],
    ]);
    expect(await s.heads()).toStrictEqual(['d01_table']);
    const count = numbers(await s.query('SELECT count(*) AS n FROM d_clients'), 'n');
    expect(count).toStrictEqual([transactional ? 0 : 2]);
  });
}, ALL_TARGETS);
