import { abortable, webLocks } from './web-locks.js';

const noop = () => {};

/**
 * Lets one tab at a time send 'write' requests, so two tabs never queue on the server's session lock (where the
 * loser may time out). A tab takes an exclusive Web Lock for its writes and keeps it while it has writes in
 * flight, so the in-tab queue still pipelines (one write holds PHP's lock while the next is on its way). A hold
 * older than `maxHoldMs` takes no new writes, so a busy tab lets the others in. A lock not granted within
 * `timeoutMs` is stolen: a hung tab never blocks the others. Without Web Locks, writes are limited per tab only.
 */
export class CrossTabWriteLock {
  #phase: 'idle' | 'acquiring' | 'held' = 'idle';
  #ready: Promise<void> | undefined;
  #released: Promise<void> | undefined;
  #onReleased: (() => void) | undefined;
  #unlock: (() => void) | undefined;
  #holders = 0;
  #heldSince = 0;

  constructor(
    private readonly name: string,
    private readonly timeoutMs: number,
    private readonly maxHoldMs = 1000,
  ) {}

  /** Waits for the tab's hold of the lock; resolves to this write's release. Rejects when `signal` aborts. */
  async acquire(signal: AbortSignal): Promise<() => void> {
    const locks = webLocks();
    if (!locks) return noop;
    for (;;) {
      if (this.#phase === 'held' && Date.now() - this.#heldSince < this.maxHoldMs) break;
      if (this.#phase === 'idle') this.#ready = this.#take(locks);
      await abortable((this.#phase === 'held' ? this.#released : this.#ready) ?? Promise.resolve(), signal);
    }
    this.#holders++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#holders--;
      if (this.#holders === 0) this.#drop();
    };
  }

  async #take(locks: LockManager): Promise<void> {
    this.#phase = 'acquiring';
    try {
      if (!(await this.#request(locks, true))) await this.#request(locks, false);
    } catch (error) {
      this.#phase = 'idle';
      throw error;
    }
    this.#phase = 'held';
    this.#heldSince = Date.now();
    this.#released = new Promise<void>((resolve) => {
      this.#onReleased = resolve;
    });
    // Every waiter gave up meanwhile: do not keep the other tabs out.
    setTimeout(() => {
      if (this.#phase === 'held' && this.#holders === 0) this.#drop();
    }, 0);
  }

  /** Resolves true once granted; false when `timed` and the timeout passed (then the lock is stolen). */
  #request(locks: LockManager, timed: boolean): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const controller = new AbortController();
      const timer = timed ? setTimeout(() => controller.abort(), this.timeoutMs) : undefined;
      const options: LockOptions = timed ? { mode: 'exclusive', signal: controller.signal } : { steal: true };
      let granted = false;
      locks
        .request(this.name, options, () => {
          granted = true;
          clearTimeout(timer);
          resolve(true);
          return new Promise<void>((unlock) => {
            this.#unlock = unlock;
          });
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          // After the grant, a rejection means another tab stole the lock: this hold simply ends with its writes.
          if (granted) return;
          if (timed && controller.signal.aborted) resolve(false);
          else reject(error);
        });
    });
  }

  #drop(): void {
    this.#phase = 'idle';
    this.#unlock?.();
    this.#unlock = undefined;
    this.#onReleased?.();
    this.#onReleased = undefined;
  }
}

/**
 * Holds the cross-tab write lock for a 'write' or session-rotating request from send until its response is read:
 * resolves to a release that frees both the lock and the queue turn `releaseTurn`.
 */
export const holdAcrossTabs = async (
  lock: CrossTabWriteLock,
  signal: AbortSignal,
  releaseTurn: () => void,
): Promise<() => void> => {
  let unlock: () => void;
  try {
    unlock = await lock.acquire(signal);
  } catch (error) {
    releaseTurn();
    throw error;
  }
  return () => {
    unlock();
    releaseTurn();
  };
};
