import { createHash } from 'node:crypto';
import { redactUrl } from '../dialects/url.js';
import { InvalidShardError } from './errors.js';

/** One of `count` shards of a tenant list: `index` counts from 1, as `--shard 1/4` does. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * Reads `--shard i/n` (`1/4`: the first of four shards), as Playwright and Jest number them.
 *
 * @example
 * ```ts
 * import { parseShard } from '@strata/engine';
 * parseShard('2/4'); // { index: 2, count: 4 }
 * ```
 */
export function parseShard(spec: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) throw new InvalidShardError(spec);
  return { index, count };
}

/**
 * The shard (1 to `count`) a tenant belongs to: the first 32 bits of the SHA-256 of its URL, as
 * written in the targets file or returned by the targets query and with its password masked, modulo
 * `count`. A hash rather than a position in the sorted list, so that adding or removing a tenant moves
 * no other tenant to another shard; the URL as written rather than resolved, so that a relative SQLite
 * path lands in the same shard on every CI machine whatever its checkout folder; masked, so that a
 * rotated password moves nothing either.
 *
 * @example
 * ```ts
 * import { shardOf } from '@strata/engine';
 * shardOf('postgres://app:s3cret@db/tenant_1', 4); // the same number, 1 to 4, on every machine
 * ```
 */
export function shardOf(url: string, count: number): number {
  const digest = createHash('sha256').update(redactUrl(url.trim())).digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

/**
 * The items of `items` in `shard` (all of them without one), in their order; `urlOf` names each
 * item's URL as written. The shards 1 to n of one list together hold every item exactly once.
 *
 * @example
 * ```ts
 * import { inShard } from '@strata/engine';
 * const mine = inShard(['file:a.db', 'file:b.db', 'file:c.db'], { index: 1, count: 2 }, (url) => url);
 * ```
 */
export function inShard<T>(items: readonly T[], shard: Shard | undefined, urlOf: (item: T) => string): T[] {
  if (shard === undefined) return [...items];
  return items.filter((item) => shardOf(urlOf(item), shard.count) === shard.index);
}
