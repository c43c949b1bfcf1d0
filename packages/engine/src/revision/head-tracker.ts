import type { RevisionGraph } from './revision-graph.js';
import type { Revision } from './revision.js';

/**
 * Computes the version-table rows after each step, as Alembic's `HeadMaintainer` does
 * (`runtime/migration.py`): the rows are the heads of the applied set, where the applied set is every
 * ancestor (parents and same-stream dependsOn) of the rows.
 *
 * - Applying a revision replaces the rows it requires (its parents and same-stream dependencies) by its
 *   own row: one parent row moves along, several collapse into one (merge), none adds a row (a new
 *   branch or a base).
 * - Reverting a revision removes its row and restores those of its parents and dependencies that are not
 *   already below another row (unmerge).
 *
 * dependsOn targets: like Alembic, whose steps use `_normalized_down_revisions` (parents plus
 * dependencies), a revision's dependency does not keep its own row once the revision is applied: the
 * dependent's row implies it. Reverting the dependent brings the dependency's row back.
 *
 * Pure: no database. The runner writes the difference between two row sets to the version table.
 *
 * @example
 * ```ts
 * import { HeadTracker, RevisionGraph, revision } from '@strata/engine';
 * const noop = (): void => undefined;
 * const graph = new RevisionGraph([
 *   revision({ id: 'aaaa', parents: [], upgrade: noop, downgrade: noop }),
 *   revision({ id: 'bbbb', parents: ['aaaa'], upgrade: noop, downgrade: noop }),
 * ]);
 * const tracker = new HeadTracker(graph);
 * tracker.up(['aaaa'], graph.get('bbbb')); // ['bbbb']
 * tracker.down(['bbbb'], graph.get('bbbb')); // ['aaaa']
 * ```
 */
export class HeadTracker {
  readonly #graph: RevisionGraph;

  constructor(graph: RevisionGraph) {
    this.#graph = graph;
  }

  /**
   * The rows after applying `revision` on top of `heads`. Every revision it requires must already be
   * applied (the plan guarantees it); a revision already in the rows is a bug in the caller.
   *
   * @returns the new rows, sorted by id
   */
  up(heads: readonly string[], revision: Revision | string): readonly string[] {
    const id = typeof revision === 'string' ? revision : revision.id;
    if (heads.includes(id)) throw new Error(`HeadTracker.up: ${id} is already a current head (${heads.join(', ')}).`);
    const required = new Set(this.#graph.requires(id));
    return [...heads.filter((h) => !required.has(h)), id].sort(compareIds);
  }

  /**
   * The rows after reverting `revision`, which must be one of `heads` (the plan reverts dependents
   * first, so it always is).
   *
   * @returns the new rows, sorted by id
   */
  down(heads: readonly string[], revision: Revision | string): readonly string[] {
    const id = typeof revision === 'string' ? revision : revision.id;
    if (!heads.includes(id)) throw new Error(`HeadTracker.down: ${id} is not a current head (${heads.join(', ')}).`);
    const others = heads.filter((h) => h !== id);
    const restored = this.#graph.requires(id).filter((r) => !others.includes(r));
    if (restored.length === 0) return [...others].sort(compareIds);
    // A parent or dependency below another row stays implied by that row; only the rest get a row back.
    const implied = new Set(this.#graph.strictAncestorsAmong(restored, [...others, ...restored]));
    return [...others, ...restored.filter((r) => !implied.has(r))].sort(compareIds);
  }
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
