/**
 * create notifications
 *
 * Revision ID: ec7a38308f7e
 * Parents: none (base revision)
 * Create Date: 2026-12-05T17:12:31.912Z
 */
import { revision, type CreateTableOptions, type IndexDescription } from '@strata/engine';

const notifications: CreateTableOptions = {
  columns: [
    { name: 'id', type: 'integer', nullable: false, autoIncrement: true },
    { name: 'user_id', type: 'integer', nullable: false },
    { name: 'channel', type: 'varchar(16)', nullable: false, default: '\'email\'' },
    { name: 'subject', type: 'varchar(200)', nullable: false },
    { name: 'body', type: 'text', nullable: false },
    { name: 'read', type: 'boolean', nullable: false, default: 'false' },
    { name: 'created_at', type: 'timestamptz', nullable: false, default: 'now()' },
  ],
  primaryKey: { name: 'notifications_pkey', columns: ['id'] },
};
const notificationsUnreadIdx: IndexDescription = {
  name: 'notifications_unread_idx',
  columns: ['user_id', 'created_at'],
  where: '"read" = false',
};

export default revision({
  id: 'ec7a38308f7e',
  parents: [],
  message: 'create notifications',
  async upgrade({ op, inspect }) {
    if (!(await inspect.hasTable('notifications', notifications))) await op.createTable('notifications', notifications);
    if (!(await inspect.hasIndex('notifications', notificationsUnreadIdx))) await op.createIndex(notificationsUnreadIdx.name, 'notifications', notificationsUnreadIdx.columns, notificationsUnreadIdx);
  },
  async downgrade({ op, inspect }) {
    if (await inspect.hasTable('notifications')) await op.dropTable('notifications');
  },
});
