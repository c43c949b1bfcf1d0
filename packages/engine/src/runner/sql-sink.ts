import type { Connection, Row } from '../dialects/connection.js';

/**
 * The one choke point every schema statement goes through: it either runs on the database (online)
 * or is appended to a script (`--sql`). Ops, the ledger and raw `execute` all write through it, so
 * offline output is exactly what an online run would have executed.
 */
export interface SqlSink {
  /** True when statements are collected instead of run (nothing can be read back). */
  readonly offline: boolean;
  /** Runs (or appends) one statement. Offline, parameters are inlined as literals and no rows come back. */
  run(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** Runs every statement on a live connection. */
export class LiveSink implements SqlSink {
  readonly offline = false;
  readonly #connection: Connection;

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  run(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return this.#connection.query(sql, params);
  }
}

/** One statement of an offline script, with what the reader should know about it. */
export interface ScriptStatement {
  readonly sql: string;
  /** A comment line printed above the statement (the revision it belongs to, or a warning). */
  readonly comment?: string;
}

/**
 * Collects statements into an SQL script. Placeholders (`$1` or `?`) are replaced by literals from
 * `formatLiteral`, so the script runs in the database's own client.
 */
export class ScriptSink implements SqlSink {
  readonly offline = true;
  readonly #statements: ScriptStatement[] = [];
  readonly #formatLiteral: (value: unknown) => string;
  readonly #numbered: boolean;

  /**
   * @param options.formatLiteral renders one value as an SQL literal of the dialect.
   * @param options.numberedPlaceholders `$1, $2…` (PostgreSQL) rather than `?`.
   */
  constructor(options: { formatLiteral: (value: unknown) => string; numberedPlaceholders: boolean }) {
    this.#formatLiteral = options.formatLiteral;
    this.#numbered = options.numberedPlaceholders;
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    this.#statements.push({ sql: params.length === 0 ? sql : this.#inline(sql, params) });
    return [];
  }

  /** Adds a comment line to the script (revision boundaries, warnings). */
  comment(text: string): void {
    this.#statements.push({ sql: '', comment: text });
  }

  /** The script: each statement terminated by `;`, comments as `--` lines. */
  script(): string {
    return this.#statements
      .map((s) => (s.comment !== undefined ? `\n-- ${s.comment.split('\n').join('\n-- ')}` : `${s.sql.trimEnd()};`))
      .join('\n')
      .trimStart()
      .concat('\n');
  }

  /** Placeholders inside string literals of `sql` are not told apart: statements with parameters must not contain `?`/`$n` in literals. */
  #inline(sql: string, params: readonly unknown[]): string {
    if (this.#numbered) {
      return sql.replace(/\$(\d+)/g, (match, index: string) => (Number(index) <= params.length ? this.#formatLiteral(params[Number(index) - 1]) : match));
    }
    let position = 0;
    return sql.replace(/\?/g, (match) => (position < params.length ? this.#formatLiteral(params[position++]) : match));
  }
}
