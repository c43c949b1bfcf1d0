import type { IdentifierLimit } from '../../schema/identifiers.js';
import type { SchemaNormalizer } from '../renderer.js';
import { canonicalExpression, quoteString, tokenize, type ExpressionSyntax, type SqlToken } from '../sql-expression.js';

/** @internal MySQL's expression syntax: backtick identifiers (column names are case-insensitive), backslash escapes in strings. */
export const MYSQL_SYNTAX: ExpressionSyntax = { identifierQuote: '`', backslashEscapes: true, foldQuotedIdentifiers: true };

/** Integer types whose display width (`int(11)`) MySQL 8.0.17+ deprecates and stops printing. */
const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'bigint']);

/** Aliases MySQL resolves at CREATE time (https://dev.mysql.com/doc/refman/8.0/en/other-vendor-data-types.html). */
const TYPE_ALIASES: ReadonlyMap<string, string> = new Map([
  ['integer', 'int'],
  ['int4', 'int'],
  ['int8', 'bigint'],
  ['int2', 'smallint'],
  ['int3', 'mediumint'],
  ['int1', 'tinyint'],
  ['middleint', 'mediumint'],
  ['bool', 'boolean'],
  ['dec', 'decimal'],
  ['numeric', 'decimal'],
  ['fixed', 'decimal'],
  ['real', 'double'],
  ['double precision', 'double'],
  ['float8', 'double'],
  ['float4', 'float'],
  ['character varying', 'varchar'],
  ['character', 'char'],
  ['long varchar', 'mediumtext'],
  ['long', 'mediumtext'],
]);

/** Types whose defaults are numbers: a quoted number default on them is the number. */
const NUMERIC_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'bigint', 'decimal', 'float', 'double', 'bit', 'year']);

/**
 * MySQL/MariaDB's canonical spellings, chosen as what MariaDB 10.11 and MySQL 8 print back in
 * `information_schema.COLUMNS` for what a revision writes:
 *
 * - types: lower case without integer display widths (`int(11)` → `int`, `int(10) unsigned` →
 *   `int unsigned`); `tinyint(1)`, `bool` and `boolean` → `boolean`, because both servers store
 *   BOOLEAN as `tinyint(1)` (https://mariadb.com/kb/en/boolean/) and Drizzle writes `boolean`, so a
 *   column declared `tinyint(1)` also reads as `boolean`; `integer` → `int`, `numeric`/`dec` →
 *   `decimal(p,s)` with MySQL's defaults filled in (`decimal` → `decimal(10,0)`), `real`/`double
 *   precision` → `double`, `serial` → `bigint unsigned`, `char` → `char(1)`; `enum(...)`/`set(...)`
 *   with the keyword lower-cased and the values as written, without spaces between them.
 * - defaults: MariaDB's expression form (https://mariadb.com/kb/en/information-schema-columns-table/):
 *   strings quoted with `''` escapes, numbers bare (a decimal padded to its scale: `1.5` on
 *   `decimal(10,2)` → `1.50`), booleans `1`/`0`, `now()`/`CURRENT_TIMESTAMP` → `current_timestamp()`
 *   (precision kept: `current_timestamp(3)`), other expressions lower-cased without their outer
 *   parentheses (`(uuid())` → `uuid()`), `NULL` → none. The reader turns MySQL 8's bare literals
 *   into this form.
 * - expressions: backticks dropped where not needed, identifiers and keywords lower-cased, charset
 *   introducers (`_utf8mb4'a'`) dropped, redundant parentheses removed and one spacing, which makes
 *   MariaDB's `` `price` > 0 `` and MySQL 8's `` (`price` > 0) `` equal to `price > 0`; `true`/`false` → `1`/`0` and
 *   `length(` → `octet_length(` as MariaDB stores them. MariaDB's `b <> 0` for a bare boolean
 *   operand `b` is not undone: write the comparison in revisions.
 *
 * @example
 * ```ts
 * import { MysqlNormalizer } from '@strata/engine';
 * const normalizer = new MysqlNormalizer();
 * normalizer.normalizeType('int(11)'); // 'int'
 * normalizer.normalizeDefault('CURRENT_TIMESTAMP', 'datetime'); // 'current_timestamp()'
 * normalizer.normalizeExpression('`price` > 0'); // 'price > 0'
 * ```
 */
/** @internal MySQL's and MariaDB's identifier limit, shared by the normalizer and the dialect's quoting. */
export const MYSQL_IDENTIFIER_LIMIT: IdentifierLimit = { max: 64, unit: 'characters', overflow: 'refuse' };

export class MysqlNormalizer implements SchemaNormalizer {
  /** `CREATE UNIQUE INDEX` and `UNIQUE (...)` make the same thing, which the reader reports as a unique constraint. */
  readonly uniqueIndexIsConstraint = true;

  /** 64 characters; a longer name fails the statement (https://dev.mysql.com/doc/refman/8.0/en/identifier-length.html). */
  readonly identifierLimit: IdentifierLimit = MYSQL_IDENTIFIER_LIMIT;

  /** A MySQL primary key is always `PRIMARY`: the model keeps no name. */
  primaryKeyName(): undefined {
    return undefined;
  }

