import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { withConnection } from '../dialects/connection.js';
import type { DialectName } from '../dialects/dialect.js';
import { loadDialect } from '../dialects/registry.js';
import { absoluteDatabaseUrl, dialectFromUrl, redactUrl, scrubPassword } from '../dialects/url.js';
import { InvalidTargetError, NoTargetsError, TargetsFileNotFoundError, TargetsQueryFailedError } from './errors.js';

/** One line of a targets file that names a tenant: the URL as written, and where. */
export interface TargetLine {
  readonly url: string;
  /** 1-based line number in the file (row number for a query). */
  readonly line: number;
}

/** One tenant database a fan-out runs on. */
export interface TenantTarget {
  /** The URL as written in the targets file or returned by the query: what reports name (masked) and shards hash. */
  readonly url: string;
  /** The URL the runner connects to: a relative SQLite path made absolute. */
  readonly connectUrl: string;
  readonly dialect: DialectName;
}

/**
 * Reads the text of a targets file: one URL per line; blank lines and lines starting with `#` are
 * skipped; a URL listed twice counts once. A `#` later in a line is part of the URL (a password may
 * hold one), and a line holding a space is refused: it is two words, not one URL. Pure, no I/O.
 *
 * @example
 * ```ts
 * import { parseTargets } from '@strata/engine';
 * parseTargets('# tenants\nfile:a.db\n\npostgres://db/t2\n', 'tenants.txt');
 * // [{ url: 'file:a.db', line: 2 }, { url: 'postgres://db/t2', line: 4 }]
 * ```
 */
export function parseTargets(text: string, source: string): TargetLine[] {
  const seen = new Set<string>();
  const targets: TargetLine[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const url = raw.trim();
    if (url === '' || url.startsWith('#')) continue;
    if (/\s/.test(url)) throw new InvalidTargetError(source, index + 1, redactUrl(url), 'a line holds one URL, without spaces');
    if (seen.has(url)) continue;
    seen.add(url);
    targets.push({ url, line: index + 1 });
  }
  return targets;
}

/**
 * A tenant's dialect (from its URL's scheme, else `dialect`) and the URL to connect to: a relative
 * SQLite path is resolved from `baseDir` (the targets file's folder, or the project folder for a query).
 *
 * @example
 * ```ts
 * import { resolveTenant } from '@strata/engine';
 * resolveTenant({ url: 'file:t1.db', line: 1 }, { source: 'tenants.txt', baseDir: '/repo' });
 * // { url: 'file:t1.db', connectUrl: 'file:///repo/t1.db', dialect: 'sqlite' }
 * ```
 */
export function resolveTenant(target: TargetLine, options: { source: string; baseDir: string; dialect?: DialectName }): TenantTarget {
  const dialect = dialectFromUrl(target.url) ?? options.dialect;
  if (dialect === undefined) {
    throw new InvalidTargetError(options.source, target.line, redactUrl(target.url), 'its scheme names no dialect (postgres://, mysql://, file:) and the stream configures none');
  }
  return { url: target.url, connectUrl: absoluteDatabaseUrl(target.url, dialect, options.baseDir), dialect };
}

/**
 * Reads a targets file (see {@link parseTargets}) into tenants; relative SQLite paths in it are
 * relative to the file's folder. Throws `FANOUT_TARGETS_FILE_NOT_FOUND` when it cannot be read,
 * `FANOUT_INVALID_TARGET` for a line that is not a URL, `FANOUT_NO_TARGETS` when it names none.
 *
 * @example
 * ```ts
 * import { readTargetsFile } from '@strata/engine';
 * const tenants = readTargetsFile('/repo/tenants.txt', { dialect: 'sqlite' });
 * ```
 */
export function readTargetsFile(file: string, options: { dialect?: DialectName } = {}): TenantTarget[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TargetsFileNotFoundError(file, error);
  }
  const tenants = parseTargets(text, file).map((target) => resolveTenant(target, { source: file, baseDir: dirname(file), ...options }));
  if (tenants.length === 0) throw new NoTargetsError(`The targets file ${file}`);
  return tenants;
}

/** The database a targets query runs on: the stream's own. */
export interface TargetsQueryDatabase {
  readonly dialect?: DialectName;
  readonly url?: string;
  /** Relative SQLite paths among the returned URLs are relative to it. */
  readonly projectDir: string;
}

/**
 * Runs `sql` on the stream's own database and takes the first column of each row as a tenant URL
 * (empty and null values skipped, duplicates counted once). Throws `FANOUT_TARGETS_QUERY_FAILED`
 * when the query fails or the stream has no URL, `FANOUT_NO_TARGETS` when no row names a tenant.
 *
 * @example
 * ```ts
 * import { queryTargets } from '@strata/engine';
 * const tenants = await queryTargets('SELECT url FROM tenants', { dialect: 'postgresql', url: 'postgres://db/control', projectDir: '.' });
 * ```
 */
export async function queryTargets(sql: string, database: TargetsQueryDatabase): Promise<TenantTarget[]> {
  const { url } = database;
  const dialectName = url === undefined ? undefined : (database.dialect ?? dialectFromUrl(url));
  if (url === undefined || dialectName === undefined) {
    throw new TargetsQueryFailedError({ sql, database: url === undefined ? undefined : redactUrl(url), reason: 'no database to run it on' });
  }
  const source = `The targets query on ${redactUrl(url)}`;
  let rows: Record<string, unknown>[];
  try {
    const dialect = await loadDialect(dialectName);
    rows = await withConnection(dialect, url, (connection) => connection.query(sql), { mustExist: true });
  } catch (error) {
    const reason = scrubPassword(error instanceof Error ? error.message : String(error), url);
    throw new TargetsQueryFailedError({ sql, database: redactUrl(url), reason, cause: error });
  }
  const text = rows.map((row) => {
    const first = Object.values(row)[0];
    return first === null || first === undefined ? '' : String(first);
  });
  const tenants = parseTargets(text.join('\n'), source).map((target) => resolveTenant(target, { source, baseDir: database.projectDir, dialect: dialectName }));
  if (tenants.length === 0) throw new NoTargetsError(source);
  return tenants;
}
