// What the queue and a write limit exchange, in a file of its own so that the limits and the queue import it
// without importing each other.

import type { WriteSample } from '../core/write-sample.js';

export type { WriteSample };

/** How many 'write' requests may be in flight. */
export interface ConcurrencyLimit {
  readonly current: number;
  /** The round trip to the server as far as measured (the no-queue latency less a hold), ms. */
  readonly roundTripMs?: number | undefined;
  /** The shortest time a write has held the session lock, as far as measured (between pipelined answers), ms. */
  readonly holdMs?: number | undefined;
  /**
   * A write's answer (not a lock timeout). Returns how much later than the spacing the next write should go, ms
   * (a spaced write waited for a poll: see `spacingMs`), when it should.
   */
  onResponse(sample: WriteSample): number | undefined;
  /** A lock timeout: the write waited for the lock as long as the server allows, and did not run. */
  onLockTimeout(sample: WriteSample): void;
  /** Another tab's write answered: what it measured of the shared lock, and the limit the tabs share. */
  learn?(sample: WriteSample): void;
  /**
   * Against a lock that polls: how long after a write is sent the next may go, ms, so that each reaches PHP just
   * after the one before it freed the lock. Undefined against a lock that hands over at once.
   */
  readonly spacingMs?: number | undefined;
}
