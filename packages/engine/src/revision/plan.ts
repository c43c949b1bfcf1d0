import { HeadTracker } from './head-tracker.js';
import { InvalidDowngradeTargetError, UnknownCurrentRevisionError } from './errors.js';
import type { RevisionGraph } from './revision-graph.js';
import type { Revision } from './revision.js';

/** One revision to apply or revert, with the version-table rows before and after it. */
export interface Step {
  readonly direction: 'up' | 'down';
  readonly revision: Revision;
  /** The rows before the step, sorted by id. */
  readonly headsBefore: readonly string[];
  /** The rows after the step, sorted by id (see {@link HeadTracker}). */
  readonly headsAfter: readonly string[];
}

/** What a stamp changes: the new rows, and the revisions it marks applied or no longer applied. */
export interface StampPlan {
  /** The rows after the stamp, sorted by id. */
  readonly heads: string[];
  /** Revisions recorded as applied without running them, in topological order. */
  readonly marked: string[];
  /** Revisions recorded as reverted without running them, dependents first. */
  readonly unmarked: string[];
}

/** Options of {@link planDowngrade} and {@link planStamp}. */
export interface PlanOptions {
  /**
   * The branch the target named (`billing` in `billing@base`, see `targetBranch`): only revisions of that
   * branch, and whatever depends on them, are reverted. With `[]` as targets it reverts the whole branch.
   */
  readonly branch?: string;
}

/**
 * Applies, parents and dependencies first, every ancestor (inclusive, through parents and same-stream
 * dependsOn) of the targets that is not applied yet, whichever branch it sits on: a revision that reached a
 * branch after that branch was merged is applied, not skipped. Targets already applied add nothing.
 *
 * @throws UnknownCurrentRevisionError, UnknownRevisionError
 *
 * @example
 * ```ts
 * import { RevisionGraph, planUpgrade, revision } from '@strata/engine';
 * const noop = (): void => undefined;
 * const graph = new RevisionGraph([
 *   revision({ id: 'aaaa', parents: [], upgrade: noop, downgrade: noop }),
 *   revision({ id: 'bbbb', parents: ['aaaa'], upgrade: noop, downgrade: noop }),
 * ]);
 * planUpgrade(graph, [], graph.heads()).map((s) => s.revision.id); // ['aaaa', 'bbbb']
 * ```
 */
export function planUpgrade(graph: RevisionGraph, currentHeads: readonly string[], targetIds: readonly string[]): Step[] {
  const applied = appliedSet(graph, currentHeads);
  const todo = graph.ancestors(targetIds, { inclusive: true }).filter((id) => !applied.has(id));
  return steps(graph, 'up', currentHeads, todo);
}

/**
 * Reverts, dependents first, every applied revision above the targets, as Alembic does: the revisions
 * descending (through parents, then parents and dependsOn) from a target's children, except ancestors of
 * a target. Branches that do not descend from a target are left alone; a revision that only depends on a
 * target (dependsOn) keeps its requirement and stays. `[]` reverts everything applied, or, with
 * `options.branch`, that branch and what depends on it.
 *
 * @throws InvalidDowngradeTargetError when a target is not applied; UnknownCurrentRevisionError,
 *   UnknownRevisionError, UnknownBranchError
 *
 * @example
 * ```ts
 * import { RevisionGraph, planDowngrade, revision } from '@strata/engine';
 * const noop = (): void => undefined;
 * const graph = new RevisionGraph([
 *   revision({ id: 'aaaa', parents: [], upgrade: noop, downgrade: noop }),
 *   revision({ id: 'bbbb', parents: ['aaaa'], upgrade: noop, downgrade: noop }),
 * ]);
 * planDowngrade(graph, ['bbbb'], []).map((s) => s.revision.id); // ['bbbb', 'aaaa']
 * ```
 */
export function planDowngrade(
  graph: RevisionGraph,
  currentHeads: readonly string[],
  targetIds: readonly string[],
  options: PlanOptions = {},
): Step[] {
  const applied = appliedSet(graph, currentHeads);
  for (const target of targetIds) {
    graph.get(target);
    if (!applied.has(target)) {
      throw new InvalidDowngradeTargetError(target, currentHeads, 'it is not applied (not an ancestor of the current heads)');
    }
  }
  const revert = revertSet(graph, applied, targetIds, options.branch);
  return steps(graph, 'down', currentHeads, graph.sortTopologically(revert).reverse());
}

