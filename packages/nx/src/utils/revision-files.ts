import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { logger, readProjectConfiguration, type Tree } from '@nx/devkit';
import type { RevisionGraph, StreamLayout } from '@strata/engine';
import type { Engine } from './engine';
import { UsageError } from './errors';

/** A list option given once or several times (`--rename a.b=c --rename d.e=f`, or `a.b=c,d.e=f`). */
export function listOption(value: string[] | string | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : value.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** The project's folder on disk and its stream layout (config files are read from disk, as the engine does). */
export async function streamOfProject(engine: Engine, tree: Tree, projectName: string): Promise<{ root: string; layout: StreamLayout }> {
  const project = readProjectConfiguration(tree, projectName);
  const layout = engine.resolveStreamSettings({ cwd: join(tree.root, project.root), requireUrl: false });
  return { root: project.root, layout };
}

/** The stream's revisions; an empty graph when the folder does not exist yet. */
export function revisionGraph(engine: Engine, layout: Pick<StreamLayout, 'revisionsDir'>): RevisionGraph {
  return existsSync(layout.revisionsDir) ? new engine.RevisionGraph(engine.loadRevisions(layout.revisionsDir)) : new engine.RevisionGraph([]);
}

/**
 * Writes a revision's source through the Tree (so `--dry-run` writes nothing), at the engine's file name
 * in the stream's revisions folder; never over an existing file. Returns the workspace-relative path.
 */
export function writeRevisionToTree(engine: Engine, tree: Tree, revisionsDir: string, createdAt: Date, message: string, source: string): string {
  const path = relative(tree.root, join(revisionsDir, engine.revisionFileName(createdAt, message))).split(sep).join('/');
  if (tree.exists(path)) throw new engine.RevisionFileExistsError(join(tree.root, path));
  tree.write(path, source);
  return path;
}

/** The ids a new revision builds on: `--head`, else the single head. */
export function parentsFor(engine: Engine, graph: RevisionGraph, head: string | undefined, stream: string): string[] {
  if (head === 'base') return [];
  if (head !== undefined) return [...engine.resolveTarget(graph, head, [], 'show')];
  const heads = graph.heads();
  if (heads.length > 1) throw new engine.MultipleHeadsToGenerateError(stream, heads);
  return [...heads];
}

/** Logs a written revision the way `strata revision` prints it. */
export function logWritten(path: string, id: string, parents: readonly string[]): void {
  logger.info(`Generating ${path} ... done (revision ${id}, parent ${parents.join(', ') || '<base>'})`);
}

/**
 * The parents and message of a merge revision, for `nx g @strata/nx:merge` and the `migrate-merge`
 * target alike: the requested revisions (default: every head) through the engine's `mergeParents`, and
 * a refusal naming `status` (the command that lists the heads) when fewer than two are left.
 */
export function mergeFields(
  engine: Engine,
  graph: RevisionGraph,
  options: { stream: string; revisions: readonly string[]; message: string | undefined; status: string },
): { parents: string[]; message: string } {
  const parents = engine.mergeParents(graph, options.revisions.length === 0 ? ['heads'] : options.revisions);
  if (parents.length < 2) {
    throw new UsageError(
      `Nothing to merge in stream "${options.stream}": ${parents.length === 1 ? `only ${parents[0]}` : 'no revision'}${options.revisions.length === 0 ? ' (the stream has a single head)' : ''}.`,
      `A merge needs two or more heads; ${options.status} lists them.`,
    );
  }
  return { parents, message: options.message ?? `merge ${parents.join(', ')}` };
}
