import { describe, expect, it } from 'vitest';
import { RevisionGraph } from './revision-graph.js';
import { HeadTracker } from './head-tracker.js';
import { id, rev, short } from './__fixtures__/graph-fixture.js';

function tracker(...specs: string[]) {
  const t = new HeadTracker(new RevisionGraph(specs.map((s) => rev(s))));
  return {
    up: (heads: string[], name: string): string[] => short(t.up(heads.map(id), id(name))),
    down: (heads: string[], name: string): string[] => short(t.down(heads.map(id), id(name))),
  };
}

describe('HeadTracker', () => {
  it('moves the row along a chain', () => {
    const t = tracker('a', 'b<-a');
    expect(t.up([], 'a')).toEqual(['a']);
    expect(t.up(['a'], 'b')).toEqual(['b']);
    expect(t.down(['b'], 'b')).toEqual(['a']);
    expect(t.down(['a'], 'a')).toEqual([]);
  });

  it('adds a row for the second side of a branch point and for a second base', () => {
    const t = tracker('a', 'b1<-a', 'b2<-a', 'x');
    expect(t.up(['b1'], 'b2')).toEqual(['b1', 'b2']);
    expect(t.up(['b1'], 'x')).toEqual(['b1', 'x']);
    expect(t.down(['b1', 'b2'], 'b2')).toEqual(['b1']);
    expect(t.down(['b1', 'x'], 'x')).toEqual(['b1']);
  });

  it('collapses the parents of a merge into one row and restores them on the way down', () => {
    const t = tracker('a', 'b1<-a', 'b2<-a', 'c<-b1,b2', 'z');
    expect(t.up(['b1', 'b2', 'z'], 'c')).toEqual(['c', 'z']);
    expect(t.down(['c', 'z'], 'c')).toEqual(['b1', 'b2', 'z']);
  });

  it('lets a dependent row absorb its dependency (Alembic normalized down revisions)', () => {
    const t = tracker('a', 'b<-a', 'c', 'd<-c dep:b');
    expect(t.up(['b', 'c'], 'd')).toEqual(['d']);
    expect(t.down(['d'], 'd')).toEqual(['b', 'c']);
  });

  it('does not restore a parent that another row still implies (twin merges)', () => {
    const t = tracker('a', 'b<-a', 'c<-a', 'm1<-b,c', 'm2<-b,c');
    expect(t.up(['m1'], 'm2')).toEqual(['m1', 'm2']);
    expect(t.down(['m1', 'm2'], 'm2')).toEqual(['m1']);
    expect(t.down(['m1'], 'm1')).toEqual(['b', 'c']);
  });

  it('does not restore a dependency that is below a restored parent', () => {
    const t = tracker('a', 'b<-a', 'c<-b dep:a');
    expect(t.down(['c'], 'c')).toEqual(['b']);
  });

  it('treats a misuse as a bug', () => {
    const t = tracker('a', 'b<-a');
    expect(() => t.up(['b'], 'b')).toThrow(/already a current head/);
    expect(() => t.down(['a'], 'b')).toThrow(/not a current head/);
  });
});
