import { describe, expect, it } from 'vitest';
import { StrataError } from '../errors.js';
import {
  AmbiguousPrefixError,
  CycleError,
  DependencyCycleError,
  DuplicateLabelError,
  DuplicateRevisionError,
  InvalidDowngradeTargetError,
  InvalidRevisionError,
  InvalidUpgradeTargetError,
  MissingParentError,
  MultipleHeadsError,
  NotInBranchError,
  REVISION_ERROR_CODES,
  RelativeMoveError,
  SelfLoopError,
  UnknownBranchError,
  UnknownCurrentRevisionError,
  InvalidRangeError,
  MergeNotHeadError,
  RangeNotAncestorError,
  AmbiguousParentError,
  NothingToMergeError,
  UnknownDependencyError,
  UnknownRevisionError,
} from './errors.js';
import { RevisionGraph } from './revision-graph.js';
import { graph, id, rev, short, thrown } from './__fixtures__/graph-fixture.js';


describe('revision errors', () => {
  it('have unique REVISION_ codes', () => {
    expect(new Set(REVISION_ERROR_CODES).size).toBe(REVISION_ERROR_CODES.length);
    for (const code of REVISION_ERROR_CODES) expect(code).toMatch(/^REVISION_[A-Z_]+$/);
  });

  it('carry their code, a hint and JSON-safe details', () => {
    const errors: StrataError[] = [
      new InvalidRevisionError('bad', { file: 'a.ts' }),
      new DuplicateRevisionError('aaaa', ['a.ts', 'b.ts']),
      new MissingParentError('bbbb', 'b.ts', 'aaaa'),
      new SelfLoopError('aaaa', undefined, 'parents'),
      new CycleError(['aaaa', 'bbbb']),
      new DependencyCycleError(['aaaa', 'bbbb']),
      new UnknownDependencyError('bbbb', undefined, 'cccc'),
      new DuplicateLabelError('x', ['aaaa', 'bbbb']),
      new AmbiguousPrefixError('aaaa', ['aaaa1', 'aaaa2']),
      new UnknownRevisionError('zzzz'),
      new UnknownBranchError('nope'),
      new NotInBranchError('bbbb', 'x'),
      new MultipleHeadsError(['aaaa', 'bbbb'], 'head'),
      new RelativeMoveError('+1', 'too-far', 'bbbb', []),
      new InvalidDowngradeTargetError('cccc', ['bbbb'], 'it is not applied'),
      new InvalidUpgradeTargetError('-1', ['bbbb'], 'a negative step goes down'),
      new UnknownCurrentRevisionError(['dead']),
      new InvalidRangeError('nocolon'),
      new MergeNotHeadError('cccc', ['dddd'], ['dddd', 'eeee']),
      new RangeNotAncestorError('cccc:aaaa', 'cccc', 'aaaa'),
      new AmbiguousParentError('s', ['aaaa', 'bbbb']),
      new NothingToMergeError('s', ['aaaa'], true),
    ];
    expect(errors.map((e) => e.code).sort()).toEqual([...REVISION_ERROR_CODES].sort());
    for (const e of errors) {
      expect(e.hint).toBeTruthy();
      expect(JSON.parse(JSON.stringify(e.details))).toEqual(e.details);
      expect(e.code).toBe((e.constructor as unknown as { CODE: string }).CODE);
    }
  });
});

