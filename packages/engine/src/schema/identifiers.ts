/**
 * How long an identifier may be on a server, and what the server does with a longer one. PostgreSQL
 * keeps NAMEDATALEN - 1 = 63 bytes and truncates longer names silently, in DDL and in queries alike
 * (https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS); MySQL and
 * MariaDB allow 64 characters and refuse longer ones (https://dev.mysql.com/doc/refman/8.0/en/identifier-length.html).
 */
export interface IdentifierLimit {
  readonly max: number;
  readonly unit: 'bytes' | 'characters';
  /** `truncate`: the server cuts the name and uses the cut one; `refuse`: the statement fails. */
  readonly overflow: 'truncate' | 'refuse';
}

/** The length of `name` in the limit's unit. */
export function identifierLength(name: string, limit: IdentifierLimit): number {
  return limit.unit === 'bytes' ? Buffer.byteLength(name) : [...name].length;
}

/** Whether `name` is longer than the limit allows. */
export function exceedsLimit(name: string, limit: IdentifierLimit | undefined): limit is IdentifierLimit {
  return limit !== undefined && identifierLength(name, limit) > limit.max;
}

/** `name` cut to the limit at a character boundary, as PostgreSQL cuts it. */
export function clipIdentifier(name: string, limit: IdentifierLimit): string {
  let out = '';
  for (const char of name) {
    if (identifierLength(out + char, limit) > limit.max) break;
    out += char;
  }
  return out;
}

/**
 * A name within the limit that stays unique and stable: the name itself when it fits, else its head
 * and `_` and eight hex digits of a hash of the whole name (FNV-1a), so that two long names sharing
 * their first characters stay apart and the same name always shortens the same way.
 *
 * @example
 * ```ts
 * import { shortenIdentifier } from '@strata/engine';
 * shortenIdentifier('x'.repeat(70), { max: 64, unit: 'characters', overflow: 'refuse' }).length; // 64
 * ```
 */
export function shortenIdentifier(name: string, limit: IdentifierLimit): string {
  if (identifierLength(name, limit) <= limit.max) return name;
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(name)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  const suffix = `_${hash.toString(16).padStart(8, '0')}`;
  return `${clipIdentifier(name, { ...limit, max: limit.max - suffix.length })}${suffix}`;
}

/**
 * A name as SQLite compares names (its tables, indexes, triggers): ASCII letters case-blind, every
 * other character as it is, so `Orders` and `orders` meet while `Ärzte` and `ärzte` stay apart.
 * @internal
 */
export function asciiCaseKey(name: string): string {
  // Most names hold no capital: they are their own key, with nothing built.
  for (let i = 0; i < name.length; i += 1) {
    const code = name.charCodeAt(i);
    if (code >= 65 && code <= 90) return name.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  }
  return name;
}
