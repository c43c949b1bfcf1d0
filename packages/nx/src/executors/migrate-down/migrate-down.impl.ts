import type { ExecutorContext } from '@nx/devkit';
import { UsageError } from '../../utils/errors';
import { runStrata } from '../../utils/run-executor';
import { toTarget } from '../../utils/stream-options';
import { fanOutTenants, namesTenants } from '../../utils/tenants';
import { migrate } from '../migrate/migrate.impl';
import type { MigrateDownExecutorSchema } from './schema';

/**
 * `nx run <project>:migrate-down --to=-1`: reverts revisions down to `to` (required). The streams that
 * depend on this one are passed to the engine, which refuses a downgrade that would strand them unless
 * `--cascade` reverts them first. With `tenantsFile` or `tenantsSql`, reverts every tenant database.
 */
export default async function migrateDownExecutor(options: MigrateDownExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async (run) => {
    const target = toTarget(options.to, 'down');
    if (target === undefined) throw new UsageError('migrate-down needs --to: -1, a revision id, or base.', `Example: nx run ${context.projectName ?? '<project>'}:${context.targetName ?? 'migrate-down'} --to=-1`);
    const single = {
      sql: { set: options.sql, why: 'renders a script without a database' },
      cascade: { set: options.cascade, why: 'reverts the dependent streams of one database' },
    };
    if (namesTenants(options, single)) {
      return fanOutTenants(run, { command: 'downgrade', target, allowChanged: options.allowChanged === true, strict: options.strict === true }, options);
    }
    await migrate(run, 'down', target, options);
    return true;
  });
}
