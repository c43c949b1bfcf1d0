import type { ExecutorContext } from '@nx/devkit';
import { runStrata } from '../../utils/run-executor';
import type { MigrateRepairExecutorSchema } from './schema';

/**
 * `nx run <project>:migrate-repair`: records the current checksum of every applied revision whose file
 * was edited since it was applied (`strata repair`), so that `migrate` runs again without --allow-changed.
 */
export default async function migrateRepairExecutor(options: MigrateRepairExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async ({ engine, out, settings, graph }) => {
    const stream = settings();
    const result = await engine.repair({ stream, graph: graph(stream) });
    out.result(result, () => {
      for (const entry of result.repaired) {
        out.line(`  repaired  ${entry.id}${entry.file ? ` (${entry.file})` : ''}: ${entry.recorded ?? '<none>'} -> ${entry.current}`);
      }
      const count = result.repaired.length;
      out.line(
        count === 0
          ? `Stream "${result.stream}": every applied revision matches its recorded checksum; nothing to repair.`
          : `Stream "${result.stream}": recorded the current checksum of ${count} edited revision${count === 1 ? '' : 's'}.`,
      );
    });
  });
}
