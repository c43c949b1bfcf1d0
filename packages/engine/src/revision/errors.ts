import { StrataError } from '../errors.js';

/** Formats ids for a message: `a, b and c`. @internal */
function list(ids: readonly string[]): string {
  if (ids.length <= 1) return ids.join('');
  return `${ids.slice(0, -1).join(', ')} and ${ids[ids.length - 1]}`;
}

/** ` (file)` when a file is known. @internal */
function inFile(file: string | undefined): string {
  return file ? ` (${file})` : '';
}

/**
 * A revision file whose default export is not a valid revision (bad id, missing `parents`, a reserved
 * branch label...).
 *
 * @example
 * ```ts
 * import { InvalidRevisionError } from '@strata/engine';
 * const error = new InvalidRevisionError('Invalid revision in a.ts: `id` is missing.', { file: 'a.ts' });
 * console.log(error.code); // REVISION_INVALID
 * ```
 */
export class InvalidRevisionError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_INVALID';
  constructor(message: string, details: { file?: string | undefined; problem?: string | undefined }) {
    super(InvalidRevisionError.CODE, message, {
      hint: 'Fix the revision file so that it default-exports revision({ id, parents, upgrade, downgrade }), then run `strata check`.',
      details: { ...(details.file ? { file: details.file } : {}), ...(details.problem ? { problem: details.problem } : {}) },
    });
  }
}

/**
 * Two revision files declare the same id.
 *
 * @example
 * ```ts
 * import { DuplicateRevisionError } from '@strata/engine';
 * new DuplicateRevisionError('3f2a9c1d4e5b', ['a.ts', 'b.ts']).code; // REVISION_DUPLICATE
 * ```
 */
export class DuplicateRevisionError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_DUPLICATE';
  constructor(revision: string, files: readonly (string | undefined)[]) {
    const known = files.filter((f): f is string => f !== undefined);
    super(DuplicateRevisionError.CODE, `Revision ${revision} is declared more than once${known.length ? ` (${list(known)})` : ''}.`, {
      hint: 'Give one of the files a new id (`strata revision` generates a fresh one) and update the parents that point to it.',
      details: { revision, files: known },
    });
  }
}

/**
 * A revision names a parent that no revision file declares.
 *
 * @example
 * ```ts
 * import { MissingParentError } from '@strata/engine';
 * new MissingParentError('bbbb', 'b.ts', 'aaaa').message; // Revision bbbb (b.ts) names parent aaaa, which does not exist.
 * ```
 */
export class MissingParentError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_MISSING_PARENT';
  constructor(revision: string, file: string | undefined, missing: string) {
    super(MissingParentError.CODE, `Revision ${revision}${inFile(file)} names parent ${missing}, which does not exist.`, {
      hint: `Restore the revision file of ${missing}, or fix \`parents\` of ${revision} (\`strata heads\` lists the candidates).`,
      details: { revision, file: file ?? null, missing },
    });
  }
}

/**
 * A revision lists itself as a parent or a dependency.
 *
 * @example
 * ```ts
 * import { SelfLoopError } from '@strata/engine';
 * new SelfLoopError('aaaa', undefined, 'parents').code; // REVISION_SELF_LOOP
 * ```
 */
export class SelfLoopError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_SELF_LOOP';
  constructor(revision: string, file: string | undefined, field: 'parents' | 'dependsOn') {
    super(SelfLoopError.CODE, `Revision ${revision}${inFile(file)} names itself in \`${field}\`.`, {
      hint: `Remove ${revision} from its own \`${field}\`.`,
      details: { revision, file: file ?? null, field },
    });
  }
}

/**
 * The `parents` links form a cycle.
 *
 * @example
 * ```ts
 * import { CycleError } from '@strata/engine';
 * new CycleError(['aaaa', 'bbbb']).message; // Cycle in revision parents: aaaa -> bbbb -> aaaa.
 * ```
 */
