import { describe, expect, it } from 'vitest';
import { parseTarget, resolveTarget, targetBranch } from './resolve-target.js';
import { RevisionGraph } from './revision-graph.js';
import { graph, id, short, thrown } from './__fixtures__/graph-fixture.js';


/** Resolves with short names in and out. */
function resolver(g: RevisionGraph) {
  return (target: string, current: string[] = [], purpose: 'upgrade' | 'downgrade' | 'stamp' | 'show' = 'upgrade'): string[] =>
    short(resolveTarget(g, target, current.map(id), purpose));
}

describe('parseTarget', () => {
  it('splits branch, symbol and relative step', () => {
    expect(parseTarget('head')).toEqual({ symbol: 'head' });
    expect(parseTarget('+2')).toEqual({ relative: { up: true, steps: 2 } });
    expect(parseTarget('abcd-1')).toEqual({ symbol: 'abcd', relative: { up: false, steps: 1 } });
    expect(parseTarget('billing@head-2')).toEqual({ branch: 'billing', symbol: 'head', relative: { up: false, steps: 2 } });
    expect(parseTarget('billing@-1')).toEqual({ branch: 'billing', relative: { up: false, steps: 1 } });
    expect(parseTarget('billing@base')).toEqual({ branch: 'billing', symbol: 'base' });
    expect(targetBranch('billing@base')).toBe('billing');
    expect(targetBranch('heads')).toBeUndefined();
  });
});

describe('absolute targets on a chain a <- b <- c <- d', () => {
  const g = graph('a', 'b<-a', 'c<-b', 'dddd01<-c');
  const r = resolver(g);

  it('resolves head, heads, base, ids and prefixes', () => {
    expect(r('head')).toEqual(['dddd01']);
    expect(r('heads')).toEqual(['dddd01']);
    expect(r('base')).toEqual([]);
    expect(r(id('b'))).toEqual(['b']);
    expect(r('dddd')).toEqual(['dddd01']);
  });

  it('rejects unknown revisions and prefixes shorter than 4', () => {
    const unknown = thrown(() => r('ffff'));
    expect(unknown.code).toBe('REVISION_UNKNOWN');
    expect(unknown.message).toContain('ffff');
    expect(thrown(() => r('ddd')).code).toBe('REVISION_UNKNOWN');
  });

  it('rejects current heads that are not in the files', () => {
    const e = thrown(() => resolveTarget(g, 'head', ['dead', id('a')], 'upgrade'));
    expect(e.code).toBe('REVISION_UNKNOWN_CURRENT');
    expect(e.message).toContain('dead');
    expect(e.hint).toContain('strata stamp');
  });
});

describe('ambiguous prefix', () => {
  it('lists the candidates', () => {
    const g = graph('3f2a11', '3f2a22<-3f2a11');
    const e = thrown(() => resolveTarget(g, '3f2a', [], 'show'));
    expect(e.code).toBe('REVISION_AMBIGUOUS_PREFIX');
    expect(e.message).toContain('3f2a11');
    expect(e.message).toContain('3f2a22');
  });
});

describe('MultipleHeads: a <- b1, a <- b2', () => {
  const g = graph('a', 'b1<-a label:one', 'b2<-a label:two', 'c2<-b2');
  const r = resolver(g);

  it('refuses head, naming the heads and the ways out', () => {
    const e = thrown(() => r('head'));
    expect(e.code).toBe('REVISION_MULTIPLE_HEADS');
    expect(e.message).toContain(id('b1'));
    expect(e.message).toContain(id('c2'));
    for (const way of ['`heads`', 'specific revision', '`<label>@head`', '`strata merge`']) expect(e.message).toContain(way);
    expect(e.details).toEqual({ heads: [id('b1'), id('c2')], argument: 'head' });
  });

  it('accepts heads and label@head / label@heads', () => {
    expect(r('heads')).toEqual(['b1', 'c2']);
    expect(r('one@head')).toEqual(['b1']);
    expect(r('two@head')).toEqual(['c2']);
    expect(r('two@heads')).toEqual(['c2']);
  });

  it('refuses heads-N with several heads, and +N from several current heads', () => {
    expect(thrown(() => r('heads-1')).code).toBe('REVISION_MULTIPLE_HEADS');
    const e = thrown(() => r('+1', ['b1', 'b2']));
    expect(e.code).toBe('REVISION_RELATIVE_MOVE');
    expect(e.details.problem).toBe('multiple-current-heads');
    expect(e.message).toContain(id('b1'));
    expect(e.message).toContain(id('b2'));
    expect(thrown(() => r('-1', ['b1', 'c2'], 'downgrade')).details.problem).toBe('multiple-current-heads');
  });

  it('lets a label pick the current head', () => {
    expect(r('two@+1', ['b1', 'b2'])).toEqual(['c2']);
    expect(r('two@-1', ['b1', 'c2'], 'downgrade')).toEqual(['b2']);
    expect(r('one@-1', ['b1', 'c2'], 'downgrade')).toEqual(['a']);
  });

  it('is ambiguous going up from the branch point', () => {
    const e = thrown(() => r('+1', ['a']));
    expect(e.code).toBe('REVISION_RELATIVE_MOVE');
    expect(e.details.problem).toBe('ambiguous');
    expect(e.message).toContain(id('a'));
    expect(e.message).toContain(id('b1'));
    expect(e.message).toContain(id('b2'));
    expect(r('two@+2', ['a'])).toEqual(['c2']);
    expect(r(`two@${id('a')}+1`)).toEqual(['b2']);
  });
});

