import { CoolingPlaces } from '../queue/cooling-places.js';

const noop = () => {};
/** Marks the name of a slot that stands for a place waiting out a hand-off until the time after it, not a write. */
const coolingMark = ':cooling:';

/** What the tabs' write lock reads from the tab's request queue, and tells it. */
export type WriteLockHost = {
  /** How many writes may be at the server at once; the other tabs' writes in flight count against it. */
  readonly limit: { readonly current: number };
  /** How long a place freed while another write waits for PHP's lock waits before taking the next write, ms. */
  handoffWaitMs(): number;
  /** When each of the tab's places freed by a hand-off may take a write again (`Date.now()` time). */
  coolingUntil(): number[];
  /** Whether the request holding its turn now must run alone (a login, a lane request). */
  readonly alone: boolean;
  /** Whether writes are spaced (see WriteSpacing) and one of this tab waits in line: it goes within a spacing or so. */
  readonly spacedWriteWaiting: boolean;
  /** How long the tab's next write still waits for the spacing after the last write of any tab, ms. */
  spacingWaitMs(): number;
  /** The other tabs' writes at the server are now `count`. */
  foreignWrites(count: number): void;
  /** From now on the tab's writes wait for this lock after their queue turn. */
  writesWaitForTabs(): void;
};

/**
 * The writes of the session's tabs still at the server after their tab passed the write baton on. Each holds a
 * Web Lock of its own, a slot, named `<lock>:slot:<tab>:<n>`, from the hand-over until its answer is read; the
 * next holder finds the other tabs' slots (`navigator.locks.query()`), counts them against its limit, and learns
 * when each ends by asking for it. After an end while another write waits for PHP's lock, a place waits the
 * queue's hand-off delay before taking the next write, as within one tab. A place of the tab still waiting so when
 * it passes the baton goes with it as a slot named `<lock>:slot:<tab>:<n>:cooling:<end time>`: the next holder
 * counts it busy until that time.
 */
export class WriteSlots {
  host: WriteLockHost | undefined;
  /** The other tabs' slots held now. */
  readonly #foreign = new Set<string>();
  /** The other tabs' places still waiting out a hand-off when this tab took the baton. */
  readonly #handedCooling: CoolingPlaces;
  /** Places freed by an end that wait before they take a write again. */
  readonly #cooling: CoolingPlaces;
  readonly #prefix: string;
  readonly #own: string;
  #next = 0;

  constructor(
    name: string,
    private readonly timeoutMs: number,
    /** This tab's writes in flight. */
    private readonly ownInFlight: () => number,
    private readonly onChange: () => void,
  ) {
    this.#cooling = new CoolingPlaces(onChange);
    this.#handedCooling = new CoolingPlaces(onChange);
    this.#prefix = `${name}:slot:`;
    this.#own = `${this.#prefix}${Math.random().toString(36).slice(2)}:`;
  }

  /** The other tabs' writes in flight. */
  get size(): number {
    return this.#foreign.size;
  }

  /** The other tabs' writes in flight plus the places still waiting after an end (this tab's or another's). */
  get busy(): number {
    // With no write of the session's tabs at the server, no waiter needs another tab's place kept waiting.
    const writing = this.#foreign.size + this.ownInFlight() > 0;
    // A write's end may have set a place waiting both in its own tab and here (this tab followed it): counted once.
    const cooling = Math.max(writing ? this.#handedCooling.count : 0, this.#cooling.count);
    return this.#foreign.size + cooling;
  }

  /** When this tab's places freed by another tab's end may take a write again (`Date.now()` time). */
  get coolingUntil(): number[] {
    return this.#cooling.until;
  }

  /**
   * Holds a slot for a place of this tab that waits out a hand-off until `until` (`Date.now()` time, in its name),
   * so that the next holder of the baton does not send into it at once (its write would reach PHP a hold or more
   * before its turn); resolves once held. The next holder times the wait itself: a hidden tab's timers may run
   * a second late.
   */
  hold(locks: LockManager, until: number): Promise<void> {
    const waited = new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, until - Date.now())));
    return this.#slot(locks, `${coolingMark}${until}`, waited);
  }

  /**
   * Gives this tab's write in flight a slot, unless it has one from an earlier hand-over; resolves once it is
   * held. `holder.release` frees it (at once when the write ended meanwhile).
   */
  take(locks: LockManager, holder: { release: () => void; slot?: Promise<void> }): Promise<void> {
    if (holder.slot) return holder.slot;
    // Settled by the write's end, before or after the slot is granted (then it is let go at once).
    const ended = new Promise<void>((resolve) => {
      holder.release = resolve;
    });
    holder.slot = this.#slot(locks, '', ended);
    return holder.slot;
  }

  /** Takes a slot of this tab (its name ends with `suffix`) until `released` settles; resolves once it is held. */
  #slot(locks: LockManager, suffix: string, released: Promise<void>): Promise<void> {
    return new Promise<void>((held) => {
      locks
        .request(`${this.#own}${this.#next++}${suffix}`, () => {
          held();
          return released;
        })
        .catch(() => held());
    });
  }

  /**
   * Finds the other tabs' slots held now and follows each until it ends (or `timeoutMs` passed); returns what
   * query() saw. `ignore`: the baton was stolen, and the writes of a tab taken for hung are not waited for.
   */
  async find(locks: LockManager, ignore: boolean): Promise<LockManagerSnapshot> {
    const snapshot = await locks.query();
    if (ignore) return snapshot;
    for (const { name } of snapshot.held ?? []) {
      if (!name?.startsWith(this.#prefix) || name.startsWith(this.#own)) continue;
      const mark = name.indexOf(coolingMark);
      if (mark === -1) this.#follow(locks, name);
      else this.#waitOut(Number(name.slice(mark + coolingMark.length)));
    }
    return snapshot;
  }

  /** Another tab's place waiting out a hand-off until `until`: it stays busy here until then (once, if seen again). */
  #waitOut(until: number): void {
    const wait = until - Date.now();
    // A place never waits a write-lock timeout: a longer wait is not one a tab chose.
    if (wait > 0 && wait < this.timeoutMs && !this.#handedCooling.until.includes(until)) {
      this.#handedCooling.add(wait, until);
    }
  }

  #follow(locks: LockManager, name: string): void {
    if (this.#foreign.has(name)) return;
    this.#foreign.add(name);
    this.host?.foreignWrites(this.#foreign.size);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    locks
      .request(name, { signal: controller.signal }, noop)
      .catch(noop)
      .finally(() => {
        clearTimeout(timer);
        this.#foreign.delete(name);
        this.host?.foreignWrites(this.#foreign.size);
        this.cool();
        this.onChange();
      });
  }

  /** A write ended (another tab's, or this tab's while another tab's is in flight): its place waits a little. */
  cool(): void {
    // With no write of the session's tabs at the server, no waiter of ours needs the lock kept for it.
    if (this.ownInFlight() + this.#foreign.size === 0) {
      this.#cooling.clear();
      return;
    }
    const wait = this.host?.handoffWaitMs() ?? 0;
    if (wait > 0) this.#cooling.add(wait);
  }
}
