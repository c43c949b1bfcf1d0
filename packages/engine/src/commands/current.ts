import type { StreamSettings } from '../config/stream-settings.js';
import { redactUrl } from '../dialects/url.js';
import { markers, revisionBlock, revisionJson } from '../report/format-revision.js';
import type { Output } from '../report/output.js';
import type { RevisionGraph } from '../revision/revision-graph.js';
import { current } from '../runner/runner.js';

/** Where a stream's database stands against its revisions: what {@link currentCommand} and {@link statusCommand} print. */
export interface StreamStatus {
  readonly stream: string;
  /** The revisions the database is at (its rows of strata_version). */
  readonly current: readonly string[];
  /** Those of {@link current} no revision file has. */
  readonly unknown: readonly string[];
  /** Whether the database is at every head of the graph. */
  readonly atHead: boolean;
  /** How many revisions are not applied yet. */
  readonly pending: number;
}

/**
 * @internal Reads the stream's version rows (without locking or creating anything) and sets them
 * against the graph.
 */
export async function readStreamStatus(stream: StreamSettings, graph: RevisionGraph): Promise<StreamStatus> {
  const { heads } = await current(stream);
  const known = heads.filter((id) => graph.has(id));
  const allHeads = graph.heads();
  return {
    stream: stream.name,
    current: heads,
    unknown: heads.filter((id) => !graph.has(id)),
    atHead: heads.length === allHeads.length && heads.every((id) => allHeads.includes(id)),
    pending: graph.revisions.length - (known.length === 0 ? 0 : graph.ancestors(known, { inclusive: true }).length),
  };
}

/**
 * `strata current`: the revisions the database is at, one line each (`verbose`: in full); an id no
 * file has is named as such. `--json`: `{ stream, heads, revisions, unknown, isHead }`.
 *
 * @example
 * ```ts
 * import { currentCommand, loadRevisions, Output, resolveStreamSettings, RevisionGraph } from '@strata/engine';
 * const stream = resolveStreamSettings({ cwd: 'apps/accounts' });
 * await currentCommand(new Output({ json: false }), { stream, graph: new RevisionGraph(loadRevisions(stream.revisionsDir)) });
 * ```
 */
export async function currentCommand(out: Output, options: { readonly stream: StreamSettings; readonly graph: RevisionGraph; readonly verbose?: boolean }): Promise<StreamStatus> {
  const { stream, graph } = options;
  const status = await readStreamStatus(stream, graph);
  const known = status.current.filter((id) => graph.has(id));
  out.result(
    { stream: stream.name, heads: status.current, revisions: known.map((id) => revisionJson(graph, graph.get(id))), unknown: status.unknown, isHead: status.atHead },
    () => {
      if (status.current.length === 0) out.line(`Stream "${stream.name}": <base> (nothing applied)`);
      for (const id of known) out.line(options.verbose === true ? revisionBlock(graph, graph.get(id), new Set(status.current)) : `${id}${markers(graph, id)}, ${graph.get(id).message}`);
      for (const id of status.unknown) out.line(`${id} (no revision file has this id: was it deleted, or is this the wrong folder?)`);
    },
  );
  return status;
}

/**
 * The Nx `migrate-status` target: where the database is (`strata current`) beside the stream's heads
 * (`strata heads`), and how many revisions are left to apply with the command that applies them
 * (`upgrade`, in the caller's spelling). `--json`: `{ stream, current, heads, unknown, atHead, pending }`.
 *
 * @example
 * ```ts
 * import { loadRevisions, Output, resolveStreamSettings, RevisionGraph, statusCommand } from '@strata/engine';
 * const stream = resolveStreamSettings({ cwd: 'apps/accounts' });
 * const graph = new RevisionGraph(loadRevisions(stream.revisionsDir));
 * await statusCommand(new Output({ json: false }), { stream, graph, upgrade: 'strata upgrade head' });
 * ```
 */
export async function statusCommand(
  out: Output,
  options: { readonly stream: StreamSettings; readonly graph: RevisionGraph; readonly resolveDependencies?: boolean; readonly upgrade: string },
): Promise<StreamStatus> {
  const { stream, graph } = options;
  const status = await readStreamStatus(stream, graph);
  const heads = options.resolveDependencies === true ? graph.headsResolvingDependencies() : graph.heads();
  const describe = (id: string): string => (graph.has(id) ? `${id}  ${graph.get(id).message || '(no message)'}` : `${id}  (no revision file has this id)`);
  out.result({ ...status, heads }, () => {
    out.line(`Stream "${stream.name}" (${stream.dialect}, ${redactUrl(stream.url)})`);
    out.line(`  current:${status.current.length === 0 ? ' <base> (nothing applied)' : ''}`);
    for (const id of status.current) out.line(`    ${describe(id)}`);
    out.line(`  heads:${heads.length === 0 ? ' (no revisions)' : ''}`);
    for (const id of heads) out.line(`    ${describe(id)}`);
    out.line(status.atHead ? '  Up to date.' : `  ${status.pending} revision(s) to apply: ${options.upgrade}`);
  });
  return status;
}
