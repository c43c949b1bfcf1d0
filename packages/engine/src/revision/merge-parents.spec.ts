import { describe, expect, it } from 'vitest';
import { mergeParents } from './merge-parents.js';
import { graph, id, short, thrown } from './__fixtures__/graph-fixture.js';

describe('mergeParents: two branches off a', () => {
  // a <- b <- c (head), a <- d (head)
  const g = graph('a', 'b<-a', 'c<-b', 'd<-a');

  it('joins every head by default, sorted', () => {
    expect(short(mergeParents(g, ['heads']))).toEqual(['c', 'd']);
    expect(short(mergeParents(g, [id('d'), id('c')]))).toEqual(['c', 'd']);
  });

  it('refuses a revision that is not a head, naming what builds on it and the heads (issue 10, defect 5)', () => {
    const error = thrown(() => mergeParents(g, [id('c'), id('b')]));
    expect(error.code).toBe('REVISION_MERGE_NOT_HEAD');
    expect(error.details).toEqual({ revision: id('b'), children: [id('c')], heads: [id('c'), id('d')] });
    expect(error.hint).toBe(`Merge heads only; the heads are ${id('c')} and ${id('d')}.`);
  });

  it('refuses ancestors of each other: the older one is not a head', () => {
    expect(thrown(() => mergeParents(g, [id('a'), id('d')])).details).toMatchObject({ revision: id('a') });
  });

  it('leaves fewer than two parents to the caller', () => {
    expect(short(mergeParents(graph('a', 'b<-a'), ['heads']))).toEqual(['b']);
  });
});
