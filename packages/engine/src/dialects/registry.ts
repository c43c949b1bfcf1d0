import { assertNever } from '../errors.js';
import type { Dialect, DialectName } from './dialect.js';

/** One promise per dialect, made on first request: dialects hold no state, and concurrent callers share the import. */
const loaded = new Map<DialectName, Promise<Dialect>>();

/**
 * The dialect for `name`, importing its module on first request so a run on one database never loads
 * the other dialects. The driver (`pg`, `mysql2`, `better-sqlite3`) is imported later still, by the
 * first `connect()`, which throws `DIALECT_DRIVER_MISSING` naming the package when it is not installed.
 *
 * @example
 * ```ts
 * import { dialectFromUrl, loadDialect } from '@strata/engine';
 * const url = 'postgres://postgres@127.0.0.1:5432/postgres';
 * const dialect = await loadDialect(dialectFromUrl(url) ?? 'postgresql');
 * const connection = await dialect.connect(url);
 * await connection.close();
 * ```
 */
export function loadDialect(name: DialectName): Promise<Dialect> {
  let dialect = loaded.get(name);
  if (dialect === undefined) {
    dialect = importDialect(name);
    loaded.set(name, dialect);
  }
  return dialect;
}

async function importDialect(name: DialectName): Promise<Dialect> {
  switch (name) {
    case 'postgresql': {
      const { PostgresDialect } = await import('./postgres/postgres-dialect.js');
      return new PostgresDialect();
    }
    case 'mysql': {
      const { MysqlDialect } = await import('./mysql/mysql-dialect.js');
      return new MysqlDialect();
    }
    case 'sqlite': {
      const { SqliteDialect } = await import('./sqlite/sqlite-dialect.js');
      return new SqliteDialect();
    }
    default:
      return assertNever(name);
  }
}
