/** A source of the current time in milliseconds, used for session garbage collection. */
export interface Clock {
  now(): number;
}

/** The default clock: real time plus an offset that tests move forward with `advance`. */
export interface ControllableClock extends Clock {
  /** Moves the clock forward by `ms` milliseconds (sessions age, timers do not fire). */
  advance(ms: number): void;
}

/** Follows `base` (default real time, `Date.now()`), plus whatever `advance` added. */
export function createControllableClock(base: Clock = Date): ControllableClock {
  let offset = 0;
  return {
    now: () => base.now() + offset,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError(`advance(ms) needs a non-negative number, got ${ms}`);
      offset += ms;
    },
  };
}

/** Resolves after `ms` milliseconds of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
