import { carriesSecret } from './sql-secrets.js';

/** A statement that returns rows whatever its kind (PostgreSQL and MariaDB: `INSERT … RETURNING`). */
const RETURNING = /\breturning\b/i;

/** How many statements may wait: a data migration's thousands of INSERTs go in batches. */
const MAX_STATEMENTS = 1000;
/** How much text may wait. */
const MAX_CHARS = 1 << 20;

/**
 * What separates deferred statements in a message: the newline first, so that a `--` comment a
 * statement ends with stops before the `;`.
 */
export const STATEMENT_SEPARATOR = '\n;\n';

/**
 * The statements a connection keeps to send in front of its next message (`Connection.deferStatement`):
 * only single statements of the kinds that return no rows, and at most a thousand or a megabyte.
 *
 * A text with a `;` anywhere but at its end is never kept: it may be two statements, or one followed
 * by a comment that would make an empty statement of the message; a `;` in a literal or a function
 * body cannot be told from those without parsing, and such a statement simply goes alone.
 */
export class DeferredStatements {
  readonly #kinds: RegExp;
  readonly #refused: RegExp | undefined;
  #statements: string[] = [];
  #chars = 0;

  /**
   * @param kinds the first keywords of the statements the dialect may defer (those that return no rows)
   * @param refused statements of those kinds the dialect must still send alone: those that return rows
   *   after all, or change how the server reads the rest of a message (string escapes, character set)
   */
  constructor(kinds: RegExp, refused?: RegExp) {
    this.#kinds = kinds;
    this.#refused = refused;
  }

  /**
   * Keeps `sql` (its final `;` dropped); false, keeping nothing, when it is not one such statement or
   * the batch is full. A statement that may write a password is never kept: it goes alone, in a message
   * of its own, since a server's error about another statement of a message may quote the text that
   * follows it (MariaDB's "near '…'").
   */
  add(sql: string): boolean {
    const statement = sql.replace(/;\s*$/, '');
    if (!this.#kinds.test(statement) || this.#refused?.test(statement) || RETURNING.test(statement) || carriesSecret(statement) || statement.includes(';')) return false;
    if (this.#statements.length >= MAX_STATEMENTS || this.#chars + statement.length > MAX_CHARS) return false;
    this.#statements.push(statement);
    this.#chars += statement.length;
    return true;
  }

  get pending(): boolean {
    return this.#statements.length > 0;
  }

  /** The statements kept, in order, now the caller's to send. */
  take(): string[] {
    const taken = this.#statements;
    this.drop();
    return taken;
  }

  /** Forgets the statements kept (their transaction is rolled back, or their session gone). */
  drop(): void {
    this.#statements = [];
    this.#chars = 0;
  }
}
