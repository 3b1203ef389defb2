/**
 * A request's total time budget. It can be paused, so time spent held for `onExpired` (a login dialog the user
 * may take minutes with) does not count.
 */
export class Deadline {
  readonly #controller = new AbortController();
  #remaining: number;
  #startedAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #reason: () => unknown;
  #expired = false;
  // Kept apart from the signal: node builds an AbortSignal lazily, at a cost, and only a sent request needs it.
  #aborted = false;

  constructor(ms: number, reason: () => unknown) {
    this.#remaining = ms;
    this.#reason = reason;
    this.resume();
  }

  /** The time ran out (as opposed to the followed signal aborting). */
  get expired(): boolean {
    return this.#expired;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Milliseconds left. */
  get remaining(): number {
    return this.#timer === undefined
      ? this.#remaining
      : this.#remaining - (performance.now() - this.#startedAt);
  }

  pause(): void {
    if (this.#timer === undefined) return;
    this.#remaining = this.remaining;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  resume(): void {
    if (this.#timer !== undefined || this.#aborted) return;
    this.#startedAt = performance.now();
    this.#timer = setTimeout(
      () => {
        this.#expired = true;
        this.#abort(this.#reason());
      },
      Math.max(0, this.#remaining),
    );
  }

  /**
   * This deadline's signal, also aborted when `parent` aborts (the caller's signal). A listener, not
   * AbortSignal.any(), which costs more than the rest of a request's bookkeeping.
   */
  follow(parent: AbortSignal): AbortSignal {
    if (this.#parent === parent) return this.signal;
    this.#unfollow();
    this.#parent = parent;
    if (parent.aborted) this.#abort(parent.reason);
    else parent.addEventListener('abort', this.#onParentAbort, { once: true });
    return this.signal;
  }

  #parent: AbortSignal | undefined;
  readonly #onParentAbort = () => this.#abort(this.#parent?.reason);
  #unfollow(): void {
    this.#parent?.removeEventListener('abort', this.#onParentAbort);
    this.#parent = undefined;
  }

  #abort(reason: unknown): void {
    this.#aborted = true;
    this.pause();
    this.#controller.abort(reason);
  }

  /** Stops the clock for good once the request has settled. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#unfollow();
  }
}
