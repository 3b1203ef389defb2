/**
 * A small Web Locks API (navigator.locks) for happy-dom, which has none: exclusive and shared locks per name, FIFO
 * waiters (a request waits while an earlier one for the same name waits, as the spec says), `signal`, `ifAvailable`
 * and `steal`. One instance stands for one origin, shared by the clients that play tabs.
 */
type Mode = 'exclusive' | 'shared';
type Holder = { mode: Mode; stolen: () => void };
type Waiter = { mode: Mode; grant: () => void };

const abortError = (message: string) => new DOMException(message, 'AbortError');

export class FakeLockManager {
  readonly #held = new Map<string, Set<Holder>>();
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
    const mode: Mode = options.mode ?? 'exclusive';
    return new Promise<T>((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted) return reject(signal.reason ?? abortError('aborted'));
      const run = () => {
        let settled = false;
        const holder: Holder = {
          mode,
          stolen: () => {
            if (settled) return;
            settled = true;
            reject(abortError('The lock was stolen'));
          },
        };
        this.#holders(name).add(holder);
        this.grants.push(name);
        Promise.resolve()
          .then(() => callback({ name, mode } as Lock))
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
            if (this.#holders(name).delete(holder)) this.#next(name);
          });
      };
      if (options.steal) {
        const holders = [...this.#holders(name)];
        this.#holders(name).clear();
        if (holders.length > 0) this.steals.push(name);
        for (const holder of holders) holder.stolen();
        return run();
      }
      const queue = this.#waiting.get(name) ?? [];
      if (queue.length === 0 && this.#grantable(name, mode)) return run();
      if (options.ifAvailable) {
        Promise.resolve(callback(null)).then(resolve, reject);
        return;
      }
      const waiter: Waiter = {
        mode,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          run();
        },
      };
      const onAbort = () => {
        const list = this.#waiting.get(name) ?? [];
        const index = list.indexOf(waiter);
        if (index !== -1) list.splice(index, 1);
        reject(signal?.reason ?? abortError('aborted'));
        this.#next(name);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
      this.#waiting.set(name, queue);
    });
  }

  /** What is held and what waits, by name. */
  async query(): Promise<{ held: { name: string; mode: Mode }[]; pending: { name: string; mode: Mode }[] }> {
    return {
      held: [...this.#held].flatMap(([name, set]) => [...set].map(({ mode }) => ({ name, mode }))),
      pending: [...this.#waiting].flatMap(([name, list]) => list.map(({ mode }) => ({ name, mode }))),
    };
  }

  /** Whether `name` is held right now. */
  isHeld(name: string): boolean {
    return this.#holders(name).size > 0;
  }

  #holders(name: string): Set<Holder> {
    let set = this.#held.get(name);
    if (!set) {
      set = new Set();
      this.#held.set(name, set);
    }
    return set;
  }

  #grantable(name: string, mode: Mode): boolean {
    const holders = this.#holders(name);
    if (mode === 'exclusive') return holders.size === 0;
    return [...holders].every((holder) => holder.mode === 'shared');
  }

  /** Grants waiters in order while they can be granted (several shared ones at once). */
  #next(name: string): void {
    const queue = this.#waiting.get(name);
    while (queue?.length && this.#grantable(name, queue[0]!.mode)) queue.shift()!.grant();
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
