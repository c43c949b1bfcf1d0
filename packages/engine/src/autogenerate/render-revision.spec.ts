import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Project, ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { PostgresNormalizer } from '../dialects/postgres/postgres-normalizer.js';
import { StrataError } from '../errors.js';
import type { Inspector } from '../inspect/inspector.js';
import { SchemaInspector, modelSchemaSource } from '../inspect/schema-inspector.js';
import { TsModuleLoader } from '../loader/ts-module-loader.js';
import { applyToModel } from '../ops/apply-to-model.js';
import { createOpBuilders } from '../ops/op-builders.js';
import type { Op } from '../ops/op.js';
import { normalizeRevision, type MigrationContext, type Revision } from '../revision/revision.js';
import { readStaticRevision } from '../revision/static-revision.js';
import { emptySchema } from '../schema/model.js';
import { findUnguardedOperations } from './check-guards.js';
import { renderGeneratedRevision, type GeneratedRevisionInput } from './render-revision.js';

const engine = await import('../index.js');
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const BASE = { id: '3f2a9c1d4e5b', parents: ['5c1e0a7b9d24'], message: 'generated', createdAt: new Date('2024-05-01T09:05:00Z') };
const BASE_FIELDS = { id: BASE.id, parents: BASE.parents, message: BASE.message };

/** A revision with one upgrade op and nothing in downgrade. */
function renderOne(op: Op): string {
  return renderGeneratedRevision({ ...BASE, upgrade: [op], downgrade: [] });
}

