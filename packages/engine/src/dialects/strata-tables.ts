/**
 * Strata's own tables (the version table, the history table and SQLite's lock row), which schema
 * reflection leaves out: they belong to the migration tool, not to the application's schema. The
 * names are fixed here rather than imported from the runner because `dialects/` sits below `runner/`.
 *
 * @example
 * ```ts
 * import { STRATA_TABLES } from '@strata/engine';
 * STRATA_TABLES.includes('strata_version'); // true
 * ```
 */
export const STRATA_TABLES: readonly string[] = ['strata_version', 'strata_history', 'strata_lock'];