describe('LinearTest: a <- b <- c', () => {
  const g = graph('a', 'b<-a', 'c<-b');

  it('has one head, one base and no branch or merge point', () => {
    expect(short(g.heads())).toEqual(['c']);
    expect(short(g.bases())).toEqual(['a']);
    expect(g.branchPoints()).toEqual([]);
    expect(g.mergePoints()).toEqual([]);
    expect(short(g.revisions.map((r) => r.id))).toEqual(['a', 'b', 'c']);
  });

  it('walks ancestors and descendants', () => {
    expect(short(g.ancestors([id('c')]))).toEqual(['a', 'b']);
    expect(short(g.ancestors([id('c')], { inclusive: true }))).toEqual(['a', 'b', 'c']);
    expect(short(g.descendants([id('a')]))).toEqual(['b', 'c']);
    expect(short(g.descendants([id('a')], { inclusive: true }))).toEqual(['a', 'b', 'c']);
    expect(short(g.ancestors([id('b'), id('c')]))).toEqual(['a', 'b']);
    expect(short(g.children(id('a')))).toEqual(['b']);
    expect(g.isAncestor(id('a'), id('c'))).toBe(true);
    expect(g.isAncestor(id('c'), id('a'))).toBe(false);
    expect(g.isAncestor(id('a'), id('a'))).toBe(false);
    expect(g.get(id('b')).parents).toEqual([id('a')]);
    expect(g.has(id('b'))).toBe(true);
    expect(g.has('nope')).toBe(false);
  });

  it('throws UnknownRevisionError for an unknown id', () => {
    const e = thrown(() => g.get('zzzz'));
    expect(e.code).toBe('REVISION_UNKNOWN');
    expect(e.message).toContain('zzzz');
    expect(thrown(() => g.ancestors(['zzzz'])).code).toBe('REVISION_UNKNOWN');
  });

  it('is empty-safe', () => {
    const empty = new RevisionGraph([]);
    expect(empty.heads()).toEqual([]);
    expect(empty.bases()).toEqual([]);
    expect(empty.revisions).toEqual([]);
    expect(empty.headsOf([])).toEqual([]);
  });
});

describe('DiamondTest: a <- b1, b2 <- c <- d', () => {
  const g = graph('d<-c', 'c<-b1,b2', 'b2<-a', 'b1<-a', 'a');

  it('orders parents first with ties broken by id', () => {
    expect(short(g.revisions.map((r) => r.id))).toEqual(['a', 'b1', 'b2', 'c', 'd']);
    expect(short(g.sortTopologically([id('d'), id('a'), id('b2')]))).toEqual(['a', 'b2', 'd']);
  });

  it('finds heads, bases, branch and merge points', () => {
    expect(short(g.heads())).toEqual(['d']);
    expect(short(g.bases())).toEqual(['a']);
    expect(short(g.branchPoints())).toEqual(['a']);
    expect(short(g.mergePoints())).toEqual(['c']);
    expect(short(g.children(id('a')))).toEqual(['b1', 'b2']);
  });

  it('walks both sides of the diamond', () => {
    expect(short(g.ancestors([id('d')]))).toEqual(['a', 'b1', 'b2', 'c']);
    expect(short(g.descendants([id('b1')]))).toEqual(['c', 'd']);
    expect(short(g.headsOf([id('a'), id('b1'), id('b2')]))).toEqual(['b1', 'b2']);
    expect(short(g.headsOf([id('a'), id('b1'), id('b2'), id('c')]))).toEqual(['c']);
    expect(short(g.strictAncestorsAmong([id('b1'), id('b2'), id('d')], [id('c')]))).toEqual(['b1', 'b2']);
  });
});

describe('TwinMergeTest: two merges over the same parents', () => {
  const g = graph('a', 'b<-a', 'c<-a', 'm1<-b,c', 'm2<-b,c');

  it('has two heads and two merge points', () => {
    expect(short(g.heads())).toEqual(['m1', 'm2']);
    expect(short(g.mergePoints())).toEqual(['m1', 'm2']);
    expect(short(g.branchPoints())).toEqual(['a', 'b', 'c']);
    expect(short(g.headsOf(g.ancestors(g.heads(), { inclusive: true })))).toEqual(['m1', 'm2']);
  });
});

describe('MultipleBaseTest', () => {
  const g = graph('a', 'b<-a', 'x', 'y<-x');

  it('has a base and a head per root', () => {
    expect(short(g.bases())).toEqual(['a', 'x']);
    expect(short(g.heads())).toEqual(['b', 'y']);
    expect(short(g.descendants([id('x')]))).toEqual(['y']);
    expect(short(g.lineage(id('b')))).toEqual(['a', 'b']);
  });
});