/** The lines of a function body, without their 4-space indentation. */
function bodyOf(source: string, name: 'upgrade' | 'downgrade'): string[] {
  const lines = source.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  async ${name}(`));
  const end = lines.indexOf('  },', start);
  const body = lines.slice(start + 1, end);
  for (const line of body) expect(line.startsWith('    ')).toBe(true);
  return body.map((line) => line.slice(4));
}

/** The lines between the import and `export default`: the hoisted definitions. */
function definitionsOf(source: string): string[] {
  const lines = source.split('\n');
  return lines.slice(lines.findIndex((line) => line.startsWith('import ')) + 2, lines.indexOf('export default revision({') - 1);
}

/** Loads a rendered source the way the engine loads revision files. */
function load(source: string, name = 'generated.ts'): Revision {
  const file = join(tmpdir(), 'strata-render-revision', name);
  const exported = new TsModuleLoader({ '@strata/engine': engine }).load(file, source) as { default?: unknown };
  return normalizeRevision(exported.default, file);
}

/** The op and inspect of a run against an in-memory model made by `before`, recording the ops that ran. */
function modelContext(before: readonly Op[]): { ran: Op[]; context: MigrationContext } {
  const ran: Op[] = [];
  const normalizer = new PostgresNormalizer();
  const model = before.reduce((current, op) => applyToModel(current, op, normalizer), emptySchema());
  const inspect = new SchemaInspector(modelSchemaSource(model), { normalizer });
  const op = createOpBuilders(async (built) => {
    ran.push(built);
    await inspect.apply(built);
  });
  // A revision's upgrade reads only `op` and `inspect`; the rest of the context is never touched here.
  return { ran, context: { op, inspect } as unknown as MigrationContext };
}

interface Fixture {
  readonly op: Op;
  /** The hoisted definitions, exactly. */
  readonly definitions: readonly string[];
  /** The upgrade body, exactly. */
  readonly upgrade: readonly string[];
}

/** An index with every PostgreSQL option: opclass, order, NULLS, storage parameters. */
const KEYED_INDEX: Fixture = {
  op: {
    kind: 'createIndex',
    table: 'docs',
    name: 'ix_docs_name',
    columns: [{ column: 'name', opclass: 'gin_trgm_ops' }, { expression: 'lower(code)', order: 'desc', nulls: 'last' }, 'id'],
    method: 'gin',
    with: { fastupdate: false },
  },
  definitions: [
    'const ixDocsName: IndexDescription = {',
    "  name: 'ix_docs_name',",
    '  columns: [',
    "    { column: 'name', opclass: 'gin_trgm_ops' },",
    "    { expression: 'lower(code)', order: 'desc', nulls: 'last' },",
    "    'id',",
    '  ],',
    "  method: 'gin',",
    '  with: { fastupdate: false },',
    '};',
  ],
  upgrade: ["if (!(await inspect.hasIndex('docs', ixDocsName))) await op.createIndex(ixDocsName.name, 'docs', ixDocsName.columns, ixDocsName);"],
};

/** One fixture per op kind: adding a kind fails compilation until its rendering is pinned here. */
const FIXTURES: Record<Op['kind'], Fixture> = {
  createTable: {
    op: {
      kind: 'createTable',
      table: 'users',
      columns: [
        { name: 'id', type: 'integer', autoIncrement: true },
        { name: 'email', type: 'varchar(255)', nullable: false },
      ],
      primaryKey: { name: 'pk_users', columns: ['id'] },
      uniqueConstraints: [{ name: 'uq_users_email', columns: ['email'] }],
      checkConstraints: [{ name: 'ck_users_email', expression: "email <> ''" }],
    },
    definitions: [
      'const users: CreateTableOptions = {',
      '  columns: [',
      "    { name: 'id', type: 'integer', autoIncrement: true },",
      "    { name: 'email', type: 'varchar(255)', nullable: false },",
      '  ],',
      "  primaryKey: { name: 'pk_users', columns: ['id'] },",
      '  uniqueConstraints: [',
      "    { name: 'uq_users_email', columns: ['email'] },",
      '  ],',
      '  checkConstraints: [',
      "    { name: 'ck_users_email', expression: 'email <> \\'\\'' },",
      '  ],',
      '};',
    ],
    upgrade: ["if (!(await inspect.hasTable('users', users))) await op.createTable('users', users);"],
  },
  dropTable: {
    op: { kind: 'dropTable', table: 'users' },
    definitions: [],
    upgrade: ["if (await inspect.hasTable('users')) await op.dropTable('users');"],
  },
  renameTable: {
    op: { kind: 'renameTable', table: 'user', to: 'users' },
    definitions: [],
    upgrade: ["if ((await inspect.hasTable('user')) && !(await inspect.hasTable('users'))) await op.renameTable('user', 'users');"],
  },
  addColumn: {
    op: { kind: 'addColumn', table: 'users', column: { name: 'status', type: 'varchar(20)', nullable: false, default: "'active'" } },
    definitions: ["const usersStatus: ColumnDefinition = { name: 'status', type: 'varchar(20)', nullable: false, default: '\\'active\\'' };"],
    upgrade: ["if (!(await inspect.hasColumn('users', usersStatus))) await op.addColumn('users', usersStatus);"],
  },
  dropColumn: {
    op: { kind: 'dropColumn', table: 'users', column: 'status' },
    definitions: [],
    upgrade: ["if (await inspect.hasColumn('users', 'status')) await op.dropColumn('users', 'status');"],
  },
  alterColumn: {
    op: { kind: 'alterColumn', table: 'users', column: 'age', type: 'bigint', using: 'age::bigint', nullable: true, default: null },
    definitions: [],
    upgrade: ["if (await inspect.hasColumn('users', 'age')) await op.alterColumn('users', 'age', { type: 'bigint', using: 'age::bigint', nullable: true, default: null });"],
  },
  renameColumn: {
    op: { kind: 'renameColumn', table: 'users', column: 'name', to: 'full_name' },
    definitions: [],
    upgrade: ["if ((await inspect.hasColumn('users', 'name')) && !(await inspect.hasColumn('users', 'full_name'))) await op.renameColumn('users', 'name', 'full_name');"],
  },
  createIndex: {
    op: { kind: 'createIndex', table: 'users', name: 'ix_users_email', columns: [{ expression: 'lower(email)' }], unique: true },
    definitions: [
      'const ixUsersEmail: IndexDescription = {',
      "  name: 'ix_users_email',",
      "  columns: [{ expression: 'lower(email)' }],",
      '  unique: true,',
      '};',
    ],
    upgrade: ["if (!(await inspect.hasIndex('users', ixUsersEmail))) await op.createIndex(ixUsersEmail.name, 'users', ixUsersEmail.columns, ixUsersEmail);"],
  },
  dropIndex: {
    op: { kind: 'dropIndex', table: 'users', name: 'ix_users_email' },
    definitions: [],
    upgrade: ["if (await inspect.hasIndex('users', 'ix_users_email')) await op.dropIndex('ix_users_email', 'users');"],
  },
  renameIndex: {
    op: { kind: 'renameIndex', table: 'users', name: 'ix_users_mail', to: 'ix_users_email' },
    definitions: [],
    upgrade: ["if ((await inspect.hasIndex('users', 'ix_users_mail')) && !(await inspect.hasIndex('users', 'ix_users_email'))) await op.renameIndex('users', 'ix_users_mail', 'ix_users_email');"],
  },
  renameConstraint: {
    op: { kind: 'renameConstraint', table: 'members', name: 'users_pkey', to: 'members_pkey' },
    definitions: [],
    upgrade: [
      "if ((await inspect.hasConstraint('members', 'users_pkey')) && !(await inspect.hasConstraint('members', 'members_pkey'))) await op.renameConstraint('members', 'users_pkey', 'members_pkey');",
    ],
  },
  createForeignKey: {
    op: {
      kind: 'createForeignKey',
      table: 'posts',
      foreignKey: { name: 'fk_posts_user', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'cascade' },
    },
    definitions: [
      'const fkPostsUser: ForeignKeyDefinition = {',
      "  name: 'fk_posts_user',",
      "  columns: ['user_id'],",
      "  referencedTable: 'users',",
      "  referencedColumns: ['id'],",
      "  onDelete: 'cascade',",
      '};',
    ],
    upgrade: [
      "if (!(await inspect.hasForeignKey('posts', fkPostsUser))) await op.createForeignKey(fkPostsUser.name, 'posts', fkPostsUser.referencedTable, fkPostsUser.columns, fkPostsUser.referencedColumns, fkPostsUser);",
    ],
  },
  dropForeignKey: {
    op: { kind: 'dropForeignKey', table: 'posts', name: 'fk_posts_user' },
    definitions: [],
    upgrade: ["if (await inspect.hasForeignKey('posts', 'fk_posts_user')) await op.dropForeignKey('fk_posts_user', 'posts');"],
  },
  createUniqueConstraint: {
    op: { kind: 'createUniqueConstraint', table: 'users', constraint: { name: 'uq_users_email', columns: ['email'] } },
    definitions: ["const uqUsersEmail: UniqueDefinition = { name: 'uq_users_email', columns: ['email'] };"],
    upgrade: ["if (!(await inspect.hasUniqueConstraint('users', uqUsersEmail))) await op.createUniqueConstraint(uqUsersEmail.name, 'users', uqUsersEmail.columns);"],
  },
  dropUniqueConstraint: {
    op: { kind: 'dropUniqueConstraint', table: 'users', name: 'uq_users_email' },
    definitions: [],
    upgrade: ["if (await inspect.hasUniqueConstraint('users', 'uq_users_email')) await op.dropUniqueConstraint('uq_users_email', 'users');"],
  },
  createCheckConstraint: {
    op: { kind: 'createCheckConstraint', table: 'users', constraint: { name: 'ck_users_age', expression: 'age >= 0' } },
    definitions: ["const ckUsersAge: CheckDefinition = { name: 'ck_users_age', expression: 'age >= 0' };"],
    upgrade: ["if (!(await inspect.hasCheckConstraint('users', ckUsersAge))) await op.createCheckConstraint(ckUsersAge.name, 'users', ckUsersAge.expression);"],
  },
  dropCheckConstraint: {
    op: { kind: 'dropCheckConstraint', table: 'users', name: 'ck_users_age' },
    definitions: [],
    upgrade: ["if (await inspect.hasCheckConstraint('users', 'ck_users_age')) await op.dropCheckConstraint('ck_users_age', 'users');"],
  },
  validateConstraint: {
    op: { kind: 'validateConstraint', table: 'users', name: 'ck_users_age' },
    definitions: [],
    upgrade: ["if (await inspect.hasConstraint('users', 'ck_users_age')) await op.validateConstraint('users', 'ck_users_age');"],
  },
  createPrimaryKey: {
    op: { kind: 'createPrimaryKey', table: 'users', primaryKey: { name: 'pk_users', columns: ['id'] } },
    definitions: [],
    upgrade: ["if (!(await inspect.hasPrimaryKey('users', ['id']))) await op.createPrimaryKey('users', ['id'], { name: 'pk_users' });"],
  },
  dropPrimaryKey: {
    op: { kind: 'dropPrimaryKey', table: 'users', name: 'pk_users' },
    definitions: [],
    upgrade: ["if ((await inspect.primaryKey('users'))?.name === 'pk_users') await op.dropPrimaryKey('users', 'pk_users');"],
  },
  createEnum: {
    op: { kind: 'createEnum', name: 'status', values: ['active', 'blocked'] },
    definitions: [],
    upgrade: ["if (!(await inspect.hasEnum('status', ['active', 'blocked']))) await op.createEnum('status', ['active', 'blocked']);"],
  },
  addEnumValue: {
    op: { kind: 'addEnumValue', name: 'status', value: 'pending', before: 'active' },
    definitions: [],
    upgrade: ["if (!(await inspect.hasEnumValue('status', 'pending'))) await op.addEnumValue('status', 'pending', { before: 'active' });"],
  },
  renameEnumValue: {
    op: { kind: 'renameEnumValue', name: 'status', value: 'blocked', to: 'banned' },
    definitions: [],
    upgrade: [
      "if ((await inspect.hasEnumValue('status', 'blocked')) && !(await inspect.hasEnumValue('status', 'banned'))) await op.renameEnumValue('status', 'blocked', 'banned');",
    ],
  },
  dropEnum: {
    op: { kind: 'dropEnum', name: 'status' },
    definitions: [],
    upgrade: ["if (await inspect.hasEnum('status')) await op.dropEnum('status');"],
  },
  enableRowLevelSecurity: {
    op: { kind: 'enableRowLevelSecurity', table: 'users' },
    definitions: [],
    upgrade: ["if (!(await inspect.hasRowLevelSecurity('users'))) await op.enableRowLevelSecurity('users');"],
  },
  disableRowLevelSecurity: {
    op: { kind: 'disableRowLevelSecurity', table: 'users', force: false },
    definitions: [],
    upgrade: ["if (await inspect.hasTable('users')) await op.disableRowLevelSecurity('users', { force: false });"],
  },
  createPolicy: {
    op: {
      kind: 'createPolicy',
      table: 'users',
      policy: { name: 'p_users_own', permissive: false, command: 'update', roles: ['app_user'], using: "id = current_setting('app.user_id')::integer", withCheck: 'true' },
    },
    definitions: [
      'const pUsersOwn: PolicyDefinition = {',
      "  name: 'p_users_own',",
      '  permissive: false,',
      "  command: 'update',",
      "  roles: ['app_user'],",
      "  using: 'id = current_setting(\\'app.user_id\\')::integer',",
      "  withCheck: 'true',",
      '};',
    ],
    upgrade: ["if (!(await inspect.hasPolicy('users', pUsersOwn))) await op.createPolicy(pUsersOwn.name, 'users', pUsersOwn);"],
  },
  dropPolicy: {
    op: { kind: 'dropPolicy', table: 'users', name: 'p_users_own' },
    definitions: [],
    upgrade: ["if (await inspect.hasPolicy('users', 'p_users_own')) await op.dropPolicy('p_users_own', 'users');"],
  },
  alterPolicy: {
    op: { kind: 'alterPolicy', table: 'users', name: 'p_users_own', roles: ['public'], using: 'true' },
    definitions: [],
    upgrade: ["if (await inspect.hasPolicy('users', 'p_users_own')) await op.alterPolicy('p_users_own', 'users', { roles: ['public'], using: 'true' });"],
  },
  createRole: {
    op: { kind: 'createRole', name: 'app_user', createDb: false, createRole: false, inherit: true },
    definitions: [],
    upgrade: [
      "if (!(await inspect.hasRole('app_user', { createDb: false, createRole: false, inherit: true }))) await op.createRole('app_user', { createDb: false, createRole: false, inherit: true });",
    ],
  },
  dropRole: {
    op: { kind: 'dropRole', name: 'app_user' },
    definitions: [],
    upgrade: ["if (await inspect.hasRole('app_user')) await op.dropRole('app_user');"],
  },
  createSequence: {
    op: { kind: 'createSequence', name: 'invoice_numbers', start: '1000', increment: '5' },
    definitions: [],
    upgrade: ["if (!(await inspect.hasSequence('invoice_numbers'))) await op.createSequence('invoice_numbers', { start: '1000', increment: '5' });"],
  },
  alterSequence: {
    op: { kind: 'alterSequence', name: 'invoice_numbers', increment: '10' },
    definitions: [],
    upgrade: ["if (await inspect.hasSequence('invoice_numbers')) await op.alterSequence('invoice_numbers', { increment: '10' });"],
  },
  dropSequence: {
    op: { kind: 'dropSequence', name: 'invoice_numbers' },
    definitions: [],
    upgrade: ["if (await inspect.hasSequence('invoice_numbers')) await op.dropSequence('invoice_numbers');"],
  },
  createView: {
    op: { kind: 'createView', name: 'client_counts', definition: "select count(*) as n from clients where name <> 'x'", materialized: true },
    definitions: [],
    upgrade: [
      "if (!(await inspect.hasView('client_counts'))) await op.createView('client_counts', 'select count(*) as n from clients where name <> \\'x\\'', { materialized: true });",
    ],
  },
  dropView: {
    op: { kind: 'dropView', name: 'active_clients', definition: 'select id from clients' },
    definitions: [],
    upgrade: [
      "if (await inspect.hasViewAs('active_clients', 'select id from clients')) await op.dropView('active_clients', { definition: 'select id from clients' });",
    ],
  },
  createSchema: {
    op: { kind: 'createSchema', name: 'billing' },
    definitions: [],
    upgrade: ["if (!(await inspect.hasSchema('billing'))) await op.createSchema('billing');"],
  },
  dropSchema: {
    op: { kind: 'dropSchema', name: 'billing' },
    definitions: [],
    upgrade: ["if (await inspect.hasSchema('billing')) await op.dropSchema('billing');"],
  },
  execute: {
    op: { kind: 'execute', sql: "UPDATE users SET status = 'active' WHERE id = $1", params: [1, 'it\'s "x"\n', null, true] },
    definitions: [],
    upgrade: [
      '// Not guarded: the inspector cannot see what raw SQL does, so the statement itself must be safe to run twice.',
      "await op.execute('UPDATE users SET status = \\'active\\' WHERE id = $1', [1, 'it\\'s \"x\"\\n', null, true]);",
    ],
  },
};

/** A full revision: a table with its constraints and index, a column, a rename, a destructive drop, raw SQL. */
const FULL: GeneratedRevisionInput = {
  id: '9b1c7e2f4a60',
  parents: ['5c1e0a7b9d24'],
  message: 'add posts',
  dependsOn: ['accounts@8e3f61c2a0b7'],
  createdAt: new Date('2026-11-27T08:30:00Z'),
  notes: ['renamed by hint users.name → full_name'],
  destructive: [{ index: 4, reason: 'drops column users.legacy and its data' }],
  upgrade: [
    {
      kind: 'createTable',
      table: 'posts',
      columns: [
        { name: 'id', type: 'integer', primaryKey: true },
        { name: 'user_id', type: 'integer', nullable: false },
        { name: 'title', type: 'varchar(200)', nullable: false, default: "'untitled'" },
      ],
      foreignKeys: [{ name: 'fk_posts_user', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'cascade' }],
    },
    { kind: 'createIndex', table: 'posts', name: 'ix_posts_user_id', columns: ['user_id'] },
    { kind: 'addColumn', table: 'users', column: { name: 'status', type: 'varchar(20)' } },
    { kind: 'renameColumn', table: 'users', column: 'name', to: 'full_name' },
    { kind: 'dropColumn', table: 'users', column: 'legacy' },
    { kind: 'execute', sql: "UPDATE users SET status = 'active'" },
  ],
  downgrade: [
    { kind: 'addColumn', table: 'users', column: { name: 'legacy', type: 'text' } },
    { kind: 'renameColumn', table: 'users', column: 'full_name', to: 'name' },
    { kind: 'dropColumn', table: 'users', column: 'status' },
    { kind: 'dropIndex', table: 'posts', name: 'ix_posts_user_id' },
    { kind: 'dropTable', table: 'posts' },
  ],
};

const FULL_SOURCE = `/**
 * add posts
 *
 * Revision ID: 9b1c7e2f4a60
 * Parents: 5c1e0a7b9d24
 * Create Date: 2026-11-27T08:30:00.000Z
 */
import { revision, type ColumnDefinition, type CreateTableOptions, type IndexDescription } from '@strata/engine';

const posts: CreateTableOptions = {
  columns: [
    { name: 'id', type: 'integer', primaryKey: true },
    { name: 'user_id', type: 'integer', nullable: false },
    { name: 'title', type: 'varchar(200)', nullable: false, default: '\\'untitled\\'' },
  ],
  foreignKeys: [
    {
      name: 'fk_posts_user',
      columns: ['user_id'],
      referencedTable: 'users',
      referencedColumns: ['id'],
      onDelete: 'cascade',
    },
  ],
};
const ixPostsUserId: IndexDescription = { name: 'ix_posts_user_id', columns: ['user_id'] };
const usersStatus: ColumnDefinition = { name: 'status', type: 'varchar(20)' };
const usersLegacy: ColumnDefinition = { name: 'legacy', type: 'text' };

export default revision({
  id: '9b1c7e2f4a60',
  parents: ['5c1e0a7b9d24'],
  message: 'add posts',
  dependsOn: ['accounts@8e3f61c2a0b7'],
  async upgrade({ op, inspect }) {
    // renamed by hint users.name → full_name
    if (!(await inspect.hasTable('posts', posts))) await op.createTable('posts', posts);
    if (!(await inspect.hasIndex('posts', ixPostsUserId))) await op.createIndex(ixPostsUserId.name, 'posts', ixPostsUserId.columns);
    if (!(await inspect.hasColumn('users', usersStatus))) await op.addColumn('users', usersStatus);
    if ((await inspect.hasColumn('users', 'name')) && !(await inspect.hasColumn('users', 'full_name'))) await op.renameColumn('users', 'name', 'full_name');
    // DESTRUCTIVE: drops column users.legacy and its data
    if (await inspect.hasColumn('users', 'legacy')) await op.dropColumn('users', 'legacy');
    // Not guarded: the inspector cannot see what raw SQL does, so the statement itself must be safe to run twice.
    await op.execute('UPDATE users SET status = \\'active\\'');
  },
  async downgrade({ op, inspect }) {
    if (!(await inspect.hasColumn('users', usersLegacy))) await op.addColumn('users', usersLegacy);
    if ((await inspect.hasColumn('users', 'full_name')) && !(await inspect.hasColumn('users', 'name'))) await op.renameColumn('users', 'full_name', 'name');
    if (await inspect.hasColumn('users', 'status')) await op.dropColumn('users', 'status');
    if (await inspect.hasIndex('posts', 'ix_posts_user_id')) await op.dropIndex('ix_posts_user_id', 'posts');
    if (await inspect.hasTable('posts')) await op.dropTable('posts');
  },
});
`;

describe('renderGeneratedRevision: one guard per op kind', () => {
  it.each(Object.entries(FIXTURES))('%s', (_kind, fixture) => {
    const source = renderOne(fixture.op);
    expect(definitionsOf(source)).toEqual(fixture.definitions);
    expect(bodyOf(source, 'upgrade')).toEqual(fixture.upgrade);
  });

  it('writes an index part\'s opclass, order and NULLS placement, and the storage parameters', () => {
    const source = renderOne(KEYED_INDEX.op);
    expect(definitionsOf(source)).toEqual(KEYED_INDEX.definitions);
    expect(bodyOf(source, 'upgrade')).toEqual(KEYED_INDEX.upgrade);
  });

  it('says transactional: false when an index is created concurrently (PostgreSQL cannot in a transaction)', () => {
    const concurrently: Op = { kind: 'createIndex', table: 'users', name: 'ix_users_email', columns: ['email'], concurrently: true };
    const source = renderGeneratedRevision({ ...BASE, upgrade: [concurrently], downgrade: [{ kind: 'dropIndex', table: 'users', name: 'ix_users_email' }] });
    expect(source).toContain('  transactional: false,\n');
    expect(source).toContain("columns: ['email'], concurrently: true };");
    expect(renderOne(FIXTURES.createIndex.op)).not.toContain('transactional');
  });

  it('says transactional: false for a concurrent drop (either direction) and for VALIDATE CONSTRAINT; writes the safe forms\' options', () => {
    const drop: Op = { kind: 'dropIndex', table: 'users', name: 'ix_users_email', concurrently: true };
    const dropSource = renderGeneratedRevision({ ...BASE, upgrade: [{ kind: 'dropColumn', table: 'users', column: 'nickname' }], downgrade: [drop] });
    expect(dropSource).toContain('  transactional: false,\n');
    expect(bodyOf(dropSource, 'downgrade')).toEqual(["if (await inspect.hasIndex('users', 'ix_users_email')) await op.dropIndex('ix_users_email', 'users', { concurrently: true });"]);
    const fk: Op = { kind: 'createForeignKey', table: 'users', foreignKey: { name: 'fk_users_team', columns: ['team_id'], referencedTable: 'teams', referencedColumns: ['id'] }, notValid: true };
    const check: Op = { kind: 'createCheckConstraint', table: 'users', constraint: { name: 'ck_users_age', expression: 'age >= 0' }, notValid: true };
    const unique: Op = { kind: 'createUniqueConstraint', table: 'users', constraint: { name: 'uq_users_email', columns: ['email'] }, usingIndex: 'uq_users_email' };
    const validate: Op = { kind: 'validateConstraint', table: 'users', name: 'fk_users_team' };
    const source = renderGeneratedRevision({ ...BASE, upgrade: [fk, validate, check, unique], downgrade: [] });
    expect(source).toContain('  transactional: false,\n');
    const body = bodyOf(source, 'upgrade').join('\n');
    expect(body).toContain('fkUsersTeam.referencedColumns, { ...fkUsersTeam, notValid: true })');
    expect(body).toContain("await op.validateConstraint('users', 'fk_users_team')");
    expect(body).toContain("ckUsersAge.expression, { notValid: true })");
    expect(body).toContain("uqUsersEmail.columns, { ...uqUsersEmail, usingIndex: 'uq_users_email' })");
  });

  it('says transactional: false when enum values are added beside other operations (a new value is unusable until committed)', () => {
    const add: Op = { kind: 'addEnumValue', name: 'mood', value: 'meh', after: 'sad' };
    const useIt: Op = { kind: 'alterColumn', table: 'users', column: 'mood', default: "'meh'" };
    expect(renderGeneratedRevision({ ...BASE, upgrade: [add, useIt], downgrade: [] })).toContain('  transactional: false,\n');
    expect(renderOne(add)).not.toContain('transactional');
  });

  it('flags destructive operations and writes notes first, as comments', () => {
    const source = renderGeneratedRevision({
      ...BASE,
      notes: ['first note', 'second note\nspans two lines'],
      destructive: [{ index: 0, reason: 'drops table users and its rows' }],
      upgrade: [FIXTURES.dropTable.op],
      downgrade: [],
    });
    expect(bodyOf(source, 'upgrade')).toEqual([
      '// first note',
      '// second note',
      '// spans two lines',
      '// DESTRUCTIVE: drops table users and its rows',
      "if (await inspect.hasTable('users')) await op.dropTable('users');",
    ]);
  });

  it('writes `// Nothing to do.` only in an empty body, and destructures only the parameters a body uses', () => {
    const source = renderGeneratedRevision({ ...BASE, upgrade: [FIXTURES.execute.op], downgrade: [] });
    expect(source).toContain('  async upgrade({ op }) {\n');
    expect(source).toContain('  async downgrade() {\n    // Nothing to do.\n  },\n');
    expect(bodyOf(source, 'upgrade')).not.toContain('// Nothing to do.');
    const notesOnly = renderGeneratedRevision({ ...BASE, notes: ['nothing changed'], upgrade: [], downgrade: [] });
    expect(bodyOf(notesOnly, 'upgrade')).toEqual(['// nothing changed', '// Nothing to do.']);
  });

  it('names definitions apart, away from reserved words and the function parameters', () => {
    const source = renderGeneratedRevision({
      ...BASE,
      upgrade: [
        { kind: 'createTable', table: 'op', columns: [{ name: 'id', type: 'integer' }] },
        { kind: 'createTable', table: 'default', columns: [{ name: 'id', type: 'integer' }] },
        { kind: 'createTable', table: '2fa codes', columns: [{ name: 'id', type: 'integer' }] },
      ],
      downgrade: [{ kind: 'createTable', table: 'op', columns: [{ name: 'id', type: 'integer' }] }],
    });
    expect(definitionsOf(source).map((line) => /^const (\w+)/.exec(line)?.[1]).filter(Boolean)).toEqual([
      'opDefinition',
      'defaultDefinition',
      '_2faCodes',
      'opDefinition2',
    ]);
    expect(findUnguardedOperations(source, 'names.ts')).toEqual([]);
  });
});

