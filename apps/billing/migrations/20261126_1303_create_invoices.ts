/**
 * create invoices
 *
 * Revision ID: b111c0de0001
 * Parents: none (base revision)
 * Create Date: 2026-11-26T13:03:14.099Z
 */
import { revision, type CreateTableOptions, type IndexDescription } from '@strata/engine';

const invoices: CreateTableOptions = {
  columns: [
    { name: 'id', type: 'integer', nullable: false, autoIncrement: true },
    { name: 'user_id', type: 'integer', nullable: false },
    { name: 'amount', type: 'real', nullable: false },
    { name: 'status', type: 'text', nullable: false, default: '\'open\'' },
  ],
  primaryKey: { columns: ['id'] },
  foreignKeys: [
    {
      name: 'invoices_user_id_users_id_fk',
      columns: ['user_id'],
      referencedTable: 'users',
      referencedColumns: ['id'],
      onDelete: 'cascade',
    },
  ],
};
const invoicesUserIdx: IndexDescription = { name: 'invoices_user_idx', columns: ['user_id'] };

export default revision({
  id: 'b111c0de0001',
  parents: [],
  message: 'create invoices',
  dependsOn: ['accounts@a1c0c0a50001'],
  async upgrade({ op, inspect }) {
    if (!(await inspect.hasTable('invoices', invoices))) await op.createTable('invoices', invoices);
    if (!(await inspect.hasIndex('invoices', invoicesUserIdx))) await op.createIndex(invoicesUserIdx.name, 'invoices', invoicesUserIdx.columns);
  },
  async downgrade({ op, inspect }) {
    if (await inspect.hasTable('invoices')) await op.dropTable('invoices');
  },
});
