/**
 * create users
 *
 * Revision ID: a1c0c0a50001
 * Parents: none (base revision)
 * Create Date: 2026-11-26T13:02:45.366Z
 */
import { revision, type CreateTableOptions, type IndexDescription } from '@strata/engine';

const users: CreateTableOptions = {
  columns: [
    { name: 'id', type: 'integer', nullable: false, autoIncrement: true },
    { name: 'tenant_id', type: 'integer', nullable: false },
    { name: 'email', type: 'text', nullable: false },
    { name: 'display_name', type: 'text', nullable: false },
    { name: 'created_at', type: 'text', nullable: false, default: 'current_timestamp' },
  ],
  primaryKey: { columns: ['id'] },
};
const usersEmailUnique: IndexDescription = { name: 'users_email_unique', columns: ['email'], unique: true };
const usersTenantIdx: IndexDescription = { name: 'users_tenant_idx', columns: ['tenant_id'] };

export default revision({
  id: 'a1c0c0a50001',
  parents: [],
  message: 'create users',
  dependsOn: ['shared-db@8e3f61c2a0b7'],
  async upgrade({ op, inspect }) {
    if (!(await inspect.hasTable('users', users))) await op.createTable('users', users);
    if (!(await inspect.hasIndex('users', usersEmailUnique))) await op.createIndex(usersEmailUnique.name, 'users', usersEmailUnique.columns, usersEmailUnique);
    if (!(await inspect.hasIndex('users', usersTenantIdx))) await op.createIndex(usersTenantIdx.name, 'users', usersTenantIdx.columns);
  },
  async downgrade({ op, inspect }) {
    if (await inspect.hasTable('users')) await op.dropTable('users');
  },
});
