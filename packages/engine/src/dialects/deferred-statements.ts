/** A statement that returns rows whatever its kind (PostgreSQL and MariaDB: `INSERT … RETURNING`). */
const RETURNING = /\breturning\b/i;

/** How many statements may wait: a data migration's thousands of INSERTs go in batches. */
const MAX_STATEMENTS = 1000;
/** How much text may wait. */
const MAX_CHARS = 1 << 20;

/**
 * The statements a connection keeps to send in front of its next message (`Connection.deferStatement`):
 * only single statements of the kinds that return no rows, and at most a thousand or a megabyte.
 */
export class DeferredStatements {
  readonly #kinds: RegExp;
  readonly #isOneStatement: (sql: string) => boolean;
  #statements: string[] = [];
  #chars = 0;

  /**
   * @param kinds the first keywords of the statements the dialect may defer (those that return no rows)
   * @param isOneStatement whether a text is one statement, as far as the dialect can tell without parsing
   */
  constructor(kinds: RegExp, isOneStatement: (sql: string) => boolean) {
    this.#kinds = kinds;
    this.#isOneStatement = isOneStatement;
  }

  /** Keeps `sql` (its final `;` dropped); false, keeping nothing, when it is not one such statement or the batch is full. */
  add(sql: string): boolean {
    if (!this.#kinds.test(sql) || RETURNING.test(sql) || !this.#isOneStatement(sql)) return false;
    if (this.#statements.length >= MAX_STATEMENTS || this.#chars + sql.length > MAX_CHARS) return false;
    this.#statements.push(sql.replace(/;\s*$/, ''));
    this.#chars += sql.length;
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
