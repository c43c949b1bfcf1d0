/**
 * create tenants
 *
 * Revision ID: 5c1e0a7b9d24
 * Parents: <base>
 * Create Date: 2026-11-26 12:00:00 UTC
 */
import { revision } from '@strata/engine';

export default revision({
  id: '5c1e0a7b9d24',
  parents: [],
  message: 'create tenants',
  async upgrade({ execute }) {
    await execute('CREATE TABLE IF NOT EXISTS tenants (id integer PRIMARY KEY, name varchar(200) NOT NULL)');
  },
  async downgrade({ execute }) {
    await execute('DROP TABLE IF EXISTS tenants');
  },
});
