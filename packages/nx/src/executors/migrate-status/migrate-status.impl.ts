import type { ExecutorContext } from '@nx/devkit';
import { runStrata } from '../../utils/run-executor';
import { fanOutTenants, namesTenants } from '../../utils/tenants';
import type { MigrateStatusExecutorSchema } from './schema';

/**
 * `nx run <project>:migrate-status`: the engine's `statusCommand`, the revisions the database is at
 * (`strata current`) beside the stream's heads (`strata heads`), and whether the database is at head.
 * With `tenantsFile` or `tenantsSql`, a census: how many tenants stand at which revisions (`strata current --targets`).
 */
export default async function migrateStatusExecutor(options: MigrateStatusExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async (run) => {
    const { out, settings, graph } = run;
    if (namesTenants(options)) return fanOutTenants(run, { command: 'current' }, options);
    const stream = settings();
    const { statusCommand } = await import('@strata/engine/commands/current');
    await statusCommand(out, {
      stream,
      graph: graph(stream),
      resolveDependencies: options.resolveDependencies === true,
      upgrade: `nx run ${context.projectName ?? '<project>'}:migrate`,
    });
    return true;
  });
}
