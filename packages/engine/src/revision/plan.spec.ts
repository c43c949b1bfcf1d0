import { describe, expect, it } from 'vitest';
import { HeadTracker } from './head-tracker.js';
import { planDowngrade, planStamp, planUpgrade, type Step } from './plan.js';
import { resolveTarget, targetBranch } from './resolve-target.js';
import { RevisionGraph } from './revision-graph.js';
import { graph, id, short, thrown } from './__fixtures__/graph-fixture.js';


/**
 * Replays the steps through HeadTracker from `current`, checks that each step's rows chain and that the
 * rows are always the heads of the applied set, and returns one line per step: `+b: b1,b2`.
 */
function replay(g: RevisionGraph, current: readonly string[], steps: readonly Step[]): string[] {
  const tracker = new HeadTracker(g);
  let heads: readonly string[] = [...current].sort();
  return steps.map((s) => {
    expect(s.headsBefore).toEqual(heads);
    heads = s.direction === 'up' ? tracker.up(heads, s.revision) : tracker.down(heads, s.revision);
    expect(s.headsAfter).toEqual(heads);
    expect(g.headsOf(g.ancestors(heads, { inclusive: true }))).toEqual(heads);
    return `${s.direction === 'up' ? '+' : '-'}${short([s.revision.id])[0]}: ${short(heads).join(',')}`;
  });
}

/** Resolves a target like the runner would, then plans and replays. */
function run(g: RevisionGraph, direction: 'upgrade' | 'downgrade', current: string[], target: string): string[] {
  const heads = current.map(id);
  const targets = resolveTarget(g, target, heads, direction);
  const steps =
    direction === 'upgrade'
      ? planUpgrade(g, heads, targets)
      : planDowngrade(g, heads, targets, { ...(targetBranch(target) ? { branch: targetBranch(target) } : {}) });
  return replay(g, heads, steps);
}

describe('LinearTest', () => {
  const g = graph('a', 'b<-a', 'c<-b');

  it('upgrades from base to head and back', () => {
    expect(run(g, 'upgrade', [], 'head')).toEqual(['+a: a', '+b: b', '+c: c']);
    expect(run(g, 'downgrade', ['c'], 'base')).toEqual(['-c: b', '-b: a', '-a: ']);
    expect(run(g, 'upgrade', ['a'], '+1')).toEqual(['+b: b']);
    expect(run(g, 'downgrade', ['c'], '-2')).toEqual(['-c: b', '-b: a']);
  });

  it('has nothing to do at the target or below it', () => {
    expect(run(g, 'upgrade', ['c'], 'head')).toEqual([]);
    expect(run(g, 'upgrade', ['c'], id('a'))).toEqual([]);
    expect(run(g, 'downgrade', ['b'], id('b'))).toEqual([]);
    expect(run(g, 'downgrade', [], 'base')).toEqual([]);
  });

  it('refuses a downgrade target that is not applied', () => {
    const e = thrown(() => planDowngrade(g, [id('a')], [id('c')]));
    expect(e.code).toBe('REVISION_INVALID_DOWNGRADE_TARGET');
    expect(e.message).toContain(id('c'));
    expect(e.message).toContain(id('a'));
  });

  it('refuses current heads that are not among the files', () => {
    for (const plan of [
      () => planUpgrade(g, ['dead'], [id('c')]),
      () => planDowngrade(g, ['dead', id('a')], []),
      () => planStamp(g, ['dead'], []),
    ]) {
      const e = thrown(plan);
      expect(e.code).toBe('REVISION_UNKNOWN_CURRENT');
      expect(e.message).toContain('dead');
      expect(e.hint).toContain('strata stamp');
    }
  });

  it('refuses unknown target ids', () => {
    expect(thrown(() => planUpgrade(g, [], ['zzzz'])).code).toBe('REVISION_UNKNOWN');
    expect(thrown(() => planDowngrade(g, [id('c')], ['zzzz'])).code).toBe('REVISION_UNKNOWN');
  });
});

