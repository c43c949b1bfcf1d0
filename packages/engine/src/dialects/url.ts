import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DialectName } from './dialect.js';

/** @internal What a masked secret is replaced with. */
export const MASK = '***';

/** `scheme:` at the start of a string (RFC 3986 scheme syntax). */
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/**
 * Query parameters and `key=value` settings that carry secrets (`?password=`, libpq's
 * `password=...`, `sslpassword`, tokens): their values are masked too.
 */
const SECRET_SETTING = /((?:^|[?&;\s])[a-z_]*(?:password|passwd|pwd|secret|token)[a-z_]*=)([^&;\s#]*)/gi;

/**
 * Masks the password of a database URL (and any `password=`-like setting) with `***`, for messages
 * and logs. Works on any string, including ones that do not parse as a URL: the password is taken to
 * run from the first `:` of the user-info to the *last* `@`, so an unencoded `@`, `/` or `#` in the
 * password still ends up masked (at worst a little more than the password is hidden, never less).
 *
 * @example
 * ```ts
 * import { redactUrl } from '@strata/engine';
 * redactUrl('postgres://app:s3cret@db:5432/app'); // 'postgres://app:***@db:5432/app'
 * redactUrl('mysql://root@127.0.0.1:3306/');       // unchanged: no password
 * ```
 */
export function redactUrl(url: string): string {
  let result = '';
  let cursor = 0;
  for (const [start, end] of secretSpans(url)) {
    result += `${url.slice(cursor, start)}${MASK}`;
    cursor = end;
  }
  return result + url.slice(cursor);
}

/**
 * Removes the password of `url` (as written and percent-decoded) from `text`, such as a driver's
 * error message or a failing statement, before it is put into a `StrataError`.
 *
 * @example
 * ```ts
 * import { scrubPassword } from '@strata/engine';
 * scrubPassword('bad password s3cret', 'postgres://app:s3cret@db/app'); // 'bad password ***'
 * ```
 */
export function scrubPassword(text: string, url: string): string {
  const secrets = new Set<string>();
  for (const [start, end] of secretSpans(url)) {
    const secret = url.slice(start, end);
    secrets.add(secret);
    try {
      secrets.add(decodeURIComponent(secret));
    } catch {
      // A malformed percent-escape: the written form is the only form the password can take.
    }
  }
  // Longest first, so a secret that contains another is masked whole.
  const ordered = [...secrets].filter((secret) => secret.length > 0).sort((a, b) => b.length - a.length);
  let result = text;
  for (const secret of ordered) result = result.split(secret).join(MASK);
  return result;
}

/** The `[start, end)` ranges of `url` that hold secrets, sorted and not overlapping. */
function secretSpans(url: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const match of url.matchAll(SECRET_SETTING)) {
    const valueStart = (match.index ?? 0) + (match[1] ?? '').length;
    spans.push([valueStart, valueStart + (match[2] ?? '').length]);
  }
  const userInfo = passwordSpan(url);
  if (userInfo) spans.push(userInfo);
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}

/** The range of the user-info password: from the first `:` after the scheme to the last `@`. */
function passwordSpan(url: string): [number, number] | undefined {
  const scheme = SCHEME.exec(url);
  let start = 0;
  if (scheme) {
    const afterScheme = scheme[0].length;
    if (url.startsWith('//', afterScheme)) start = afterScheme + 2;
    // `file:`, `sqlite:` and `pglite:` name paths, which have no user-info; an `@` in them is part of a file name.
    else if (/^(file|sqlite|pglite)$/i.test(scheme[1] ?? '')) return undefined;
    // Anything else without `//` (`user:pass@host`, a Windows path) is scanned from the start.
  }
  const at = url.lastIndexOf('@');
  if (at < start) return undefined;
  const colon = url.indexOf(':', start);
  if (colon === -1 || colon > at) return undefined;
  return [colon + 1, at];
}

/**
 * Guesses the dialect from a URL's shape: `postgres://`/`postgresql://` and PGlite's `pglite:` → `postgresql`,
 * `mysql://`/`mariadb://` → `mysql`, `file:`, `sqlite:`, `:memory:` or a path ending in
 * `.db`/`.sqlite`/`.sqlite3` → `sqlite`; anything else → `undefined`.
 *
 * @example
 * ```ts
 * import { dialectFromUrl } from '@strata/engine';
 * dialectFromUrl('postgresql://localhost/app'); // 'postgresql'
 * dialectFromUrl('./data/app.sqlite');          // 'sqlite'
 * dialectFromUrl('redis://localhost');          // undefined
 * ```
 */
export function dialectFromUrl(url: string): DialectName | undefined {
  const trimmed = url.trim();
  const lower = trimmed.toLowerCase();
  if (lower.startsWith('postgres://') || lower.startsWith('postgresql://') || lower.startsWith('pglite:')) return 'postgresql';
  if (lower.startsWith('mysql://') || lower.startsWith('mariadb://')) return 'mysql';
  if (lower.startsWith('file:') || lower.startsWith('sqlite:') || lower === ':memory:') return 'sqlite';
  if (/\.(db|sqlite|sqlite3)$/i.test(trimmed) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return 'sqlite';
  return undefined;
}

/**
 * The file path a SQLite URL names, absolute (resolved against `baseDir`, default the current
 * directory), or `':memory:'`. Accepted forms:
 * - `:memory:`, `file::memory:`, `sqlite::memory:`;
 * - `file:` URLs as RFC 8089 writes them (`file:///abs/app.db`, `file://localhost/abs/app.db`,
 *   percent-decoded) and the relative form libSQL and Drizzle use (`file:./app.db`, `file:app.db`);
 * - `sqlite:path`, and `sqlite://path` where the path follows the `//` (`sqlite:///abs/app.db`);
 * - a bare path (`./app.db`, `/abs/app.db`).
 * A query string on the `file:`/`sqlite:` forms (`?mode=ro`) is dropped.
 *
 * @example
 * ```ts
 * import { sqlitePathFromUrl } from '@strata/engine';
 * sqlitePathFromUrl('file:./app.db', '/repo');   // '/repo/app.db'
 * sqlitePathFromUrl('sqlite:///var/app.db');     // '/var/app.db'
 * sqlitePathFromUrl(':memory:');                 // ':memory:'
 * ```
 */
export function sqlitePathFromUrl(url: string, baseDir: string = process.cwd()): string {
  const trimmed = url.trim();
  const lower = trimmed.toLowerCase();
  let path: string;
  if (lower.startsWith('file://')) {
    path = fileURLToPath(withoutQuery(trimmed));
  } else if (lower.startsWith('file:')) {
    path = decodeURIComponent(withoutQuery(trimmed.slice('file:'.length)));
  } else if (lower.startsWith('sqlite:')) {
    const rest = withoutQuery(trimmed.slice('sqlite:'.length));
    path = rest.startsWith('//') ? rest.slice(2) : rest;
  } else {
    path = trimmed;
  }
  if (path === ':memory:') return path;
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/**
 * The URL to connect to for `url` as written: a SQLite location becomes an absolute `file:` URL (a
 * relative path taken from `baseDir`), or `:memory:`; a PGlite directory becomes absolute the same way
 * (`pglite:/srv/data/pg`, settings kept); in-memory PGlite and server URLs are returned as they are.
 *
 * @example
 * ```ts
 * import { absoluteDatabaseUrl } from '@strata/engine';
 * absoluteDatabaseUrl('file:tenants/acme.db', 'sqlite', '/srv'); // 'file:///srv/tenants/acme.db'
 * absoluteDatabaseUrl('pglite:./data/pg?extensions=citext', 'postgresql', '/srv'); // 'pglite:/srv/data/pg?extensions=citext'
 * absoluteDatabaseUrl('postgres://db/acme', 'postgresql', '/srv'); // unchanged
 * ```
 */
export function absoluteDatabaseUrl(url: string, dialect: DialectName, baseDir: string): string {
  if (/^pglite:/i.test(url.trim())) return absolutePgliteUrl(url.trim(), baseDir);
  if (dialect !== 'sqlite') return url;
  const path = sqlitePathFromUrl(url, baseDir);
  return path === ':memory:' ? path : pathToFileURL(path).href;
}

/** A `pglite:` directory taken from `baseDir` when relative (see `pgliteLocation` for the forms); memory places unchanged. */
function absolutePgliteUrl(url: string, baseDir: string): string {
  const rest = url.slice('pglite:'.length);
  const query = rest.indexOf('?');
  const place = query < 0 ? rest : rest.slice(0, query);
  if (place === '' || /^memory(:|$)/i.test(place)) return url;
  const path = decodeURIComponent(place.startsWith('//') ? place.slice(2) : place);
  if (isAbsolute(path)) return url;
  const encoded = resolve(baseDir, path).replace(/[%?#]/g, (char) => encodeURIComponent(char));
  return `pglite:${encoded}${query < 0 ? '' : rest.slice(query)}`;
}

/** Drops a `?query` (and `#fragment`) from a URL-form SQLite location. */
function withoutQuery(text: string): string {
  const end = text.search(/[?#]/);
  return end === -1 ? text : text.slice(0, end);
}