export class CycleError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_CYCLE';
  constructor(cycle: readonly string[]) {
    super(CycleError.CODE, `Cycle in revision parents: ${[...cycle, cycle[0]].join(' -> ')}.`, {
      hint: 'Fix `parents` in one of these revisions so that history only goes back in time.',
      details: { revisions: [...cycle] },
    });
  }
}

/**
 * `parents` and same-stream `dependsOn` links together form a cycle.
 *
 * @example
 * ```ts
 * import { DependencyCycleError } from '@strata/engine';
 * new DependencyCycleError(['aaaa', 'bbbb']).code; // REVISION_DEPENDENCY_CYCLE
 * ```
 */
export class DependencyCycleError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_DEPENDENCY_CYCLE';
  constructor(cycle: readonly string[]) {
    super(DependencyCycleError.CODE, `Cycle through dependsOn: ${[...cycle, cycle[0]].join(' -> ')}.`, {
      hint: 'Remove one `dependsOn` entry of these revisions: a revision cannot depend on its own descendants.',
      details: { revisions: [...cycle] },
    });
  }
}

/**
 * A `dependsOn` entry names a revision of the same stream that does not exist.
 *
 * @example
 * ```ts
 * import { UnknownDependencyError } from '@strata/engine';
 * new UnknownDependencyError('bbbb', undefined, 'cccc').code; // REVISION_UNKNOWN_DEPENDENCY
 * ```
 */
export class UnknownDependencyError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_UNKNOWN_DEPENDENCY';
  constructor(revision: string, file: string | undefined, missing: string) {
    super(UnknownDependencyError.CODE, `Revision ${revision}${inFile(file)} depends on ${missing}, which is not a revision of this stream.`, {
      hint: `Fix \`dependsOn\` of ${revision}; a revision of another stream is written \`<stream>@<id>\`.`,
      details: { revision, file: file ?? null, missing },
    });
  }
}

/**
 * A branch label is declared by two revisions, or collides with a revision id or a reserved word.
 *
 * @example
 * ```ts
 * import { DuplicateLabelError } from '@strata/engine';
 * new DuplicateLabelError('billing', ['aaaa', 'bbbb']).code; // REVISION_DUPLICATE_LABEL
 * ```
 */
export class DuplicateLabelError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_DUPLICATE_LABEL';
  constructor(label: string, revisions: readonly string[]) {
    super(DuplicateLabelError.CODE, `Branch label '${label}' is used by more than one revision or id: ${list(revisions)}.`, {
      hint: `Keep '${label}' on one revision only (labels propagate to its descendants) and rename the other.`,
      details: { label, revisions: [...revisions] },
    });
  }
}

/**
 * A revision prefix matches several revisions.
 *
 * @example
 * ```ts
 * import { AmbiguousPrefixError } from '@strata/engine';
 * new AmbiguousPrefixError('3f2a', ['3f2a11', '3f2a22']).code; // REVISION_AMBIGUOUS_PREFIX
 * ```
 */
export class AmbiguousPrefixError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_AMBIGUOUS_PREFIX';
  constructor(prefix: string, candidates: readonly string[]) {
    super(AmbiguousPrefixError.CODE, `Revision prefix '${prefix}' matches ${candidates.length} revisions: ${list(candidates)}.`, {
      hint: 'Type more characters of the id (`strata history` lists them).',
      details: { prefix, candidates: [...candidates] },
    });
  }
}

/**
 * No revision has this id or prefix.
 *
 * @example
 * ```ts
 * import { UnknownRevisionError } from '@strata/engine';
 * new UnknownRevisionError('zzzz').code; // REVISION_UNKNOWN
 * ```
 */
export class UnknownRevisionError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_UNKNOWN';
  constructor(revision: string, branch?: string) {
    const short = revision.length < 4 ? '; a prefix needs at least 4 characters' : '';
    const where = branch ? ` on branch '${branch}'` : '';
    super(UnknownRevisionError.CODE, `No revision '${revision}'${where}${short}.`, {
      hint: 'Run `strata history` to list the revisions, or `strata heads` for the heads.',
      details: { revision, branch: branch ?? null },
    });
  }
}

