import {
  AmbiguousParentError,
  InvalidDowngradeTargetError,
  InvalidUpgradeTargetError,
  MultipleHeadsError,
  NotInBranchError,
  RelativeMoveError,
  UnknownBranchError,
  UnknownCurrentRevisionError,
  UnknownRevisionError,
} from './errors.js';
import type { RevisionGraph } from './revision-graph.js';

/** The command a target is resolved for: it decides which relative forms make sense. */
export type TargetPurpose = 'upgrade' | 'downgrade' | 'stamp' | 'show';

/** A target split into its parts: `[branch@][symbol][+N|-N]`. */
export interface ParsedTarget {
  /** The part before `@`: a branch label, or a revision used as one (Alembic's `e@d`). */
  readonly branch?: string;
  /** `head`, `heads`, `base`, a revision id, prefix or label; absent in `+N`, `-N`, `label@-N`. */
  readonly symbol?: string;
  /** The signed step of a relative target. */
  readonly relative?: { readonly up: boolean; readonly steps: number };
}

/** Alembic's `_relative_destination` after the `@`: an optional word, then a signed step count. */
const RELATIVE = /^(\w*)([+-])(\d+)$/;

/**
 * Splits a target into branch, symbol and relative step, without looking at any graph. A label that
 * itself looks relative (`release-2`) must be written `release-2@head`: {@link resolveTarget} checks the
 * declared labels before treating a bare target as relative.
 *
 * @example
 * ```ts
 * import { parseTarget } from '@strata/engine';
 * parseTarget('billing@head-2'); // { branch: 'billing', symbol: 'head', relative: { up: false, steps: 2 } }
 * ```
 */
export function parseTarget(target: string): ParsedTarget {
  const at = target.indexOf('@');
  const branch = at >= 0 ? target.slice(0, at) : undefined;
  const rest = at >= 0 ? target.slice(at + 1) : target;
  const m = RELATIVE.exec(rest);
  const withBranch = branch === undefined ? {} : { branch };
  if (!m) return { ...withBranch, symbol: rest };
  const symbol = m[1] as string;
  return { ...withBranch, ...(symbol ? { symbol } : {}), relative: { up: m[2] === '+', steps: Number(m[3]) } };
}

/**
 * The branch a target names (`billing` in `billing@base`), if any. Pass it as `branch` to
 * `planDowngrade`/`planStamp` so that a labelled downgrade only reverts that branch.
 *
 * @example
 * ```ts
 * import { targetBranch } from '@strata/engine';
 * targetBranch('billing@base'); // 'billing'
 * targetBranch('head'); // undefined
 * ```
 */
export function targetBranch(target: string): string | undefined {
  return parseTarget(target).branch;
}

/** A resolved `label@` part. @internal */
interface BranchRef {
  readonly name: string;
  readonly lineage: ReadonlySet<string>;
}

/**
 * Resolves a target to revision ids (`[]` means base), following Alembic's `RevisionMap`
 * (`_resolve_revision_number`, `_parse_upgrade_target`, `_parse_downgrade_target`, `_walk`):
 *
 * - `head` (the single head, else MultipleHeadsError), `heads`, `base`, a full id, a unique prefix of 4+
 *   characters, a branch label (its revision);
 * - `label@head`, `label@heads`, `label@base` (`[]`; pass {@link targetBranch} to the plan), `label@<rev or
 *   prefix>` (the revision must share lineage with the label's revision; prefixes are looked up inside
 *   that lineage first);
 * - `+N` / `-N` from the current heads (several current heads need a `label@` to pick one; `+N` is no
 *   downgrade target and `-N` no upgrade target); `label@+N` / `label@-N` from the current head on that
 *   branch (or from its base when the branch is not applied yet);
 * - `rev+N`, `rev-N`, `head-N`, `heads-N` (one head only), `base+N`, `label@head-N`, `label@base+N`,
 *   `label@rev+N`.
 *
 * Moves go down through parents and up through children (dependsOn is not followed, as in Alembic); going
 * up from a `label@` only considers that branch. A move that meets a fork or a merge, or runs past a base
 * or a head, throws RelativeMoveError. One step down from a base reaches `base`.
 *
 * @throws UnknownCurrentRevisionError when a current head is not in the graph
 *
 * @example
 * ```ts
 * import { RevisionGraph, resolveTarget, revision } from '@strata/engine';
 * const noop = (): void => undefined;
 * const graph = new RevisionGraph([
 *   revision({ id: 'aaaa', parents: [], upgrade: noop, downgrade: noop }),
 *   revision({ id: 'bbbb', parents: ['aaaa'], upgrade: noop, downgrade: noop }),
 * ]);
 * resolveTarget(graph, '+1', ['aaaa'], 'upgrade'); // ['bbbb']
 * resolveTarget(graph, '-1', ['aaaa'], 'downgrade'); // [] (base)
 * ```
 */
