/**
 * What a connection holds back to send in front of its next statement (a ledger transaction, the
 * end of a transaction: `Connection.holdTransaction`, `Connection.commitLater`), and the outcome of
 * one it had to send early, without waiting, ahead of the caller's own use of the driver.
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
   * is thrown by the next {@link take}.
   */
  sendEarly(send: (held: T) => Promise<unknown>): void {
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    // Called at once, so that the driver has it before anything the caller sends after this.
    const sent = send(held).then(() => undefined, (error: unknown) => error);
    const before = this.#queued;
    this.#queued = before === undefined ? sent : Promise.all([before, sent]).then(([first, second]) => first ?? second);
  }

  /** What is held, now the caller's to send (undefined: nothing); first throws the failure of one sent early. */
  async take(): Promise<T | undefined> {
    const queued = this.#queued;
    this.#queued = undefined;
    const failure = await queued;
    if (failure !== undefined) throw failure;
    const held = this.#held;
    this.#held = undefined;
    return held;
  }
}
