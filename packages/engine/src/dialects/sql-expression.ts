/**
 * @internal A small SQL expression lexer and canonical printer shared by the three normalizers. It
 * does not parse SQL: it works on tokens, which is enough to make a check, a partial-index predicate
 * or an index expression written in a revision compare equal to the text the server prints back
 * (whitespace, keyword case, identifier quoting, string escapes, redundant parentheses and, on
 * PostgreSQL, the casts the server adds).
 */

/** @internal One lexical token. `text` is the canonical spelling; for strings and quoted names, the decoded value. */
export interface SqlToken {
  readonly kind: 'string' | 'word' | 'quoted' | 'number' | 'operator' | 'punct';
  readonly text: string;
  /** For words and quoted names: the name as written, before case folding (constraint and index names keep it). */
  readonly raw?: string;
}

/** @internal How a dialect spells its expressions. */
export interface ExpressionSyntax {
  /** The identifier quote: `"` (PostgreSQL, SQLite) or `` ` `` (MySQL). */
  readonly identifierQuote: '"' | '`';
  /** Whether `` ` `` also quotes identifiers when reading (SQLite accepts it, and drizzle-kit writes it). */
  readonly readsBacktickNames?: boolean;
  /** Whether `\'` and `\\` are escapes inside string literals (MySQL/MariaDB by default). */
  readonly backslashEscapes: boolean;
  /** Whether quoted identifiers are case-insensitive, so folding them to lower case keeps their meaning (MySQL columns, SQLite). */
  readonly foldQuotedIdentifiers: boolean;
}

/**
 * Words that stay quoted when a quoted identifier spells them: unquoting them would change how the
 * expression parses. The SQL-standard reserved words that occur in expressions (PostgreSQL's list:
 * https://www.postgresql.org/docs/current/sql-keywords-appendix.html).
 */
const RESERVED = new Set([
  'all', 'and', 'any', 'array', 'as', 'asc', 'between', 'case', 'cast', 'check', 'collate', 'column', 'constraint', 'current_date',
  'current_time', 'current_timestamp', 'default', 'desc', 'distinct', 'else', 'end', 'false', 'from', 'group', 'in', 'is', 'key',
  'like', 'limit', 'not', 'null', 'on', 'or', 'order', 'references', 'select', 'some', 'table', 'then', 'true', 'union', 'unique',
  'user', 'when', 'where', 'with',
]);

/** Words after which `(` opens a list or a sub-expression, not a function call's arguments. */
const SPACED_BEFORE_PAREN = new Set(['and', 'or', 'not', 'in', 'any', 'all', 'some', 'exists', 'is', 'like', 'between', 'when', 'then', 'else', 'case', 'on', 'as', 'check']);

/** PostgreSQL type-name words that continue a multi-word type after `::` (`character varying`, `time with time zone`). */
const TYPE_CONTINUATIONS = new Set(['varying', 'precision', 'with', 'without', 'time', 'zone']);

/** The field words an `interval` type may carry (`interval day to second`: https://www.postgresql.org/docs/current/datatype-datetime.html). */
const INTERVAL_FIELDS = new Set(['year', 'month', 'day', 'hour', 'minute', 'second', 'to']);

/** @internal Splits `sql` into tokens, decoding string literals and quoted identifiers. Never throws: an unknown character becomes an operator. */
export function tokenize(sql: string, syntax: ExpressionSyntax): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const char = sql[i] as string;
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === "'") {
      const [value, end] = readQuoted(sql, i, "'", syntax.backslashEscapes);
      // MySQL 8 prints charset introducers before literals (`_utf8mb4'a'`): they carry no value to compare.
      const previous = tokens.at(-1);
      if (previous?.kind === 'word' && /^_[a-z0-9]+$/.test(previous.text) && /[A-Za-z0-9]/.test(sql[i - 1] ?? '')) tokens.pop();
      tokens.push({ kind: 'string', text: value });
      i = end;
    } else if (char === syntax.identifierQuote || char === '"' || (char === '`' && syntax.readsBacktickNames === true)) {
      const [value, end] = readQuoted(sql, i, char, false);
      tokens.push(quotedName(value, syntax));
      i = end;
    } else if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const match = /^(?:[0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?|[0-9]+\.)/i.exec(sql.slice(i)) as RegExpExecArray;
      tokens.push(signed(tokens, match[0]));
      i += match[0].length;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(char)) {
      const match = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(sql.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'word', text: match[0].toLowerCase(), raw: match[0] });
      i += match[0].length;
    } else if ('()[],.'.includes(char)) {
      tokens.push({ kind: 'punct', text: char });
      i += 1;
    } else if (char === ':' && sql[i + 1] === ':') {
      tokens.push({ kind: 'operator', text: '::' });
      i += 2;
    } else {
      const match = /^[<>=!+\-*/%|&^~#@?:]+/.exec(sql.slice(i));
      const text = match === null ? char : match[0];
      tokens.push({ kind: 'operator', text: text === '!=' ? '<>' : text });
      i += text.length;
    }
  }
  return tokens;
}