/**
 * Moves the rows to the targets without running anything, as Alembic's `stamp` does: each target
 * replaces the current heads that are its ancestors or descendants, heads on unrelated lines stay, and
 * the applied set becomes exactly the ancestors of the resulting heads (a stamp from a merge back to
 * one side leaves the other side unapplied, so a later upgrade runs it). `[]` clears every row (or,
 * with `options.branch`, that branch's, as a downgrade to its base would).
 *
 * @throws UnknownCurrentRevisionError, UnknownRevisionError, UnknownBranchError
 *
 * @example
 * ```ts
 * import { RevisionGraph, planStamp, revision } from '@strata/engine';
 * const noop = (): void => undefined;
 * const graph = new RevisionGraph([
 *   revision({ id: 'aaaa', parents: [], upgrade: noop, downgrade: noop }),
 *   revision({ id: 'bbbb', parents: ['aaaa'], upgrade: noop, downgrade: noop }),
 * ]);
 * planStamp(graph, [], ['bbbb']); // { heads: ['bbbb'], marked: ['aaaa', 'bbbb'], unmarked: [] }
 * ```
 */
export function planStamp(
  graph: RevisionGraph,
  currentHeads: readonly string[],
  targetIds: readonly string[],
  options: PlanOptions = {},
): StampPlan {
  const applied = appliedSet(graph, currentHeads);
  let after: Set<string>;
  if (targetIds.length === 0) {
    const revert = revertSet(graph, applied, targetIds, options.branch);
    after = new Set([...applied].filter((id) => !revert.has(id)));
  } else {
    // Alembic's stamp: each target replaces the current heads on its line (its ancestors and its
    // descendants); heads on other lines stay. The rows are then exactly those heads, so a stamp
    // back from a merge to one side leaves that side alone, and the other side counts as not applied.
    const related = (head: string): boolean => targetIds.some((target) => head === target || graph.isAncestor(head, target) || graph.isAncestor(target, head));
    const heads = [...new Set([...currentHeads].filter((head) => !related(head)).concat(targetIds))];
    after = new Set(graph.ancestors(heads, { inclusive: true }));
  }
  return {
    heads: [...graph.headsOf(after)],
    marked: graph.sortTopologically([...after].filter((id) => !applied.has(id))),
    unmarked: graph.sortTopologically([...applied].filter((id) => !after.has(id))).reverse(),
  };
}

/** The applied set: the current heads and all their ancestors. Unknown heads stop here. @internal */
function appliedSet(graph: RevisionGraph, currentHeads: readonly string[]): ReadonlySet<string> {
  const unknown = currentHeads.filter((h) => !graph.has(h));
  if (unknown.length) throw new UnknownCurrentRevisionError(unknown);
  return new Set(graph.ancestors(currentHeads, { inclusive: true }));
}

/**
 * The applied revisions a downgrade to `targets` reverts (Alembic `_collect_downgrade_revisions`): roots
 * are the targets' children through parents (every applied revision for base), narrowed to the branch;
 * then everything applied that descends from a root, except the targets' ancestors. @internal
 */
function revertSet(
  graph: RevisionGraph,
  applied: ReadonlySet<string>,
  targets: readonly string[],
  branch: string | undefined,
): ReadonlySet<string> {
  let roots = targets.length === 0 ? [...applied] : targets.flatMap((t) => graph.children(t)).filter((id) => applied.has(id));
  if (branch !== undefined) {
    const members = graph.branchMembers(branch);
    roots = roots.filter((id) => members.has(id));
  }
  if (roots.length === 0) return new Set();
  const keep = new Set(graph.ancestors(targets, { inclusive: true }));
  return new Set(graph.descendants(roots, { inclusive: true }).filter((id) => applied.has(id) && !keep.has(id)));
}

/** Replays the rows through {@link HeadTracker} to fill each step. @internal */
function steps(graph: RevisionGraph, direction: 'up' | 'down', currentHeads: readonly string[], ids: readonly string[]): Step[] {
  const tracker = new HeadTracker(graph);
  let heads: readonly string[] = [...new Set(currentHeads)].sort();
  return ids.map((id) => {
    const revision = graph.get(id);
    const headsAfter = direction === 'up' ? tracker.up(heads, revision) : tracker.down(heads, revision);
    const step: Step = { direction, revision, headsBefore: heads, headsAfter };
    heads = headsAfter;
    return step;
  });
}
