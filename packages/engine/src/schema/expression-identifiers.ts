// The identifiers of SQL expressions (checks, index expressions and predicates, generated columns,
// policies), read by one small lexer: which columns an expression names, the expression with one
// renamed, and whether parentheses wrap it whole. Dialect-neutral: '…' strings, "…" and `…` quoted identifiers, bare words.

/**
 * One identifier token of an SQL expression: where it is, its text, and how it is quoted.
 * @internal
 */
interface IdentifierToken {
  readonly start: number;
  readonly end: number;
  readonly name: string;
  /** The quote character, or undefined for a bare identifier. */
  readonly quote?: string;
}

/**
 * The identifiers of an SQL expression that can name a column: bare words that are not function
 * names (not followed by `(`) and quoted identifiers (`"a"`, `` `a` ``), skipping string literals
 * and numbers. A lexer, not a parser: enough to find and rename column references in check
 * constraints, index expressions, partial-index predicates and generated columns.
 * @internal
 */
function identifierTokens(expression: string): IdentifierToken[] {
  const tokens: IdentifierToken[] = [];
  let i = 0;
  while (i < expression.length) {
    const char = expression[i] as string;
    if (char === "'") {
      i = afterQuoted(expression, i);
    } else if (char === '"' || char === '`') {
      const start = i;
      let name = '';
      i += 1;
      while (i < expression.length) {
        if (expression[i] === char && expression[i + 1] === char) {
          name += char;
          i += 2;
        } else if (expression[i] === char) break;
        else {
          name += expression[i];
          i += 1;
        }
      }
      i += 1;
      tokens.push({ start, end: i, name, quote: char });
    } else if (/[0-9]/.test(char)) {
      while (i < expression.length && /[0-9A-Za-z_.]/.test(expression[i] as string)) i += 1;
    } else if (/[A-Za-z_]/.test(char)) {
      const start = i;
      while (i < expression.length && /[A-Za-z0-9_$]/.test(expression[i] as string)) i += 1;
      const rest = expression.slice(i).trimStart();
      if (!rest.startsWith('(')) tokens.push({ start, end: i, name: expression.slice(start, i) });
    } else {
      i += 1;
    }
  }
  return tokens;
}

/** The index just past the quoted run that opens at `start` (`'…'`, `"…"` or `` `…` ``, a doubled quote standing for itself). @internal */
function afterQuoted(expression: string, start: number): number {
  const quote = expression[start];
  let i = start + 1;
  while (i < expression.length) {
    if (expression[i] === quote && expression[i + 1] === quote) i += 2;
    else if (expression[i] === quote) break;
    else i += 1;
  }
  return i + 1;
}

/**
 * Whether the whole expression is one parenthesised group: `(a + b)`, not `(a) + (b)`; parentheses
 * inside string literals and quoted identifiers do not count (`(name || ')')` is one group).
 */
export function isParenthesized(expression: string): boolean {
  if (!expression.startsWith('(') || !expression.endsWith(')')) return false;
  let depth = 0;
  for (let i = 0; i < expression.length; ) {
    const char = expression[i];
    if (char === "'" || char === '"' || char === '`') {
      i = afterQuoted(expression, i);
      continue;
    }
    if (char === '(') depth += 1;
    else if (char === ')') {
      depth -= 1;
      if (depth === 0 && i < expression.length - 1) return false;
    }
    i += 1;
  }
  return depth === 0;
}

/** The expression without the parentheses that wrap it whole, however many pairs (`((a))` is `a`). */
export function unwrapParentheses(expression: string): string {
  let current = expression.trim();
  while (isParenthesized(current)) current = current.slice(1, -1).trim();
  return current;
}

/** Whether a token names `column`: quoted exactly, bare case-insensitively (as the servers fold). @internal */
function namesColumn(token: IdentifierToken, column: string): boolean {
  return token.quote === undefined ? token.name.toLowerCase() === column.toLowerCase() : token.name === column;
}

/**
 * Whether an SQL expression refers to `column`: a bare word that is not a function name (compared
 * case-insensitively, as the servers fold unquoted names) or a quoted identifier (compared exactly),
 * string literals skipped. What `applyToModel` reads to refuse dropping a column still in use, and what
 * autogenerate reads to order the ops around a changed column.
 */
export function mentionsColumn(expression: string | undefined, column: string): boolean {
  return expression !== undefined && identifierTokens(expression).some((token) => namesColumn(token, column));
}

/** The stated expression with every reference to `from` renamed to `to`, keeping each reference's quoting. */
export function renameIdentifier(expression: string, from: string, to: string): string {
  return replaceTokens(expression, identifierTokens(expression).filter((token) => namesColumn(token, from)), to);
}

/**
 * The expression with every column qualified by table `from` (`"users"."age"`, `users.age`) qualified
 * by `to` instead: what SQLite does to a renamed table's own checks, index expressions and generated
 * columns (https://www.sqlite.org/lang_altertable.html#alter_table_rename); PostgreSQL and MySQL keep
 * such expressions unqualified, so there it changes nothing.
 */
export function renameQualifier(expression: string, from: string, to: string): string {
  return replaceTokens(expression, identifierTokens(expression).filter((token) => namesColumn(token, from) && expression[token.end] === '.'), to);
}

/** `expression` with each of `tokens` (in order) replaced by `to`, quoted as the token was. @internal */
function replaceTokens(expression: string, tokens: readonly IdentifierToken[], to: string): string {
  if (tokens.length === 0) return expression;
  let result = '';
  let at = 0;
  for (const token of tokens) {
    const replacement = token.quote === undefined ? to : `${token.quote}${to.split(token.quote).join(token.quote + token.quote)}${token.quote}`;
    result += expression.slice(at, token.start) + replacement;
    at = token.end;
  }
  return result + expression.slice(at);
}