describe('renderGeneratedRevision: the whole file', () => {
  it('renders a full revision byte for byte', () => {
    expect(renderGeneratedRevision(FULL)).toBe(FULL_SOURCE);
  });

  it('is deterministic: the same input twice, and the same definitions whatever their key order', () => {
    expect(renderGeneratedRevision(FULL)).toBe(renderGeneratedRevision(FULL));
    const reordered: Op = {
      column: { type: 'varchar(20)', nullable: false, default: "'active'", name: 'status' },
      table: 'users',
      kind: 'addColumn',
    };
    expect(renderOne(reordered)).toBe(renderOne(FIXTURES.addColumn.op));
  });

  it('escapes strings inside single quotes', () => {
    const sql = "SELECT '\\', \"q\", `t`, ${x}\r\n\t\u2028\u0000 é";
    const source = renderOne({ kind: 'execute', sql });
    const line = bodyOf(source, 'upgrade')[1]!;
    expect(line).toBe("await op.execute('SELECT \\'\\\\\\', \"q\", `t`, ${x}\\r\\n\\t\u2028\\u0000 é');");
    expect(new Function(`return ${line.slice('await op.execute('.length, -2)};`)()).toBe(sql);
  });

  it('refuses an invalid operation, an execute parameter without a source form, and a destructive index out of range', () => {
    expect(() => renderOne({ kind: 'dropTable', table: '' })).toThrow(StrataError);
    expect(() => renderOne({ kind: 'execute', sql: 'SELECT $1', params: [new Date(0)] })).toThrow(/parameter 1 \(a Date\)/);
    expect(() => renderGeneratedRevision({ ...BASE, upgrade: [], downgrade: [], destructive: [{ index: 0, reason: 'x' }] })).toThrow(RangeError);
    expect(() => renderGeneratedRevision({ ...BASE, id: 'NOT AN ID', upgrade: [], downgrade: [] })).toThrow(StrataError);
  });
});

