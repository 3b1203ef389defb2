import { sleep } from './clock.js';

export interface LockResult {
  acquired: boolean;
  /** Milliseconds spent waiting, real time. */
  waitedMs: number;
  /** Releases the lock; safe to call more than once, does nothing when not acquired. */
  release(): void;
}

/**
 * Per-session-id exclusive locks. Waiters poll every 1-5 ms (random), so when the lock frees up
 * the next holder is whichever waiter polls first, not the one that waited longest: like
 * phpredis' spin lock, and like flock, which promises no order either.
 */
export class SessionLocks {
  private readonly held = new Set<string>();

  constructor(private readonly pollMs: () => number = () => 1 + Math.floor(Math.random() * 5)) {}

  /**
   * Waits for the lock on `id`. `timeoutMs: null` waits forever (files handler); a number gives
   * up after that long (lock-wait timeout handlers).
   */
  async acquire(id: string, timeoutMs: number | null): Promise<LockResult> {
    const started = performance.now();
    for (;;) {
      if (!this.held.has(id)) {
        this.held.add(id);
        let released = false;
        return {
          acquired: true,
          waitedMs: Math.round(performance.now() - started),
          release: () => {
            if (released) return;
            released = true;
            this.held.delete(id);
          },
        };
      }
      const waited = performance.now() - started;
      if (timeoutMs !== null && waited >= timeoutMs) {
        return { acquired: false, waitedMs: Math.round(waited), release: () => {} };
      }
      const pause = this.pollMs();
      await sleep(timeoutMs === null ? pause : Math.min(pause, Math.max(1, timeoutMs - waited)));
    }
  }
}