/** A number, merged with a preceding unary minus (`- 1` after an operator or `(` is the literal `-1`). */
function signed(tokens: SqlToken[], digits: string): SqlToken {
  const previous = tokens.at(-1);
  const beforeMinus = tokens.at(-2);
  const unary =
    previous?.kind === 'operator' &&
    previous.text === '-' &&
    (beforeMinus === undefined ||
      beforeMinus.kind === 'operator' ||
      (beforeMinus.kind === 'punct' && (beforeMinus.text === '(' || beforeMinus.text === ',' || beforeMinus.text === '[')) ||
      (beforeMinus.kind === 'word' && RESERVED.has(beforeMinus.text)));
  if (unary) {
    tokens.pop();
    return { kind: 'number', text: `-${digits}` };
  }
  return { kind: 'number', text: digits };
}

/** A quoted identifier as a plain word when quoting adds nothing (`"price"` is `price`). */
function quotedName(name: string, syntax: ExpressionSyntax): SqlToken {
  const value = syntax.foldQuotedIdentifiers ? name.toLowerCase() : name;
  if (/^[a-z_][a-z0-9_$]*$/.test(value) && !RESERVED.has(value)) return { kind: 'word', text: value, raw: name };
  return { kind: 'quoted', text: value, raw: name };
}

/** Reads a quoted run starting at `start`; returns its decoded value and the index past it. */
function readQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): [string, number] {
  let value = '';
  let i = start + 1;
  while (i < sql.length) {
    const char = sql[i] as string;
    if (backslashEscapes && char === '\\' && i + 1 < sql.length) {
      value += unescapeBackslash(sql[i + 1] as string);
      i += 2;
    } else if (char === quote && sql[i + 1] === quote) {
      value += quote;
      i += 2;
    } else if (char === quote) {
      return [value, i + 1];
    } else {
      value += char;
      i += 1;
    }
  }
  return [value, i];
}

/** MySQL's backslash escapes (https://dev.mysql.com/doc/refman/8.0/en/string-literals.html#character-escape-sequences). */
function unescapeBackslash(char: string): string {
  switch (char) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case '0':
      return '\0';
    case 'Z':
      return '\x1a';
    case 'b':
      return '\b';
    default:
      return char;
  }
}

/**
 * @internal Drops PostgreSQL casts (`::text`, `::character varying(20)`, `::text[]`, `::"Mood"`): the
 * server adds them to literals and columns when it stores an expression, a revision rarely writes them.
 */
export function stripCasts(tokens: readonly SqlToken[]): SqlToken[] {
  const out: SqlToken[] = [];
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as SqlToken;
    if (token.kind !== 'operator' || token.text !== '::') {
      out.push(token);
      i += 1;
      continue;
    }
    i += 1;
    const interval = tokens[i]?.kind === 'word' && tokens[i]?.text === 'interval';
    const continues = (token: SqlToken | undefined): boolean =>
      token?.kind === 'word' && (TYPE_CONTINUATIONS.has(token.text) || (interval && INTERVAL_FIELDS.has(token.text)));
    if (tokens[i]?.kind === 'word' || tokens[i]?.kind === 'quoted') i += 1;
    // A type of another schema: `'paid'::billing.invoice_status`.
    if (tokens[i]?.text === '.' && (tokens[i + 1]?.kind === 'word' || tokens[i + 1]?.kind === 'quoted')) i += 2;
    while (continues(tokens[i])) i += 1;
    if (tokens[i]?.text === '(' && tokens[i + 2]?.text === ')') i += 3;
    else if (tokens[i]?.text === '(' && tokens[i + 4]?.text === ')') i += 5;
    // `timestamp(3) with time zone`: the zone words follow the precision.
    while (continues(tokens[i])) i += 1;
    while (tokens[i]?.text === '[' && tokens[i + 1]?.text === ']') i += 2;
  }
  return out;
}

