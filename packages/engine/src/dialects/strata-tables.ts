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
