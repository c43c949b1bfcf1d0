import type { DialectName } from './dialect.js';
import { MASK } from './url.js';

/**
 * Keeping the passwords a statement writes out of error messages, warnings and their details. No
 * attempt is made to tell which literal of a statement is the password: a statement that mentions
 * anything secret ({@link carriesSecret}) has all its string literals masked (dollar-quoted bodies
 * whole), except the parts of a MySQL account name (`'app'@'%'`). Its keywords and names stay, so
 * the error still says what failed. The literals are found by a one-pass scan that reads them as
 * the server may (comments, `E'…'`, dollar quotes, MySQL's executable comments, with and without
 * backslash escapes), masking what any reading finds.
 */

/**
 * What makes a statement one that may write a secret: a word about passwords or secrets, a statement
 * that manages credentials, or a URL with a password. Broad on purpose: a mistyped `PASWORD` still
 * comes with `CREATE ROLE`.
 */
const MENTIONS_SECRET =
  /passw|pwd|identified|secret|credential|\b(?:create|alter)\s+(?:or\s+replace\s+)?(?:user|role|group|server|subscription)\b|user\s+mapping|set\s+password|change\s+(?:master|replication)/i;

/**
 * Whether `sql` may write a password or another secret (see {@link MENTIONS_SECRET}, and a URL
 * `scheme://user:password@host`). Such a statement goes alone, in a message of its own, since a
 * server's error about another statement of a message may quote the text that follows it (MariaDB's
 * "near '…'"), and the literals of such a statement are masked wherever Strata prints it.
 */
export function carriesSecret(sql: string): boolean {
  return MENTIONS_SECRET.test(sql) || urlPasswords(sql).length > 0;
}

/** The passwords of the `scheme://user:password@host` URLs in `text`: each the text between the userinfo's first `:` and its `@`. */
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
      if (char === '/' || char === "'" || char === '"' || char.charCodeAt(0) <= 32) break;
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
  /** MySQL: `#` comments, `--` a comment only before a space, and the executable comments (`/*!`) read as SQL. */
  readonly mysql: boolean;
}

const READINGS: Record<DialectName, readonly Reading[]> = {
  postgresql: [
    { backslashes: false, doubleQuotedStrings: false, postgres: true, mysql: false },
    { backslashes: true, doubleQuotedStrings: false, postgres: true, mysql: false },
  ],
  mysql: [
    { backslashes: true, doubleQuotedStrings: true, postgres: false, mysql: true },
    { backslashes: false, doubleQuotedStrings: true, postgres: false, mysql: true },
  ],
  sqlite: [{ backslashes: false, doubleQuotedStrings: false, postgres: false, mysql: false }],
};

/** The readings of `dialect`, or of every dialect when it is unknown. */
function readingsOf(dialect: DialectName | undefined): readonly Reading[] {
  return dialect === undefined ? [...READINGS.postgresql, ...READINGS.mysql] : READINGS[dialect];
}