/**
 * The part before `@` in a target is neither a branch label nor a revision.
 *
 * @example
 * ```ts
 * import { UnknownBranchError } from '@strata/engine';
 * new UnknownBranchError('billing').code; // REVISION_UNKNOWN_BRANCH
 * ```
 */
export class UnknownBranchError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_UNKNOWN_BRANCH';
  constructor(branch: string) {
    super(UnknownBranchError.CODE, `No branch label or revision '${branch}'.`, {
      hint: 'Run `strata branches` to list the branch labels.',
      details: { branch },
    });
  }
}

/**
 * `label@rev` names a revision that is neither an ancestor nor a descendant of the labelled revision.
 *
 * @example
 * ```ts
 * import { NotInBranchError } from '@strata/engine';
 * new NotInBranchError('bbbb', 'billing').code; // REVISION_NOT_IN_BRANCH
 * ```
 */
export class NotInBranchError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_NOT_IN_BRANCH';
  constructor(revision: string, branch: string) {
    super(NotInBranchError.CODE, `Revision ${revision} is not a member of branch '${branch}'.`, {
      hint: `Drop the \`${branch}@\` prefix, or pick a revision of that branch (\`strata history\`).`,
      details: { revision, branch },
    });
  }
}

/**
 * `head` (or `label@head`) is ambiguous because there are several heads.
 *
 * @example
 * ```ts
 * import { MultipleHeadsError } from '@strata/engine';
 * new MultipleHeadsError(['aaaa', 'bbbb'], 'head').code; // REVISION_MULTIPLE_HEADS
 * ```
 */
export class MultipleHeadsError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_MULTIPLE_HEADS';
  constructor(heads: readonly string[], argument: string) {
    super(
      MultipleHeadsError.CODE,
      `'${argument}' is ambiguous: there are ${heads.length} heads (${list(heads)}). ` +
        'Use `heads`, a specific revision, `<label>@head`, or `strata merge` to join them.',
      {
        hint: `strata merge ${heads.join(' ')} -m "merge heads"`,
        details: { heads: [...heads], argument },
      },
    );
  }
}

/**
 * A new revision needs one parent and the stream has several heads: `strata revision` (plain or
 * `--autogenerate`) and `nx g @strata/nx:migration` without `--head`.
 *
 * @example
 * ```ts
 * import { AmbiguousParentError } from '@strata/engine';
 * new AmbiguousParentError('billing', ['aaaa', 'bbbb']).code; // REVISION_AMBIGUOUS_PARENT
 * ```
 */
export class AmbiguousParentError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_AMBIGUOUS_PARENT';
  constructor(stream: string, heads: readonly string[]) {
    super(AmbiguousParentError.CODE, `Stream "${stream}" has ${heads.length} heads (${list(heads)}); a new revision needs one parent.`, {
      hint: `Pass --head <rev> to build on one of them (--head ${heads[0] ?? '<rev>'}), or join them first with \`strata merge -m "merge heads"\`.`,
      details: { stream, heads: [...heads] },
    });
  }
}

/**
 * `strata merge` (or `nx g @strata/nx:merge`) was left with fewer than two revisions to join.
 *
 * @example
 * ```ts
 * import { NothingToMergeError } from '@strata/engine';
 * new NothingToMergeError('billing', ['aaaa'], true).code; // REVISION_NOTHING_TO_MERGE
 * ```
 */
export class NothingToMergeError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_NOTHING_TO_MERGE';
  /** `parents`: what the request resolved to; `allHeads`: no revision was named (the default, every head). */
  constructor(stream: string, parents: readonly string[], allHeads: boolean) {
    super(
      NothingToMergeError.CODE,
      `Nothing to merge in stream "${stream}": ${parents.length === 1 ? `only ${parents[0]}` : 'no revision'}${allHeads ? ' (the stream has a single head)' : ' given'}.`,
      { hint: 'A merge needs two or more heads; `strata heads` lists them.', details: { stream, parents: [...parents] } },
    );
  }
}

