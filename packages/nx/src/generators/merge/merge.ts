import { formatFiles, type Tree } from '@nx/devkit';
import { loadEngine } from '../../utils/engine';
import { asGeneratorError } from '../../utils/generator-errors';
import { generatorOutput, listOption, revisionGraph, streamOfProject, treeRevisionWriter } from '../../utils/revision-files';
import type { MergeGeneratorSchema } from './schema';

/**
 * `nx g @strata/nx:merge <project>`: the engine's `mergeCommand` (as `strata merge`), a merge revision
 * whose parents are the stream's heads (or `--revisions`), written through the Tree, so `--dry-run`
 * shows it without writing it. The `migrate-merge` target does the same through the executor.
 *
 * @example
 * ```ts
 * import { mergeGenerator } from '@strata/nx';
 * await mergeGenerator(tree, { project: 'billing', message: 'merge the invoices branch' });
 * ```
 */
export async function mergeGenerator(tree: Tree, options: MergeGeneratorSchema): Promise<void> {
  try {
    const engine = await loadEngine();
    const { layout } = await streamOfProject(engine, tree, options.project);
    await engine.mergeCommand(generatorOutput(engine), {
      stream: layout,
      graph: revisionGraph(engine, layout),
      revisions: listOption(options.revisions),
      writer: treeRevisionWriter(engine, tree),
      ...(options.message !== undefined ? { message: options.message } : {}),
      ...(options.revId !== undefined ? { revId: options.revId } : {}),
    });
  } catch (error) {
    throw asGeneratorError(error, { tree, project: options.project });
  }
  if (options.skipFormat === false) await formatFiles(tree);
}

export default mergeGenerator;
