import { abortable, webLocks } from './web-locks.js';
import { type WriteLockHost, WriteSlots } from './write-slots.js';

export type { WriteLockHost } from './write-slots.js';

const noop = () => {};

/** A write of this tab in flight; `release` frees its slot, once it has one. */
type Holder = { alone: boolean; release: () => void; slot?: Promise<void> };

/**
 * Lets the tabs of a session send their writes as one pipeline: together they never have more writes at the
 * server's session lock than the limit allows, and the lock does not idle when another tab's turn comes.
 *
 * One tab at a time starts writes: the one holding an exclusive Web Lock, the baton. When another tab asks for it
 * (a message on a BroadcastChannel), the holder passes it on as soon as no write of its own is ready to start,
 * or once it has started writes for `maxHoldMs`, without waiting for its writes in flight: each of them holds a
 * slot lock until its answer is read (WriteSlots). The next tab counts those against its limit and starts its own writes as
 * they end (after the queue's hand-off delay), as the writes of one tab follow each other. Against a lock that
 * polls, the write at the head of the line also waits the spacing after the last write of any tab (WriteSpacing),
 * there so that the tab's writes keep their order. A request that must run alone waits for every write of the
 * tabs, and the baton stays with its tab until it is answered.
 *
 * A baton not granted within `timeoutMs` is stolen, and the writes of the tab it was taken from are not waited
 * for; another tab's write is waited for at most `timeoutMs`: a hung tab never blocks the others. Without
 * `navigator.locks.query()` the baton passes only once the holder's writes are answered; without Web Locks,
 * writes are limited per tab only.
 */
export class CrossTabWriteLock {
  #phase: 'idle' | 'acquiring' | 'held' | 'passing' = 'idle';
  #ready: Promise<void> | undefined;
  /** Settles when something changed that may let a waiting write go. */
  #changed!: Promise<void>;
  #wake: () => void = noop;
  #unlock: (() => void) | undefined;
  #hold = 0;
  #heldSince = 0;
  /** Another tab asked for the baton. */
  #wanted = false;
  #channel: BroadcastChannel | undefined;
  #host: WriteLockHost | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #holders = new Set<Holder>();
  /**
   * Writes of this tab that have their queue turn and wait here, in the order they came: they start in that order
   * (a write arriving while the head still waits for its wake-up must not overtake it).
   */
  readonly #line: object[] = [];
  readonly #slots: WriteSlots;