describe('DiamondTest: a <- b1, b2 <- c <- d', () => {
  const g = graph('a', 'b1<-a', 'b2<-a', 'c<-b1,b2', 'd<-c');

  it('branches, merges, then unmerges', () => {
    expect(run(g, 'upgrade', [], 'head')).toEqual(['+a: a', '+b1: b1', '+b2: b1,b2', '+c: c', '+d: d']);
    expect(run(g, 'downgrade', ['d'], 'base')).toEqual(['-d: c', '-c: b1,b2', '-b2: b1', '-b1: a', '-a: ']);
  });

  it('downgrades to one side of the diamond, keeping the other', () => {
    expect(run(g, 'downgrade', ['d'], id('b1'))).toEqual(['-d: c', '-c: b1,b2']);
    expect(run(g, 'downgrade', ['d'], id('a'))).toEqual(['-d: c', '-c: b1,b2', '-b2: b1', '-b1: a']);
  });

  it('finishes the other side when upgrading from one side', () => {
    expect(run(g, 'upgrade', ['b1'], 'head')).toEqual(['+b2: b1,b2', '+c: c', '+d: d']);
  });
});

describe('late revision on a branch merged later', () => {
  it('applies the revision, never skips it', () => {
    // The database reached c on the main line; x and y were written on a side branch that m merges.
    const g = graph('a', 'b<-a', 'c<-b', 'x<-a', 'y<-x', 'm<-c,y');
    expect(run(g, 'upgrade', ['c'], 'head')).toEqual(['+x: c,x', '+y: c,y', '+m: m']);
  });

  it('applies a revision inserted below an applied merge', () => {
    // The database is at [c, x]; y arrives on x's branch and a merge m joins c and y.
    const g = graph('a', 'b<-a', 'c<-b', 'x<-a', 'y<-x', 'm<-c,y');
    expect(run(g, 'upgrade', ['c', 'x'], 'heads')).toEqual(['+y: c,y', '+m: m']);
  });
});

describe('TwinMergeTest: two merges over the same parents', () => {
  const g = graph('a', 'b<-a', 'c<-a', 'm1<-b,c', 'm2<-b,c');

  it('upgrades to heads with two rows', () => {
    expect(run(g, 'upgrade', [], 'heads')).toEqual(['+a: a', '+b: b', '+c: b,c', '+m1: m1', '+m2: m1,m2']);
  });

  it('downgrades one merge, then the other', () => {
    expect(run(g, 'downgrade', ['m1', 'm2'], 'base')).toEqual(['-m2: m1', '-m1: b,c', '-c: b', '-b: a', '-a: ']);
    expect(run(g, 'downgrade', ['m1', 'm2'], id('b'))).toEqual(['-m2: m1', '-m1: b,c']);
  });

  it('refuses head', () => {
    expect(thrown(() => run(g, 'upgrade', [], 'head')).code).toBe('REVISION_MULTIPLE_HEADS');
  });
});

describe('MultipleBaseTest: independent branches', () => {
  const g = graph('a', 'b<-a', 'x', 'y<-x');

  it('upgrades one branch without the other and leaves it alone on downgrade', () => {
    expect(run(g, 'upgrade', [], id('b'))).toEqual(['+a: a', '+b: b']);
    expect(run(g, 'upgrade', ['b'], 'heads')).toEqual(['+x: b,x', '+y: b,y']);
    expect(run(g, 'downgrade', ['b', 'y'], id('x'))).toEqual(['-y: b,x']);
    expect(run(g, 'downgrade', ['b', 'y'], 'base')).toEqual(['-y: b,x', '-x: b', '-b: a', '-a: ']);
  });
});

