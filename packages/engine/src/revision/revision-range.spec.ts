import { describe, expect, it } from 'vitest';
import { revisionsInRange } from './revision-range.js';
import { graph, id, short, thrown } from './__fixtures__/graph-fixture.js';

describe('revisionsInRange: a chain a <- b <- c', () => {
  const g = graph('a', 'b<-a', 'c<-b');

  it('lists ancestor:descendant ranges newest first, open ends included', () => {
    expect(short(revisionsInRange(g, `${id('a')}:${id('c')}`, []))).toEqual(['c', 'b', 'a']);
    expect(short(revisionsInRange(g, `${id('b')}:`, []))).toEqual(['c', 'b']);
    expect(short(revisionsInRange(g, `:${id('b')}`, []))).toEqual(['b', 'a']);
    expect(short(revisionsInRange(g, 'base:heads', []))).toEqual(['c', 'b', 'a']);
  });

  it('refuses a range that is not ancestor to descendant, with the ends swapped in the hint (issue 10, defect 2)', () => {
    const reversed = thrown(() => revisionsInRange(g, `${id('c')}:${id('a')}`, []));
    expect(reversed.code).toBe('REVISION_RANGE_NOT_ANCESTOR');
    expect(reversed.hint).toBe(`Swap the ends: -r ${id('a')}:${id('c')}.`);
    const toBase = thrown(() => revisionsInRange(g, `${id('c')}:base`, []));
    expect(toBase.code).toBe('REVISION_RANGE_NOT_ANCESTOR');
    expect(toBase.hint).toBe(`Nothing is below base; to list from ${id('c')} up, use -r ${id('c')}:heads.`);
  });
});

describe('revisionsInRange: two labelled branches (Alembic LabeledBranchTest)', () => {
  const g = graph('a label:abranch', 'b<-a', 'c<-b', 'd', 'e<-d label:ebranch', 'f<-e', 'h<-f');

  it('lists a branch from label@base, its whole lineage from the base as downgrades count it (issue 10, defect 3)', () => {
    expect(short(revisionsInRange(g, 'ebranch@base:heads', []))).toEqual(['h', 'f', 'e', 'd']);
    expect(short(revisionsInRange(g, 'ebranch@base:ebranch@head', []))).toEqual(['h', 'f', 'e', 'd']);
    expect(short(revisionsInRange(g, 'abranch@base:', []))).toEqual(['c', 'b', 'a']);
  });

  it('walks label@-N from the branch head, whatever the database is at (issue 10, defect 4)', () => {
    expect(short(revisionsInRange(g, 'ebranch@-2:ebranch@head', []))).toEqual(['h', 'f', 'e']);
    expect(short(revisionsInRange(g, 'ebranch@-2:ebranch@head', [id('e'), id('c')]))).toEqual(['h', 'f', 'e']);
    expect(short(revisionsInRange(g, 'ebranch@-1:', [id('d')]))).toEqual(['h', 'f']);
  });
});