/** Why a relative move (`+N`, `-N`, `rev+N`, `label@-N`...) cannot be made. */
export type RelativeMoveProblem = 'too-far' | 'ambiguous' | 'multiple-current-heads';

/**
 * A relative move cannot be made: it runs past a base or a head, meets a branch or merge point where the
 * way on is ambiguous, or starts from several current heads.
 *
 * @example
 * ```ts
 * import { RelativeMoveError } from '@strata/engine';
 * new RelativeMoveError('+3', 'too-far', 'bbbb', []).code; // REVISION_RELATIVE_MOVE
 * ```
 */
export class RelativeMoveError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_RELATIVE_MOVE';
  /**
   * @param target the target as written
   * @param problem what stopped the walk
   * @param at the revision the walk stood on (`base` below every base)
   * @param candidates the ways on (ambiguous) or the current heads (multiple-current-heads)
   */
  constructor(target: string, problem: RelativeMoveProblem, at: string, candidates: readonly string[]) {
    const message =
      problem === 'too-far'
        ? `Relative target '${target}' goes past the ${target.includes('+') ? 'head' : 'base'}: the walk stops at ${at}.`
        : problem === 'ambiguous'
          ? `Relative target '${target}' is ambiguous at ${at}: it can go on to ${list(candidates)}.`
          : `Relative target '${target}' is ambiguous: there are several current heads (${list(candidates)}).`;
    const hint =
      problem === 'too-far'
        ? 'Use a smaller step, or `head` / `base`.'
        : problem === 'ambiguous'
          ? `Name the revision instead (one of ${list(candidates)}), or use \`<label>@${target.replace(/^.*@/, '')}\`.`
          : `Use \`<label>@${target.replace(/^.*@/, '')}\` or \`<revision>${target.replace(/^.*@/, '')}\` to choose the branch.`;
    super(RelativeMoveError.CODE, message, { hint, details: { target, problem, at, candidates: [...candidates] } });
  }
}

/**
 * A downgrade target that is not applied (not an ancestor of the current heads), or a relative target
 * that points up.
 *
 * @example
 * ```ts
 * import { InvalidDowngradeTargetError } from '@strata/engine';
 * new InvalidDowngradeTargetError('cccc', ['bbbb'], 'it is not applied').code; // REVISION_INVALID_DOWNGRADE_TARGET
 * ```
 */
export class InvalidDowngradeTargetError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_INVALID_DOWNGRADE_TARGET';
  constructor(target: string, currentHeads: readonly string[], reason: string) {
    const current = currentHeads.length ? list(currentHeads) : 'base (nothing applied)';
    super(InvalidDowngradeTargetError.CODE, `Cannot downgrade to '${target}': ${reason}. The database is at ${current}.`, {
      hint: 'Run `strata current` and pick an applied revision, `-N`, or `base`; `strata upgrade` moves forward.',
      details: { target, currentHeads: [...currentHeads], reason },
    });
  }
}

/**
 * An upgrade target that points down (`-N` without a revision).
 *
 * @example
 * ```ts
 * import { InvalidUpgradeTargetError } from '@strata/engine';
 * new InvalidUpgradeTargetError('-1', ['bbbb'], 'a negative step goes down').code; // REVISION_INVALID_UPGRADE_TARGET
 * ```
 */
export class InvalidUpgradeTargetError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_INVALID_UPGRADE_TARGET';
  constructor(target: string, currentHeads: readonly string[], reason: string) {
    super(InvalidUpgradeTargetError.CODE, `Cannot upgrade to '${target}': ${reason}.`, {
      hint: `Use \`strata downgrade ${target}\` to go back, or \`+N\`, \`head\`, \`heads\` to go forward.`,
      details: { target, currentHeads: [...currentHeads], reason },
    });
  }
}

/**
 * The version table holds revisions that no revision file declares.
 *
 * @example
 * ```ts
 * import { UnknownCurrentRevisionError } from '@strata/engine';
 * new UnknownCurrentRevisionError(['dead']).code; // REVISION_UNKNOWN_CURRENT
 * ```
 */
