import { unrefTimer } from './unref-timer.js';

/** What the clock needs of a deadline. */
export type Timed = { readonly dueAt: number; expire(): void };

/**
 * One timer for every running deadline. A request's own setTimeout and clearTimeout cost more than the rest of
 * its deadline; here a request only joins and leaves a set, and the timer is set again only when a deadline is due
 * sooner than the one it waits for (with equal budgets, almost never).
 */
export class DeadlineClock {
  readonly #running = new Set<Timed>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerDue = Number.POSITIVE_INFINITY;

  add(deadline: Timed): void {
    this.#running.add(deadline);
    // A timer whose time has passed is about to fire, or was lost (timers faked, then restored, in a test):
    // setting it again costs little and never leaves a deadline without a clock.
    if (deadline.dueAt < this.#timerDue || this.#timerDue <= performance.now()) {
      this.#arm(Math.min(deadline.dueAt, this.#timerDue));
    }
  }

  delete(deadline: Timed): void {
    this.#running.delete(deadline);
  }

  #arm(due: number): void {
    clearTimeout(this.#timer);
    this.#timerDue = due;
    // In node, a timer left waiting for a deadline that already ended must not keep the process alive.
    this.#timer = unrefTimer(setTimeout(this.#tick, Math.max(0, due - performance.now())));
  }

  readonly #tick = (): void => {
    this.#timer = undefined;
    this.#timerDue = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const deadline of this.#running) {
      if (deadline.dueAt <= now) {
        this.#running.delete(deadline);
        deadline.expire();
      } else if (deadline.dueAt < next) next = deadline.dueAt;
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  };
}
