import type { ExecutorContext } from '@nx/devkit';
import { UsageError } from '../../utils/errors';
import { runStrata } from '../../utils/run-executor';
import { toList, toTarget } from '../../utils/stream-options';
import { fanOutTenants, namesTenants } from '../../utils/tenants';
import type { MigrateStampExecutorSchema } from './schema';

/** `nx run <project>:migrate-stamp --to=head`: sets the version rows without running revisions (on every tenant with `tenantsFile` or `tenantsSql`). */
export default async function migrateStampExecutor(options: MigrateStampExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async (run) => {
    const { out, settings, graph } = run;
    const targets = toList(toTarget(options.to, 'any'));
    if (targets.length === 0) throw new UsageError('migrate-stamp needs --to: head, a revision id, or base.', 'Example: --to=head (several: --to=a1b2,c3d4).');
    if (namesTenants(options)) return fanOutTenants(run, { command: 'stamp', targets, purge: options.purge === true }, options);
    const stream = settings();
    const { stampCommand } = await import('@strata/engine/commands/stamp');
    await stampCommand(out, { stream, graph: graph(stream), targets, purge: options.purge === true });
    return true;
  });
}
