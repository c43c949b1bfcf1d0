import { InvalidRangeError } from './errors.js';
import { resolveTarget } from './resolve-target.js';
import type { RevisionGraph } from './revision-graph.js';

/**
 * The revisions of a history range `START:END`, newest first (Alembic's `history -r`). Either side
 * may be empty (open), a target (`head`, `base`, an id or prefix, `label@head`), or `current` (the
 * given current heads). Without a range, every revision.
 *
 * @example
 * ```ts
 * import { loadRevisions, RevisionGraph, revisionsInRange } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('migrations'));
 * revisionsInRange(graph, 'base:head', []); // every id, newest first
 * ```
 */
export function revisionsInRange(graph: RevisionGraph, range: string | undefined, currentHeads: readonly string[]): string[] {
  let within: Set<string> = new Set(graph.revisions.map((r) => r.id));
  if (range !== undefined) {
    const parts = range.split(':');
    if (parts.length !== 2) throw new InvalidRangeError(range);
    const [start, end] = parts as [string, string];
    const resolve = (t: string) => (t === 'current' ? [...currentHeads] : resolveTarget(graph, t, currentHeads, 'show'));
    if (start !== '' && start !== 'base') within = new Set(graph.descendants(resolve(start), { inclusive: true }));
    if (end !== '' && end !== 'heads') {
      const upTo = new Set(graph.ancestors(resolve(end), { inclusive: true }));
      within = new Set([...within].filter((id) => upTo.has(id)));
    }
  }
  return graph.revisions.map((r) => r.id).filter((id) => within.has(id)).reverse();
}