describe('MultipleBaseCrossDependencyTest: a <- b; c <- d dep:b', () => {
  const g = graph('a', 'b<-a', 'c', 'd<-c dep:b,accounts@3f2a9c1d4e5b');

  it('keeps heads on parents only, while ancestors follow dependsOn', () => {
    expect(short(g.heads())).toEqual(['b', 'd']);
    expect(short(g.bases())).toEqual(['a', 'c']);
    expect(short(g.ancestors([id('d')]))).toEqual(['a', 'b', 'c']);
    expect(short(g.descendants([id('a')]))).toEqual(['b', 'd']);
    expect(short(g.dependents(id('b')))).toEqual(['d']);
    expect(short(g.children(id('b')))).toEqual([]);
    expect(short(g.requires(id('d')))).toEqual(['c', 'b']);
    expect(g.isAncestor(id('b'), id('d'))).toBe(true);
    expect(short(g.headsOf(g.ancestors([id('d')], { inclusive: true })))).toEqual(['d']);
  });

  it('accepts a branch label in dependsOn, as Alembic does (issue 10, defect 6)', () => {
    const labelled = graph('a', 'b<-a label:billing', 'c', 'd<-c dep:billing');
    expect(short(labelled.requires(id('d')))).toEqual(['c', 'b']);
    expect(short(labelled.headsResolvingDependencies())).toEqual(['d']);
    expect(thrown(() => graph('a label:self dep:self')).code).toBe('REVISION_SELF_LOOP');
    expect(thrown(() => graph('a', 'b<-a dep:nolabel')).code).toBe('REVISION_UNKNOWN_DEPENDENCY');
  });

  it('with dependencies resolved, a head only depended on is no head (issue 10, defect 7)', () => {
    expect(short(g.headsResolvingDependencies())).toEqual(['d']);
    expect(short(graph('a', 'b<-a', 'c').headsResolvingDependencies())).toEqual(['b', 'c']);
  });

  it('orders dependencies first', () => {
    const order = short(g.revisions.map((r) => r.id));
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('d'));
    expect(order).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps other-stream dependencies unresolved', () => {
    expect(g.externalDependencies(id('d'))).toEqual([{ stream: 'accounts', revision: '3f2a9c1d4e5b' }]);
    expect(g.externalDependencies(id('c'))).toEqual([]);
  });
});

describe('LabeledBranchTest', () => {
  const g = graph(
    'a label:abranch',
    'b<-a',
    'somelongername<-b',
    'c<-somelongername',
    'd',
    'e<-d label:ebranch',
    'someothername<-e',
    'f<-someothername',
  );

  it('propagates a label to descendants and down to the base', () => {
    expect(g.labelsOf(id('f'))).toEqual(['ebranch']);
    expect(g.labelsOf(id('e'))).toEqual(['ebranch']);
    expect(g.labelsOf(id('d'))).toEqual(['ebranch']);
    expect(g.labelsOf(id('c'))).toEqual(['abranch']);
    expect(short(g.branchMembers('ebranch'))).toEqual(['d', 'e', 'someothername', 'f']);
    expect(g.branchLabels()).toEqual([
      { label: 'abranch', revision: id('a') },
      { label: 'ebranch', revision: id('e') },
    ]);
  });

  it('resolves a branch by label or by revision', () => {
    expect(g.resolveBranch('ebranch')).toBe(id('e'));
    expect(g.resolveBranch(id('e'))).toBe(id('e'));
    expect(g.resolveBranch('someoth')).toBe('someothername');
    const e = thrown(() => g.resolveBranch('nope'));
    expect(e.code).toBe('REVISION_UNKNOWN_BRANCH');
    expect(e.message).toContain('nope');
  });

  it('resolves a label as a revision', () => {
    expect(g.resolvePrefix('abranch')).toBe(id('a'));
  });
});

