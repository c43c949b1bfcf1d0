/**
 * create audit_log
 *
 * Revision ID: 8e3f61c2a0b7
 * Parents: 5c1e0a7b9d24
 * Create Date: 2026-11-26 12:01:00 UTC
 */
import { revision } from '@strata/engine';

export default revision({
  id: '8e3f61c2a0b7',
  parents: ['5c1e0a7b9d24'],
  message: 'create audit_log',
  async upgrade({ execute }) {
    await execute(
      'CREATE TABLE IF NOT EXISTS audit_log (' +
        'id integer PRIMARY KEY, ' +
        'tenant_id integer NOT NULL REFERENCES tenants (id), ' +
        'action varchar(100) NOT NULL, ' +
        'created_at varchar(30) NOT NULL)',
    );
  },
  async downgrade({ execute }) {
    await execute('DROP TABLE IF EXISTS audit_log');
  },
});
