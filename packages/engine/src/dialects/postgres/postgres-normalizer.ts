import type { IdentifierLimit } from '../../schema/identifiers.js';
import type { IdentityModel, SequenceModel } from '../../schema/model.js';
import type { SchemaNormalizer } from '../renderer.js';
import { canonicalExpression, inListToAny, matchingParen, quoteString, renderTokens, stripCasts, tokenize, type ExpressionSyntax, type SqlToken } from '../sql-expression.js';

/** @internal PostgreSQL's expression syntax: `"` identifiers (case-sensitive), standard strings. */
export const POSTGRES_SYNTAX: ExpressionSyntax = { identifierQuote: '"', backslashEscapes: false, foldQuotedIdentifiers: false };

/**
 * The server's name for each alias a revision may write, as `format_type()` minus the verbose
 * spellings (https://www.postgresql.org/docs/current/datatype.html, table 8.1 "Aliases").
 */
const TYPE_ALIASES: ReadonlyMap<string, string> = new Map([
  ['int', 'integer'],
  ['int4', 'integer'],
  ['serial', 'integer'],
  ['serial4', 'integer'],
  ['int8', 'bigint'],
  ['bigserial', 'bigint'],
  ['serial8', 'bigint'],
  ['int2', 'smallint'],
  ['smallserial', 'smallint'],
  ['serial2', 'smallint'],
  ['float8', 'double precision'],
  ['float', 'double precision'],
  ['float4', 'real'],
  ['bool', 'boolean'],
  ['decimal', 'numeric'],
  ['character varying', 'varchar'],
  ['character', 'char(1)'],
  ['char', 'char(1)'],
  ['bit varying', 'varbit'],
  ['bit', 'bit(1)'],
  ['timestamp without time zone', 'timestamp'],
  ['timestamp with time zone', 'timestamptz'],
  ['time without time zone', 'time'],
  ['time with time zone', 'timetz'],
]);

interface IntegerRange {
  readonly min: bigint;
  readonly max: bigint;
}

/** The integer types an identity column may have, with their ranges (https://www.postgresql.org/docs/current/datatype-numeric.html). */
const INTEGER_RANGES: Readonly<Record<string, IntegerRange>> = {
  smallint: { min: -32768n, max: 32767n },
  integer: { min: -2147483648n, max: 2147483647n },
  bigint: { min: -9223372036854775808n, max: 9223372036854775807n },
};

/** Types whose literals are numbers: a quoted number default (`'-1'::integer`) is the number. */
const NUMERIC_TYPES = new Set(['smallint', 'integer', 'bigint', 'real', 'double precision', 'numeric', 'money']);

/**
 * PostgreSQL's canonical spellings, chosen as the short forms people write in revisions and Drizzle
 * schemas, which the reader maps `format_type()` output onto:
 *
 * - types: `integer`, `bigint`, `smallint` (also for `serial`s: the sequence is the reader's
 *   `autoIncrement`), `boolean`, `real`, `double precision`, `numeric(p,s)`, `varchar(n)`, `char(n)`,
 *   `timestamp(p)`, `timestamptz(p)`, `time`, `timetz`, arrays as `element[]`; other names lower-cased,
 *   a quoted name (an enum `"Mood"`) kept quoted with its case unless it needs no quotes (`"mood"` is `mood`).
 * - defaults: the server's text without the casts it adds (`'active'::character varying` → `'active'`,
 *   `'{}'::text[]` → `'{}'`), a quoted number on a numeric column unquoted (`'-1'::integer` → `-1`),
 *   keywords lower-cased (`CURRENT_TIMESTAMP` → `current_timestamp`), `NULL` → none.
 * - expressions (checks, `where`, index expressions): what the server prints in pretty mode
 *   (`pg_get_constraintdef(oid, true)`), with casts dropped, keywords lower-cased, `x IN (a, b)` spelt
 *   `x = any (array[a, b])` as the server stores it, redundant parentheses removed and one spacing.
 *
 * @example
 * ```ts
 * import { PostgresNormalizer } from '@strata/engine';
 * const normalizer = new PostgresNormalizer();
 * normalizer.normalizeType('character varying(20)'); // 'varchar(20)'
 * normalizer.normalizeDefault("'active'::character varying", 'varchar(20)'); // "'active'"
 * normalizer.normalizeExpression("CHECK ((price > (0)::numeric))"); // 'price > 0'
 * ```
 */
