import { InvalidRangeError, RangeNotAncestorError } from './errors.js';
import { parseTarget, resolveTarget } from './resolve-target.js';
import type { RevisionGraph } from './revision-graph.js';

/**
 * The revisions of a history range `START:END`, newest first (Alembic's `history -r`). Either side
 * may be empty (open), a target (`head`, `base`, an id or prefix, `label@head`, `label@base` as the
 * start, `label@-N` counted from the branch's head), or `current` (the given current heads). Without
 * a range, every revision. A start that is not at or below the end throws
 * `REVISION_RANGE_NOT_ANCESTOR` (with the hint to swap the ends), never an empty list.
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
    const resolve = (t: string): readonly string[] => (t === 'current' ? [...currentHeads] : resolveTarget(graph, fromBranchHead(t), currentHeads, 'show'));
    // undefined: open at that end (base below, the heads above).
    const lower = start === '' || start === 'base' ? undefined : (branchBase(graph, start) ?? resolve(start));
    const upper = end === '' || end === 'heads' ? undefined : end === 'base' ? [] : resolve(end);
    if (lower !== undefined && upper !== undefined && !lower.every((low) => upper.some((high) => low === high || graph.isAncestor(low, high)))) {
      throw new RangeNotAncestorError(range, start, end);
    }
    if (lower !== undefined) within = new Set(graph.descendants(lower, { inclusive: true }));
    if (upper !== undefined) {
      const upTo = new Set(graph.ancestors(upper, { inclusive: true }));
      within = new Set([...within].filter((id) => upTo.has(id)));
    }
  }
  return graph.revisions.map((r) => r.id).filter((id) => within.has(id)).reverse();
}

/**
 * `label@base` as the start of a range: the branch's first revisions (Alembic lists the branch from
 * its base), rather than nothing. Undefined for any other target.
 */
function branchBase(graph: RevisionGraph, target: string): string[] | undefined {
  const parsed = parseTarget(target);
  if (parsed.branch === undefined || parsed.symbol !== 'base' || parsed.relative !== undefined) return undefined;
  const members = graph.branchMembers(parsed.branch);
  return [...members].filter((id) => !graph.get(id).parents.some((parent) => members.has(parent)));
}

/**
 * `label@-N` walks from the branch's head in a history range, as Alembic's does, whatever the
 * database is at (`-i` only marks where it is): it reads as `label@head-N`.
 */
function fromBranchHead(target: string): string {
  const parsed = parseTarget(target);
  if (parsed.branch === undefined || parsed.symbol !== undefined || parsed.relative === undefined) return target;
  return `${parsed.branch}@head${parsed.relative.up ? '+' : '-'}${parsed.relative.steps}`;
}