/**
 * @internal PostgreSQL stores `x IN (a, b)` as `x = ANY (ARRAY[a, b])` and `NOT IN` as `<> ALL (...)`
 * (https://www.postgresql.org/docs/current/functions-comparisons.html): rewrite the revision's form
 * to the server's. Sub-queries (`IN (SELECT ...)`) are left alone.
 */
export function inListToAny(tokens: readonly SqlToken[]): SqlToken[] {
  const out: SqlToken[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as SqlToken;
    const next = tokens[i + 1];
    if (token.kind === 'word' && token.text === 'in' && next?.text === '(' && tokens[i + 2]?.text !== 'select') {
      const close = matchingParen(tokens, i + 1);
      const negated = out.at(-1)?.kind === 'word' && out.at(-1)?.text === 'not';
      if (negated) out.pop();
      out.push(
        { kind: 'operator', text: negated ? '<>' : '=' },
        { kind: 'word', text: negated ? 'all' : 'any' },
        { kind: 'punct', text: '(' },
        { kind: 'word', text: 'array' },
        { kind: 'punct', text: '[' },
        ...tokens.slice(i + 2, close),
        { kind: 'punct', text: ']' },
        { kind: 'punct', text: ')' },
      );
      i = close;
    } else {
      out.push(token);
    }
  }
  return out;
}

/** @internal The index of the `)` that closes the `(` at `open` (the last index when unbalanced). */
export function matchingParen(tokens: readonly SqlToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i += 1) {
    const text = (tokens[i] as SqlToken).text;
    if ((tokens[i] as SqlToken).kind !== 'punct') continue;
    if (text === '(') depth += 1;
    else if (text === ')') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return tokens.length - 1;
}

/**
 * @internal Removes parentheses that change nothing, judged by operator precedence
 * (https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-PRECEDENCE; MySQL and SQLite
 * order these classes the same way): a group is redundant when what it holds binds at least as
 * tightly as the operators on both sides of it, so `(price * 2) > 1`, `a or (b and c)`, `((x))` and
 * `(0)` lose theirs and `(a + b) * c`, `not (a and b)` keep them. Parentheses after a word (function
 * calls, `in (...)`, `any (...)`) are not grouping and stay.
 */
export function stripRedundantParens(tokens: readonly SqlToken[]): SqlToken[] {
  let current = [...tokens];
  for (;;) {
    const next = stripOnce(current);
    if (next.length === current.length) return current;
    current = next;
  }
}

/** How tightly an expression binds, loosest first. `other` holds operators this module does not rank. */
type Binding = 'or' | 'and' | 'not' | 'comparison' | 'arithmetic' | 'atom' | 'other';

const COMPARISON_WORDS = new Set(['is', 'like', 'ilike', 'in', 'between', 'similar', 'regexp', 'glob', 'match']);
const COMPARISON_OPERATORS = new Set(['=', '==', '<>', '<', '>', '<=', '>=', '~~', '!~~', '~~*', '!~~*', '~', '!~', '~*', '!~*', '<=>']);
const ARITHMETIC_OPERATORS = new Set(['+', '-', '*', '/', '%', '||', '^']);

