import type { SchemaNormalizer } from '../renderer.js';
import { canonicalExpression, tokenize, type ExpressionSyntax } from '../sql-expression.js';

/** @internal SQLite's expression syntax: `"` identifiers (case-insensitive), standard strings. */
// SQLite reads `name` as a quoted name too (https://www.sqlite.org/lang_keywords.html), and drizzle-kit writes its DDL that way.
export const SQLITE_SYNTAX: ExpressionSyntax = { identifierQuote: '"', readsBacktickNames: true, backslashEscapes: false, foldQuotedIdentifiers: true };

/**
 * SQLite's canonical spellings. SQLite keeps a column's declared type as text and only derives an
 * affinity from it (https://www.sqlite.org/datatype3.html#determination_of_column_affinity), and it
 * keeps defaults as written (`pragma table_xinfo.dflt_value`), so the canonical forms are the written
 * text with only the spelling variations removed:
 *
 * - types: lower case, trimmed, single spaces, no spaces inside parentheses (`VARCHAR ( 255 )` →
 *   `varchar(255)`). No aliasing: `int` and `integer` differ (only `integer primary key` is a rowid alias).
 * - defaults: the written expression with keywords lower-cased, one spacing, string escapes in one
 *   form and the parentheses an expression default needs (`DEFAULT (datetime('now'))`) removed;
 *   `NULL` → none.
 * - expressions: identifiers and keywords lower-cased (SQLite names are case-insensitive), quotes
 *   dropped where not needed, redundant parentheses removed, one spacing.
 *
 * @example
 * ```ts
 * import { SqliteNormalizer } from '@strata/engine';
 * const normalizer = new SqliteNormalizer();
 * normalizer.normalizeType(' VARCHAR(255) '); // 'varchar(255)'
 * normalizer.normalizeDefault('CURRENT_TIMESTAMP', 'text'); // 'current_timestamp'
 * normalizer.normalizeExpression('"Price" > 0'); // 'price > 0'
 * ```
 */
export class SqliteNormalizer implements SchemaNormalizer {
  /** SQLite keeps no primary key name the reader could return (`CONSTRAINT x PRIMARY KEY` is parsed, not stored): the model keeps none. */
  primaryKeyName(): undefined {
    return undefined;
  }

  normalizeType(type: string): string {
    return type.trim().toLowerCase().replace(/\s+/g, ' ').replace(/\s*([(),])\s*/g, '$1').replace(/\)(?=[a-z])/g, ') ');
  }

  normalizeDefault(expression: string | undefined, _type: string): string | undefined {
    if (expression === undefined) return undefined;
    const tokens = tokenize(expression, SQLITE_SYNTAX);
    if (tokens.length === 0) return undefined;
    const text = canonicalExpression(expression, SQLITE_SYNTAX);
    return text === 'null' ? undefined : text;
  }

  normalizeExpression(expression: string): string {
    return canonicalExpression(expression, SQLITE_SYNTAX);
  }
}