/** One string literal: where its content starts and ends, and whether it is part of an account name (`'app'@'%'`). */
interface Literal {
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

/** The string literals of `sql` as `reading` takes them, in one pass; one left open runs to the end. */
function literals(sql: string, reading: Reading): Literal[] {
  const found: Array<{ start: number; end: number; open: number; close: number }> = [];
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
  while (i < sql.length) {
    const char = sql[i] as string;
    const next = sql[i + 1];
    if (char === '-' && next === '-' && (!reading.mysql || i + 2 >= sql.length || (sql[i + 2] as string).charCodeAt(0) <= 32)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (char === '#' && reading.mysql) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (char === '/' && next === '*') {
      if (reading.mysql && (sql[i + 2] === '!' || (sql[i + 2] === 'M' && sql[i + 3] === '!'))) {
        // MySQL runs what such a comment holds: it is read as SQL.
        i += 3;
      } else {
        i = commentEnd(sql, i, reading.postgres);
      }
    } else if (char === "'") {
      const escaped = reading.backslashes || (reading.postgres && (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !isWordChar(sql[i - 2]));
      const [end, after] = quoted(i, "'", escaped);
      found.push({ start: i + 1, end, open: i, close: after });
      i = after;
    } else if (char === '"' && reading.doubleQuotedStrings) {
      const [end, after] = quoted(i, '"', reading.backslashes);
      found.push({ start: i + 1, end, open: i, close: after });
      i = after;
    } else if (char === '"' || char === '`') {
      i = quoted(i, char, false)[1];
    } else if (char === '$' && reading.postgres && !isWordChar(sql[i - 1])) {
      DOLLAR_TAG.lastIndex = i;
      if (DOLLAR_TAG.test(sql)) {
        const tag = sql.slice(i, DOLLAR_TAG.lastIndex);
        const close = sql.indexOf(tag, DOLLAR_TAG.lastIndex);
        found.push({ start: DOLLAR_TAG.lastIndex, end: close === -1 ? sql.length : close, open: i, close: close === -1 ? sql.length : close + tag.length });
        i = close === -1 ? sql.length : close + tag.length;
      } else {
        i += 1;
      }
    } else {
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

/** The `[start, end)` ranges of `text`'s literals, as any reading of `dialect` finds them, account names left out: sorted, merged. */
function literalRanges(text: string, dialect: DialectName | undefined): Array<[number, number]> {
  const ranges = readingsOf(dialect)
    .flatMap((reading) => literals(text, reading))
    .filter((literal) => !literal.account && literal.end > literal.start)
    .map((literal): [number, number] => [literal.start, literal.end])
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of ranges) {
    const last = merged.at(-1);
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** The ranges to mask in `sql`: its literals when it carries a secret, else none. */
function secretRanges(sql: string, dialect: DialectName | undefined): Array<[number, number]> {
  return carriesSecret(sql) ? literalRanges(sql, dialect) : [];
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

/** Text shorter than this is masked in a message only where the message quotes the statement (MariaDB's "near '…'"). */
const MIN_QUOTED_SECRET = 3;

/** MariaDB's "near '…' at line n": the statement's text from the token where parsing stopped, cut after 80 characters with `...`. */
const NEAR = /(near ')([\s\S]*?)(' at line \d+)/g;

/**
 * `message` (a server's or a driver's words about `statements`, as they were sent) with what those
 * statements' masked literals hold masked too: every literal of the statement text the message
 * quotes from the point of an error (MariaDB's "near '…'"), and, wherever else it stands as a word
 * of its own, each such literal and each password of a connection string or URL inside one, of three
 * characters or more.
 *
 * @example
 * ```ts
 * import { maskQuotedSecrets } from '@strata/engine';
 * maskQuotedSecrets("near 'BY 's3cret!'' at line 1", ["CREATE USER IDENTIFIED BY 's3cret!'"], 'mysql'); // "near 'BY '***'' at line 1"
 * ```
 */
export function maskQuotedSecrets(message: string, statements: readonly string[], dialect?: DialectName): string {
  const secret = statements.filter(carriesSecret);
  if (secret.length === 0) return message;
  let result = message.replace(NEAR, (_whole, open: string, quotedText: string, close: string) => {
    const cut = quotedText.endsWith('...') ? quotedText.slice(0, -3) : quotedText;
    // The quoted text starts at a token, so its literals read as they do in the statement; one cut short runs to the end.
    return `${open}${masked(cut, literalRanges(cut, dialect))}${quotedText.slice(cut.length)}${close}`;
  });
  const values = new Set<string>();
  for (const sql of secret) {
    for (const [start, end] of secretRanges(sql, dialect)) {
      const written = sql.slice(start, end);
      for (const value of [written, written.replace(/''/g, "'").replace(/\\(.)/g, '$1'), ...urlPasswords(written), ...[...written.matchAll(SETTING_PASSWORD)].map((m) => m[1] ?? '')]) {
        if (value.length >= MIN_QUOTED_SECRET) values.add(value);
      }
    }
  }
  // Longest first, so that a secret holding another is masked whole; only where it stands as a word of its own.
  for (const value of [...values].sort((a, b) => b.length - a.length)) result = replaceWord(result, value);
  return result;
}

/** `text` with each occurrence of `value` that no letter, digit or `_` touches on either side masked. */
function replaceWord(text: string, value: string): string {
  let result = '';
  let cursor = 0;
  for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + value.length)) {
    const touches = (char: string | undefined) => char !== undefined && /[A-Za-z0-9_]/.test(char);
    if (touches(text[at - 1]) || touches(text[at + value.length])) continue;
    result += `${text.slice(cursor, at)}${MASK}`;
    cursor = at + value.length;
  }
  return result + text.slice(cursor);
}
