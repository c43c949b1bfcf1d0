/**
 * create tenants
 *
 * Revision ID: 5c1e0a7b9d24
 * Parents: <base>
 * Create Date: 2026-11-26 12:00:00 UTC
 */
import { revision } from '@strata/engine';

const tenants = {
  columns: [
    { name: 'id', type: 'integer', primaryKey: true },
    { name: 'name', type: 'varchar(200)', nullable: false },
  ],
};

export default revision({
  id: '5c1e0a7b9d24',
  parents: [],
  message: 'create tenants',
  async upgrade({ op, inspect }) {
    if (!(await inspect.hasTable('tenants', tenants))) await op.createTable('tenants', tenants);
  },
  async downgrade({ op, inspect }) {
    if (await inspect.hasTable('tenants')) await op.dropTable('tenants');
  },
});
