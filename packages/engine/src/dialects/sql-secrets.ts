import type { DialectName } from './dialect.js';
import { MASK } from './url.js';

/**
 * Keeping the passwords a statement writes out of error messages, warnings and their details. No
 * attempt is made to tell which literal of a statement is the password: a statement that mentions
 * anything secret ({@link carriesSecret}) has all its string literals masked (dollar-quoted bodies
 * whole), except the parts of a MySQL account name (`'app'@'%'`), and, in a statement that manages
 * credentials, the token after `PASSWORD` or `IDENTIFIED … BY` however it is written (`"…"`, bare).
 * Its keywords and names stay, so the error still says what failed. The literals are found by a
 * one-pass scan that reads them every way the server may (comments, `E'…'`, dollar quotes, SQLite's
 * brackets, MySQL's executable comments run or skipped, with and without backslash escapes),
 * masking what any reading finds.
 */

/**
 * What makes a statement one that may write a secret: a word about passwords, keys, tokens or
 * secrets, a function that hashes or encrypts with a key, a statement that manages credentials or
 * runs a program. Broad on purpose: a mistyped `PASWORD` still comes with `CREATE ROLE`.
 */
const MENTIONS_SECRET = new RegExp(
  [
    String.raw`passw|pwd|\bpw\b|\bpass\b|passphrase|identified|secret|credential|token|api_?key|private_?key|access_?key`,
    String.raw`crypt|pgp_|aes_|\bsha[12]?\s*\(|\bmd5\s*\(|\bhash`,
    String.raw`\b(?:create|alter)\s+(?:or\s+replace\s+)?(?:user|role|group|server|subscription)\b|user\s+mapping|set\s+password|change\s+(?:master|replication)`,
    String.raw`alter\s+system|\bprogram\b`,
  ].join('|'),
  'i',
);

/** A statement that manages an account's credentials: there the token after `PASSWORD` or `BY` is the password, however it is written. */
const MANAGES_CREDENTIALS = /\b(?:create|alter)\s+(?:or\s+replace\s+)?(?:user|role|group)\b|set\s+password|\bgrant\b[\s\S]*\bidentified\b/i;

/**
 * Whether `sql` may write a password or another secret (see {@link MENTIONS_SECRET}, and a URL
 * `scheme://user:password@host`). Such a statement goes alone, in a message of its own, since a
 * server's error about another statement of a message may quote the text that follows it (MariaDB's
 * "near '…'"), and the literals of such a statement are masked wherever Strata prints it.
 */
export function carriesSecret(sql: string): boolean {
  return MENTIONS_SECRET.test(sql) || urlPasswords(sql).length > 0;
}

/**
 * The passwords of the `scheme://user:password@host` URLs in `text`: each the text between the
 * userinfo's first `:` and its `@` (quotes included: a password may hold one).
 */
function urlPasswords(text: string): string[] {
  const passwords: string[] = [];
  for (let at = text.indexOf('://'); at !== -1; at = text.indexOf('://', at + 3)) {
    let colon = -1;
    for (let i = at + 3; i < text.length; i++) {
      const char = text[i] as string;
      if (char === '@') {
        if (colon !== -1) passwords.push(text.slice(colon + 1, i));
        break;
      }
      if (char === ':' && colon === -1) colon = i;
      if (char === '/' || char.charCodeAt(0) <= 32) break;
    }
  }
  return passwords;
}