export class UnknownCurrentRevisionError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'REVISION_UNKNOWN_CURRENT';
  constructor(unknown: readonly string[]) {
    super(
      UnknownCurrentRevisionError.CODE,
      `The database is at ${list(unknown)}, which ${unknown.length > 1 ? 'are' : 'is'} not among the revision files.`,
      {
        hint: 'Restore the missing revision files (another branch?), or record the real state with `strata stamp <revision>` (`strata stamp --purge` to start over).',
        details: { unknown: [...unknown] },
      },
    );
  }
}

/** A history range is not `START:END`. */
export class InvalidRangeError extends StrataError {
  static readonly CODE = 'REVISION_INVALID_RANGE';
  constructor(range: string) {
    super(InvalidRangeError.CODE, `A range is START:END (either side may be empty), not "${range}".`, {
      hint: 'For example `-r base:head`, `-r current:` or `-r 3f2a:`.',
      details: { range },
    });
  }
}

/**
 * A merge names a revision that is not a head: something builds on it already, so a merge of it
 * would leave the stream with as many heads as before (Alembic: "is not a head revision").
 *
 * @example
 * ```ts
 * import { MergeNotHeadError } from '@strata/engine';
 * new MergeNotHeadError('cccc00000003', ['dddd00000004'], ['dddd00000004', 'eeee00000005']).code; // 'REVISION_MERGE_NOT_HEAD'
 * ```
 */
export class MergeNotHeadError extends StrataError {
  static readonly CODE = 'REVISION_MERGE_NOT_HEAD';
  constructor(revision: string, children: readonly string[], heads: readonly string[]) {
    super(
      MergeNotHeadError.CODE,
      `Revision ${revision} is not a head: ${list(children)} ${children.length > 1 ? 'build' : 'builds'} on it, so a merge of it would not join any heads.`,
      {
        hint: `Merge heads only; the heads are ${list(heads)}.`,
        details: { revision, children: [...children], heads: [...heads] },
      },
    );
  }
}

/**
 * A history range whose start is not an ancestor of its end (Alembic: "does not refer to
 * ancestor/descendant revisions"): it would list nothing, which reads as "no history".
 *
 * @example
 * ```ts
 * import { RangeNotAncestorError } from '@strata/engine';
 * new RangeNotAncestorError('cccc:aaaa', 'cccc', 'aaaa').hint; // 'Swap the ends: -r aaaa:cccc.'
 * ```
 */
export class RangeNotAncestorError extends StrataError {
  static readonly CODE = 'REVISION_RANGE_NOT_ANCESTOR';
  constructor(range: string, start: string, end: string) {
    super(RangeNotAncestorError.CODE, `The range ${range} does not go from an ancestor to a descendant: ${start} is not at or below ${end}.`, {
      hint: end === 'base' ? `Nothing is below base; to list from ${start} up, use -r ${start}:heads.` : `Swap the ends: -r ${end}:${start}.`,
      details: { range, start, end },
    });
  }
}

/** Every code declared in this file; a test asserts they are unique. */
export const REVISION_ERROR_CODES: readonly string[] = [
  InvalidRevisionError.CODE,
  DuplicateRevisionError.CODE,
  MissingParentError.CODE,
  SelfLoopError.CODE,
  CycleError.CODE,
  DependencyCycleError.CODE,
  UnknownDependencyError.CODE,
  DuplicateLabelError.CODE,
  AmbiguousPrefixError.CODE,
  UnknownRevisionError.CODE,
  UnknownBranchError.CODE,
  NotInBranchError.CODE,
  MultipleHeadsError.CODE,
  RelativeMoveError.CODE,
  InvalidDowngradeTargetError.CODE,
  InvalidUpgradeTargetError.CODE,
  UnknownCurrentRevisionError.CODE,
  InvalidRangeError.CODE,
  MergeNotHeadError.CODE,
  RangeNotAncestorError.CODE,
  AmbiguousParentError.CODE,
  NothingToMergeError.CODE,
];