describe('renderGeneratedRevision: the output is a working revision', () => {
  const sources = [FULL_SOURCE, ...Object.values(FIXTURES).map((fixture) => renderOne(fixture.op))];

  it('passes the static guard check', () => {
    for (const source of sources) expect(findUnguardedOperations(source, 'generated.ts')).toEqual([]);
  });

  // The renderer writes the final layout itself (TypeScript's formatter cost more than a second on a
  // 200-table revision): the formatter, with the settings a project would give it, changes nothing.
  it('is already formatted: TypeScript\'s formatter leaves every byte as it is', () => {
    const project = new Project({ useInMemoryFileSystem: true });
    const settings: ts.FormatCodeSettings = {
      indentSize: 2,
      tabSize: 2,
      convertTabsToSpaces: true,
      newLineCharacter: '\n',
      indentStyle: ts.IndentStyle.Smart,
      trimTrailingWhitespace: true,
      semicolons: ts.SemicolonPreference.Insert,
      insertSpaceAfterOpeningAndBeforeClosingNonemptyBraces: true,
      insertSpaceAfterOpeningAndBeforeClosingEmptyBraces: false,
    };
    sources.forEach((source, i) => {
      const file = project.createSourceFile(`/formatted_${i}.ts`, source);
      file.formatText(settings);
      expect(file.getFullText(), `source ${i}`).toBe(source);
    });
  });

  it('type-checks against the engine (strict, noUnusedLocals, noUnusedParameters)', () => {
    const project = new Project({
      skipAddingFilesFromTsConfig: true,
      compilerOptions: {
        strict: true,
        noUnusedLocals: true,
        noUnusedParameters: true,
        noEmit: true,
        skipLibCheck: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        lib: ['lib.es2023.d.ts'],
        types: ['node'],
        paths: { '@strata/engine': [join(SRC, 'index.ts')] },
      },
    });
    const files = sources.map((source, i) => project.createSourceFile(join(SRC, '__rendered__', `revision_${i}.ts`), source));
    const problems = files.flatMap((file) =>
      file.getPreEmitDiagnostics().map((d) => `${file.getBaseName()}:${d.getLineNumber()}: ${ts.flattenDiagnosticMessageText(d.getMessageText() as string, '\n')}`),
    );
    expect(problems).toEqual([]);
  }, 60_000);

  it('loads through the engine loader and normalizeRevision accepts it', () => {
    const revision = load(FULL_SOURCE);
    expect(revision).toMatchObject({ id: '9b1c7e2f4a60', parents: ['5c1e0a7b9d24'], message: 'add posts', dependsOn: ['accounts@8e3f61c2a0b7'] });
    Object.values(FIXTURES).forEach((fixture, i) => expect(load(renderOne(fixture.op), `fixture_${i}.ts`).id).toBe(BASE.id));
  });

  it('runs: upgrade calls the ops in order, a second upgrade only the unguarded SQL, downgrade its ops in order', async () => {
    const revision = load(FULL_SOURCE);
    // The revision alters `users`, which a previous revision made.
    const { ran, context } = modelContext([
      { kind: 'createTable', table: 'users', columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'name', type: 'text' }, { name: 'legacy', type: 'text' }] },
    ]);
    await revision.upgrade(context);
    expect(ran).toEqual(FULL.upgrade);
    ran.length = 0;
    await revision.upgrade(context);
    expect(ran).toEqual([FULL.upgrade[5]]);
    ran.length = 0;
    await revision.downgrade(context);
    expect(ran).toEqual(FULL.downgrade);
  });

  it('guards the drop of a rebuilt view with the views the revision creates over it', () => {
    const op: Op = { kind: 'dropView', name: 'named', definition: 'select id from t', skipIfCreated: [{ name: 'upper_named', definition: 'select id from named' }] };
    expect(renderOne(op)).toContain(
      "if (await inspect.hasViewAs('named', 'select id from t') && !(await inspect.hasViewAs('upper_named', 'select id from named'))) await op.dropView('named', { definition: 'select id from t' });",
    );
  });

  it('runs every op kind against a recording inspector: guards ask first, then the op runs as given', async () => {
    for (const fixture of Object.values(FIXTURES)) {
      const calls: string[] = [];
      const ran: Op[] = [];
      const guard = fixture.upgrade.find((line) => line.startsWith('if ('));
      // Answers that let the op run: creations see nothing, drops and the old name of a rename exist.
      const negatedOnly = guard !== undefined && !guard.includes('&&') && guard.startsWith('if (!');
      const inspect = new Proxy({} as Inspector, {
        get: (_target, method: string) => async () => {
          calls.push(method);
          // A named primary key's drop is guarded by reading the key's name.
          if (method === 'primaryKey') return { name: 'pk_users', columns: ['id'] };
          return negatedOnly ? false : calls.length === 1;
        },
      });
      const op = createOpBuilders(async (built) => {
        ran.push(built);
      });
      await load(renderOne(fixture.op), `run_${fixture.op.kind}.ts`).upgrade({ op, inspect } as unknown as MigrationContext);
      expect(ran).toEqual([fixture.op]);
      expect(calls.length).toBe(guard === undefined ? 0 : guard.includes('&&') ? 2 : 1);
      expect(calls.every((method) => method.startsWith('has') || method === 'primaryKey')).toBe(true);
    }
  });
});

describe('the generated shape', () => {
  it('is what the loader reads without compiling: hoisted definitions, guards, transactional: false and all', () => {
    const source = renderGeneratedRevision({
      ...BASE,
      dependsOn: ['billing@9a8b7c6d5e4f'],
      upgrade: [
        { kind: 'createTable', table: 'users', columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'ratio', type: 'numeric(10, 2)', default: '1 / 3' }] },
        { kind: 'createIndex', table: 'users', name: 'ix_users_ratio', columns: ['ratio'], concurrently: true },
      ],
      downgrade: [{ kind: 'dropTable', table: 'users' }],
    });
    expect(readStaticRevision(source)).toEqual({ ...BASE_FIELDS, dependsOn: ['billing@9a8b7c6d5e4f'], transactional: false });
  });
});

