import type { ExecutorContext } from '@nx/devkit';
import { mergeFields } from '../../utils/revision-files';
import { runStrata } from '../../utils/run-executor';
import { toList } from '../../utils/stream-options';
import type { MigrateMergeExecutorSchema } from './schema';

/**
 * `nx run <project>:migrate-merge -m "..."`: writes a merge revision whose parents are the heads (or
 * `revisions`). Kept as an alias of `nx g @strata/nx:merge <project>`, the generator (which writes through
 * the Tree, so `--dry-run` works); both take their parents and message from the same `mergeFields`.
 */
export default async function migrateMergeExecutor(options: MigrateMergeExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async ({ engine, out, layout, graph }) => {
    const stream = layout();
    const { parents, message } = mergeFields(engine, graph(stream), {
      stream: stream.name,
      revisions: toList(options.revisions),
      message: options.message,
      status: `nx run ${context.projectName ?? '<project>'}:migrate-status`,
    });
    const written = engine.writeRevisionFile(stream.revisionsDir, { parents, message, ...(options.revId ? { id: options.revId } : {}) });
    out.result({ stream: stream.name, ...written, parents }, () => out.line(`Generating ${written.file} ... done (merge revision ${written.id} of ${parents.join(', ')})`));
  });
}
