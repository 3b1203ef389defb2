import { sleep } from './clock.js';

export interface LockResult {
  acquired: boolean;
  /** Milliseconds spent waiting, real time. */
  waitedMs: number;
  /** Releases the lock; safe to call more than once, does nothing when not acquired. */
  release(): void;
}

/**
 * Per-session-id exclusive locks, in the two ways PHP's handlers wait:
 * - without a timeout (the files handler's `flock(LOCK_EX)`): a waiter sleeps in the kernel and is woken the moment
 *   the lock is released. Which of several waiters gets it is not promised by flock, so one is picked at random;
 * - with a timeout (phpredis' spin lock, the helper's SessionFetchTimeoutFileHandler): a waiter polls every
 *   `pollMs()` (1-5 ms, random), so the next holder is whichever waiter polls first, and gives up after the timeout.
 */
export class SessionLocks {
  private readonly held = new Set<string>();
  /** flock waiters per id: each is handed the lock directly on release. */
  private readonly sleepers = new Map<string, Array<() => void>>();

  constructor(
    private readonly pollMs: () => number = () => 1 + Math.floor(Math.random() * 5),
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * Waits for the lock on `id`. `timeoutMs: null` waits forever and wakes on release (files handler); a number
   * polls and gives up after that long (lock-wait timeout handlers).
   */
  async acquire(id: string, timeoutMs: number | null): Promise<LockResult> {
    const started = performance.now();
    const granted = (): LockResult => {
      let released = false;
      return {
        acquired: true,
        waitedMs: Math.round(performance.now() - started),
        release: () => {
          if (released) return;
          released = true;
          this.handOver(id);
        },
      };
    };
    if (timeoutMs === null) {
      if (!this.held.has(id)) {
        this.held.add(id);
        return granted();
      }
      await new Promise<void>((wake) => {
        const queue = this.sleepers.get(id) ?? [];
        queue.push(wake);
        this.sleepers.set(id, queue);
      });
      return granted();
    }
    for (;;) {
      if (!this.held.has(id)) {
        this.held.add(id);
        return granted();
      }
      const waited = performance.now() - started;
      if (waited >= timeoutMs) return { acquired: false, waitedMs: Math.round(waited), release: () => {} };
      await sleep(Math.min(this.pollMs(), Math.max(1, timeoutMs - waited)));
    }
  }

  /** Release: a sleeping waiter (picked at random) gets the lock at once; else it is free for the pollers. */
  private handOver(id: string): void {
    const queue = this.sleepers.get(id);
    if (!queue || queue.length === 0) {
      this.held.delete(id);
      return;
    }
    const [wake] = queue.splice(Math.floor(this.random() * queue.length), 1);
    if (queue.length === 0) this.sleepers.delete(id);
    wake!();
  }
}