/** The loosest operator at the top level of `tokens`. */
function bindingOf(tokens: readonly SqlToken[]): Binding {
  if (tokens.length === 1) return 'atom';
  if (tokens[0]?.text === '(' && tokens[0].kind === 'punct' && matchingParen(tokens, 0) === tokens.length - 1) return 'atom';
  const found = new Set<Binding>();
  let depth = 0;
  for (const [i, token] of tokens.entries()) {
    if (token.kind === 'punct' && (token.text === '(' || token.text === '[')) depth += 1;
    else if (token.kind === 'punct' && (token.text === ')' || token.text === ']')) depth -= 1;
    else if (depth > 0) continue;
    else if (token.kind === 'word' && (token.text === 'or' || token.text === 'and')) found.add(token.text);
    else if (token.kind === 'word' && token.text === 'not' && i === 0) found.add('not');
    else if (token.kind === 'word' && COMPARISON_WORDS.has(token.text)) found.add('comparison');
    else if (token.kind === 'operator' && COMPARISON_OPERATORS.has(token.text)) found.add('comparison');
    else if (token.kind === 'operator' && ARITHMETIC_OPERATORS.has(token.text)) found.add('arithmetic');
    else if (token.kind === 'operator' && token.text !== '::') found.add('other');
  }
  for (const binding of ['or', 'and', 'not', 'other', 'comparison', 'arithmetic'] as const) if (found.has(binding)) return binding;
  return 'atom';
}

/** What may stand in a group next to `neighbor` without its parentheses; undefined when anything may (a boundary). */
function allowedNextTo(neighbor: SqlToken | undefined): ReadonlySet<Binding> | undefined {
  if (neighbor === undefined || (neighbor.kind === 'punct' && '(),'.includes(neighbor.text))) return undefined;
  if (neighbor.kind === 'word' && neighbor.text === 'or') return new Set(['or', 'and', 'not', 'comparison', 'arithmetic', 'atom']);
  if (neighbor.kind === 'word' && neighbor.text === 'and') return new Set(['and', 'not', 'comparison', 'arithmetic', 'atom']);
  if (neighbor.kind === 'word' && neighbor.text === 'not') return new Set(['comparison', 'arithmetic', 'atom']);
  if ((neighbor.kind === 'word' && COMPARISON_WORDS.has(neighbor.text)) || (neighbor.kind === 'operator' && COMPARISON_OPERATORS.has(neighbor.text))) {
    return new Set(['arithmetic', 'atom']);
  }
  return new Set(['atom']);
}

function stripOnce(tokens: SqlToken[]): SqlToken[] {
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as SqlToken;
    if (token.kind !== 'punct' || token.text !== '(') continue;
    const previous = tokens[i - 1];
    const call = previous !== undefined && (previous.kind === 'quoted' || previous.text === ']' || (previous.kind === 'word' && !GROUPING_WORDS.has(previous.text)));
    if (call) continue;
    const close = matchingParen(tokens, i);
    const binding = bindingOf(tokens.slice(i + 1, close));
    const left = allowedNextTo(previous);
    const right = allowedNextTo(tokens[close + 1]);
    const redundant = (left === undefined || left.has(binding)) && (right === undefined || right.has(binding));
    if (redundant || leftOperandOfLooserOrEqual(tokens, i, close)) {
      return [...tokens.slice(0, i), ...tokens.slice(i + 1, close), ...tokens.slice(close + 1)];
    }
  }
  return tokens;
}

/**
 * Arithmetic and string operators by precedence, tightest highest; all are left-associative
 * (https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-PRECEDENCE: `^`, then `* / %`,
 * then `+ -`, then any other operator such as `||`).
 */
const ARITHMETIC_RANK: Readonly<Record<string, number>> = { '^': 4, '*': 3, '/': 3, '%': 3, '+': 2, '-': 2, '||': 1 };

/**
 * Whether the group `tokens[open..close]` is the left operand of an arithmetic operator that binds no
 * tighter than anything at the group's top level, with nothing binding tighter on its left: then
 * left-associativity makes the parentheses redundant, as in `(a || b) || c`, which PostgreSQL prints
 * for `a || b || c` (and `(a + b) - c`, `(a * b) + c`). `a - (b - c)` and `(a + b) * c` keep theirs.
 */
