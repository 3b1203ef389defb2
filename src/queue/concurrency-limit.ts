import type { NormalizedSessionOptions } from '../core/options.js';

/** How many 'write' requests may be in flight. */
export interface ConcurrencyLimit {
  readonly current: number;
  /** A response came back; `lockWaitMs` is the server's report, when it sends one. */
  onResponse(lockWaitMs: number | undefined): void;
  onLockTimeout(): void;
}

class FixedLimit implements ConcurrencyLimit {
  constructor(readonly current: number) {}
  onResponse(): void {}
  onLockTimeout(): void {}
}

/**
 * Additive increase, multiplicative decrease. Against one PHP session every writer serialises on the lock, so
 * two in flight is the sweet spot: one holds the lock while the next is already on its way. Lock waits therefore
 * stop growth and ease the limit back towards two, and only lock timeouts cut it below that.
 */
class AdaptiveLimit implements ConcurrencyLimit {
  #limit: number;
  constructor(readonly options: { initial: number; min: number; max: number; lockWaitThreshold: number }) {
    this.#limit = Math.min(options.max, Math.max(options.min, options.initial));
  }

  get current(): number {
    return Math.max(this.options.min, Math.floor(this.#limit));
  }

  onResponse(lockWaitMs: number | undefined): void {
    const { min, max, lockWaitThreshold } = this.options;
    if (lockWaitMs !== undefined && lockWaitMs > lockWaitThreshold) {
      const floor = Math.max(min, Math.min(2, max));
      if (this.#limit > floor) this.#limit = Math.max(floor, this.#limit - 1 / this.#limit);
      return;
    }
    this.#limit = Math.min(max, this.#limit + 1 / Math.max(1, this.#limit));
  }

  onLockTimeout(): void {
    this.#limit = Math.max(this.options.min, this.#limit / 2);
  }
}

export const createConcurrencyLimit = (
  concurrency: NormalizedSessionOptions['concurrency'],
): ConcurrencyLimit =>
  'fixed' in concurrency ? new FixedLimit(concurrency.fixed) : new AdaptiveLimit(concurrency);
