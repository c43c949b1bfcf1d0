import type { ExecutorContext } from '@nx/devkit';
import { runStrata } from '../../utils/run-executor';
import { toList } from '../../utils/stream-options';
import type { MigrateMergeExecutorSchema } from './schema';

/**
 * `nx run <project>:migrate-merge -m "..."`: the engine's `mergeCommand` (as `strata merge`), a merge
 * revision whose parents are the heads (or `revisions`), written to disk. Kept as an alias of
 * `nx g @strata/nx:merge <project>`, the generator (which writes through the Tree, so `--dry-run` works).
 */
export default async function migrateMergeExecutor(options: MigrateMergeExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async ({ out, layout, graph }) => {
    const stream = layout();
    const { mergeCommand } = await import('@strata/engine/commands/merge');
    await mergeCommand(out, {
      stream,
      graph: graph(stream),
      revisions: toList(options.revisions),
      ...(options.message !== undefined ? { message: options.message } : {}),
      ...(options.revId !== undefined ? { revId: options.revId } : {}),
    });
  });
}