describe('label propagation stops at branch and merge points', () => {
  it('stops at the branch point below the labelled revision', () => {
    const g = graph('a', 'b1<-a label:x', 'c1<-b1', 'b2<-a');
    expect(g.labelsOf(id('a'))).toEqual([]);
    expect(g.labelsOf(id('b1'))).toEqual(['x']);
    expect(g.labelsOf(id('c1'))).toEqual(['x']);
    expect(g.labelsOf(id('b2'))).toEqual([]);
  });

  it('goes down a plain chain to its base', () => {
    const g = graph('a', 'b<-a', 'c<-b label:x');
    expect(short(g.branchMembers('x'))).toEqual(['a', 'b', 'c']);
  });

  it('stops at a merge point', () => {
    const g = graph('a', 'b<-a', 'c<-a', 'm<-b,c', 'n<-m label:x', 'o<-n');
    expect(g.labelsOf(id('n'))).toEqual(['x']);
    expect(g.labelsOf(id('o'))).toEqual(['x']);
    expect(g.labelsOf(id('m'))).toEqual([]);
    expect(g.labelsOf(id('b'))).toEqual([]);
  });

  it('stops at a revision another one depends on (a real branch point)', () => {
    const g = graph('a', 'b<-a', 'c<-b label:x', 'y dep:b');
    expect(g.labelsOf(id('c'))).toEqual(['x']);
    expect(g.labelsOf(id('b'))).toEqual([]);
    expect(g.labelsOf(id('y'))).toEqual([]);
  });

  it('does not follow dependsOn to descendants', () => {
    const g = graph('y1 label:y', 'x1 label:x', 'y2<-y1 dep:x1', 'x2<-x1');
    expect(g.labelsOf(id('y2'))).toEqual(['y']);
    expect(g.labelsOf(id('x2'))).toEqual(['x']);
    expect(g.labelsOf(id('x1'))).toEqual(['x']);
  });

  it('merges labels from two branches', () => {
    const g = graph('a', 'b<-a label:p', 'c<-a label:q', 'm<-b,c');
    expect(g.labelsOf(id('m'))).toEqual(['p', 'q']);
  });
});

describe('resolvePrefix', () => {
  const g = graph('3f2a11', '3f2a22<-3f2a11', 'abcdef<-3f2a22');

  it('takes a full id or a unique prefix of 4+ characters', () => {
    expect(g.resolvePrefix('3f2a11')).toBe('3f2a11');
    expect(g.resolvePrefix('abcd')).toBe('abcdef');
    expect(g.resolvePrefix('3f2a2')).toBe('3f2a22');
  });

  it('lists the candidates of an ambiguous prefix', () => {
    const e = thrown(() => g.resolvePrefix('3f2a'));
    expect(e).toBeInstanceOf(AmbiguousPrefixError);
    expect(e.code).toBe('REVISION_AMBIGUOUS_PREFIX');
    expect(e.message).toContain('3f2a11');
    expect(e.message).toContain('3f2a22');
    expect(e.details).toEqual({ prefix: '3f2a', candidates: ['3f2a11', '3f2a22'] });
  });

  it('rejects unknown ids and prefixes shorter than 4', () => {
    const none = thrown(() => g.resolvePrefix('ffff'));
    expect(none.code).toBe('REVISION_UNKNOWN');
    expect(none.message).toContain('ffff');
    const tooShort = thrown(() => g.resolvePrefix('abc'));
    expect(tooShort.code).toBe('REVISION_UNKNOWN');
    expect(tooShort.message).toContain('at least 4 characters');
  });

  it('looks inside a set first', () => {
    expect(g.resolvePrefix('3f2a', { within: new Set(['3f2a22']) })).toBe('3f2a22');
  });
});