describe('MultipleBaseCrossDependencyTest: a <- b; c <- d dep:b', () => {
  const g = graph('a', 'b<-a', 'c', 'd<-c dep:b');

  it('applies the dependency first and lets the dependent absorb its row', () => {
    expect(run(g, 'upgrade', [], id('d'))).toEqual(['+a: a', '+b: b', '+c: b,c', '+d: d']);
    expect(run(g, 'upgrade', ['c'], id('d'))).toEqual(['+a: a,c', '+b: b,c', '+d: d']);
  });

  it('reverts the dependent before its dependency', () => {
    expect(run(g, 'downgrade', ['d'], id('a'))).toEqual(['-d: b,c', '-b: a,c']);
    expect(run(g, 'downgrade', ['d'], id('c'))).toEqual(['-d: b,c']);
  });

  it('keeps a revision that only depends on the target (Alembic)', () => {
    expect(run(g, 'downgrade', ['d'], id('b'))).toEqual([]);
  });

  it('stamps heads into the single implied row', () => {
    expect(short(planStamp(g, [], g.heads()).heads)).toEqual(['d']);
  });
});

describe('MultipleBranchEffectiveHead: label@-1 downgrades', () => {
  const g = graph('y1 label:y', 'x1 label:x', 'y2<-y1 dep:x1', 'x2<-x1');

  it('reverts only the labelled branch above the target', () => {
    expect(run(g, 'downgrade', ['x2', 'y2'], 'x@-1')).toEqual(['-x2: y2']);
  });

  it('reverts what depends on the branch when it goes to base', () => {
    expect(run(g, 'downgrade', ['x1', 'y2'], 'x@-1')).toEqual(['-y2: x1,y1', '-x1: y1']);
    expect(run(g, 'downgrade', ['y2'], 'x@-1')).toEqual(['-y2: x1,y1', '-x1: y1']);
  });
});

describe('LabeledBranchTest: label@base', () => {
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

  it('reverts the whole branch and nothing else', () => {
    expect(run(g, 'downgrade', ['c', 'f'], 'ebranch@base')).toEqual([
      '-f: c,someothername',
      '-someothername: c,e',
      '-e: c,d',
      '-d: c',
    ]);
  });

  it('upgrades one branch by label', () => {
    expect(run(g, 'upgrade', ['c'], 'ebranch@head')).toEqual(['+d: c,d', '+e: c,e', '+someothername: c,someothername', '+f: c,f']);
    expect(run(g, 'upgrade', ['c'], 'ebranch@+2')).toEqual(['+d: c,d', '+e: c,e']);
  });

  it('stamps a branch off', () => {
    const plan = planStamp(g, [id('c'), id('f')], [], { branch: 'ebranch' });
    expect(short(plan.heads)).toEqual(['c']);
    expect(short(plan.unmarked)).toEqual(['f', 'someothername', 'e', 'd']);
    expect(plan.marked).toEqual([]);
  });
});

describe('a branch labelled after its branch point', () => {
  const g = graph('a', 'b1<-a label:x', 'c1<-b1', 'b2<-a');

  it('x@base reverts only x', () => {
    expect(run(g, 'downgrade', ['c1', 'b2'], 'x@base')).toEqual(['-c1: b1,b2', '-b1: b2']);
  });

  it('x@a reverts only x, a plain a reverts both sides', () => {
    expect(run(g, 'downgrade', ['c1', 'b2'], `x@${id('a')}`)).toEqual(['-c1: b1,b2', '-b1: b2']);
    expect(run(g, 'downgrade', ['c1', 'b2'], id('a'))).toEqual(['-c1: b1,b2', '-b2: b1', '-b1: a']);
  });
});

