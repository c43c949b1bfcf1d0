import type { HeldOutcome } from './connection.js';
import { ConnectionLostError, HeldTransactionError, type DialectErrorContext } from './errors.js';

/**
 * What a connection holds back to send in front of its next statement (a ledger transaction:
 * `Connection.holdTransaction`), and the outcome of one it had to send early, without waiting, ahead
 * of the caller's own use of the driver.
 */
export class HeldSlot<T> {
  #held: T | undefined;
  /** One sent early, and how it ended: an error, or undefined. */
  #queued: Promise<unknown> | undefined;
  /** Counts what was held, so each gets a marker of its own. */
  #count = 0;

  /** Holds what `make` builds, given a marker no earlier one had. */
  hold(make: (marker: number) => T): void {
    if (this.#held !== undefined) throw new Error('HeldSlot.hold: something is held already and not sent');
    this.#count += 1;
    this.#held = make(this.#count);
  }

  /**
   * Sends what is held now through `send`, not waiting for it: the driver runs a connection's
   * calls in the order they are made, so it goes before whatever the caller sends next. Its failure
   * is thrown by the next {@link take}. Nothing is sent when nothing is held, unless `always` (the
   * connection has more to send with it).
   */
  sendEarly(send: (held: T | undefined) => Promise<unknown>, always = false): void {
    const held = this.#held;
    if (held === undefined && !always) return;
    this.#held = undefined;
    // Called at once, so that the driver has it before anything the caller sends after this.
    const sent = send(held).then(() => undefined, (error: unknown) => error);
    const before = this.#queued;
    this.#queued = before === undefined ? sent : Promise.all([before, sent]).then(([first, second]) => first ?? second);
  }

  /** Waits for what was sent early and throws its failure, which {@link settle} and {@link take} still throw after. */
  async outcome(): Promise<void> {
    const failure = await this.#queued;
    if (failure !== undefined) throw failure;
  }

  /** Throws the failure of what was sent early, once; what is held stays held. */
  async settle(): Promise<void> {
    const queued = this.#queued;
    this.#queued = undefined;
    const failure = await queued;
    if (failure !== undefined) throw failure;
  }

  /** What is held, now the caller's to send (undefined: nothing); first throws the failure of one sent early. */
  async take(): Promise<T | undefined> {
    await this.settle();
    const held = this.#held;
    this.#held = undefined;
    return held;
  }
}

/** What every held item carries: what to tell of its outcome, the marker it sets once committed, and its statements as messages quote them. */
export interface HeldItem {
  readonly settled: HeldOutcome;
  readonly marker: number;
  readonly sql: string;
}

/** What one connection supplies to {@link sendHeldRoundTrip}: its driver calls and its error mapping. */
export interface HeldRoundTrip<T> {
  /** Sends the held item and what travels with it as one round trip. */
  readonly send: () => Promise<T>;
  /** Ends whatever the failed round trip left open; never throws. */
  readonly rollback: () => Promise<void>;
  /** The session's marker after a failure; undefined when it cannot be read (the session is gone). */
  readonly readMarker: () => Promise<unknown>;
  /** Rethrows a driver error as the connection reports it (`QueryFailedError`, `ConnectionLostError`...), quoting `sql`. */
  readonly rethrow: (sql: string, error: unknown) => Promise<never>;
  readonly context: DialectErrorContext;
}

/**
 * Sends a held item and what travels with it in one round trip, and tells the item's outcome. When
 * the round trip fails, whatever it left open is rolled back and the marker, which the held item
 * sets only once committed, says which part failed: after the commit, the error is that of what
 * travelled with it (`nextSql`, asked after `readMarker`, names the statement it quotes); before it,
 * the held item rolled back and the error is `DIALECT_HELD_TRANSACTION_FAILED` (or the lost
 * connection, whose outcome nobody can tell).
 */
export async function sendHeldRoundTrip<T>(held: HeldItem, nextSql: (() => string) | undefined, trip: HeldRoundTrip<T>): Promise<T> {
  try {
    const result = await trip.send();
    held.settled(true);
    return result;
  } catch (error) {
    await trip.rollback();
    if (String(await trip.readMarker()) === String(held.marker)) {
      held.settled(true);
      return trip.rethrow(nextSql?.() ?? held.sql, error);
    }
    const mapped = await trip.rethrow(held.sql, error).catch((failure: unknown) => failure);
    const failure = mapped instanceof ConnectionLostError ? mapped : new HeldTransactionError({ ...trip.context, cause: mapped });
    held.settled(false, failure);
    throw failure;
  }
}
