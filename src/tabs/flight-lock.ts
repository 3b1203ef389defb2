import { sleep } from '../utils/sleep.js';

/**
 * Tells the tab that is about to run `onExpired`, or to send a login, when no other tab still has a request on the
 * wire with the id the login replaces (their answers could otherwise land a strict-mode Set-Cookie after the
 * login's). Each tab holds a shared Web Lock while it has session requests in flight; the waiting tab asks for it
 * exclusively once.
 */
export class FlightLock {
  #pending: AbortController | undefined;
  #release: (() => void) | undefined;

  constructor(
    private readonly locks: LockManager,
    private readonly name: string,
  ) {}

  /** This tab has session requests in flight (true), or none any more. The request is not delayed for it. */
  busy(busy: boolean): void {
    if (!busy) {
      this.#pending?.abort();
      this.#pending = undefined;
      this.#release?.();
      this.#release = undefined;
      return;
    }
    if (this.#pending) return;
    const pending = new AbortController();
    this.#pending = pending;
    this.locks
      .request(this.name, { mode: 'shared', signal: pending.signal }, () => {
        if (pending.signal.aborted) return undefined;
        return new Promise<void>((resolve) => {
          this.#release = resolve;
        });
      })
      .catch(() => {
        // given up while waiting: the tab went idle first
      });
  }

  /**
   * Resolves once no tab holds the lock (every tab drained), or after `timeoutMs` (a hung tab never holds the
   * login up), or when `signal` aborts.
   */
  async drainOthers(signal: AbortSignal, timeoutMs: number): Promise<void> {
    const controller = new AbortController();
    const stop = () => controller.abort();
    signal.addEventListener('abort', stop, { once: true });
    try {
      await Promise.race([
        this.locks.request(this.name, { mode: 'exclusive', signal: controller.signal }, () => undefined),
        sleep(timeoutMs, controller.signal),
      ]);
    } catch {
      // aborted, or the wait timed out
    } finally {
      controller.abort();
      signal.removeEventListener('abort', stop);
    }
  }
}
