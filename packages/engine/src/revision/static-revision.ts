import type { RevisionSourceFields } from './write-revision.js';

/**
 * The metadata of a revision file read from its text, without compiling or running it: the fields
 * `strata revision` writes, and `transactional` (which autogenerate may add).
 */
export interface StaticRevisionFields extends Pick<RevisionSourceFields, 'id' | 'parents' | 'message' | 'dependsOn' | 'branchLabels'> {
  readonly transactional?: boolean;
}

interface Token {
  readonly kind: 'word' | 'string' | 'number' | 'punct';
  readonly text: string;
}

/** Properties whose value is a string; the others of the metadata are lists of strings. */
const STRING_KEYS = new Set(['id', 'message']);
const LIST_KEYS = new Set(['parents', 'dependsOn', 'branchLabels']);
/** The values a hoisted constant may use besides strings, numbers and property names. */
const LITERAL_WORDS = new Set(['true', 'false', 'null']);

/**
 * The metadata of a revision file of the generated shape, read from its text; undefined for any
 * other file, which must be loaded to be known. The shape: comments; `import { revision, type … }
 * from '@strata/engine';`; constants of literal values (`const name: Type = { … };`); then
 * `export default revision({ … });` whose properties are `id` and `message` (string literals),
 * `parents`, `dependsOn`, `branchLabels` (lists of string literals), `transactional` (true or false),
 * and the methods `async upgrade(…) { … }` and `async downgrade(…) { … }`, then the end of the file.
 * A `/` that opens no comment (a division or a regular expression) and a template literal anywhere
 * in the file, a string escape JSON does not know, a call, a member access or a computed value
 * outside the two method bodies: each makes the file another shape. Such a file's metadata is only
 * known by running it, and its text alone cannot say so.
 *
 * @example
 * ```ts
 * import { readStaticRevision } from './static-revision.js';
 * readStaticRevision("import { revision } from '@strata/engine';\nexport default revision({ id: 'a1b2c3', parents: [], message: 'm', async upgrade() {}, async downgrade() {} });\n");
 * // { id: 'a1b2c3', parents: [], message: 'm' }
 * ```
 */
export function readStaticRevision(source: string): StaticRevisionFields | undefined {
  const tokens = tokenize(source);
  if (tokens === undefined) return undefined;
  const reader = new TokenReader(tokens);
  return reader.file();
}

/** The file's tokens, comments and spaces left out; undefined at anything the generated shape never holds. */
function tokenize(source: string): Token[] | undefined {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const char = source[at]!;
    if (/\s/.test(char)) {
      at += 1;
    } else if (source.startsWith('//', at)) {
      const end = source.indexOf('\n', at);
      at = end === -1 ? source.length : end;
    } else if (source.startsWith('/*', at)) {
      const end = source.indexOf('*/', at + 2);
      if (end === -1) return undefined;
      at = end + 2;
    } else if (char === "'" || char === '"') {
      let end = at + 1;
      while (end < source.length && source[end] !== char && source[end] !== '\n') end += source[end] === '\\' ? 2 : 1;
      if (source[end] !== char) return undefined;
      const value = decodeString(source.slice(at + 1, end), char);
      if (value === undefined) return undefined;
      tokens.push({ kind: 'string', text: value });
      at = end + 1;
    } else if (/[A-Za-z_$]/.test(char)) {
      const word = /^[A-Za-z_$][\w$]*/.exec(source.slice(at, at + 200))![0];
      tokens.push({ kind: 'word', text: word });
      at += word.length;
    } else if (/[0-9]/.test(char)) {
      const number = /^[0-9][0-9_]*(?:\.[0-9]+)?/.exec(source.slice(at, at + 100))![0];
      tokens.push({ kind: 'number', text: number });
      at += number.length;
    } else if ('{}[]();,:.=<>|&!?+-*%^~@#'.includes(char)) {
      tokens.push({ kind: 'punct', text: char });
      at += 1;
    } else {
      return undefined;
    }
  }
  return tokens;
}