export class PostgresNormalizer implements SchemaNormalizer {
  /**
   * `CREATE TABLE t (id int PRIMARY KEY UNIQUE)` builds the primary key alone: transformIndexConstraints
   * (src/backend/parser/parse_utilcmd.c) drops an index constraint equal to the primary key.
   */
  readonly primaryKeyAbsorbsUnique = true;

  /** NAMEDATALEN - 1 bytes; longer names are truncated (https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS). */
  readonly identifierLimit: IdentifierLimit = { max: 63, unit: 'bytes', overflow: 'truncate' };

  normalizeType(type: string): string {
    const trimmed = type.trim();
    const quoted =
      /^(?:("(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)\.)?("(?:[^"]|"")+")(\s*(?:\[\d*\]\s*)*)$/i.exec(trimmed) ??
      /^("(?:[^"]|"")+")\.([a-z_][a-z0-9_$]*)(\s*(?:\[\d*\]\s*)*)$/i.exec(trimmed);
    if (quoted !== null) {
      // A quoted name keeps its case; it stays quoted unless it reads the same bare (`"mood"` is `mood`,
      // `"certificateType"` is not `certificatetype`), so that the type text renders as it compares.
      // An enum of another schema keeps its schema the same way (`"billing"."status"` is `billing.status`).
      const part = (text: string): string => {
        const name = text.startsWith('"') ? text.slice(1, -1).replaceAll('""', '"') : text.toLowerCase();
        return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
      };
      const schema = quoted[1] === undefined ? '' : `${part(quoted[1])}.`;
      const dimensions = (quoted[3] as string).trim();
      return `${schema}${part(quoted[2] as string)}${dimensions === '' ? '' : arraySuffix(dimensions)}`;
    }
    let text = trimmed.toLowerCase().replace(/\s+/g, ' ').replace(/\s*([(),])\s*/g, '$1');
    let suffix = '';
    const array = /^(.*?)((?:\s*\[\s*\d*\s*\])+|\s+array(?:\[\d*\])?)$/.exec(text);
    if (array !== null) {
      text = array[1] as string;
      suffix = arraySuffix(array[2] as string);
    } else if (text.startsWith('_')) {
      // The catalog name of an array type (`_int4`) is its element type's name with a leading underscore.
      text = text.slice(1);
      suffix = '[]';
    }
    return `${scalarType(text)}${suffix}`;
  }

  normalizeDefault(expression: string | undefined, type: string): string | undefined {
    if (expression === undefined) return undefined;
    const tokens = stripCasts(tokenize(expression, POSTGRES_SYNTAX));
    const text = canonicalExpression(expression, POSTGRES_SYNTAX, serverForm);
    if (text === '' || text === 'null') return undefined;
    const only = singleLiteral(tokens);
    const base = this.normalizeType(type);
    if (base === 'jsonb' && only?.kind === 'string') return jsonbDefault(text);
    if (only?.kind === 'string' && base.endsWith('[]')) {
      const literal = arrayLiteral(only.text);
      if (literal !== undefined) return quoteString(literal, false);
    }
    if (only?.kind === 'string' && !base.endsWith('[]')) {
      const scalar = base.replace(/\(.*$/, '');
      if (NUMERIC_TYPES.has(scalar) && /^\s*-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(only.text)) return only.text.trim();
      if (scalar === 'boolean') {
        // Boolean input spellings (https://www.postgresql.org/docs/current/datatype-boolean.html); the server stores true/false.
        const word = only.text.trim().toLowerCase();
        if (['t', 'true', 'y', 'yes', 'on', '1'].includes(word)) return 'true';
        if (['f', 'false', 'n', 'no', 'off', '0'].includes(word)) return 'false';
      }
    }
    return text;
  }

  /**
   * The name given, else the one PostgreSQL derives, `<table>_pkey`, with the table part clipped so
   * that the whole fits in 63 bytes (NAMEDATALEN - 1; `ChooseConstraintName` in `pg_constraint.c`).
   */
  primaryKeyName(table: string, name: string | undefined): string {
    if (name !== undefined) return name;
    let head = table;
    while (Buffer.byteLength(`${head}_pkey`) > 63) head = head.slice(0, -1);
    return `${head}_pkey`;
  }

  /**
   * The identity's options without those at the sequence defaults for `type`; undefined for a plain
   * `BY DEFAULT` identity with default options, which the model does not tell apart from a serial
   * (both are `autoIncrement`, and the renderer creates both as such an identity).
   */
  normalizeIdentity(identity: IdentityModel, type: string): IdentityModel | undefined {
    const range = INTEGER_RANGES[this.normalizeType(type)] ?? INTEGER_RANGES['bigint'] as IntegerRange;
    const increment = identity.increment === undefined ? 1n : BigInt(identity.increment);
    const minValue = identity.minValue === undefined ? (increment > 0n ? 1n : range.min) : BigInt(identity.minValue);
    const maxValue = identity.maxValue === undefined ? (increment > 0n ? range.max : -1n) : BigInt(identity.maxValue);
    const start = identity.start === undefined ? (increment > 0n ? minValue : maxValue) : BigInt(identity.start);
    const defaultMin = increment > 0n ? 1n : range.min;
    const defaultMax = increment > 0n ? range.max : -1n;
    const cache = identity.cache === undefined ? 1n : BigInt(identity.cache);
    const normalized: IdentityModel = {
      always: identity.always,
      ...(start !== (increment > 0n ? minValue : maxValue) ? { start: String(start) } : {}),
      ...(increment !== 1n ? { increment: String(increment) } : {}),
      ...(minValue !== defaultMin ? { minValue: String(minValue) } : {}),
      ...(maxValue !== defaultMax ? { maxValue: String(maxValue) } : {}),
      ...(cache !== 1n ? { cache: String(cache) } : {}),
      ...(identity.cycle === true ? { cycle: true } : {}),
    };
    return Object.keys(normalized).length === 1 && !normalized.always ? undefined : normalized;
  }

  /** A sequence's options as an identity's on `bigint` (CREATE SEQUENCE's default type), the defaults left out. */
  normalizeSequence(sequence: SequenceModel): SequenceModel {
    const { name, ...options } = sequence;
    const { always: _always, ...normalized } = this.normalizeIdentity({ always: false, ...options }, 'bigint') ?? { always: false };
    return { name, ...normalized };
  }

  /**
   * A view's query, compared leniently: `pg_get_viewdef` reprints the query its own way (every column
   * qualified by its table, casts added to literals, `LIKE` as `~~`, a trailing `;`, its own
   * parentheses and line breaks), so both sides are brought to the same tokens: the expression
   * normalization, then table qualifiers (`t.id` → `id`), parentheses and a trailing `;` dropped.
   * Dropping them is lossy (`a.id = b.id` reads as `id = id`), which is accepted: a comparison that
   * misses a change of qualifier alone is better than a view the server reprints always differing.
   * What cannot be matched this way: `select *` (the server expands it to the columns) and joins
   * written with `USING`/`NATURAL` the server rewrites; a definition written so reads back as a change.
   */
  normalizeViewDefinition(definition: string): string {
    const body = definition.trim().replace(/;\s*$/, '');
    const tokens = serverForm(tokenize(body, POSTGRES_SYNTAX));
    const out: SqlToken[] = [];
    for (let i = 0; i < tokens.length; i += 1) {
      const token = tokens[i] as SqlToken;
      const next = tokens[i + 1];
      if ((token.kind === 'word' || token.kind === 'quoted') && next?.text === '.' && (tokens[i + 2]?.kind === 'word' || tokens[i + 2]?.kind === 'quoted')) {
        i += 1;
        continue;
      }
      if (token.kind === 'punct' && (token.text === '(' || token.text === ')')) continue;
      out.push(token);
    }
    return renderTokens(out, POSTGRES_SYNTAX);
  }

  /** `serial`, `bigserial`, `smallserial` (and `serial2/4/8`): an integer column with a sequence it owns as its default. */
  impliesAutoIncrement(type: string): boolean {
    return /^(small|big)?serial[248]?$/i.test(type.trim());
  }

  normalizeExpression(expression: string): string {
    const body = expression.trim().replace(/^check\s*/i, '').replace(/\s+not\s+valid\s*$/i, '').replace(/\s+no\s+inherit\s*$/i, '');
    return canonicalExpression(body, POSTGRES_SYNTAX, serverForm);
  }
}

/**
 * The rewrites PostgreSQL applies when it stores an expression, applied to what a revision writes:
 * casts dropped, `IN (...)` as `= any (array[...])`, `LIKE` as `~~` (and `ILIKE` as `~~*`), and
 * `x BETWEEN a AND b` as `x >= a and x <= b` for single-token operands
 * (https://www.postgresql.org/docs/current/functions-comparison.html).
 */
function serverForm(tokens: SqlToken[]): SqlToken[] {
  const out: SqlToken[] = [];
  const input = inListToAny(stripCasts(tokens));
  for (let i = 0; i < input.length; i += 1) {
    const token = input[i] as SqlToken;
    const negated = out.at(-1)?.kind === 'word' && out.at(-1)?.text === 'not';
    if (token.kind === 'word' && (token.text === 'like' || token.text === 'ilike')) {
      if (negated) out.pop();
      out.push({ kind: 'operator', text: `${negated ? '!' : ''}~~${token.text === 'ilike' ? '*' : ''}` });
    } else if (token.kind === 'word' && token.text === 'between') {
      if (negated) out.pop();
      const rewritten = betweenAsComparisons(out, input, i, negated);
      if (rewritten !== undefined) i = rewritten;
      else out.push(...(negated ? [{ kind: 'word', text: 'not' } as SqlToken] : []), token);
    } else {
      out.push(token);
    }
  }
  return out;
}

/**
 * `subject BETWEEN a AND b` at `between` as `subject >= a and subject <= b` (`NOT BETWEEN`: `subject < a or
 * subject > b`), the way the server stores it,
 * when each operand is a primary (one token, a function call `f(...)`, or a parenthesised group) bounded
 * by `(`, `,`, `and`, `or` or an end on both sides, so that the rewrite is exact. Appends to `out` and
 * returns the index of the last token consumed; undefined (nothing appended) otherwise.
 */
function betweenAsComparisons(out: SqlToken[], tokens: readonly SqlToken[], between: number, negated: boolean): number | undefined {
  const subjectStart = primaryStart(out, out.length - 1);
  if (subjectStart === undefined || !boundary(out[subjectStart - 1])) return undefined;
  const lowEnd = primaryEnd(tokens, between + 1);
  if (lowEnd === undefined || tokens[lowEnd + 1]?.text !== 'and') return undefined;
  const highEnd = primaryEnd(tokens, lowEnd + 2);
  if (highEnd === undefined || !boundary(tokens[highEnd + 1])) return undefined;
  const subject = out.splice(subjectStart);
  const low = tokens.slice(between + 1, lowEnd + 1);
  const high = tokens.slice(lowEnd + 2, highEnd + 1);
  const op = (text: string): SqlToken => ({ kind: 'operator', text });
  const word = (text: string): SqlToken => ({ kind: 'word', text });
  const punct = (text: string): SqlToken => ({ kind: 'punct', text });
  // `x NOT BETWEEN a AND b` is stored as `x < a OR x > b`, grouped (parentheses that change nothing are dropped later).
  if (negated) out.push(punct('('), ...subject, op('<'), ...low, word('or'), ...subject, op('>'), ...high, punct(')'));
  else out.push(...subject, op('>='), ...low, word('and'), ...subject, op('<='), ...high);
  return highEnd;
}

function boundary(token: SqlToken | undefined): boolean {
  return token === undefined || (token.kind === 'punct' && (token.text === '(' || token.text === ')' || token.text === ',')) || (token.kind === 'word' && (token.text === 'and' || token.text === 'or'));
}

const isOperand = (token: SqlToken | undefined): boolean => token !== undefined && token.kind !== 'operator' && token.kind !== 'punct';

/** The index where the primary ending at `end` starts. */
function primaryStart(tokens: readonly SqlToken[], end: number): number | undefined {
  const last = tokens[end];
  if (last?.kind === 'punct' && last.text === ')') {
    let depth = 0;
    for (let i = end; i >= 0; i -= 1) {
      const token = tokens[i] as SqlToken;
      if (token.kind !== 'punct') continue;
      if (token.text === ')') depth += 1;
      else if (token.text === '(' && (depth -= 1) === 0) return tokens[i - 1]?.kind === 'word' && !boundary(tokens[i - 1]) ? i - 1 : i;
    }
    return undefined;
  }
  return isOperand(last) && !boundary(last) ? end : undefined;
}

/** The index where the primary starting at `start` ends. */
function primaryEnd(tokens: readonly SqlToken[], start: number): number | undefined {
  const first = tokens[start];
  if (first?.kind === 'punct' && first.text === '(') return matchingParen(tokens, start);
  if (!isOperand(first) || boundary(first)) return undefined;
  return tokens[start + 1]?.kind === 'punct' && tokens[start + 1]?.text === '(' && first?.kind === 'word' ? matchingParen(tokens, start + 1) : start;
}

/**
 * An array literal as the server prints it back (`'{"a","b c"}'` is `'{a,"b c"}'`): elements quoted only
 * when empty, `NULL`-like, or holding braces, a comma, a quote, a backslash or white space; unquoted ones
 * trimmed (https://www.postgresql.org/docs/current/arrays.html#ARRAYS-IO). Undefined when `text` is not
 * one well-formed literal, which is then compared as written.
 */
function arrayLiteral(text: string): string | undefined {
  let at = 0;
  const element = (): string | undefined => {
    while (/\s/.test(text[at] ?? '')) at += 1;
    if (text[at] === '{') return list();
    if (text[at] === '"') {
      let value = '';
      for (at += 1; at < text.length && text[at] !== '"'; at += 1) {
        if (text[at] === '\\') at += 1;
        value += text[at] ?? '';
      }
      if (text[at] !== '"') return undefined;
      at += 1;
      while (/\s/.test(text[at] ?? '')) at += 1;
      return /^$|^null$|[{},"\\\s]/i.test(value) ? `"${value.replace(/["\\]/g, '\\$&')}"` : value;
    }
    const start = at;
    while (at < text.length && !/[,{}"]/.test(text[at] as string)) at += 1;
    const value = text.slice(start, at).trim();
    return value === '' ? undefined : value;
  };
  const list = (): string | undefined => {
    at += 1; // '{'
    const items: string[] = [];
    while (/\s/.test(text[at] ?? '')) at += 1;
    if (text[at] === '}') {
      at += 1;
      return '{}';
    }
    for (;;) {
      const item = element();
      if (item === undefined) return undefined;
      items.push(item);
      while (/\s/.test(text[at] ?? '')) at += 1;
      if (text[at] === ',') at += 1;
      else if (text[at] === '}') {
        at += 1;
        return `{${items.join(',')}}`;
      } else return undefined;
    }
  };
  if (!text.trimStart().startsWith('{')) return undefined;
  while (/\s/.test(text[at] ?? '')) at += 1;
  const result = list();
  return result !== undefined && text.slice(at).trim() === '' ? result : undefined;
}

/** The one literal an expression consists of, ignoring wrapping parentheses; undefined otherwise. */
function singleLiteral(tokens: readonly SqlToken[]): SqlToken | undefined {
  const inner = tokens.filter((token) => !(token.kind === 'punct' && (token.text === '(' || token.text === ')')));
  return inner.length === 1 ? inner[0] : undefined;
}

/** `[]` per dimension: PostgreSQL ignores declared sizes (`int[3]`) and prints `integer[]`. */
function arraySuffix(text: string): string {
  const dimensions = (text.match(/\[/g) ?? []).length;
  return '[]'.repeat(Math.max(dimensions, 1));
}

/** One scalar type name in canonical form. */
function scalarType(text: string): string {
  const alias = TYPE_ALIASES.get(text);
  if (alias !== undefined) return alias;
  const sized = /^([a-z][a-z0-9_ ]*?)\s?\(([^)]*)\)(.*)$/.exec(text);
  if (sized !== null) {
    const name = sized[1] as string;
    const args = sized[2] as string;
    const rest = (sized[3] as string).trim();
    // `timestamp(3) with time zone`: the precision sits between the name and the zone words.
    if (name === 'timestamp' || name === 'time') {
      const zoned = rest === 'with time zone' || name.endsWith('tz');
      return `${name}${zoned ? 'tz' : ''}(${args})`;
    }
    if (name === 'float') return Number(args) <= 24 ? 'real' : 'double precision';
    const renamed = (TYPE_ALIASES.get(name) ?? name).replace(/\(1\)$/, '');
    // `numeric(p)` is `numeric(p,0)`, which format_type prints (https://www.postgresql.org/docs/current/datatype-numeric.html#DATATYPE-NUMERIC-DECIMAL).
    const scaled = renamed === 'numeric' && /^\d+$/.test(args) ? `${args},0` : args;
    return `${renamed}(${scaled})${rest === '' ? '' : ` ${rest}`}`;
  }
  return text;
}

/**
 * A jsonb default as the server prints it back: jsonb stores parsed JSON and prints it its own way
 * (`{"a": [1, "x"]}`: a space after `:` and `,`, object keys shortest first, then by bytes, the last of
 * duplicate keys kept; https://www.postgresql.org/docs/current/datatype-json.html), where a schema
 * writes `JSON.stringify`'s text. Anything but one string literal holding valid JSON is left as it is.
 */
function jsonbDefault(value: string): string {
  const literal = /^'((?:[^']|'')*)'$/s.exec(value);
  if (literal === null) return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse((literal[1] as string).replaceAll("''", "'"));
  } catch {
    return value;
  }
  return `'${jsonbText(parsed).replaceAll("'", "''")}'`;
}

function jsonbText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort((a, b) => Buffer.byteLength(a) - Buffer.byteLength(b) || Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${keys.map((key) => `${JSON.stringify(key)}: ${jsonbText((value as Record<string, unknown>)[key])}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}
