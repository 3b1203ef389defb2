import { DeadlineClock } from './deadline-clock.js';

const clock = new DeadlineClock();

/**
 * A request's total time budget. It can be paused, so time spent held for `onExpired` (a login dialog the user
 * may take minutes with) does not count.
 */
export class Deadline {
  #controller = new AbortController();
  readonly #reason: () => unknown;
  /** Milliseconds left while paused. */
  #remaining: number;
  #dueAt = 0;
  #running = false;
  #expired = false;
  // Kept apart from the signal: node builds an AbortSignal lazily, at a cost, and only a sent request needs it.
  #aborted = false;

  constructor(ms: number, reason: () => unknown) {
    this.#remaining = ms;
    this.#reason = reason;
    this.resume();
  }

  /** When the time runs out, on performance.now()'s clock (while running). */
  get dueAt(): number {
    return this.#dueAt;
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
    return this.#running ? this.#dueAt - performance.now() : this.#remaining;
  }

  pause(): void {
    if (!this.#running) return;
    this.#remaining = this.remaining;
    this.#running = false;
    clock.delete(this);
  }

  resume(): void {
    if (this.#running || this.#aborted) return;
    this.#running = true;
    this.#dueAt = performance.now() + Math.max(0, this.#remaining);
    clock.add(this);
  }

  /** Called by the clock when the time has run out. */
  expire(): void {
    if (!this.#running) return;
    this.#expired = true;
    this.#abort(this.#reason());
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
    else {
      this.#onParentAbort ??= () => this.#abort(this.#parent?.reason);
      parent.addEventListener('abort', this.#onParentAbort, { once: true });
    }
    return this.signal;
  }

  #parent: AbortSignal | undefined;
  // Made on first use: most requests have no signal of the caller's to follow.
  #onParentAbort: (() => void) | undefined;
  #unfollow(): void {
    if (this.#onParentAbort) this.#parent?.removeEventListener('abort', this.#onParentAbort);
    this.#parent = undefined;
  }

  #abort(reason: unknown): void {
    this.#aborted = true;
    this.pause();
    this.#controller.abort(reason);
  }

  /**
   * Aborts the attempt in flight with `reason` while the request lives on: later attempts get a fresh signal
   * (`signal` after this call). The expiry's drain uses it to stop a request sent with a dead session id, so that
   * its answer (and its Set-Cookie) never reaches the cookie jar, and send it again after the login.
   */
  interrupt(reason: unknown): void {
    if (this.#aborted) return;
    const current = this.#controller;
    this.#controller = new AbortController();
    current.abort(reason);
  }

  /** Stops the clock for good once the request has settled. */
  dispose(): void {
    this.pause();
    this.#aborted = true;
    this.#unfollow();
  }
}
