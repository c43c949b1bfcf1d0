import type { ExecutorContext } from '@nx/devkit';
import { loadEngine } from '../../utils/engine';
import { runStrata } from '../../utils/run-executor';
import type { MigrateHistoryExecutorSchema } from './schema';

/**
 * `nx run <project>:migrate-history`: the stream's revisions, newest first (Alembic's history), or with
 * `--applied` the ledger rows (`strata_history`), newest first too (the engine's `reportAppliedHistory`).
 */
export default async function migrateHistoryExecutor(options: MigrateHistoryExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async ({ out, settings, layout, graph }) => {
    if (options.applied) {
      const stream = settings();
      const engine = await loadEngine();
      engine.reportAppliedHistory(out, stream.name, await engine.appliedHistory(stream), options.verbose === true);
      return;
    }
    const stream = layout();
    const { historyCommand } = await import('@strata/engine/commands/history');
    await historyCommand(out, {
      stream,
      graph: graph(stream),
      ...(options.rev === undefined ? {} : { range: options.rev }),
      indicateCurrent: options.indicateCurrent === true,
      verbose: options.verbose === true,
      currentHeads: async () => (await (await loadEngine()).current(settings())).heads,
    });
  });
}