describe('planStamp', () => {
  const g = graph('a', 'b1<-a', 'b2<-a', 'c<-b1,b2');

  it('marks ancestors going up and unmarks descendants going down', () => {
    expect(planStamp(g, [], [id('c')])).toEqual({
      heads: [id('c')],
      marked: [id('a'), id('b1'), id('b2'), id('c')],
      unmarked: [],
    });
    // Alembic: the target replaces the head it is an ancestor of; b2, applied only through c, is no longer.
    expect(planStamp(g, [id('c')], [id('b1')])).toEqual({ heads: [id('b1')], marked: [], unmarked: [id('c'), id('b2')] });
    expect(planStamp(g, [id('c')], [id('a')])).toEqual({ heads: [id('a')], marked: [], unmarked: [id('c'), id('b2'), id('b1')] });
  });

  it('keeps other branches and clears everything at base', () => {
    expect(short(planStamp(g, [id('b1')], [id('b2')]).heads)).toEqual(['b1', 'b2']);
    expect(planStamp(g, [id('c')], [])).toEqual({ heads: [], marked: [], unmarked: [id('c'), id('b2'), id('b1'), id('a')] });
  });

  it('sets the rows to exactly the target across a merge, so no revision is skipped later (issue 10, defect 1)', () => {
    const merged = graph('aaaa', 'bbbb<-aaaa', 'c1c1<-bbbb', 'd1d1<-c1c1', 'c2c2<-bbbb', 'd2d2<-c2c2', 'eeee<-d1d1,d2d2');
    const atHead = planStamp(merged, [], [id('eeee')]);
    expect(short(atHead.heads)).toEqual(['eeee']);
    const back = planStamp(merged, atHead.heads, [id('c2c2')]);
    expect(short(back.heads)).toEqual(['c2c2']);
    expect(short(back.unmarked)).toEqual(['eeee', 'd2d2', 'd1d1', 'c1c1']);
    // The upgrade from there runs the other side too.
    expect(run(merged, 'upgrade', ['c2c2'], 'heads').map((line) => line.split(':')[0])).toEqual(['+c1c1', '+d1d1', '+d2d2', '+eeee']);
    // Two targets on two lines; a head on an unrelated line stays.
    expect(short(planStamp(merged, [id('d1d1')], [id('c2c2')]).heads)).toEqual(['c2c2', 'd1d1']);
    expect(short(planStamp(merged, [id('eeee')], [id('c1c1'), id('c2c2')]).heads)).toEqual(['c1c1', 'c2c2']);
  });

  it('resolves stamp targets both ways', () => {
    expect(short(resolveTarget(g, '-1', [id('b1')], 'stamp'))).toEqual(['a']);
    expect(short(resolveTarget(g, '+1', [id('b1')], 'stamp'))).toEqual(['c']);
    expect(thrown(() => resolveTarget(g, '-1', [id('c')], 'stamp')).details.problem).toBe('ambiguous');
  });
});

describe('LongChainTest: 1,000 revisions', () => {
  const names = Array.from({ length: 1000 }, (_, i) => `r${String(i).padStart(4, '0')}`);
  const g = graph(...names.map((n, i) => (i === 0 ? n : `${n}<-${names[i - 1]}`)));

  it('plans the full upgrade and downgrade', () => {
    const up = planUpgrade(g, [], g.heads());
    expect(up.length).toBe(1000);
    expect(up.map((s) => s.revision.id)).toEqual(names);
    expect(up.at(-1)?.headsAfter).toEqual(['r0999']);
    expect(up[500]?.headsBefore).toEqual(['r0499']);
    const down = planDowngrade(g, ['r0999'], []);
    expect(down.length).toBe(1000);
    expect(down.at(-1)?.headsAfter).toEqual([]);
    expect(planStamp(g, ['r0999'], ['r0000']).unmarked.length).toBe(999);
  });

  it('plans two 500-long branches merged at the top', () => {
    const specs = ['root'];
    for (let i = 1; i < 500; i++) specs.push(`l${i}<-${i === 1 ? 'root' : `l${i - 1}`}`, `r${i}<-${i === 1 ? 'root' : `r${i - 1}`}`);
    specs.push('m<-l499,r499');
    const wide = graph(...specs);
    const up = planUpgrade(wide, [], wide.heads());
    expect(up.length).toBe(1000);
    expect(replay(wide, [], up).at(-1)).toBe('+m: m');
    const down = planDowngrade(wide, [id('m')], [id('root')]);
    expect(down.length).toBe(999);
    expect(replay(wide, [id('m')], down).at(-1)).toBe('-l1: root');
  });
});
