import type { ConcurrencyLimit } from '../../src/queue/concurrency-limit.js';

/** A write limit as against a lock that polls once the spacing is found: `current` places, writes `spacingMs` apart. */
export const spacedLimit = (spacingMs: number, current: number): ConcurrencyLimit => ({
  current,
  spacingMs,
  onResponse: () => undefined,
  onLockTimeout: () => {},
});