describe('validation on construction', () => {
  it('rejects a duplicate id, naming both files', () => {
    const e = thrown(() => new RevisionGraph([rev('a', 'one.ts'), rev('a', 'two.ts')]));
    expect(e.code).toBe('REVISION_DUPLICATE');
    expect(e.message).toContain(id('a'));
    expect(e.message).toContain('one.ts');
    expect(e.message).toContain('two.ts');
  });

  it('rejects a self-loop through parents or dependsOn', () => {
    const p = thrown(() => graph('a<-a'));
    expect(p.code).toBe('REVISION_SELF_LOOP');
    expect(p.message).toContain(id('a'));
    const d = thrown(() => graph('a dep:a'));
    expect(d.code).toBe('REVISION_SELF_LOOP');
    expect(d.message).toContain('dependsOn');
  });

  it('rejects a missing parent, naming the revision, its file and the missing id', () => {
    const e = thrown(() => new RevisionGraph([rev('a'), rev('b<-zzzz', '20250101_0000_b.ts')]));
    expect(e.code).toBe('REVISION_MISSING_PARENT');
    expect(e.message).toContain(id('b'));
    expect(e.message).toContain('20250101_0000_b.ts');
    expect(e.message).toContain('zzzz');
    expect(e.details).toEqual({ revision: id('b'), file: '20250101_0000_b.ts', missing: 'zzzz' });
  });

  it('rejects a cycle through parents, naming the ids in it', () => {
    const e = thrown(() => graph('a', 'b<-a,d', 'c<-b', 'd<-c', 'e<-a'));
    expect(e).toBeInstanceOf(CycleError);
    expect(e.code).toBe('REVISION_CYCLE');
    expect(short(e.details.revisions as string[])).toEqual(['b', 'c', 'd']);
    for (const x of ['b', 'c', 'd']) expect(e.message).toContain(id(x));
    expect(e.message).not.toContain(id('e'));
  });

  it('rejects a graph that is all cycle (no base)', () => {
    const e = thrown(() => graph('a<-b', 'b<-a'));
    expect(e.code).toBe('REVISION_CYCLE');
    expect(short(e.details.revisions as string[])).toEqual(['a', 'b']);
  });

  it('rejects a cycle through dependsOn only', () => {
    const e = thrown(() => graph('a', 'b<-a dep:c', 'c<-a dep:b'));
    expect(e.code).toBe('REVISION_DEPENDENCY_CYCLE');
    expect(short(e.details.revisions as string[])).toEqual(['b', 'c']);
  });

  it('rejects a cycle mixing parents and dependsOn', () => {
    const e = thrown(() => graph('a dep:c', 'b<-a', 'c<-b'));
    expect(e).toBeInstanceOf(DependencyCycleError);
    for (const x of ['a', 'b', 'c']) expect(e.message).toContain(id(x));
  });

  it('rejects an unknown same-stream dependency', () => {
    const e = thrown(() => graph('a', 'b<-a dep:zzzz'));
    expect(e.code).toBe('REVISION_UNKNOWN_DEPENDENCY');
    expect(e.message).toContain(id('b'));
    expect(e.message).toContain('zzzz');
  });

  it('rejects a branch label declared twice or equal to a revision id', () => {
    const twice = thrown(() => graph('a', 'b<-a label:xy1', 'd', 'e<-d label:xy1'));
    expect(twice.code).toBe('REVISION_DUPLICATE_LABEL');
    expect(twice.message).toContain('xy1');
    expect(twice.message).toContain(id('b'));
    expect(twice.message).toContain(id('e'));
    const clash = thrown(() => graph('a', 'b<-a label:a___'));
    expect(clash.code).toBe('REVISION_DUPLICATE_LABEL');
  });

  it('rejects reserved labels', () => {
    const e = thrown(() => graph('a label:head'));
    expect(e.code).toBe('REVISION_INVALID');
    expect(e.message).toContain('head');
  });
});

describe('LongChainTest: 1,000 revisions', () => {
  const names = Array.from({ length: 1000 }, (_, i) => `r${String(i).padStart(4, '0')}`);
  const g = new RevisionGraph(
    names.map((n, i) => rev(i === 0 ? `${n} label:main` : `${n}<-${names[i - 1]}`)).reverse(),
  );

  it('builds, finds the head and walks the whole history', () => {
    expect(g.heads()).toEqual(['r0999']);
    expect(g.bases()).toEqual(['r0000']);
    expect(g.revisions.map((r) => r.id)).toEqual(names);
    expect(g.ancestors(['r0999']).length).toBe(999);
    expect(g.labelsOf('r0999')).toEqual(['main']);
    expect(g.isAncestor('r0000', 'r0999')).toBe(true);
    expect(g.resolvePrefix('r0500')).toBe('r0500');
  });

  it('handles 1,000 revisions in 333 diamonds over one root', () => {
    const specs = ['root'];
    for (let i = 0; i < 333; i++) specs.push(`l${i}<-root`, `r${i}<-root`, `m${i}<-l${i},r${i}`);
    const wide = graph(...specs);
    expect(wide.heads().length).toBe(333);
    expect(wide.mergePoints().length).toBe(333);
    expect(wide.headsOf(wide.revisions.map((r) => r.id)).length).toBe(333);
  });
});