/** A quoted string's value, through JSON's escapes; undefined for any escape JSON does not read. */
function decodeString(body: string, quote: string): string | undefined {
  const json = quote === "'" ? body.replace(/\\(.)|"/gs, (match, escaped: string | undefined) => (escaped === undefined ? '\\"' : escaped === "'" ? "'" : match)) : body;
  try {
    return JSON.parse(`"${json}"`) as string;
  } catch {
    return undefined;
  }
}

/** Reads the generated shape token by token; every method answers undefined when the shape is not there. */
class TokenReader {
  readonly #tokens: readonly Token[];
  #at = 0;

  constructor(tokens: readonly Token[]) {
    this.#tokens = tokens;
  }

  file(): StaticRevisionFields | undefined {
    if (!this.#importLine()) return undefined;
    while (this.#peek('const')) if (!this.#constant()) return undefined;
    if (!this.#take('export', 'default', 'revision', '(', '{')) return undefined;
    const fields = this.#properties();
    if (fields === undefined || !this.#take(')', ';') || this.#at !== this.#tokens.length) return undefined;
    return fields;
  }

  /** `import { revision, type A, type B } from '@strata/engine';` */
  #importLine(): boolean {
    if (!this.#take('import', '{')) return false;
    let revision = false;
    for (;;) {
      if (this.#take('type')) {
        if (this.#word() === undefined) return false;
      } else if (this.#take('revision')) {
        revision = true;
      } else {
        return false;
      }
      if (this.#take('}')) break;
      if (!this.#take(',')) return false;
    }
    return revision && this.#take('from') && this.#string() === '@strata/engine' && this.#take(';');
  }

  /** `const name: Type = literal;`, the type and the literal of words, strings, numbers and brackets only. */
  #constant(): boolean {
    if (!this.#take('const') || this.#word() === undefined || !this.#take(':')) return false;
    while (!this.#peek('=')) {
      const token = this.#next();
      if (token === undefined || !(token.kind === 'word' || '[]<>|,'.includes(token.text))) return false;
    }
    this.#at += 1;
    let depth = 0;
    for (;;) {
      const token = this.#next();
      if (token === undefined) return false;
      if (token.kind === 'string' || token.kind === 'number') continue;
      if (token.kind === 'word') {
        // A property name (followed by `:`) or a literal word; a name standing for a value could be anything.
        if (LITERAL_WORDS.has(token.text) || this.#peek(':')) continue;
        return false;
      }
      if (token.text === '[' || token.text === '{') depth += 1;
      else if (token.text === ']' || token.text === '}') depth -= 1;
      else if (token.text === ';' && depth === 0) return true;
      else if (token.text !== ',' && token.text !== ':' && token.text !== '-') return false;
      if (depth < 0) return false;
    }
  }

  /** The properties of `revision({ … })` up to its closing `}`. */
  #properties(): StaticRevisionFields | undefined {
    const values = new Map<string, string | readonly string[] | boolean>();
    const methods = new Set<string>();
    while (!this.#take('}')) {
      if (this.#take('async')) {
        const name = this.#word();
        if ((name !== 'upgrade' && name !== 'downgrade') || methods.has(name) || !this.#balanced('(', ')') || !this.#balanced('{', '}')) return undefined;
        methods.add(name);
      } else {
        const key = this.#word();
        if (key === undefined || values.has(key) || !this.#take(':')) return undefined;
        const value = STRING_KEYS.has(key) ? this.#string() : LIST_KEYS.has(key) ? this.#stringList() : key === 'transactional' ? this.#boolean() : undefined;
        if (value === undefined) return undefined;
        values.set(key, value);
      }
      if (!this.#take(',') && !this.#peek('}')) return undefined;
    }
    const id = values.get('id');
    const message = values.get('message');
    const parents = values.get('parents');
    if (typeof id !== 'string' || typeof message !== 'string' || !Array.isArray(parents) || methods.size !== 2) return undefined;
    const dependsOn = values.get('dependsOn');
    const branchLabels = values.get('branchLabels');
    const transactional = values.get('transactional');
    return {
      id,
      parents,
      message,
      ...(Array.isArray(dependsOn) ? { dependsOn } : {}),
      ...(Array.isArray(branchLabels) ? { branchLabels } : {}),
      ...(typeof transactional === 'boolean' ? { transactional } : {}),
    };
  }

  /** Skips a bracketed run of tokens, nested brackets of both kinds included. */
  #balanced(open: string, close: string): boolean {
    if (!this.#take(open)) return false;
    let depth = 1;
    while (depth > 0) {
      const token = this.#next();
      if (token === undefined) return false;
      if (token.kind !== 'punct') continue;
      if (token.text === open) depth += 1;
      else if (token.text === close) depth -= 1;
    }
    return true;
  }

  #stringList(): readonly string[] | undefined {
    if (!this.#take('[')) return undefined;
    const items: string[] = [];
    while (!this.#take(']')) {
      const item = this.#string();
      if (item === undefined) return undefined;
      items.push(item);
      if (!this.#take(',') && !this.#peek(']')) return undefined;
    }
    return items;
  }

  #boolean(): boolean | undefined {
    if (this.#take('true')) return true;
    if (this.#take('false')) return false;
    return undefined;
  }

  #string(): string | undefined {
    const token = this.#tokens[this.#at];
    if (token?.kind !== 'string') return undefined;
    this.#at += 1;
    return token.text;
  }

  #word(): string | undefined {
    const token = this.#tokens[this.#at];
    if (token?.kind !== 'word') return undefined;
    this.#at += 1;
    return token.text;
  }

  #next(): Token | undefined {
    const token = this.#tokens[this.#at];
    if (token !== undefined) this.#at += 1;
    return token;
  }

  #peek(text: string): boolean {
    const token = this.#tokens[this.#at];
    return token !== undefined && token.kind !== 'string' && token.text === text;
  }

  /** Takes the tokens when they come next, in order (a string token never matches). */
  #take(...texts: string[]): boolean {
    const at = this.#at;
    for (const text of texts) {
      if (!this.#peek(text)) {
        this.#at = at;
        return false;
      }
      this.#at += 1;
    }
    return true;
  }
}
