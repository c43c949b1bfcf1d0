import type { StreamLayout } from '../config/stream-settings.js';
import { NothingToMergeError } from '../revision/errors.js';
import type { Output } from '../report/output.js';
import { mergeParents } from '../revision/merge-parents.js';
import type { RevisionGraph } from '../revision/revision-graph.js';
import { newRevisionId, renderRevisionSource, revisionFileName } from '../revision/write-revision.js';
import { DISK_REVISION_WRITER, type RevisionFileWriter } from './revision.js';

/** What {@link mergeCommand} joins. */
export interface MergeCommandOptions {
  readonly stream: StreamLayout;
  readonly graph: RevisionGraph;
  /** The revisions to join (ids, prefixes, `heads`...); default: every head. */
  readonly revisions?: readonly string[];
  /** Default: `merge <ids>`. */
  readonly message?: string;
  /** The id to use instead of a random one. */
  readonly revId?: string;
  /** Default: {@link DISK_REVISION_WRITER}. */
  readonly writer?: RevisionFileWriter;
}

/** What {@link mergeCommand} wrote. */
export interface MergeCommandResult {
  readonly stream: string;
  /** The path the writer reported (absolute on disk). */
  readonly file: string;
  readonly id: string;
  readonly parents: readonly string[];
}

/**
 * `strata merge`, `nx g @strata/nx:merge` and the `migrate-merge` target: a revision whose parents are
 * the given revisions (default: every head), with empty upgrade and downgrade, printed as
 * `Generating <file> ... done (merge revision <id> of <ids>)`. Fewer than two revisions to join throw
 * `NothingToMergeError`.
 *
 * @example
 * ```ts
 * import { loadRevisions, mergeCommand, Output, resolveStreamSettings, RevisionGraph } from '@strata/engine';
 * const stream = resolveStreamSettings({ cwd: 'apps/accounts', requireUrl: false });
 * await mergeCommand(new Output({ json: false }), { stream, graph: new RevisionGraph(loadRevisions(stream.revisionsDir)) });
 * ```
 */
export async function mergeCommand(out: Output, options: MergeCommandOptions): Promise<MergeCommandResult> {
  const { stream, graph } = options;
  const requested = options.revisions ?? [];
  const parents = mergeParents(graph, requested.length === 0 ? ['heads'] : requested);
  if (parents.length < 2) throw new NothingToMergeError(stream.name, parents, requested.length === 0);
  const message = options.message ?? `merge ${parents.join(', ')}`;
  const createdAt = new Date();
  const id = options.revId ?? newRevisionId();
  const source = renderRevisionSource({ id, parents, message, createdAt });
  const file = (options.writer ?? DISK_REVISION_WRITER).write(stream.revisionsDir, revisionFileName(createdAt, message), source);
  const result: MergeCommandResult = { stream: stream.name, file, id, parents };
  out.result(result, () => out.line(`Generating ${file} ... done (merge revision ${id} of ${parents.join(', ')})`));
  return result;
}
