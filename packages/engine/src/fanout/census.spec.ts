import { describe, expect, it } from 'vitest';
import { census } from './census.js';

describe('census', () => {
  it('counts tenants per set of heads, most common first, leaving out tenants whose heads are unknown', () => {
    expect(census(['c3'], [['c3'], ['b2'], ['c3'], null, ['c3'], ['b2'], []])).toEqual([
      { heads: ['c3'], tenants: 3, isHead: true },
      { heads: ['b2'], tenants: 2, isHead: false },
      { heads: [], tenants: 1, isHead: false },
    ]);
  });

  it('puts the group at head first on a tie, whatever the listing order or the ids sort to', () => {
    const tied = census(['f3invoices'], [['a2plan'], ['f3invoices'], ['a2plan'], ['f3invoices']]);
    expect(tied).toEqual([
      { heads: ['f3invoices'], tenants: 2, isHead: true },
      { heads: ['a2plan'], tenants: 2, isHead: false },
    ]);
    expect(census(['f3invoices'], [['f3invoices'], ['z9old'], ['a2plan']]).map((entry) => entry.heads[0])).toEqual(['f3invoices', 'a2plan', 'z9old']);
  });

  it('matches a tenant at two heads whatever order its heads were read in', () => {
    expect(census(['b', 'a'], [['a', 'b'], ['b', 'a']])).toEqual([{ heads: ['a', 'b'], tenants: 2, isHead: true }]);
  });
});