  constructor(
    private readonly name: string,
    private readonly timeoutMs: number,
    private readonly maxHoldMs = 1000,
  ) {
    this.#slots = new WriteSlots(
      name,
      timeoutMs,
      () => this.#holders.size,
      () => this.#notify(),
    );
    this.#notify();
    // A page's first Web Lock request sets up the lock manager (2-10 ms in Chromium): done now, not at the first write.
    webLocks()?.query?.().catch(noop);
  }

  /** Reads the limit and the hand-off delay from the tab's queue, and tells it of the other tabs' writes. */
  attach(host: WriteLockHost): void {
    this.#host = host;
    this.#slots.host = host;
    host.writesWaitForTabs();
  }

  /**
   * Waits until this write may be sent; calls `onStart` as it may (before the next write in line is looked at,
   * which is spaced after it), and resolves to its release (call it once its answer is read).
   */
  async acquire(signal: AbortSignal, onStart: () => void = noop): Promise<() => void> {
    const locks = webLocks();
    if (!locks) {
      onStart();
      return noop;
    }
    const place = {};
    this.#line.push(place);
    try {
      for (;;) {
        if (this.#phase === 'held') {
          if (this.#line[0] === place && this.#mayStart(locks)) break;
          this.#settle(locks);
        }
        if (this.#phase === 'idle') {
          this.#ready = this.#take(locks);
          this.#ready.catch(noop);
        }
        await abortable((this.#phase === 'acquiring' ? this.#ready : this.#changed)!, signal);
      }
    } catch (error) {
      this.#leave(place);
      this.#settle(locks);
      throw error;
    }
    onStart();
    this.#leave(place);
    const holder: Holder = { alone: this.#host?.alone ?? false, release: noop };
    this.#holders.add(holder);
    this.#settle(locks);
    return () => {
      if (!this.#holders.delete(holder)) return;
      holder.release();
      if (this.#slots.size > 0) this.#slots.cool();
      this.#settle(locks);
      this.#notify();
    };
  }

  #mayStart(locks: LockManager): boolean {
    const host = this.#host;
    if (host?.alone) return this.#holders.size === 0 && this.#slots.size === 0;
    // Without query() this tab's writes cannot be seen by the next holder: they drain before it passes.
    if (this.#wanted && !this.#overlaps(locks) && this.#pastMaxHold()) return false;
    // Against a lock that polls: spaced after any tab's last write, here at the head of the line, so that a later
    // write of this tab does not go first (it would, on its own wait ended sooner), and at once if the lock frees.
    const spacing = host?.spacingWaitMs() ?? 0;
    if (spacing > 0) {
      // A timer per look while the spacing holds the head back: a stale one only makes the line look again.
      setTimeout(() => this.#notify(), spacing);
      return false;
    }
    const busy = this.#slots.busy;
    if (busy === 0) return true;
    if (!host) return this.#slots.size === 0;
    return this.#holders.size + busy < host.limit.current;
  }

  /** Passes the baton on when nothing of this tab needs it, or another tab asked and may now have it. */
  #settle(locks: LockManager): void {
    if (this.#phase !== 'held' || [...this.#holders].some((holder) => holder.alone)) return;
    // Another tab asked and this one has started writes for maxHoldMs: its waiting writes let it in first.
    const due = this.#wanted && this.#pastMaxHold();
    // Spaced writes waiting in line keep the baton (until maxHoldMs): passed on between two of them, it would come
    // back only after a round of Web Locks, and the writes of two tabs would meet at PHP's lock, losing a poll.
    const waiting = this.#line.length > 0 || (this.#host?.spacedWriteWaiting ?? false);
    const idle = this.#holders.size === 0 && (!waiting || due);
    if (idle && !this.#wanted) {
      // A write of this tab may be on its way from the queue (its turn came as the last one ended).
      this.#idleTimer ??= setTimeout(() => {
        this.#idleTimer = undefined;
        if (this.#holders.size === 0 && this.#line.length === 0) this.#pass(locks);
      }, 0);
      return;
    }
    if (idle || (this.#wanted && this.#overlaps(locks) && (!waiting || due))) this.#pass(locks);
  }

  #pastMaxHold(): boolean {
    return Date.now() - this.#heldSince >= this.maxHoldMs;
  }

  #overlaps(locks: LockManager): boolean {
    return typeof locks.query === 'function';
  }

  /** Hands the baton on: the writes in flight take their slots first, so that the next holder sees them. */
  #pass(locks: LockManager): void {
    if (this.#phase !== 'held') return;
    this.#phase = 'passing';
    this.#wanted = false;
    const slots = [...this.#holders].map((holder) => this.#slots.take(locks, holder));
    // So do this tab's places still waiting out a hand-off: sent into at once, they would reach PHP too early.
    for (const until of [...(this.#host?.coolingUntil() ?? []), ...this.#slots.coolingUntil]) {
      slots.push(this.#slots.hold(locks, until));
    }
    void Promise.all(slots).then(() => {
      this.#unlock?.();
      this.#unlock = undefined;
      this.#phase = 'idle';
      this.#close();
      this.#notify();
    });
  }

  async #take(locks: LockManager): Promise<void> {
    this.#phase = 'acquiring';
    this.#wanted = false;
    const hold = ++this.#hold;
    try {
      this.#open(locks);
      const granted = this.#request(locks, hold, true);
      this.#post('want');
      const stolen = !(await granted);
      if (stolen) await this.#request(locks, hold, false);
      // A tab that asked before this one listened learns that it has to ask again.
      this.#post('held');
      if (this.#overlaps(locks)) {
        const { pending = [] } = await this.#slots.find(locks, stolen);
        if (pending.some((lock) => lock.name === this.name)) this.#wanted = true;
      }
    } catch (error) {
      this.#drop();
      throw error;
    }
    this.#phase = 'held';
    this.#heldSince = Date.now();
    // Every waiter gave up meanwhile: do not keep the other tabs out.
    this.#settle(locks);
  }

  /** Resolves true once granted; false when `timed` and the timeout passed (then the lock is stolen). */
  #request(locks: LockManager, hold: number, timed: boolean): Promise<boolean> {
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
          // After the grant, a rejection means another tab stole the baton: this tab asks for it again.
          if (granted) {
            if (hold === this.#hold && this.#phase !== 'idle') this.#drop();
            return;
          }
          if (timed && controller.signal.aborted) resolve(false);
          else reject(error);
        });
    });
  }

  /** The baton is lost (stolen) or was never had: the next write asks for it again. */
  #drop(): void {
    this.#close();
    this.#unlock?.();
    this.#unlock = undefined;
    this.#phase = 'idle';
    this.#notify();
  }

  /**
   * While this tab asks for the baton or holds it, hears the other tabs: 'want' (pass it on when you can) and
   * 'held' (a tab got it; whoever asked before it listened asks again). Without BroadcastChannel the holder passes
   * the baton once its writes are answered.
   */
  #open(locks: LockManager): void {
    const Channel = globalThis.BroadcastChannel;
    if (this.#channel || typeof Channel !== 'function') return;
    try {
      this.#channel = new Channel(this.name);
    } catch {
      return;
    }
    this.#channel.onmessage = ({ data }: MessageEvent) => {
      if (data === 'held' && this.#phase === 'acquiring') this.#post('want');
      if (data !== 'want') return;
      // Heard while still asking, it may be meant for the holder before this tab: passing once too often is cheap.
      this.#wanted = true;
      this.#settle(locks);
    };
  }

  #post(message: 'want' | 'held'): void {
    try {
      this.#channel?.postMessage(message);
    } catch {
      // A closed channel: nothing to tell.
    }
  }

  #close(): void {
    this.#channel?.close();
    this.#channel = undefined;
  }

  /** A write leaves the line: the next one may start. */
  #leave(place: object): void {
    this.#line.splice(this.#line.indexOf(place), 1);
    if (this.#line.length > 0) this.#notify();
  }

  #notify(): void {
    this.#wake();
    this.#changed = new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
  }
}