describe('LabeledBranchTest (Alembic shapes)', () => {
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
  const r = resolver(g);

  it('resolves label@head, label@base, label@rev and the label itself', () => {
    expect(r('ebranch@head')).toEqual(['f']);
    expect(r('abranch@head')).toEqual(['c']);
    expect(r('abranch@heads')).toEqual(['c']);
    expect(r('abranch@base')).toEqual([]);
    expect(r(`ebranch@${id('d')}`)).toEqual(['d']);
    expect(r('ebranch@ebranch')).toEqual(['e']);
    expect(r('abranch')).toEqual(['a']);
    expect(r(`${id('e')}@${id('d')}`)).toEqual(['d']);
    expect(r(`someoth@${id('d')}`)).toEqual(['d']);
  });

  it('looks a prefix up inside the branch first', () => {
    expect(r('ebranch@some')).toEqual(['someothername']);
    expect(r('abranch@some')).toEqual(['somelongername']);
    expect(thrown(() => r('some')).code).toBe('REVISION_AMBIGUOUS_PREFIX');
  });

  it('rejects a revision outside the branch, and unknown branches', () => {
    const e = thrown(() => r(`ebranch@${id('b')}`));
    expect(e.code).toBe('REVISION_NOT_IN_BRANCH');
    expect(e.message).toContain(id('b'));
    expect(e.message).toContain('ebranch');
    const none = thrown(() => r(`x@${id('d')}`));
    expect(none.code).toBe('REVISION_UNKNOWN_BRANCH');
    expect(none.message).toContain("'x'");
    expect(thrown(() => r('abranch@qprstuv')).code).toBe('REVISION_UNKNOWN');
    expect(thrown(() => r(`@${id('d')}`)).code).toBe('REVISION_UNKNOWN_BRANCH');
  });

  it('walks relative to a branch', () => {
    expect(r('ebranch@+2')).toEqual(['e']);
    expect(r('ebranch@+1', ['c'])).toEqual(['d']);
    expect(r('ebranch@head-2')).toEqual(['e']);
    expect(r('ebranch@-2', ['c', 'f'], 'downgrade')).toEqual(['e']);
    expect(r('ebranch@base+1')).toEqual(['d']);
    expect(r(`ebranch@${id('e')}+1`)).toEqual(['someothername']);
  });
});