export function resolveTarget(
  graph: RevisionGraph,
  target: string,
  currentHeads: readonly string[],
  purpose: TargetPurpose,
): readonly string[] {
  const unknown = currentHeads.filter((h) => !graph.has(h));
  if (unknown.length) throw new UnknownCurrentRevisionError(unknown);
  const parsed = bareLabel(graph, target) ? { symbol: target } : parseTarget(target);
  const branch = parsed.branch === undefined ? undefined : branchRef(graph, parsed.branch);
  const symbol = parsed.symbol;
  if (!parsed.relative) return absolute(graph, symbol ?? '', branch);
  const { up, steps } = parsed.relative;

  let start: string | null;
  if (symbol !== undefined) {
    start = startOf(graph, symbol, branch, target);
  } else {
    if (up && purpose === 'downgrade') {
      throw new InvalidDowngradeTargetError(target, currentHeads, 'a positive step goes up (use `strata upgrade`)');
    }
    if (!up && purpose === 'upgrade') {
      throw new InvalidUpgradeTargetError(target, currentHeads, 'a negative step goes down (use `strata downgrade`)');
    }
    const starts = currentOn(graph, currentHeads, branch);
    if (starts.length > 1) throw new RelativeMoveError(target, 'multiple-current-heads', starts.join(', '), starts);
    start = starts[0] ?? null;
    if (start === null && !up && steps > 0) throw new RelativeMoveError(target, 'too-far', 'base', []);
  }
  const end = walk(graph, target, start, up, steps, up ? branch : undefined);
  return end === null ? [] : [end];
}

/** True when the whole target is a declared label (so `release-2` is not read as `release` minus 2). */
function bareLabel(graph: RevisionGraph, target: string): boolean {
  return !target.includes('@') && graph.branchLabels().some((l) => l.label === target);
}

function branchRef(graph: RevisionGraph, name: string): BranchRef {
  if (name === '') throw new UnknownBranchError(name);
  return { name, lineage: graph.lineage(graph.resolveBranch(name)) };
}

function headsOn(graph: RevisionGraph, branch: BranchRef | undefined): readonly string[] {
  return branch ? graph.heads().filter((h) => branch.lineage.has(h)) : graph.heads();
}

function absolute(graph: RevisionGraph, symbol: string, branch: BranchRef | undefined): readonly string[] {
  if (symbol === 'heads') return headsOn(graph, branch);
  if (symbol === 'head') {
    const heads = headsOn(graph, branch);
    if (heads.length > 1) throw new MultipleHeadsError(heads, branch ? `${branch.name}@head` : 'head');
    return heads;
  }
  if (symbol === 'base') return [];
  return [revisionIn(graph, symbol, branch)];
}

/** A revision id, prefix or label, which must share lineage with the branch when one is named. */
function revisionIn(graph: RevisionGraph, symbol: string, branch: BranchRef | undefined): string {
  if (!branch) return graph.resolvePrefix(symbol);
  try {
    return graph.resolvePrefix(symbol, { within: branch.lineage, branch: branch.name });
  } catch (error) {
    if (!(error instanceof UnknownRevisionError)) throw error;
    let outside: string;
    try {
      outside = graph.resolvePrefix(symbol);
    } catch {
      throw error;
    }
    throw new NotInBranchError(outside, branch.name);
  }
}

/** The start of `symbol±N`: `head`/`heads` must be a single revision, `base` is below every base. */
function startOf(graph: RevisionGraph, symbol: string, branch: BranchRef | undefined, target: string): string | null {
  if (symbol === 'base') return null;
  if (symbol === 'head' || symbol === 'heads') {
    const heads = headsOn(graph, branch);
    if (heads.length > 1) throw new MultipleHeadsError(heads, target);
    return heads[0] ?? null;
  }
  return revisionIn(graph, symbol, branch);
}

/**
 * The current heads a `+N`/`-N` starts from. With a branch: the current heads in its lineage, or else the
 * tips of the applied revisions in its lineage (the branch is behind another head, or only partly applied).
 */
function currentOn(graph: RevisionGraph, currentHeads: readonly string[], branch: BranchRef | undefined): readonly string[] {
  const current = [...new Set(currentHeads)].sort();
  if (!branch) return current;
  const onBranch = current.filter((h) => branch.lineage.has(h));
  if (onBranch.length) return onBranch;
  const applied = graph.ancestors(current, { inclusive: true });
  return graph.headsOf(applied.filter((id) => branch.lineage.has(id)));
}

/** Alembic's `_walk`, with `no_overwalk`: going past a base or a head is an error, not a stop. */
function walk(
  graph: RevisionGraph,
  target: string,
  start: string | null,
  up: boolean,
  steps: number,
  branch: BranchRef | undefined,
): string | null {
  let at = start;
  for (let i = 0; i < steps; i++) {
    if (up) {
      const next = (at === null ? graph.bases() : graph.children(at)).filter((id) => !branch || branch.lineage.has(id));
      if (next.length === 0) throw new RelativeMoveError(target, 'too-far', at ?? 'base', []);
      if (next.length > 1) throw new RelativeMoveError(target, 'ambiguous', at ?? 'base', next);
      at = next[0] as string;
    } else {
      if (at === null) throw new RelativeMoveError(target, 'too-far', 'base', []);
      const parents = graph.get(at).parents;
      if (parents.length > 1) throw new RelativeMoveError(target, 'ambiguous', at, [...parents].sort());
      at = parents[0] ?? null;
    }
  }
  return at;
}

/**
 * The parents of a new revision: `head` resolved (an id, prefix or `label@head`; `base` for a new,
 * independent base), else the stream's single head (none for an empty stream). Several heads and no
 * `head` throw {@link AmbiguousParentError}.
 *
 * @example
 * ```ts
 * import { newRevisionParents, RevisionGraph } from '@strata/engine';
 * newRevisionParents(new RevisionGraph([]), undefined, 'billing'); // []
 * ```
 */
export function newRevisionParents(graph: RevisionGraph, head: string | undefined, stream: string): string[] {
  if (head === 'base') return [];
  if (head !== undefined) return [...resolveTarget(graph, head, [], 'show')];
  const heads = graph.heads();
  if (heads.length > 1) throw new AmbiguousParentError(stream, heads);
  return [...heads];
}