function leftOperandOfLooserOrEqual(tokens: readonly SqlToken[], open: number, close: number): boolean {
  const after = tokens[close + 1];
  const rank = after?.kind === 'operator' ? ARITHMETIC_RANK[after.text] : undefined;
  if (rank === undefined) return false;
  let depth = 0;
  let tightest = Infinity;
  for (const token of tokens.slice(open + 1, close)) {
    if (token.kind === 'punct' && (token.text === '(' || token.text === '[')) depth += 1;
    else if (token.kind === 'punct' && (token.text === ')' || token.text === ']')) depth -= 1;
    else if (depth === 0 && token.kind === 'operator' && token.text !== '::') {
      const inner = ARITHMETIC_RANK[token.text];
      if (inner === undefined) return false;
      tightest = Math.min(tightest, inner);
    } else if (depth === 0 && token.kind === 'word' && (token.text === 'and' || token.text === 'or' || token.text === 'not' || COMPARISON_WORDS.has(token.text))) {
      return false;
    }
  }
  if (tightest < rank) return false;
  const before = tokens[open - 1];
  if (before === undefined || (before.kind === 'punct' && '(,'.includes(before.text))) return true;
  const beforeRank = before.kind === 'operator' ? ARITHMETIC_RANK[before.text] : undefined;
  if (beforeRank !== undefined) return beforeRank < rank;
  return allowedNextTo(before) !== undefined && (allowedNextTo(before) as ReadonlySet<Binding>).has('arithmetic');
}

/** Words after which `(` groups an expression rather than opening a call's or a list's parentheses. */
const GROUPING_WORDS = new Set(['and', 'or', 'not', 'when', 'then', 'else', 'is']);

/** @internal Prints tokens with one canonical spacing; strings and quoted names are re-quoted for the dialect. */
export function renderTokens(tokens: readonly SqlToken[], syntax: ExpressionSyntax): string {
  let out = '';
  let previous: SqlToken | undefined;
  for (const token of tokens) {
    const text = renderToken(token, syntax);
    if (previous !== undefined && spaceBetween(previous, token)) out += ' ';
    out += text;
    previous = token;
  }
  return out;
}

function renderToken(token: SqlToken, syntax: ExpressionSyntax): string {
  switch (token.kind) {
    case 'string':
      return quoteString(token.text, syntax.backslashEscapes);
    case 'quoted':
      return `${syntax.identifierQuote}${token.text.replaceAll(syntax.identifierQuote, syntax.identifierQuote + syntax.identifierQuote)}${syntax.identifierQuote}`;
    default:
      return token.text;
  }
}

/** @internal A string literal with `'` doubled (and, where backslashes escape, `\` doubled). */
export function quoteString(value: string, backslashEscapes: boolean): string {
  const escaped = backslashEscapes ? value.replaceAll('\\', '\\\\') : value;
  return `'${escaped.replaceAll("'", "''")}'`;
}

function spaceBetween(left: SqlToken, right: SqlToken): boolean {
  if (left.kind === 'punct' && (left.text === '(' || left.text === '[' || left.text === '.')) return false;
  if (right.kind === 'punct' && (right.text === ')' || right.text === ']' || right.text === ',' || right.text === '.')) return false;
  if (left.text === '::' || right.text === '::') return false;
  if (right.kind === 'punct' && right.text === '[') return left.kind !== 'word' || SPACED_BEFORE_PAREN.has(left.text);
  if (right.kind === 'punct' && right.text === '(') return !((left.kind === 'word' && !SPACED_BEFORE_PAREN.has(left.text)) || left.kind === 'quoted');
  return true;
}

/** @internal Lexes, drops redundant parentheses and prints: the normalization every dialect shares. */
export function canonicalExpression(expression: string, syntax: ExpressionSyntax, rewrite: (tokens: SqlToken[]) => SqlToken[] = (tokens) => tokens): string {
  return renderTokens(stripRedundantParens(rewrite(tokenize(expression, syntax))), syntax);
}

/** @internal Splits tokens at the commas outside parentheses (a column list, a CREATE TABLE body). */
export function splitTopLevel(tokens: readonly SqlToken[]): SqlToken[][] {
  const groups: SqlToken[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'punct' && token.text === '(') depth += 1;
    if (token.kind === 'punct' && token.text === ')') depth -= 1;
    if (depth === 0 && token.kind === 'punct' && token.text === ',') groups.push([]);
    else (groups.at(-1) as SqlToken[]).push(token);
  }
  return groups.filter((group) => group.length > 0);
}
