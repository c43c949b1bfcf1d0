import { MASK } from './url.js';

/** A quoted literal as PostgreSQL or MySQL writes it (`'…'`, `E'…'`, `"…"`), or one an excerpt cut short. */
const LITERAL = String.raw`(E?'(?:[^'\\]|''|\\.)*(?:'|$)|"(?:[^"\\]|""|\\.)*(?:"|$))`;

/**
 * Where a statement writes a password as a literal:
 * - a word ending in `password`: PostgreSQL `PASSWORD 'x'` and `OPTIONS (password 'x')`, MySQL
 *   `MASTER_PASSWORD = 'x'` and `PASSWORD('x')`, a `password = 'x'` assignment;
 * - MySQL/MariaDB `IDENTIFIED [WITH|VIA plugin] BY|AS|USING [PASSWORD] ['x' | PASSWORD('x')]`;
 * - MySQL `SET PASSWORD [FOR account] = 'x'`.
 */
const SECRET_LITERAL = new RegExp(
  String.raw`(\b[a-z_]*password\s*(?:=\s*)?(?:\(\s*)?|\bidentified\b(?:\s+(?:with|via)\s+\S+)?\s+(?:by|as|using)(?:\s+password)?\s*(?:\(\s*)?(?:[a-z_]*password\s*\(\s*)?|\bset\s+password\b[^=;]*=\s*)` +
    LITERAL,
  'gi',
);

/** A `password=value` setting in a connection string (libpq's, inside `CREATE SUBSCRIPTION … CONNECTION '…'`). */
const SECRET_SETTING = /(\b[a-z_]*(?:password|passwd|pwd)\s*=\s*)([^\s'";&)]+)/gi;

/** What makes a statement worth searching for secrets: cheaper than the patterns, and broader. */
const MAY_CARRY = /identified|password|passwd|pwd/i;

/** Passwords shorter than this are not looked for in messages (see {@link maskQuotedSecrets}). */
const MIN_QUOTED_SECRET = 3;

/**
 * Whether `sql` may carry a password (`CREATE USER … IDENTIFIED BY`, `ALTER ROLE … PASSWORD`,
 * `MASTER_PASSWORD=`): broad on purpose, it may say yes to a statement without one.
 */
export function carriesSecret(sql: string): boolean {
  return MAY_CARRY.test(sql);
}

/**
 * `sql` with the passwords it writes as literals masked (`***`), for error messages and their
 * details; what is sent to the server is never masked.
 *
 * @example
 * ```ts
 * import { maskStatementSecrets } from '@strata/engine';
 * maskStatementSecrets("CREATE ROLE app LOGIN PASSWORD 's3cret!'"); // "CREATE ROLE app LOGIN PASSWORD '***'"
 * ```
 */
export function maskStatementSecrets(sql: string): string {
  if (!carriesSecret(sql)) return sql;
  return sql.replace(SECRET_LITERAL, (_match, lead: string, literal: string) => `${lead}${quoted(literal, MASK)}`).replace(SECRET_SETTING, `$1${MASK}`);
}

/**
 * `message` (a server's or a driver's words about `statements`) with the passwords those statements
 * write masked wherever they appear: MariaDB's "near '…'" quotes a statement from the point of the
 * error, which may be past the word that introduced the password. Passwords shorter than three
 * characters are left, since masking their text everywhere would garble the message.
 *
 * @example
 * ```ts
 * import { maskQuotedSecrets } from '@strata/engine';
 * maskQuotedSecrets("near 'BY 's3cret!'' at line 1", ["CREATE USER app IDENTIFIED BY 's3cret!'"]); // "near 'BY '***'' at line 1"
 * ```
 */
export function maskQuotedSecrets(message: string, statements: readonly string[]): string {
  const secrets = new Set(statements.flatMap(secretsOf).filter((secret) => secret.length >= MIN_QUOTED_SECRET));
  let masked = message;
  // Longest first, so that a secret holding another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) masked = masked.split(secret).join(MASK);
  return masked;
}

/** The passwords `sql` writes: each literal's text as written and as the server reads it. */
function secretsOf(sql: string): string[] {
  if (!carriesSecret(sql)) return [];
  const secrets: string[] = [];
  for (const match of sql.matchAll(SECRET_LITERAL)) {
    const literal = match[2] ?? '';
    const quote = literal.startsWith('"') ? '"' : "'";
    const body = literal.replace(/^E?['"]/, '').replace(new RegExp(`${quote}$`), '');
    secrets.push(body, body.replaceAll(quote + quote, quote).replace(/\\(.)/g, '$1'));
  }
  for (const match of sql.matchAll(SECRET_SETTING)) secrets.push(match[2] ?? '');
  return secrets.filter((secret) => secret.length > 0 && secret !== MASK);
}

/** `value` in the quotes `literal` was written with. */
function quoted(literal: string, value: string): string {
  const quote = literal.startsWith('"') ? '"' : "'";
  return `${literal.startsWith('E') ? 'E' : ''}${quote}${value}${quote}`;
}
