/**
 * A small Web Locks API (navigator.locks) for happy-dom, which has none: exclusive locks per name, FIFO waiters,
 * `signal`, `ifAvailable` and `steal`. One instance stands for one origin, shared by the clients that play tabs.
 */
type Waiter = { grant: () => void; abort: (reason: unknown) => void };
type Holder = { stolen: () => void };

const abortError = (message: string) => new DOMException(message, 'AbortError');

export class FakeLockManager {
  readonly #held = new Map<string, Holder>();
  readonly #waiting = new Map<string, Waiter[]>();
  /** Names granted so far, in order (to check who held what). */
  readonly grants: string[] = [];
  /** Names stolen so far. */
  readonly steals: string[] = [];

  request<T>(
    name: string,
    optionsOrCallback: LockOptions | ((lock: Lock | null) => T | Promise<T>),
    maybeCallback?: (lock: Lock | null) => T | Promise<T>,
  ): Promise<T> {
    const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback;
    const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback)!;
    return new Promise<T>((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted) return reject(signal.reason ?? abortError('aborted'));
      const run = () => {
        let settled = false;
        const holder: Holder = {
          stolen: () => {
            if (settled) return;
            settled = true;
            reject(abortError('The lock was stolen'));
          },
        };
        this.#held.set(name, holder);
        this.grants.push(name);
        Promise.resolve()
          .then(() => callback({ name, mode: options.mode ?? 'exclusive' } as Lock))
          .then(
            (value) => {
              if (!settled) resolve(value);
              settled = true;
            },
            (error: unknown) => {
              if (!settled) reject(error);
              settled = true;
            },
          )
          .finally(() => {
            if (this.#held.get(name) === holder) {
              this.#held.delete(name);
              this.#next(name);
            }
          });
      };
      if (options.steal) {
        const holder = this.#held.get(name);
        this.#held.delete(name);
        if (holder) this.steals.push(name);
        holder?.stolen();
        return run();
      }
      const queue = this.#waiting.get(name) ?? [];
      if (!this.#held.has(name) && queue.length === 0) return run();
      if (options.ifAvailable) {
        Promise.resolve(callback(null)).then(resolve, reject);
        return;
      }
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          run();
        },
        abort: reject,
      };
      const onAbort = () => {
        const list = this.#waiting.get(name) ?? [];
        const index = list.indexOf(waiter);
        if (index !== -1) list.splice(index, 1);
        reject(signal?.reason ?? abortError('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
      this.#waiting.set(name, queue);
    });
  }

  /** What is held and what waits, by name. */
  async query(): Promise<{ held: { name: string }[]; pending: { name: string }[] }> {
    return {
      held: [...this.#held.keys()].map((name) => ({ name })),
      pending: [...this.#waiting].flatMap(([name, list]) => list.map(() => ({ name }))),
    };
  }

  /** Whether `name` is held right now. */
  isHeld(name: string): boolean {
    return this.#held.has(name);
  }

  #next(name: string): void {
    const queue = this.#waiting.get(name);
    const waiter = queue?.shift();
    if (waiter) waiter.grant();
  }
}

/** Installs a fresh FakeLockManager as navigator.locks; returns it and the uninstall function. */
export const installFakeWebLocks = (): { locks: FakeLockManager; uninstall: () => void } => {
  const locks = new FakeLockManager();
  Object.defineProperty(globalThis.navigator, 'locks', { value: locks, configurable: true });
  return {
    locks,
    uninstall: () => {
      delete (globalThis.navigator as { locks?: unknown }).locks;
    },
  };
};