  normalizeType(type: string): string {
    const trimmed = type.trim();
    const listed = /^(enum|set)\s*\((.*)\)\s*(.*)$/is.exec(trimmed);
    if (listed !== null) {
      const values = tokenize(listed[2] as string, MYSQL_SYNTAX).filter((token) => token.kind === 'string');
      const rest = (listed[3] as string).trim().toLowerCase();
      return `${(listed[1] as string).toLowerCase()}(${values.map((token) => quoteString(token.text, true)).join(',')})${rest === '' ? '' : ` ${rest}`}`;
    }
    // One spelling of the spacing: none inside parentheses, one space before a modifier (`int(10) unsigned`).
    const text = trimmed.toLowerCase().replace(/\s+/g, ' ').replace(/\s*([(),])\s*/g, '$1').replace(/\)(?=[a-z])/g, ') ');
    const match = /^([a-z][a-z0-9_ ]*?)(?:\(([^)]*)\))?((?: ?(?:unsigned|signed|zerofill))*)$/.exec(text);
    if (match === null) return text;
    const name = TYPE_ALIASES.get((match[1] as string).trim()) ?? (match[1] as string).trim();
    const args = match[2];
    const modifiers = (match[3] as string).trim();
    const suffix = modifiers === '' ? '' : ` ${modifiers}`;
    if (name === 'serial') return 'bigint unsigned';
    if ((name === 'tinyint' && args === '1' && modifiers === '') || name === 'boolean') return 'boolean';
    if (INTEGER_TYPES.has(name)) return `${name}${suffix}`;
    if (name === 'decimal') {
      const [precision = '10', scale = '0'] = (args ?? '').split(',').filter((part) => part !== '');
      return `decimal(${precision},${scale})${suffix}`;
    }
    if (name === 'float' && args !== undefined && !args.includes(',')) return `${Number(args) <= 24 ? 'float' : 'double'}${suffix}`;
    if (name === 'char' && args === undefined) return 'char(1)';
    return `${name}${args === undefined ? '' : `(${args})`}${suffix}`;
  }

  normalizeDefault(expression: string | undefined, type: string): string | undefined {
    if (expression === undefined) return undefined;
    const base = this.normalizeType(type);
    const scalar = base.replace(/[( ].*$/, '');
    const tokens = unwrap(tokenize(expression, MYSQL_SYNTAX));
    if (tokens.length === 0) return undefined;
    const only = tokens.length === 1 ? (tokens[0] as SqlToken) : undefined;
    if (only?.kind === 'word' && only.text === 'null') return undefined;
    if (scalar === 'boolean' && only !== undefined && (only.kind === 'word' || only.kind === 'string' || only.kind === 'number')) {
      if (['true', '1'].includes(only.text)) return '1';
      if (['false', '0'].includes(only.text)) return '0';
    }
    if (only !== undefined && (only.kind === 'string' || only.kind === 'number') && NUMERIC_TYPES.has(scalar) && isNumber(only.text)) {
      return padScale(only.text.trim(), base);
    }
    const timestamp = currentTimestamp(tokens);
    if (timestamp !== undefined) return timestamp;
    return canonicalExpression(expression, MYSQL_SYNTAX);
  }

  normalizeExpression(expression: string): string {
    return canonicalExpression(expression, MYSQL_SYNTAX, serverForm);
  }
}

/**
 * Rewrites MariaDB applies when it stores an expression: `TRUE`/`FALSE` are the integers 1 and 0
 * (https://mariadb.com/kb/en/true-false/), and `LENGTH()` is `OCTET_LENGTH()` (https://mariadb.com/kb/en/length/).
 */
function serverForm(tokens: SqlToken[]): SqlToken[] {
  return tokens.map((token, i): SqlToken => {
    if (token.kind === 'word' && token.text === 'true') return { kind: 'number', text: '1' };
    if (token.kind === 'word' && token.text === 'false') return { kind: 'number', text: '0' };
    if (token.kind === 'word' && token.text === 'length' && tokens[i + 1]?.text === '(') return { ...token, text: 'octet_length' };
    return token;
  });
}

/** The tokens inside any parentheses that wrap the whole expression. */
function unwrap(tokens: SqlToken[]): SqlToken[] {
  let current = tokens;
  while (current[0]?.text === '(' && current.at(-1)?.text === ')' && current[0].kind === 'punct') {
    let depth = 0;
    let closesAtEnd = true;
    for (let i = 0; i < current.length; i += 1) {
      const token = current[i] as SqlToken;
      if (token.kind !== 'punct') continue;
      if (token.text === '(') depth += 1;
      if (token.text === ')') depth -= 1;
      if (depth === 0 && i < current.length - 1) closesAtEnd = false;
    }
    if (!closesAtEnd) break;
    current = current.slice(1, -1);
  }
  return current;
}

function isNumber(text: string): boolean {
  return /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(text);
}

/** A decimal literal with as many fraction digits as the column's scale, as the server stores it. */
function padScale(number: string, type: string): string {
  const decimal = /^decimal\((\d+),(\d+)\)/.exec(type);
  if (decimal === null || /e/i.test(number)) return number;
  const scale = Number(decimal[2]);
  const [whole = '0', fraction = ''] = number.replace(/^\+/, '').split('.');
  if (scale === 0) return whole;
  return `${whole === '' ? '0' : whole}.${fraction.padEnd(scale, '0').slice(0, scale)}`;
}

/**
 * `now()`, `CURRENT_TIMESTAMP`, `current_timestamp()`, `localtimestamp`... (synonyms:
 * https://dev.mysql.com/doc/refman/8.0/en/date-and-time-functions.html#function_now) as MariaDB prints
 * them: `current_timestamp()` or `current_timestamp(p)`.
 */
function currentTimestamp(tokens: readonly SqlToken[]): string | undefined {
  const name = tokens[0];
  if (name?.kind !== 'word' || !['now', 'current_timestamp', 'localtimestamp', 'localtime'].includes(name.text)) return undefined;
  if (tokens.length === 1 && name.text !== 'now') return 'current_timestamp()';
  if (tokens[1]?.text === '(' && tokens.at(-1)?.text === ')' && tokens.length <= 4) {
    const precision = tokens.length === 4 ? (tokens[2] as SqlToken).text : '';
    return `current_timestamp(${precision === '0' ? '' : precision})`;
  }
  return undefined;
}
