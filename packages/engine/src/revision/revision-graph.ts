import {
  AmbiguousPrefixError,
  CycleError,
  DependencyCycleError,
  DuplicateLabelError,
  DuplicateRevisionError,
  InvalidRevisionError,
  MissingParentError,
  SelfLoopError,
  UnknownBranchError,
  UnknownDependencyError,
  UnknownRevisionError,
} from './errors.js';
import type { Revision } from './revision.js';

/** A `dependsOn` entry that names a revision of another stream (`accounts@3f2a9c1d4e5b`). */
export interface ExternalDependency {
  /** The other stream's name. */
  readonly stream: string;
  /** The revision id in that stream, as written (never resolved here). */
  readonly revision: string;
}

/** Options of {@link RevisionGraph.ancestors} and {@link RevisionGraph.descendants}. */
export interface WalkOptions {
  /** Include the starting revisions themselves (default false). */
  readonly inclusive?: boolean;
}

/** Options of {@link RevisionGraph.resolvePrefix}. */
export interface ResolvePrefixOptions {
  /** Only consider these revisions (used by `label@prefix`, which looks inside the branch first). */
  readonly within?: ReadonlySet<string>;
  /** The branch named in the target, for the error message. */
  readonly branch?: string;
}

/** Words that are targets in their own right and so cannot be branch labels. */
const RESERVED_LABELS: ReadonlySet<string> = new Set(['head', 'heads', 'base']);

/** Minimum length of a revision prefix, as in Alembic. */
const MIN_PREFIX = 4;

/**
 * The revisions of one stream as a validated DAG: pure (no fs, no DB, no clock), built once, then queried.
 *
 * Edges: `parents` (Alembic's down_revision) and same-stream `dependsOn`. Heads, bases, branch and merge
 * points and relative moves follow `parents` only, as in Alembic; ancestors, descendants and the
 * topological order follow both. `dependsOn` entries written `stream@id` are kept as
 * {@link ExternalDependency} and never resolved here.
 *
 * Construction validates: duplicate ids, self-loops, missing parents, unknown same-stream dependencies,
 * reserved or duplicate branch labels, cycles through parents, then cycles mixing parents and dependsOn.
 * It runs in O(n log n) (Kahn's algorithm with a heap ordered by id).
 *
 * @example
 * ```ts
 * import { RevisionGraph, revision } from '@strata/engine';
 * const noop = (): void => undefined;
 * const graph = new RevisionGraph([
 *   revision({ id: 'aaaa', parents: [], upgrade: noop, downgrade: noop }),
 *   revision({ id: 'bbbb', parents: ['aaaa'], upgrade: noop, downgrade: noop }),
 * ]);
 * graph.heads(); // ['bbbb']
 * ```
 */
export class RevisionGraph {
  readonly #order: readonly Revision[];
  readonly #pos: ReadonlyMap<string, number>;
  readonly #parents: readonly (readonly number[])[];
  readonly #deps: readonly (readonly number[])[];
  readonly #children: readonly (readonly number[])[];
  readonly #dependents: readonly (readonly number[])[];
  readonly #down: readonly (readonly number[])[];
  readonly #up: readonly (readonly number[])[];
  readonly #external: ReadonlyMap<string, readonly ExternalDependency[]>;
  readonly #labelOwner: ReadonlyMap<string, number>;
  readonly #labels: readonly (readonly string[])[];
  readonly #sortedIds: readonly string[];
  readonly #heads: readonly string[];
  readonly #bases: readonly string[];

