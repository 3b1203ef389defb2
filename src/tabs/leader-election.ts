import { webLocks } from './web-locks.js';

/**
 * One leader among the tabs (it runs the keepalive for all), elected with an exclusive Web Lock held until the
 * tab closes, stops, or leaves for the back/forward cache (a held lock would keep it out of the cache); the next
 * waiting tab then gets the lock. Without Web Locks every tab is its own leader.
 */
export class LeaderElection {
  #leader = false;
  #wanted = false;
  #controller: AbortController | undefined;
  #release: (() => void) | undefined;
  readonly #listeners = new Set<(leader: boolean) => void>();
  readonly #removePageListeners: () => void;

  constructor(private readonly name: string) {
    const target = globalThis.window as Window | undefined;
    const onHide = (event: Event) => {
      if ((event as PageTransitionEvent).persisted) this.#stepDown();
    };
    const onShow = (event: Event) => {
      if ((event as PageTransitionEvent).persisted && this.#wanted) this.#run();
    };
    target?.addEventListener?.('pagehide', onHide);
    target?.addEventListener?.('pageshow', onShow);
    this.#removePageListeners = () => {
      target?.removeEventListener?.('pagehide', onHide);
      target?.removeEventListener?.('pageshow', onShow);
    };
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  /** Calls `listener` when this tab becomes or stops being the leader; returns the unsubscribe function. */
  onChange(listener: (leader: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Joins the election (idempotent). */
  start(): void {
    this.#wanted = true;
    this.#run();
  }

  /** Leaves the election, handing leadership to the next tab. */
  stop(): void {
    this.#wanted = false;
    this.#stepDown();
    this.#removePageListeners();
  }

  #run(): void {
    if (this.#controller) return;
    const locks = webLocks();
    if (!locks) {
      this.#set(true);
      return;
    }
    const controller = new AbortController();
    this.#controller = controller;
    locks
      .request(this.name, { mode: 'exclusive', signal: controller.signal }, () => {
        if (controller.signal.aborted) return undefined;
        this.#set(true);
        return new Promise<void>((resolve) => {
          this.#release = resolve;
        });
      })
      .catch(() => {
        // aborted while waiting (stop), or the lock was stolen
        if (this.#controller === controller) this.#stepDown();
      });
  }

  #stepDown(): void {
    this.#controller?.abort();
    this.#controller = undefined;
    this.#release?.();
    this.#release = undefined;
    this.#set(false);
  }

  #set(leader: boolean): void {
    if (this.#leader === leader) return;
    this.#leader = leader;
    for (const listener of [...this.#listeners]) listener(leader);
  }
}
