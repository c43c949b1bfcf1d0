import { inOneTransaction, type Connection, type SqlStatement } from '../dialects/connection.js';
import { HeldTransactionError } from '../dialects/errors.js';
import type { Ledger, NewHistoryEntry } from './ledger.js';

/** One finished revision's history row, and the heads the stream has once it is recorded. */
interface QueuedRow {
  /** The revision's index in the run's plan. */
  readonly step: number;
  readonly entry: NewHistoryEntry;
  readonly heads: readonly string[];
}

/**
 * A run's ledger writes. A revision whose body sent nothing may leave its row waiting: re-running it
 * would send nothing either, so until the row is written the ledger merely says less than is true, and
 * a run cut short there does it again. The rows that wait go out with the next revision that writes,
 * or at the end of the run, as one version move and one history INSERT; a re-run where every guard
 * skips writes the ledger once instead of once per revision.
 *
 * Rows written inside a transaction count as recorded only once it commits ({@link committed});
 * after a rollback ({@link rolledBack}) those of revisions that stay applied wait again.
 */
export class LedgerQueue {
  readonly #ledger: Ledger;
  readonly #connection: Connection;
  /** Rows not written yet. */
  #waiting: QueuedRow[] = [];
  /** Rows written in the open transaction. */
  #written: QueuedRow[] = [];
  /** The version rows once the rows the connection holds ({@link hold}) commit; undefined when it holds none. */
  #heldHeads: readonly string[] | undefined;
  /** The revision whose held rows failed to commit, and why, until {@link takeUnrecorded}. */
  #unrecorded: Unrecorded | undefined;
  /** The version rows as committed. */
  #committedHeads: readonly string[];
  /** The version rows as the open transaction sees them. */
  #heads: readonly string[];

  constructor(ledger: Ledger, connection: Connection, heads: readonly string[]) {
    this.#ledger = ledger;
    this.#connection = connection;
    this.#committedHeads = heads;
    this.#heads = heads;
  }

  /** Queues the row of a revision that finished (step = its index in the plan). */
  add(step: number, entry: NewHistoryEntry, heads: readonly string[]): void {
    this.#waiting.push({ step, entry, heads });
  }

  /**
   * Writes the waiting rows in a transaction of their own, outside any other (one round trip where
   * the connection can: `inOneTransaction`).
   */
  async writeAlone(): Promise<void> {
    const statements = this.take();
    if (statements.length === 0) return;
    await inOneTransaction(this.#connection, statements);
    this.committed();
  }

  /**
   * Hands the waiting rows to the connection, to be written as one transaction in front of the next
   * statement it sends (`Connection.holdTransaction`): the next revision's first statement carries
   * them, one round trip less per revision, and they still commit before that statement runs. Where
   * the connection cannot hold a transaction, they are written now ({@link writeAlone}). No
   * transaction may be open.
   */
  async hold(): Promise<void> {
    if (this.#connection.holdTransaction === undefined) return this.writeAlone();
    const drained = this.#drain();
    if (drained === undefined) return;
    const { rows, last, statements } = drained;
    this.#heldHeads = last.heads;
    this.#connection.holdTransaction(statements, (committed, failure) => {
      this.#heldHeads = undefined;
      if (committed) {
        this.#committedHeads = last.heads;
        return;
      }
      // Rolled back: the rows wait again, before any queued since.
      this.#waiting = sortBySteps([...rows, ...this.#waiting]);
      this.#heads = this.#committedHeads;
      this.#failed(last.step, failure);
    });
  }

  /**
   * After a failure: the revision whose rows a held transaction did not record
   * (`DIALECT_HELD_TRANSACTION_FAILED`), the revision the failure belongs to, once; undefined when none.
   */
  takeUnrecorded(): Unrecorded | undefined {
    const unrecorded = this.#unrecorded;
    this.#unrecorded = undefined;
    return unrecorded;
  }

  /** A held write of revision `step`'s rows failed; a lost session leaves its outcome unknown, not failed. */
  #failed(step: number, failure: Error | undefined): void {
    if (failure instanceof HeldTransactionError) this.#unrecorded = { step, failure };
  }

  /** The transaction the written rows went out in committed. */
  committed(): void {
    this.#written = [];
    this.#committedHeads = this.#heads;
  }

  /**
   * The open transaction rolled back, and with it every revision from plan index `from` on: their rows
   * are dropped; the rows of earlier revisions written in it wait again.
   */
  rolledBack(from: number): void {
    this.#waiting = sortBySteps([...this.#written, ...this.#waiting]).filter((row) => row.step < from);
    this.#written = [];
    this.#heads = this.#heldHeads ?? this.#committedHeads;
  }

  /**
   * The statements that record the waiting rows, for the caller to send in its open transaction; the
   * rows count as written from here on, and as recorded once it commits ({@link committed}).
   */
  take(): SqlStatement[] {
    const drained = this.#drain();
    if (drained === undefined) return [];
    this.#written.push(...drained.rows);
    return drained.statements;
  }

  /** Takes the waiting rows and the statements that record them; the heads move past them. Undefined when none wait. */
  #drain(): { rows: QueuedRow[]; last: QueuedRow; statements: SqlStatement[] } | undefined {
    const rows = this.#waiting;
    const last = rows.at(-1);
    if (last === undefined) return undefined;
    const statements = this.#ledger.advanceStatements(this.#heads, last.heads, rows.map((row) => row.entry));
    this.#waiting = [];
    this.#heads = last.heads;
    return { rows, last, statements };
  }
}

/** A revision whose ledger rows a held write did not record. */
export interface Unrecorded {
  /** Its index in the run's plan. */
  readonly step: number;
  readonly failure: HeldTransactionError;
}

/** `rows` in the order their revisions ran. */
function sortBySteps(rows: QueuedRow[]): QueuedRow[] {
  return rows.sort((a, b) => a.step - b.step);
}
