import { formatFiles, type Tree } from '@nx/devkit';
import { loadEngine } from '../../utils/engine';
import { asGeneratorError } from '../../utils/generator-errors';
import { listOption, logWritten, mergeFields, revisionGraph, streamOfProject, writeRevisionToTree } from '../../utils/revision-files';
import type { MergeGeneratorSchema } from './schema';

/**
 * `nx g @strata/nx:merge <project>`: a merge revision whose parents are the stream's heads (or
 * `--revisions`), rendered by the engine as `strata merge` renders it and written through the Tree, so
 * `--dry-run` shows it without writing it. The `migrate-merge` target does the same through the executor.
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
    const { parents, message } = mergeFields(engine, revisionGraph(engine, layout), {
      stream: layout.name,
      revisions: listOption(options.revisions),
      message: options.message,
      status: `nx run ${options.project}:migrate-status`,
    });
    const createdAt = new Date();
    const id = options.revId ?? engine.newRevisionId();
    const source = engine.renderRevisionSource({ id, parents, message, createdAt });
    logWritten(writeRevisionToTree(engine, tree, layout.revisionsDir, createdAt, message, source), id, parents);
  } catch (error) {
    throw asGeneratorError(error, { tree, project: options.project });
  }
  if (options.skipFormat === false) await formatFiles(tree);
}

export default mergeGenerator;
