import { describe, expect, it } from 'vitest';
import type { TableModel } from './model.js';
import { TableMap } from './table-map.js';

function table(name: string, column = 'id', references: readonly string[] = []): TableModel {
  return {
    name,
    columns: [{ name: column, type: 'integer', nullable: false }],
    indexes: [],
    foreignKeys: references.map((referenced) => ({ name: `fk_${name}_${referenced}`, columns: [column], referencedTable: referenced, referencedColumns: ['id'], onDelete: 'no action', onUpdate: 'no action' })),
    uniqueConstraints: [],
    checkConstraints: [],
  };
}

const names = (tables: readonly TableModel[]): string[] => tables.map((t) => t.name);

/** The map's contents as plain entries (name and first column), in its order. */
function contents(map: ReadonlyMap<string, TableModel>): [string, string | undefined][] {
  return [...map].map(([name, t]) => [name, t.columns[0]?.name]);
}

describe('TableMap', () => {
  it('leaves every older version as it was, read before or after the newer ones', () => {
    const v0 = TableMap.from(new Map([['a', table('a')], ['b', table('b')]]));
    const v1 = v0.with(table('c'));
    const v2 = v1.with(table('a', 'renamed'));
    const v3 = v2.without('b');
    const v4 = v3.with(table('b', 'again'));

    expect(contents(v4)).toEqual([['a', 'renamed'], ['c', 'id'], ['b', 'again']]);
    expect(v2.get('a')?.columns[0]?.name).toBe('renamed');
    expect(v3.has('b')).toBe(false);
    expect(v0.has('c')).toBe(false);
    // The deleted table comes back in its old place in the versions that held it.
    expect(contents(v2)).toEqual([['a', 'renamed'], ['b', 'id'], ['c', 'id']]);
    expect(contents(v1)).toEqual([['a', 'id'], ['b', 'id'], ['c', 'id']]);
    expect(contents(v0)).toEqual([['a', 'id'], ['b', 'id']]);
    expect([v0.size, v1.size, v2.size, v3.size, v4.size]).toEqual([2, 3, 3, 2, 3]);
  });

  it('answers like a Map through a long run of changes, for the newest and every older version', () => {
    const versions: TableMap[] = [TableMap.from(new Map())];
    const expected: Map<string, TableModel>[] = [new Map()];
    for (let n = 0; n < 200; n++) {
      const last = versions[versions.length - 1]!;
      const plain = new Map(expected[expected.length - 1]);
      if (n % 7 === 3) {
        const name = `t${n - 3}`;
        versions.push(last.without(name));
        plain.delete(name);
      } else {
        const t = table(`t${n % 5 === 4 ? n - 4 : n}`, `c${n}`);
        versions.push(last.with(t));
        plain.set(t.name, t);
      }
      expected.push(plain);
    }
    // Read from the oldest, whose reads walk the furthest, to the newest.
    versions.forEach((version, i) => {
      expect(version.get('t0')).toBe(expected[i]!.get('t0'));
      expect([...version.entries()]).toEqual([...expected[i]!.entries()]);
    });
  });

  it('branches when an older version is changed: the newer ones keep what they held', () => {
    const v0 = TableMap.from(new Map([['a', table('a')]]));
    const v1 = v0.with(table('b'));
    const branch = v0.with(table('x'));

    expect(contents(v1)).toEqual([['a', 'id'], ['b', 'id']]);
    expect(contents(branch)).toEqual([['a', 'id'], ['x', 'id']]);
    expect(contents(v0)).toEqual([['a', 'id']]);
  });

  it('returns the same map when the table to drop is not there', () => {
    const map = TableMap.from(new Map([['a', table('a')]]));
    expect(map.without('missing')).toBe(map);
  });

  it('iterates through forEach, keys and values in the same order as entries', () => {
    const map = TableMap.from(new Map([['b', table('b')]])).with(table('a'));
    const seen: string[] = [];
    map.forEach((t, name, self) => {
      expect(self).toBe(map);
      seen.push(`${name}:${t.name}`);
    });
    expect(seen).toEqual(['b:b', 'a:a']);
    expect([...map.keys()]).toEqual(['b', 'a']);
    expect([...map.values()].map((t) => t.name)).toEqual(['b', 'a']);
  });

  it('finds the tables whose foreign keys reference a table, in map order, as each version holds them', () => {
    const v0 = TableMap.from(new Map([['users', table('users')], ['orders', table('orders', 'user_id', ['users'])]]));
    const v1 = v0.with(table('audit', 'user_id', ['users', 'users'])).with(table('users', 'id', ['users']));
    const v2 = v1.with(table('orders', 'user_id')).without('audit');
    const v3 = v2.with(table('audit', 'user_id', ['orders']));

    expect(names(v3.referencing('users'))).toEqual(['users']);
    expect(names(v3.referencing('orders'))).toEqual(['audit']);
    expect(names(v2.referencing('users'))).toEqual(['users']);
    expect(names(v1.referencing('users'))).toEqual(['users', 'orders', 'audit']);
    expect(names(v0.referencing('users'))).toEqual(['orders']);
    expect(v0.referencing('nothing')).toEqual([]);
    // Each holder is the table as that version holds it.
    expect(v1.referencing('users')[1]).toBe(v1.get('orders'));
  });
});
