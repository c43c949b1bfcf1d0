import type { DialectName } from './dialect.js';
import { MASK } from './url.js';

/**
 * Finding the passwords a statement writes, to keep them out of error messages and warnings. A small
 * scanner reads the statement's string literals (comments, dollar quotes, `E'…'` and doubled quotes
 * included) and the words before them, in one pass; which literals are secrets:
 * - every literal of a statement that manages credentials (`CREATE`/`ALTER USER`, `ROLE`, `SERVER`,
 *   `SUBSCRIPTION`, `USER MAPPING`, `SET PASSWORD`, `CHANGE MASTER`/`REPLICATION SOURCE`, a `GRANT … IDENTIFIED`),
 *   except the parts of an account name (`'app'@'%'`): a mistyped keyword still masks its password;
 * - in any statement, a literal after a word ending in `password` (`PASSWORD 'x'`, `password = 'x'`,
 *   `MASTER_PASSWORD='x'`, `PASSWORD('x')`);
 * - a literal holding a connection string's password (`password=…`, `postgres://user:pw@host`).
 */

/** How a dialect writes literals. */
interface LiteralSyntax {
  /** `\` escapes the next character in a plain literal (MySQL/MariaDB). */
  readonly backslashEscapes: boolean;
  /** `"…"` is a string, not a name (MySQL/MariaDB). */
  readonly doubleQuotedStrings: boolean;
  /** `$tag$…$tag$` and `E'…'` (PostgreSQL). */
  readonly postgresStrings: boolean;
  /** `#` starts a comment (MySQL/MariaDB). */
  readonly hashComments: boolean;
}

const POSTGRES: LiteralSyntax = { backslashEscapes: false, doubleQuotedStrings: false, postgresStrings: true, hashComments: false };
const MYSQL: LiteralSyntax = { backslashEscapes: true, doubleQuotedStrings: true, postgresStrings: false, hashComments: true };
const SQLITE: LiteralSyntax = { backslashEscapes: false, doubleQuotedStrings: false, postgresStrings: false, hashComments: false };

/** The syntaxes to read a statement with: its dialect's, or, when unknown, PostgreSQL's and MySQL's both (what either finds is masked). */
function syntaxesOf(dialect: DialectName | undefined): readonly LiteralSyntax[] {
  if (dialect === 'postgresql') return [POSTGRES];
  if (dialect === 'mysql') return [MYSQL];
  if (dialect === 'sqlite') return [SQLITE];
  return [POSTGRES, MYSQL];
}

/** One token: a word (lower-cased), a quoted name (its text lower-cased), a string literal, or one other character. */
interface Token {
  readonly kind: 'word' | 'name' | 'string' | 'symbol';
  readonly text: string;
  /** Where a string's content starts and ends in the statement, quotes excluded. */
  readonly start: number;
  readonly end: number;
}

