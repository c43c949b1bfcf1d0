import { MergeNotHeadError } from './errors.js';
import { resolveTarget } from './resolve-target.js';
import type { RevisionGraph } from './revision-graph.js';

/**
 * The parents of a merge revision: the requested revisions (`heads` for every head; ids, prefixes,
 * labels), resolved, distinct and sorted. Each must be a head: a revision something already builds on
 * cannot be joined (`MergeNotHeadError`, naming what builds on it). Fewer than two parents is the
 * caller's to refuse, in its own words.
 *
 * @example
 * ```ts
 * import { RevisionGraph, mergeParents, revision } from '@strata/engine';
 * const noop = (): void => undefined;
 * const graph = new RevisionGraph([
 *   revision({ id: 'aaaa', parents: [], upgrade: noop, downgrade: noop }),
 *   revision({ id: 'bbbb', parents: ['aaaa'], upgrade: noop, downgrade: noop }),
 *   revision({ id: 'cccc', parents: ['aaaa'], upgrade: noop, downgrade: noop }),
 * ]);
 * mergeParents(graph, ['heads']); // ['bbbb', 'cccc']
 * ```
 */
export function mergeParents(graph: RevisionGraph, requested: readonly string[]): string[] {
  const heads = graph.heads();
  const parents = [...new Set(requested.flatMap((r) => (r === 'heads' ? heads : resolveTarget(graph, r, [], 'show'))))].sort();
  for (const parent of parents) {
    if (!heads.includes(parent)) throw new MergeNotHeadError(parent, graph.children(parent), heads);
  }
  return parents;
}
