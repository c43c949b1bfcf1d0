import type { ExecutorContext } from '@nx/devkit';
import { runStrata } from '../../utils/run-executor';
import type { MigrateRepairExecutorSchema } from './schema';

/**
 * `nx run <project>:migrate-repair`: records the current checksum of every applied revision whose file
 * was edited since it was applied (`strata repair`), so that `migrate` runs again without --allow-changed.
 */
export default async function migrateRepairExecutor(options: MigrateRepairExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async ({ out, settings, graph }) => {
    const stream = settings();
    const { repairCommand } = await import('@strata/engine/commands/repair');
    await repairCommand(out, { stream, graph: graph(stream) });
  });
}