const WORD = /[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/y;
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/** Whether `char` can start a word: a letter, `_`, or any character beyond ASCII. */
function startsWord(char: string): boolean {
  const code = char.charCodeAt(0);
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code >= 128;
}

/** The dollar-quote tag (`$$`, `$body$`) that starts at `at`, if one does. */
function dollarTagAt(sql: string, at: number): string | undefined {
  DOLLAR_TAG.lastIndex = at;
  return DOLLAR_TAG.test(sql) ? sql.slice(at, DOLLAR_TAG.lastIndex) : undefined;
}

/** The tokens of `sql`, in one pass; an unterminated literal or comment runs to the end. */
function scan(sql: string, syntax: LiteralSyntax): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  // A quoted run from `at` (its opening quote): its content's end, and where the token ends.
  const quoted = (at: number, quote: string, backslashes: boolean): [number, number] => {
    let j = at + 1;
    while (j < sql.length) {
      const char = sql[j];
      if (char === '\\' && backslashes) j += 2;
      else if (char === quote && sql[j + 1] === quote) j += 2;
      else if (char === quote) return [j, j + 1];
      else j += 1;
    }
    return [sql.length, sql.length];
  };
  const string = (at: number, quote: string, backslashes: boolean): void => {
    const [end, next] = quoted(at, quote, backslashes);
    tokens.push({ kind: 'string', text: '', start: at + 1, end });
    i = next;
  };
  while (i < sql.length) {
    const char = sql[i] as string;
    const after = sql[i + 1];
    if (char.charCodeAt(0) <= 32) {
      i += 1;
    } else if ((char === '-' && after === '-') || (char === '#' && syntax.hashComments)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (char === '/' && after === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (char === "'") {
      string(i, "'", syntax.backslashEscapes);
    } else if (char === '"' && syntax.doubleQuotedStrings) {
      string(i, '"', true);
    } else if (char === '"' || char === '`') {
      const [end, next] = quoted(i, char, false);
      tokens.push({ kind: 'name', text: sql.slice(i + 1, end).toLowerCase(), start: i, end: next });
      i = next;
    } else if (char === '$' && syntax.postgresStrings && dollarTagAt(sql, i) !== undefined) {
      const tag = dollarTagAt(sql, i) as string;
      const close = sql.indexOf(tag, i + tag.length);
      tokens.push({ kind: 'string', text: '', start: i + tag.length, end: close === -1 ? sql.length : close });
      i = close === -1 ? sql.length : close + tag.length;
    } else if (startsWord(char)) {
      WORD.lastIndex = i;
      WORD.test(sql);
      const word = sql.slice(i, WORD.lastIndex);
      // PostgreSQL's E'…' reads backslash escapes.
      if (syntax.postgresStrings && (word === 'E' || word === 'e') && sql[WORD.lastIndex] === "'") string(WORD.lastIndex, "'", true);
      else {
        tokens.push({ kind: 'word', text: word.toLowerCase(), start: i, end: WORD.lastIndex });
        i = WORD.lastIndex;
      }
    } else {
      tokens.push({ kind: 'symbol', text: char, start: i, end: i + 1 });
      i += 1;
    }
  }
  return tokens;
}

/** What the statement's first words make it: one that manages credentials (see the module's note). */
function managesCredentials(tokens: readonly Token[]): boolean {
  const words = tokens.filter((token) => token.kind === 'word').map((token) => token.text);
  const [first, second, third] = words;
  if (first === 'create' || first === 'alter') {
    const kind = first === 'create' && second === 'or' && third === 'replace' ? words[3] : second;
    return kind === 'user' || kind === 'role' || kind === 'group' || kind === 'server' || kind === 'subscription';
  }
  if (first === 'set') return second === 'password';
  if (first === 'change') return second === 'master' || second === 'replication';
  return first === 'grant' && words.includes('identified');
}

/** A connection string's password inside a literal: `password=…` (libpq, ODBC), or a URL's `user:password@`. */
const CONNECTION_SECRET = /(?:password|passwd|pwd)\s*=|:\/\/[^\s/@]*:[^\s@]*@/i;

/** Cheaper than scanning: a statement without any of these writes no secret the rules find. */
const MAY_CARRY = /passw|pwd|identified|user|role|group|server|subscription|master|replication|:\/\//i;

/** The `[start, end)` ranges of `sql` that hold secrets (string contents), as `syntax` reads it. */
function secretRanges(sql: string, syntax: LiteralSyntax, tokens: readonly Token[] = scan(sql, syntax)): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const statement of statementsOf(tokens)) {
    const credentials = managesCredentials(statement);
    for (const [index, token] of statement.entries()) {
      if (token.kind !== 'string') continue;
      const secret = credentials
        ? statement[index - 1]?.text !== '@' && statement[index + 1]?.text !== '@'
        : followsPasswordWord(statement, index) || CONNECTION_SECRET.test(sql.slice(token.start, token.end));
      if (secret) ranges.push([token.start, token.end]);
    }
  }
  return ranges;
}

/** `tokens` split into statements at each `;` (a script's). */
function statementsOf(tokens: readonly Token[]): Token[][] {
  const statements: Token[][] = [[]];
  for (const token of tokens) {
    if (token.kind === 'symbol' && token.text === ';') statements.push([]);
    else statements.at(-1)?.push(token);
  }
  return statements;
}

/** Whether the string at `index` follows a word or name ending in `password`, an `=` and a `(` allowed between. */
function followsPasswordWord(tokens: readonly Token[], index: number): boolean {
  let before = index - 1;
  if (tokens[before]?.text === '(' && tokens[before]?.kind === 'symbol') before -= 1;
  if (tokens[before]?.text === '=' && tokens[before]?.kind === 'symbol') before -= 1;
  const word = tokens[before];
  return word !== undefined && (word.kind === 'word' || word.kind === 'name') && word.text.endsWith('password');
}