describe('relative targets on a chain a <- b <- c <- d', () => {
  const g = graph('a', 'b<-a', 'c<-b', 'd<-c');
  const r = resolver(g);

  it('+N / -N from the current head', () => {
    expect(r('+1', ['b'])).toEqual(['c']);
    expect(r('+2', ['b'])).toEqual(['d']);
    expect(r('+1')).toEqual(['a']);
    expect(r('-1', ['c'], 'downgrade')).toEqual(['b']);
    expect(r('-3', ['c'], 'downgrade')).toEqual([]);
    expect(r('+0', ['c'])).toEqual(['c']);
  });

  it('rev+N, rev-N, head-N, heads-N, base+N', () => {
    expect(r(`${id('a')}+2`)).toEqual(['c']);
    expect(r(`${id('d')}-2`, [], 'downgrade')).toEqual(['b']);
    expect(r(`${id('c')}-1`)).toEqual(['b']);
    expect(r('head-1', ['d'], 'downgrade')).toEqual(['c']);
    expect(r('heads-3', ['d'], 'downgrade')).toEqual(['a']);
    expect(r('base+1')).toEqual(['a']);
    expect(r(`${id('b')}+1`, ['d'], 'downgrade')).toEqual(['c']);
  });

  it('refuses to run past the head or the base', () => {
    const up = thrown(() => r('+3', ['b']));
    expect(up.code).toBe('REVISION_RELATIVE_MOVE');
    expect(up.details.problem).toBe('too-far');
    expect(up.message).toContain(id('d'));
    const down = thrown(() => r('-5', ['c'], 'downgrade'));
    expect(down.details.problem).toBe('too-far');
    expect(thrown(() => r('-1', [], 'downgrade')).details.problem).toBe('too-far');
    expect(thrown(() => r('base-1')).details.problem).toBe('too-far');
    expect(thrown(() => r('head+1')).details.problem).toBe('too-far');
  });

  it('refuses -N as an upgrade and +N as a downgrade', () => {
    const up = thrown(() => r('-1', ['c'], 'upgrade'));
    expect(up.code).toBe('REVISION_INVALID_UPGRADE_TARGET');
    expect(up.message).toContain('-1');
    const down = thrown(() => r('+1', ['c'], 'downgrade'));
    expect(down.code).toBe('REVISION_INVALID_DOWNGRADE_TARGET');
    expect(down.message).toContain(id('c'));
  });

  it('allows both directions for stamp and show', () => {
    expect(r('-1', ['c'], 'stamp')).toEqual(['b']);
    expect(r('+1', ['c'], 'stamp')).toEqual(['d']);
    expect(r('-1', ['c'], 'show')).toEqual(['b']);
  });
});

describe('DiamondTest: relative moves at merge points', () => {
  const g = graph('a', 'b1<-a', 'b2<-a', 'c<-b1,b2', 'd<-c');
  const r = resolver(g);

  it('is ambiguous going down through a merge', () => {
    expect(r('-1', ['d'], 'downgrade')).toEqual(['c']);
    const e = thrown(() => r('-2', ['d'], 'downgrade'));
    expect(e.details.problem).toBe('ambiguous');
    expect(e.message).toContain(id('c'));
    expect(e.message).toContain(id('b1'));
    expect(e.message).toContain(id('b2'));
  });

  it('goes up through a merge from one side', () => {
    expect(r('+1', ['b1'])).toEqual(['c']);
  });
});

describe('MultipleBranchEffectiveHead: y1, x1 <- y2 dep:x1, x1 <- x2', () => {
  const g = graph('y1 label:y', 'x1 label:x', 'y2<-y1 dep:x1', 'x2<-x1');
  const r = resolver(g);

  it('finds the branch head from the current heads or from what they imply', () => {
    expect(r('x@-1', ['x2', 'y2'], 'downgrade')).toEqual(['x1']);
    expect(r('x@-1', ['x1', 'y2'], 'downgrade')).toEqual([]);
    expect(r('x@-1', ['y2'], 'downgrade')).toEqual([]);
    expect(r('x@+1', ['y2'])).toEqual(['x2']);
  });
});

describe('labels that look relative', () => {
  it('reads a declared label before a relative step', () => {
    const g = graph('a', 'b<-a label:release-2');
    expect(short(resolveTarget(g, 'release-2', [], 'upgrade'))).toEqual(['b']);
    expect(short(resolveTarget(g, 'release-2@head', [], 'upgrade'))).toEqual(['b']);
  });
});

describe('LongChainTest', () => {
  it('walks 999 steps on a 1,000-revision chain', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `r${String(i).padStart(4, '0')}`);
    const g = graph(...names.map((n, i) => (i === 0 ? n : `${n}<-${names[i - 1]}`)));
    expect(resolveTarget(g, '+999', ['r0000'], 'upgrade')).toEqual(['r0999']);
    expect(resolveTarget(g, '-999', ['r0999'], 'downgrade')).toEqual(['r0000']);
    expect(resolveTarget(g, 'head', [], 'upgrade')).toEqual(['r0999']);
  });
});
