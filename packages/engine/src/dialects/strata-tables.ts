/** The table holding each stream's current heads (Alembic's alembic_version, one table for all streams of a database or schema). */
export const VERSION_TABLE = 'strata_version';
/** The append-only table recording every applied, reverted and stamped revision. */
export const HISTORY_TABLE = 'strata_history';

/**
 * Strata's own tables (the version table, the history table and SQLite's lock row), which schema
 * reflection leaves out: they belong to the migration tool, not to the application's schema. The
 * names live here, below `runner/`, because the dialects' readers need them too.
 *
 * @example
 * ```ts
 * import { STRATA_TABLES } from '@strata/engine';
 * STRATA_TABLES.includes('strata_version'); // true
 * ```
 */
export const STRATA_TABLES: readonly string[] = [VERSION_TABLE, HISTORY_TABLE, 'strata_lock'];

/** The index on `strata_history` that the applied-set read and each stream's history read use. */
export const HISTORY_INDEX = 'strata_history_stream_revision';

/**
 * `CREATE INDEX IF NOT EXISTS`, for the dialects that have it (PostgreSQL 9.5+, SQLite); see
 * `Dialect.createIndexIfMissing`. @internal
 */
export function createIndexIfNotExists(quote: (name: string) => string, table: string, name: string, columns: readonly string[]): readonly string[] {
  return [`CREATE INDEX IF NOT EXISTS ${quote(name)} ON ${quote(table)} (${columns.map(quote).join(', ')})`];
}