  /**
   * Validates and indexes the revisions.
   *
   * @throws DuplicateRevisionError, SelfLoopError, MissingParentError, UnknownDependencyError,
   *   InvalidRevisionError (reserved label), DuplicateLabelError, CycleError, DependencyCycleError
   */
  constructor(revisions: readonly Revision[]) {
    const byId = new Map<string, Revision>();
    for (const r of revisions) {
      const seen = byId.get(r.id);
      if (seen) throw new DuplicateRevisionError(r.id, [seen.file, r.file]);
      byId.set(r.id, r);
    }
    const sortedIds = [...byId.keys()].sort();
    const rank = new Map(sortedIds.map((id, i) => [id, i] as const));
    const n = sortedIds.length;
    const parentsByRank: number[][] = [];
    const depsByRank: number[][] = [];
    const external = new Map<string, ExternalDependency[]>();
    const labelOwnerRank = new Map<string, number>();
    // A dependsOn entry may name a branch label: the revision that carries it.
    const labelled = new Map<string, string>();
    for (const r of revisions) for (const label of r.branchLabels) if (!labelled.has(label)) labelled.set(label, r.id);
    for (let i = 0; i < n; i++) {
      const r = byId.get(sortedIds[i] as string) as Revision;
      const parents: number[] = [];
      for (const p of r.parents) {
        if (p === r.id) throw new SelfLoopError(r.id, r.file, 'parents');
        const pr = rank.get(p);
        if (pr === undefined) throw new MissingParentError(r.id, r.file, p);
        if (!parents.includes(pr)) parents.push(pr);
      }
      const deps: number[] = [];
      const ext: ExternalDependency[] = [];
      for (const d of r.dependsOn) {
        const at = d.indexOf('@');
        if (at >= 0) {
          ext.push({ stream: d.slice(0, at), revision: d.slice(at + 1) });
          continue;
        }
        const target = rank.has(d) ? d : labelled.get(d);
        if (target === r.id) throw new SelfLoopError(r.id, r.file, 'dependsOn');
        const dr = target === undefined ? undefined : rank.get(target);
        if (dr === undefined) throw new UnknownDependencyError(r.id, r.file, d);
        if (!parents.includes(dr) && !deps.includes(dr)) deps.push(dr);
      }
      parentsByRank.push(parents);
      depsByRank.push(deps);
      if (ext.length) external.set(r.id, ext);
      for (const label of r.branchLabels) {
        if (RESERVED_LABELS.has(label)) {
          throw new InvalidRevisionError(`Invalid revision ${r.id}${r.file ? ` in ${r.file}` : ''}: branch label '${label}' is a reserved word.`, {
            file: r.file,
          });
        }
        const owner = labelOwnerRank.get(label);
        if (owner !== undefined) throw new DuplicateLabelError(label, [sortedIds[owner] as string, r.id]);
        if (rank.has(label) && label !== r.id) throw new DuplicateLabelError(label, [label, r.id]);
        labelOwnerRank.set(label, i);
      }
    }

    // Parents alone must be acyclic (CycleError); then parents + dependsOn (DependencyCycleError).
    const parentsOnly = topologicalOrder(parentsByRank);
    if (parentsOnly.cycle) throw new CycleError(parentsOnly.cycle.map((i) => sortedIds[i] as string));
    const downByRank = parentsByRank.map((ps, i) => [...ps, ...(depsByRank[i] as number[])]);
    const full = topologicalOrder(downByRank);
    if (full.cycle) throw new DependencyCycleError(full.cycle.map((i) => sortedIds[i] as string));

    // Re-index everything by topological position.
    const posOfRank = new Array<number>(n);
    full.order.forEach((r, p) => (posOfRank[r] = p));
    const toPos = (ranks: readonly number[]): number[] => ranks.map((r) => posOfRank[r] as number);
    this.#order = full.order.map((r) => byId.get(sortedIds[r] as string) as Revision);
    this.#pos = new Map(this.#order.map((r, p) => [r.id, p] as const));
    this.#parents = full.order.map((r) => toPos(parentsByRank[r] as number[]));
    this.#deps = full.order.map((r) => toPos(depsByRank[r] as number[]));
    const children: number[][] = this.#order.map(() => []);
    const dependents: number[][] = this.#order.map(() => []);
    for (let p = 0; p < n; p++) {
      for (const parent of this.#parents[p] as number[]) (children[parent] as number[]).push(p);
      for (const dep of this.#deps[p] as number[]) (dependents[dep] as number[]).push(p);
    }
    const byId2 = (a: number, b: number): number => compareIds(this.#idAt(a), this.#idAt(b));
    for (const list of children) list.sort(byId2);
    for (const list of dependents) list.sort(byId2);
    this.#children = children;
    this.#dependents = dependents;
    this.#down = this.#parents.map((ps, p) => [...ps, ...(this.#deps[p] as number[])]);
    this.#up = children.map((cs, p) => [...cs, ...(dependents[p] as number[])]);
    this.#external = external;
    this.#labelOwner = new Map([...labelOwnerRank].map(([label, r]) => [label, posOfRank[r] as number] as const));
    this.#labels = this.#propagateLabels();
    this.#sortedIds = sortedIds;
    this.#heads = this.#selectIds((p) => (this.#children[p] as number[]).length === 0);
    this.#bases = this.#selectIds((p) => (this.#parents[p] as number[]).length === 0);
  }

  /** Every revision in topological order: parents and same-stream dependencies first, ties broken by id. */
  get revisions(): readonly Revision[] {
    return this.#order;
  }

  /** Whether a revision with exactly this id exists. */
  has(id: string): boolean {
    return this.#pos.has(id);
  }

  /**
   * The revision with exactly this id.
   *
   * @throws UnknownRevisionError
   */
  get(id: string): Revision {
    return this.#order[this.#at(id)] as Revision;
  }

  /** Revisions no other revision names as parent (Alembic's heads), sorted by id. A revision only depended on is still a head. */
  heads(): readonly string[] {
    return this.#heads;
  }

  /**
   * The heads that no revision depends on either (Alembic's `heads --resolve-dependencies`): a
   * revision another one lists in `dependsOn` is reached by upgrading that one, so it is no head of its own.
   */
  headsResolvingDependencies(): readonly string[] {
    return this.#heads.filter((id) => this.dependents(id).length === 0);
  }

  /** Revisions with no parents, sorted by id (they may have `dependsOn`). */
  bases(): readonly string[] {
    return this.#bases;
  }

  /** Revisions that two or more revisions name as parent, sorted by id. */
  branchPoints(): readonly string[] {
    return this.#selectIds((p) => (this.#children[p] as number[]).length > 1);
  }

  /** Revisions with two or more parents, sorted by id. */
  mergePoints(): readonly string[] {
    return this.#selectIds((p) => (this.#parents[p] as number[]).length > 1);
  }

  /** Revisions that name `id` as a parent, sorted by id. @throws UnknownRevisionError */
  children(id: string): readonly string[] {
    return this.#ids(this.#children[this.#at(id)] as number[]);
  }

  /** Same-stream revisions that list `id` in `dependsOn` (and not as a parent), sorted by id. @throws UnknownRevisionError */
  dependents(id: string): readonly string[] {
    return this.#ids(this.#dependents[this.#at(id)] as number[]);
  }

  /** What must be applied right before `id`: its parents, then its same-stream dependencies. @throws UnknownRevisionError */
  requires(id: string): readonly string[] {
    return this.#ids(this.#down[this.#at(id)] as number[]);
  }

  /** The `stream@id` entries of `dependsOn`, unresolved. @throws UnknownRevisionError */
  externalDependencies(id: string): readonly ExternalDependency[] {
    this.#at(id);
    return this.#external.get(id) ?? [];
  }

  /**
   * Everything the given revisions need, through parents and same-stream dependsOn, in topological order.
   *
   * @throws UnknownRevisionError
   */
  ancestors(ids: Iterable<string>, options: WalkOptions = {}): readonly string[] {
    return this.#ids(this.#reach([...ids].map((id) => this.#at(id)), this.#down, options.inclusive ?? false));
  }

  /**
   * Everything that needs the given revisions, through parents and same-stream dependsOn, in topological order.
   *
   * @throws UnknownRevisionError
   */
  descendants(ids: Iterable<string>, options: WalkOptions = {}): readonly string[] {
    return this.#ids(this.#reach([...ids].map((id) => this.#at(id)), this.#up, options.inclusive ?? false));
  }

  /**
   * Whether `ancestor` is a strict ancestor of `descendant` (parents and same-stream dependsOn).
   * The walk only visits revisions between the two in topological order.
   *
   * @throws UnknownRevisionError
   */
  isAncestor(ancestor: string, descendant: string): boolean {
    const a = this.#at(ancestor);
    const d = this.#at(descendant);
    return a !== d && this.#strictAncestorsAbove([d], a).has(a);
  }

  /**
   * The heads of a set: its revisions that are no ancestor of another of its revisions, sorted by id.
   * For the applied set these are the version-table rows.
   *
   * @throws UnknownRevisionError
   */
  headsOf(ids: Iterable<string>): readonly string[] {
    const members = [...new Set([...ids].map((id) => this.#at(id)))];
    if (members.length === 0) return [];
    const floor = Math.min(...members);
    const below = this.#strictAncestorsAbove(members, floor);
    return this.#ids(members.filter((p) => !below.has(p))).sort(compareIds);
  }

  /**
   * Those of `candidates` that are a strict ancestor of one of `of` (parents and same-stream dependsOn).
   * Only revisions above the lowest candidate are visited, so checking a step's parents costs the span
   * between the rows, not the whole history.
   *
   * @throws UnknownRevisionError
   */
  strictAncestorsAmong(candidates: Iterable<string>, of: Iterable<string>): readonly string[] {
    const wanted = [...new Set([...candidates].map((id) => this.#at(id)))];
    if (wanted.length === 0) return [];
    const below = this.#strictAncestorsAbove([...of].map((id) => this.#at(id)), Math.min(...wanted));
    return this.#ids(wanted.filter((p) => below.has(p))).sort(compareIds);
  }

  /** Sorts ids into the graph's topological order. @throws UnknownRevisionError */
  sortTopologically(ids: Iterable<string>): string[] {
    return [...new Set(ids)].map((id) => this.#at(id)).sort((a, b) => a - b).map((p) => this.#idAt(p));
  }

  /**
   * The effective branch labels of a revision, sorted. As in Alembic (`RevisionMap._add_branches`), a label
   * applies to the revision that declares it, to all its descendants through parents, and to its ancestors
   * down the single-parent line until a branch point (counting dependents) or a merge point, which stay
   * unlabelled. (Alembic starts that downward walk from the last descendant it happened to visit; Strata
   * starts it from the labelled revision, which gives the same result without depending on visit order.)
   *
   * @throws UnknownRevisionError
   */
  labelsOf(id: string): readonly string[] {
    return this.#labels[this.#at(id)] as readonly string[];
  }

  /** Every declared branch label with the revision that declares it, sorted by label. */
  branchLabels(): readonly { readonly label: string; readonly revision: string }[] {
    return [...this.#labelOwner]
      .map(([label, p]) => ({ label, revision: this.#idAt(p) }))
      .sort((a, b) => compareIds(a.label, b.label));
  }

  /**
   * The revision a branch reference points at: the revision declaring the label, or else a revision id
   * or unique prefix (Alembic accepts `e@d` where `e` is a revision).
   *
   * @throws UnknownBranchError, AmbiguousPrefixError
   */
  resolveBranch(labelOrRevision: string): string {
    const owner = this.#labelOwner.get(labelOrRevision);
    if (owner !== undefined) return this.#idAt(owner);
    try {
      return this.resolvePrefix(labelOrRevision);
    } catch (error) {
      if (error instanceof UnknownRevisionError) throw new UnknownBranchError(labelOrRevision);
      throw error;
    }
  }

  /**
   * The revisions that share lineage with `id` through parents: its ancestors, itself and its descendants
   * (Alembic's `_shares_lineage`, used by `label@...` targets).
   *
   * @throws UnknownRevisionError
   */
  lineage(id: string): ReadonlySet<string> {
    const p = this.#at(id);
    const parentsOnly = this.#reach([p], this.#parents, true);
    const childrenOnly = this.#reach([p], this.#children, false);
    return new Set(this.#ids([...parentsOnly, ...childrenOnly]));
  }

  /**
   * The revisions a branch reference covers: those carrying the label (see {@link labelsOf}), or, when the
   * reference is a revision rather than a label, that revision's {@link lineage}.
   *
   * @throws UnknownBranchError
   */
  branchMembers(labelOrRevision: string): ReadonlySet<string> {
    if (!this.#labelOwner.has(labelOrRevision)) return this.lineage(this.resolveBranch(labelOrRevision));
    const members = new Set<string>();
    this.#labels.forEach((labels, p) => {
      if (labels.includes(labelOrRevision)) members.add(this.#idAt(p));
    });
    return members;
  }

  /**
   * A full id, a branch label's revision, or the one revision whose id starts with a prefix of 4+ characters.
   *
   * @throws AmbiguousPrefixError when several revisions match, UnknownRevisionError when none does
   */
  resolvePrefix(idOrPrefix: string, options: ResolvePrefixOptions = {}): string {
    const within = options.within;
    if (this.#pos.has(idOrPrefix) && (!within || within.has(idOrPrefix))) return idOrPrefix;
    const owner = this.#labelOwner.get(idOrPrefix);
    if (owner !== undefined && (!within || within.has(this.#idAt(owner)))) return this.#idAt(owner);
    if (idOrPrefix.length < MIN_PREFIX) throw new UnknownRevisionError(idOrPrefix, options.branch);
    const candidates: string[] = [];
    for (let i = lowerBound(this.#sortedIds, idOrPrefix); i < this.#sortedIds.length; i++) {
      const id = this.#sortedIds[i] as string;
      if (!id.startsWith(idOrPrefix)) break;
      if (!within || within.has(id)) candidates.push(id);
    }
    if (candidates.length === 1) return candidates[0] as string;
    if (candidates.length > 1) throw new AmbiguousPrefixError(idOrPrefix, candidates);
    throw new UnknownRevisionError(idOrPrefix, options.branch);
  }

  #at(id: string): number {
    const p = this.#pos.get(id);
    if (p === undefined) throw new UnknownRevisionError(id);
    return p;
  }

  #idAt(p: number): string {
    return (this.#order[p] as Revision).id;
  }

  #ids(positions: Iterable<number>): string[] {
    return [...positions].map((p) => this.#idAt(p));
  }

  #selectIds(keep: (p: number) => boolean): readonly string[] {
    const out: string[] = [];
    for (let p = 0; p < this.#order.length; p++) if (keep(p)) out.push(this.#idAt(p));
    return out.sort(compareIds);
  }

  /** Positions reachable from `starts` along `edges`, ascending (hence topological). */
  #reach(starts: readonly number[], edges: readonly (readonly number[])[], inclusive: boolean): number[] {
    const seen = new Uint8Array(this.#order.length);
    const stack: number[] = [];
    for (const s of starts) {
      if (inclusive) {
        if (!seen[s]) {
          seen[s] = 1;
          stack.push(s);
        }
      } else {
        stack.push(s);
      }
    }
    // Non-inclusive starts are expanded without being marked, so a start reached from another start counts.
    const expanded = new Uint8Array(this.#order.length);
    while (stack.length) {
      const p = stack.pop() as number;
      if (expanded[p]) continue;
      expanded[p] = 1;
      for (const q of edges[p] as number[]) {
        if (!seen[q]) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    const out: number[] = [];
    for (let p = 0; p < seen.length; p++) if (seen[p]) out.push(p);
    return out;
  }

  /**
   * Strict ancestors of `starts` whose position is at least `floor`. Ancestors sit before their
   * descendants in topological order, so nothing below `floor` can lead back up to it: pruning there keeps
   * a step's bookkeeping proportional to the revisions between the rows, not to the whole history.
   */
  #strictAncestorsAbove(starts: readonly number[], floor: number): Set<number> {
    const seen = new Set<number>();
    const stack = [...starts];
    const expanded = new Set<number>();
    while (stack.length) {
      const p = stack.pop() as number;
      if (expanded.has(p)) continue;
      expanded.add(p);
      for (const q of this.#down[p] as number[]) {
        if (q >= floor && !seen.has(q)) {
          seen.add(q);
          stack.push(q);
        }
      }
    }
    return seen;
  }

  #propagateLabels(): readonly (readonly string[])[] {
    const sets: Set<string>[] = this.#order.map(() => new Set<string>());
    for (const [label, owner] of this.#labelOwner) {
      for (const p of this.#reach([owner], this.#children, true)) (sets[p] as Set<string>).add(label);
      let p = owner;
      for (;;) {
        const parents = this.#parents[p] as number[];
        const branchPoint = (this.#up[p] as number[]).length > 1;
        if (branchPoint || parents.length > 1) break;
        (sets[p] as Set<string>).add(label);
        if (parents.length === 0) break;
        p = parents[0] as number;
      }
    }
    return sets.map((s) => [...s].sort(compareIds));
  }
}

/** Plain code-unit order, so results do not depend on the locale. @internal */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** First index whose value is >= `key` in a sorted array. @internal */
function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Kahn's algorithm over ranks (ids sorted), always emitting the smallest ready rank, so the order is
 * deterministic. `down[i]` lists what `i` needs. When nodes are left over, returns one cycle among them.
 * @internal
 */
function topologicalOrder(down: readonly (readonly number[])[]): { order: number[]; cycle?: number[] } {
  const n = down.length;
  const pending = down.map((d) => d.length);
  const up: number[][] = down.map(() => []);
  down.forEach((ds, i) => ds.forEach((d) => (up[d] as number[]).push(i)));
  const heap = new MinHeap();
  for (let i = 0; i < n; i++) if (pending[i] === 0) heap.push(i);
  const order: number[] = [];
  while (heap.size) {
    const i = heap.pop();
    order.push(i);
    for (const u of up[i] as number[]) {
      pending[u] = (pending[u] as number) - 1;
      if (pending[u] === 0) heap.push(u);
    }
  }
  if (order.length === n) return { order };
  // Every left-over node still waits on a left-over node: follow those links until one repeats.
  const left = (i: number): boolean => (pending[i] as number) > 0;
  let at = pending.findIndex((c) => c > 0);
  const path: number[] = [];
  const where = new Map<number, number>();
  while (!where.has(at)) {
    where.set(at, path.length);
    path.push(at);
    at = Math.min(...(down[at] as number[]).filter(left));
  }
  const cycle = path.slice(where.get(at)).reverse();
  const start = cycle.indexOf(Math.min(...cycle));
  return { order, cycle: [...cycle.slice(start), ...cycle.slice(0, start)] };
}

/** A binary min-heap of numbers. @internal */
class MinHeap {
  readonly #items: number[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(value: number): void {
    const a = this.#items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((a[parent] as number) <= value) break;
      a[i] = a[parent] as number;
      i = parent;
    }
    a[i] = value;
  }

  pop(): number {
    const a = this.#items;
    const top = a[0] as number;
    const last = a.pop() as number;
    if (a.length) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && (a[r] as number) < (a[l] as number) ? r : l;
        if ((a[c] as number) >= last) break;
        a[i] = a[c] as number;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
