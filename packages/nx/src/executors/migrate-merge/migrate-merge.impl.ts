import type { ExecutorContext } from '@nx/devkit';
import { UsageError } from '../../utils/errors';
import { runStrata } from '../../utils/run-executor';
import { toList } from '../../utils/stream-options';
import type { MigrateMergeExecutorSchema } from './schema';

/** `nx run <project>:migrate-merge -m "..."`: writes a merge revision whose parents are the heads (or `revisions`). */
export default async function migrateMergeExecutor(options: MigrateMergeExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async ({ engine, out, layout, graph }) => {
    const stream = layout();
    const revisions = graph(stream);
    const requested = toList(options.revisions);
    const parents = engine.mergeParents(revisions, requested.length === 0 ? ['heads'] : requested);
    if (parents.length < 2) {
      throw new UsageError(
        `Nothing to merge in stream "${stream.name}": ${parents.length === 1 ? `only ${parents[0]}` : 'no revision'}${requested.length === 0 ? ' (the stream has a single head)' : ''}.`,
        `A merge needs two or more heads; nx run ${context.projectName ?? '<project>'}:migrate-status lists them.`,
      );
    }
    const message = options.message ?? `merge ${parents.join(', ')}`;
    const written = engine.writeRevisionFile(stream.revisionsDir, { parents, message, ...(options.revId ? { id: options.revId } : {}) });
    out.result({ stream: stream.name, ...written, parents }, () => out.line(`Generating ${written.file} ... done (merge revision ${written.id} of ${parents.join(', ')})`));
  });
}
