/**
 * What a dialect does around one revision's transaction. Most dialects need nothing; SQLite turns
 * foreign keys off outside the transaction (a table recreate drops and renames tables that others
 * reference) and checks them before commit.
 */
export interface RevisionScope {
  /**
   * Runs inside the transaction, after the revision and its ledger rows; throws to roll back.
   * @param touched the tables the revision's operations named, or undefined when it may have changed
   *   any (raw SQL, its own connection or Drizzle)
   * @param created those of `touched` the revision created: tables no row that was there before it
   *   can point at
   */
  beforeCommit(touched?: ReadonlySet<string>, created?: ReadonlySet<string>): Promise<void>;
  /** Runs after commit or rollback, outside the transaction. */
  close(): Promise<void>;
}

/** The scope of dialects that need no preparation. */
export const NO_REVISION_SCOPE: RevisionScope = {
  beforeCommit: async () => undefined,
  close: async () => undefined,
};

/**
 * Literal formatting shared by the dialects for offline scripts: strings with the quote doubled,
 * numbers and bigints as written, null as NULL. Booleans, dates and "now" differ per dialect and are
 * passed in.
 */
export function formatCommonLiteral(
  value: unknown,
  dialect: { readonly booleans: readonly [string, string]; readonly date: (d: Date) => string; readonly now: string; readonly escapeBackslash: boolean },
  now: symbol,
): string {
  if (value === now) return dialect.now;
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? dialect.booleans[1] : dialect.booleans[0];
  if (value instanceof Date) return quote(dialect.date(value), dialect.escapeBackslash);
  return quote(typeof value === 'string' ? value : JSON.stringify(value), dialect.escapeBackslash);
}

function quote(text: string, escapeBackslash: boolean): string {
  const escaped = escapeBackslash ? text.replaceAll('\\', '\\\\') : text;
  return `'${escaped.replaceAll("'", "''")}'`;
}