/** A `password=value` setting of a connection string (libpq, ODBC): its value, up to a space, a quote or `;`. */
const SETTING_PASSWORD = /(?:password|passwd|pwd)\s*=\s*([^\s'";&]+)/gi;

/** How one reading of a dialect takes literals and comments. */
interface Reading {
  /** `\` escapes the next character inside `'…'` (MySQL by default; PostgreSQL with `standard_conforming_strings` off). */
  readonly backslashes: boolean;
  /** `"…"` is a string (MySQL without `ANSI_QUOTES`), not a name. */
  readonly doubleQuotedStrings: boolean;
  /** PostgreSQL: `$tag$…$tag$`, `E'…'`, nested block comments. */
  readonly postgres: boolean;
  /** MySQL: `#` comments, `--` a comment only before a space. */
  readonly mysql: boolean;
  /** MySQL: the executable comments (`/*!`) read as SQL, as a server of that version or later runs them. */
  readonly executableComments: boolean;
  /** SQLite: `[name]` quotes a name. */
  readonly brackets: boolean;
}

const PLAIN: Reading = { backslashes: false, doubleQuotedStrings: false, postgres: false, mysql: false, executableComments: false, brackets: false };
const READINGS: Record<DialectName, readonly Reading[]> = {
  postgresql: [
    { ...PLAIN, postgres: true },
    { ...PLAIN, postgres: true, backslashes: true },
  ],
  mysql: [true, false].flatMap((backslashes) =>
    [true, false].map((executableComments): Reading => ({ ...PLAIN, mysql: true, doubleQuotedStrings: true, backslashes, executableComments })),
  ),
  sqlite: [{ ...PLAIN, brackets: true }],
};

/** The readings of `dialect`, or of every dialect when it is unknown. */
function readingsOf(dialect: DialectName | undefined): readonly Reading[] {
  return dialect === undefined ? [...READINGS.postgresql, ...READINGS.mysql, ...READINGS.sqlite] : READINGS[dialect];
}

/** One stretch to mask: a string literal's content, or a password token written as a name or bare word; `account` for a part of `'app'@'%'`. */
interface Secret {
  readonly start: number;
  readonly end: number;
  readonly account: boolean;
}

/** Whether `char` continues a word (`E'…'` and `$tag$` are told from names by what comes before them). */
function isWordChar(char: string | undefined): boolean {
  if (char === undefined) return false;
  const code = char.charCodeAt(0);
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36 || code >= 128;
}

const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/** The keywords that may follow `PASSWORD` or `BY` in a statement managing credentials: not a password. */
const NOT_A_PASSWORD = /^(?:password|null|expire|history|reuse|require|lock|by|as|using|with|via)$/i;

/**
 * What `sql` holds to mask as `reading` takes it, in one pass: every string literal (one left open
 * runs to the end) and, with `credentials`, the name or bare word after `PASSWORD` or `BY`.
 */
function secretsIn(sql: string, reading: Reading, credentials: boolean): Secret[] {
  const found: Array<{ start: number; end: number; open: number; close: number }> = [];
  // The word before the current token, lower-cased: after `password` or `by` the next token is the password.
  let lastWord = '';
  let i = 0;
  // The end of the quoted run that opens at `at`: its content's end and the index after its closing quote.
  const quoted = (at: number, quote: string, backslashes: boolean): [number, number] => {
    for (let j = at + 1; j < sql.length; j += 1) {
      const char = sql[j];
      if (char === '\\' && backslashes) j += 1;
      else if (char === quote && sql[j + 1] === quote) j += 1;
      else if (char === quote) return [j, j + 1];
    }
    return [sql.length, sql.length];
  };
  const passwordNext = () => credentials && (lastWord.endsWith('password') || lastWord === 'by');
  while (i < sql.length) {
    const char = sql[i] as string;
    const next = sql[i + 1];
    if (char === '-' && next === '-' && (!reading.mysql || i + 2 >= sql.length || (sql[i + 2] as string).charCodeAt(0) <= 32)) {
      i = lineEnd(sql, i);
    } else if (char === '#' && reading.mysql) {
      i = lineEnd(sql, i);
    } else if (char === '/' && next === '*') {
      if (reading.mysql && reading.executableComments && (sql[i + 2] === '!' || (sql[i + 2] === 'M' && sql[i + 3] === '!'))) i += 3;
      else i = commentEnd(sql, i, reading.postgres);
    } else if (char === "'" || (char === '"' && reading.doubleQuotedStrings)) {
      const escaped = reading.backslashes || char === '"' || (reading.postgres && (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !isWordChar(sql[i - 2]));
      const [end, after] = quoted(i, char, escaped);
      found.push({ start: i + 1, end, open: i, close: after });
      i = after;
      lastWord = '';
    } else if (char === '"' || char === '`' || (char === '[' && reading.brackets)) {
      const [end, after] = char === '[' ? closingBracket(sql, i) : quoted(i, char, false);
      if (passwordNext()) found.push({ start: i + 1, end, open: i, close: after });
      i = after;
      lastWord = '';
    } else if (char === '$' && reading.postgres && !isWordChar(sql[i - 1]) && dollarTagAt(sql, i) !== undefined) {
      const tag = dollarTagAt(sql, i) as string;
      const close = sql.indexOf(tag, i + tag.length);
      found.push({ start: i + tag.length, end: close === -1 ? sql.length : close, open: i, close: close === -1 ? sql.length : close + tag.length });
      i = close === -1 ? sql.length : close + tag.length;
      lastWord = '';
    } else if (isWordChar(char)) {
      let end = i + 1;
      while (end < sql.length && isWordChar(sql[end])) end += 1;
      const word = sql.slice(i, end);
      // A bare password (a mistake the server quotes back) is masked like a literal; keywords after `BY` are not passwords.
      if (passwordNext() && !NOT_A_PASSWORD.test(word)) found.push({ start: i, end, open: i, close: end });
      lastWord = word.toLowerCase();
      i = end;
    } else {
      if (char.charCodeAt(0) > 32) lastWord = '';
      i += 1;
    }
  }
  const beside = (from: number, step: 1 | -1): string | undefined => {
    let j = from;
    while (j >= 0 && j < sql.length && (sql[j] as string).charCodeAt(0) <= 32) j += step;
    return sql[j];
  };
  return found.map(({ start, end, open, close }) => ({ start, end, account: beside(open - 1, -1) === '@' || beside(close, 1) === '@' }));
}

/** The dollar-quote tag (`$$`, `$body$`) that starts at `at`, if one does. */
function dollarTagAt(sql: string, at: number): string | undefined {
  DOLLAR_TAG.lastIndex = at;
  return DOLLAR_TAG.test(sql) ? sql.slice(at, DOLLAR_TAG.lastIndex) : undefined;
}

/** Where a line comment that starts at `at` ends: after the next line break (`\n` or `\r`, as PostgreSQL reads one). */
function lineEnd(sql: string, at: number): number {
  for (let j = at; j < sql.length; j += 1) if (sql[j] === '\n' || sql[j] === '\r') return j + 1;
  return sql.length;
}

/** A `[name]` that opens at `at`: its content's end and the index after `]`. */
function closingBracket(sql: string, at: number): [number, number] {
  const end = sql.indexOf(']', at + 1);
  return end === -1 ? [sql.length, sql.length] : [end, end + 1];
}

/** Where the comment that opens at `at` ends; PostgreSQL's nest. */
function commentEnd(sql: string, at: number, nested: boolean): number {
  let depth = 0;
  for (let j = at; j < sql.length - 1; j += 1) {
    if (sql[j] === '/' && sql[j + 1] === '*') {
      depth = nested ? depth + 1 : 1;
      j += 1;
    } else if (sql[j] === '*' && sql[j + 1] === '/') {
      depth -= 1;
      j += 1;
      if (depth === 0) return j + 1;
    }
  }
  return sql.length;
}

/**
 * The `[start, end)` ranges of `text` to mask, as any reading of `dialect` finds them, account names
 * left out: sorted, merged. `credentials`: whether the statement manages credentials (by default, as
 * `text` itself says).
 */
function maskedRanges(text: string, dialect: DialectName | undefined, credentials = MANAGES_CREDENTIALS.test(text)): Array<[number, number]> {
  const ranges = readingsOf(dialect)
    .flatMap((reading) => secretsIn(text, reading, credentials))
    .filter((secret) => !secret.account && secret.end > secret.start)
    .map((secret): [number, number] => [secret.start, secret.end])
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of ranges) {
    const last = merged.at(-1);
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** The ranges to mask in `sql`: when it carries a secret, else none. */
function secretRanges(sql: string, dialect: DialectName | undefined): Array<[number, number]> {
  return carriesSecret(sql) ? maskedRanges(sql, dialect) : [];
}

/** `text` with `ranges` (sorted, apart) replaced by the mask. */
function masked(text: string, ranges: ReadonlyArray<readonly [number, number]>): string {
  let result = '';
  let cursor = 0;
  for (const [start, end] of ranges) {
    result += `${text.slice(cursor, start)}${MASK}`;
    cursor = end;
  }
  return result + text.slice(cursor);
}

/**
 * `sql` with the string literals of a statement that may write a secret masked (`***`), for error
 * messages, warnings and their details; what is sent to the server is never masked. `dialect` says
 * how to read its literals; without it, every dialect's reading is used.
 *
 * @example
 * ```ts
 * import { maskStatementSecrets } from '@strata/engine';
 * maskStatementSecrets("CREATE USER 'app'@'%' IDENTIFIED BY 's3cret!'", 'mysql'); // "CREATE USER 'app'@'%' IDENTIFIED BY '***'"
 * maskStatementSecrets("INSERT INTO t (note) VALUES ('plain')", 'mysql'); // unchanged: nothing secret mentioned
 * ```
 */
export function maskStatementSecrets(sql: string, dialect?: DialectName): string {
  const ranges = secretRanges(sql, dialect);
  return ranges.length === 0 ? sql : masked(sql, ranges);
}

/**
 * @internal A refused statement and the server's words about it, the secrets the statement writes
 * masked in both ({@link maskStatementSecrets}, {@link maskQuotedSecrets}): what an error prints and
 * keeps in its details.
 */
export function maskStatementError(failure: { readonly sql: string; readonly reason: string; readonly dialect?: DialectName }): { sql: string; reason: string } {
  return { sql: maskStatementSecrets(failure.sql, failure.dialect), reason: maskQuotedSecrets(failure.reason, [failure.sql], failure.dialect) };
}

/** Text shorter than this is masked in a message only where the message quotes the statement (MariaDB's "near '…'"). */
const MIN_QUOTED_SECRET = 3;

/** How {@link maskQuotedSecrets} treats MariaDB's "near '…'". */
export interface QuotedSecretsOptions {
  /**
   * Mask every literal of a "near '…'" fragment, whether or not the statements carry a secret: the
   * message held several statements, and the fragment, which runs on past the failing one, may quote
   * another's.
   */
  readonly nearAlways?: boolean;
}

/**
 * `message` (a server's or a driver's words about `statements`, as they were sent) with what those
 * statements' masked literals hold masked too: every literal of the statement text the message
 * quotes from the point of an error (MariaDB's "near '…' at line n", which may start past the word
 * before the password and cut it short), and, wherever else it stands as a word of its own or is cut
 * short with `...`, each such literal and each password of a connection string or URL inside one, of
 * three characters or more.
 *
 * @example
 * ```ts
 * import { maskQuotedSecrets } from '@strata/engine';
 * maskQuotedSecrets("near 'BY 's3cret!'' at line 1", ["CREATE USER IDENTIFIED BY 's3cret!'"], 'mysql'); // "near 'BY '***'' at line 1"
 * ```
 */
export function maskQuotedSecrets(message: string, statements: readonly string[], dialect?: DialectName, options: QuotedSecretsOptions = {}): string {
  const secret = statements.filter(carriesSecret);
  if (secret.length === 0 && options.nearAlways !== true) return message;
  let result = maskNear(message, dialect, secret.some((sql) => MANAGES_CREDENTIALS.test(sql)));
  const values = new Set<string>();
  for (const sql of secret) {
    for (const [start, end] of secretRanges(sql, dialect)) {
      const written = sql.slice(start, end);
      for (const value of [written, written.replace(/''/g, "'").replace(/\\(.)/g, '$1'), ...urlPasswords(written), ...[...written.matchAll(SETTING_PASSWORD)].map((m) => m[1] ?? '')]) {
        if (value.length >= MIN_QUOTED_SECRET) values.add(value);
      }
    }
  }
  if (values.size === 0) return result;
  // Longest first, so that a secret holding another is masked whole.
  const ordered = [...values].sort((a, b) => b.length - a.length);
  for (const value of ordered) result = replaceWord(result, value);
  // MariaDB cuts long values in its messages ("Duplicate entry 'abc...'"): a cut secret is masked too.
  return result.replace(/'([^'\n]{3,})\.\.\.'/g, (whole, cut: string) => (ordered.some((value) => value.startsWith(cut)) ? `'${MASK}...'` : whole));
}

/**
 * `message` with the literals of each MariaDB "near '…' at line n" fragment masked: the fragment is
 * the statement's text from the token where parsing stopped, so its literals read as in the
 * statement; one cut short (`...`) runs to the end. One pass: each fragment ends at the first
 * "' at line" after it.
 */
function maskNear(message: string, dialect: DialectName | undefined, credentials: boolean): string {
  const OPEN = "near '";
  const CLOSE = /' at line \d+/g;
  let result = '';
  let cursor = 0;
  for (let open = message.indexOf(OPEN); open !== -1; open = message.indexOf(OPEN, cursor)) {
    CLOSE.lastIndex = open + OPEN.length;
    const close = CLOSE.exec(message);
    if (close === null) break;
    const quotedText = message.slice(open + OPEN.length, close.index);
    const cut = quotedText.endsWith('...') ? quotedText.slice(0, -3) : quotedText;
    const ranges = maskedRanges(cut, dialect, credentials);
    result += `${message.slice(cursor, open + OPEN.length)}${masked(cut, ranges)}${quotedText.slice(cut.length)}`;
    cursor = close.index;
  }
  return result + message.slice(cursor);
}

/** `text` with each occurrence of `value` that no letter, digit or `_` touches on either side masked. */
function replaceWord(text: string, value: string): string {
  let result = '';
  let cursor = 0;
  const touches = (char: string | undefined) => char !== undefined && /[A-Za-z0-9_]/.test(char);
  for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + 1)) {
    if (at < cursor || touches(text[at - 1]) || touches(text[at + value.length])) continue;
    result += `${text.slice(cursor, at)}${MASK}`;
    cursor = at + value.length;
  }
  return result + text.slice(cursor);
}
