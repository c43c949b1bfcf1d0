/**
 * create audit_log
 *
 * Revision ID: 8e3f61c2a0b7
 * Parents: 5c1e0a7b9d24
 * Create Date: 2026-11-26 12:01:00 UTC
 */
import { revision } from '@strata/engine';

const auditLog = {
  columns: [
    { name: 'id', type: 'integer', primaryKey: true },
    { name: 'tenant_id', type: 'integer', nullable: false },
    { name: 'action', type: 'varchar(100)', nullable: false },
    { name: 'created_at', type: 'varchar(30)', nullable: false },
  ],
  foreignKeys: [
    { name: 'fk_audit_log_tenant', columns: ['tenant_id'], referencedTable: 'tenants', referencedColumns: ['id'], onDelete: 'cascade' as const },
  ],
};
const byTenant = { name: 'ix_audit_log_tenant_id', columns: ['tenant_id', 'created_at'] };

export default revision({
  id: '8e3f61c2a0b7',
  parents: ['5c1e0a7b9d24'],
  message: 'create audit_log',
  async upgrade({ op, inspect }) {
    if (!(await inspect.hasTable('audit_log', auditLog))) await op.createTable('audit_log', auditLog);
    if (!(await inspect.hasIndex('audit_log', byTenant))) await op.createIndex(byTenant.name, 'audit_log', byTenant.columns);
  },
  async downgrade({ op, inspect }) {
    // Dropping the table drops its index too; MySQL would refuse to drop the index on its own while
    // the foreign key needs it.
    if (await inspect.hasTable('audit_log')) await op.dropTable('audit_log');
  },
});