/** The secret ranges of `sql` as every syntax of `dialect` reads it, merged and sorted. */
function rangesOf(sql: string, dialect: DialectName | undefined): Array<[number, number]> {
  if (!MAY_CARRY.test(sql)) return [];
  const ranges = syntaxesOf(dialect)
    .flatMap((syntax) => secretRanges(sql, syntax))
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of ranges) {
    const last = merged.at(-1);
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
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
 * Whether `sql` may carry a password: it writes one where the rules above find it, manages
 * credentials, or names a word ending in `password` (a parameter the driver writes into the text
 * may be one). Such a statement goes alone, in a message of its own, since a server's error about
 * another statement of a message may quote the text that follows it (MariaDB's "near '…'").
 */
export function carriesSecret(sql: string, dialect?: DialectName): boolean {
  if (!MAY_CARRY.test(sql)) return false;
  return syntaxesOf(dialect).some((syntax) => {
    const tokens = scan(sql, syntax);
    return (
      statementsOf(tokens).some(managesCredentials) ||
      tokens.some((token) => (token.kind === 'word' || token.kind === 'name') && token.text.endsWith('password')) ||
      secretRanges(sql, syntax, tokens).length > 0
    );
  });
}

/**
 * `sql` with the passwords it writes masked (`***`), for error messages, warnings and their details;
 * what is sent to the server is never masked. `dialect` says how to read its literals; without it,
 * what either PostgreSQL's or MySQL's reading finds is masked.
 *
 * @example
 * ```ts
 * import { maskStatementSecrets } from '@strata/engine';
 * maskStatementSecrets("CREATE ROLE app LOGIN PASSWORD 's3cret!'", 'postgresql'); // "CREATE ROLE app LOGIN PASSWORD '***'"
 * ```
 */
export function maskStatementSecrets(sql: string, dialect?: DialectName): string {
  const ranges = rangesOf(sql, dialect);
  return ranges.length === 0 ? sql : masked(sql, ranges);
}

/** Passwords shorter than this are masked in a message only where it quotes the statement's text (MariaDB's "near '…'"). */
const MIN_QUOTED_SECRET = 3;

/** MariaDB's "near '…' at line n": the statement's text from the point of the error, cut after 80 characters with `...`. */
const NEAR = /(near ')([\s\S]*?)(' at line \d+)/;

/**
 * `message` (a server's or a driver's words about `statements`, as they were sent) with the passwords
 * those statements write masked: in the statement text the message quotes from the point of an error
 * (MariaDB's "near '…'", which may start past the word before the password and cut it short), and
 * wherever else a password of three characters or more appears.
 *
 * @example
 * ```ts
 * import { maskQuotedSecrets } from '@strata/engine';
 * maskQuotedSecrets("near 'BY 's3cret!'' at line 1", ["CREATE USER IDENTIFIED BY 's3cret!'"], 'mysql'); // "near 'BY '***'' at line 1"
 * ```
 */
export function maskQuotedSecrets(message: string, statements: readonly string[], dialect?: DialectName): string {
  let result = message;
  const secrets = new Set<string>();
  for (const sql of statements) {
    const ranges = rangesOf(sql, dialect);
    if (ranges.length === 0) continue;
    result = result.replace(NEAR, (whole, open: string, quotedText: string, close: string) => {
      const cut = quotedText.endsWith('...') ? quotedText.slice(0, -3) : quotedText;
      const at = cut.length === 0 ? -1 : sql.indexOf(cut);
      if (at === -1) return whole;
      const inside = ranges.filter(([start, end]) => end > at && start < at + cut.length).map(([start, end]): [number, number] => [Math.max(start, at) - at, Math.min(end, at + cut.length) - at]);
      return `${open}${masked(cut, inside)}${quotedText.slice(cut.length)}${close}`;
    });
    for (const [start, end] of ranges) {
      const written = sql.slice(start, end);
      for (const secret of [written, written.replace(/''/g, "'").replace(/\\(.)/g, '$1')]) if (secret.length >= MIN_QUOTED_SECRET) secrets.add(secret);
    }
  }
  // Longest first, so that a secret holding another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) result = result.split(secret).join(MASK);
  return result;
}
