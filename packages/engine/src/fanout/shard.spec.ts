import { describe, expect, it } from 'vitest';
import { InvalidShardError } from './errors.js';
import { inShard, parseShard, shardOf } from './shard.js';

const TENANTS = Array.from({ length: 1000 }, (_, i) => `postgres://app:pw${i}@db.internal:5432/tenant_${i}`);

describe('parseShard', () => {
  it('reads i/n, counting from 1', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    expect(parseShard(' 4 / 4 ')).toEqual({ index: 4, count: 4 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
  });

  it.each(['0/4', '5/4', '1/0', '4', '1/4/2', 'a/b', '-1/4', '1.5/4', ''])('refuses %j with FANOUT_INVALID_SHARD', (spec) => {
    expect(() => parseShard(spec)).toThrow(InvalidShardError);
    try {
      parseShard(spec);
    } catch (error) {
      expect((error as InvalidShardError).code).toBe('FANOUT_INVALID_SHARD');
      expect((error as InvalidShardError).hint).toContain('--shard 1/4');
    }
  });
});

describe('shard partitioning', () => {
  it('the shards of a list together hold every tenant exactly once', () => {
    for (const count of [1, 2, 3, 4, 7, 16]) {
      const shards = Array.from({ length: count }, (_, i) => inShard(TENANTS, { index: i + 1, count }, (url) => url));
      expect(shards.flat().sort()).toEqual([...TENANTS].sort());
    }
  });

  it('spreads tenants over every shard (no shard empty or holding more than twice its share, on 1000 tenants)', () => {
    const sizes = Array.from({ length: 4 }, (_, i) => inShard(TENANTS, { index: i + 1, count: 4 }, (url) => url).length);
    for (const size of sizes) {
      expect(size).toBeGreaterThan(0);
      expect(size).toBeLessThan(500);
    }
  });

  it('is deterministic, keeps the list order, and no shard means every tenant', () => {
    const first = inShard(TENANTS, { index: 2, count: 4 }, (url) => url);
    expect(inShard([...TENANTS], { index: 2, count: 4 }, (url) => url)).toEqual(first);
    expect(first).toEqual(TENANTS.filter((url) => first.includes(url)));
    expect(inShard(TENANTS, undefined, (url) => url)).toEqual(TENANTS);
  });

  it('a tenant keeps its shard when others are added or removed (a hash, not a position)', () => {
    const before = new Map(TENANTS.map((url) => [url, shardOf(url, 4)]));
    const fewer = TENANTS.filter((_, i) => i % 3 !== 0);
    const more = [...fewer, 'file:new-tenant.db'];
    for (let index = 1; index <= 4; index++) {
      expect(inShard(more, { index, count: 4 }, (u) => u).filter((url) => url !== 'file:new-tenant.db')).toEqual(fewer.filter((url) => before.get(url) === index));
    }
  });

  it('a password change moves no tenant: the masked URL is hashed', () => {
    for (const url of TENANTS.slice(0, 50)) expect(shardOf(url.replace(/:pw\d+@/, ':rotated@'), 4)).toBe(shardOf(url, 4));
  });

  it('is the same on every machine: a pinned value', () => {
    expect([1, 2, 3, 4].map((count) => shardOf('file:tenants/acme.db', count))).toMatchInlineSnapshot(`
      [
        1,
        2,
        2,
        2,
      ]
    `);
  });
});
