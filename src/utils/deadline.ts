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

  constructor(ms: number, reason: () => unknown) {
    this.#remaining = ms;
    this.#reason = reason;
    this.resume();
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
    if (this.#timer !== undefined || this.#controller.signal.aborted) return;
    this.#startedAt = performance.now();
    this.#timer = setTimeout(() => this.#controller.abort(this.#reason()), Math.max(0, this.#remaining));
  }

  /** Stops the clock for good once the request has settled. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
