import type { SessionState } from '../core/session-state.js';

/** What tabs tell each other about the session they share. */
export type TabMessage =
  /** This tab's session state changed (start, rotation, expiry, logout, a new expiry time). */
  | { type: 'state'; state: SessionState; at: number; login: boolean }
  /** This tab's `onExpired` resolved 'resume': the other tabs send their held requests too. */
  | { type: 'resume' }
  /** A new CSRF token for the shared session. */
  | { type: 'csrf'; token: string; fingerprint: string | null }
  /** User activity in a tab (`at`: the last input while visible; null: the tab is hidden or closing). */
  | { type: 'activity'; at: number | null }
  /** This tab starts a login (`rotatesSession`): the others hold their requests until it is done. */
  | { type: 'rotating' }
  /** This tab's login is done (its new id, if any, came with a 'state' message just before). */
  | { type: 'rotated' }
  /** The expired session needs a decision: tabs with an `onExpired` become candidates to show the login. */
  | { type: 'expiry-need' }
  /** The tab running `onExpired` is alive, and whether the user can see it (repeated while it runs). */
  | { type: 'expiry-handling'; visible: boolean }
  /** The handling tab's `onExpired` gave up: every tab rejects its held requests. */
  | { type: 'expiry-give-up' }
  /** A mutex between the tabs where Web Locks are missing (claim, hold, release). */
  | { type: 'mutex'; name: string; op: 'claim' | 'held' | 'released'; at?: number };

type Envelope = { from: string; message: TabMessage };

/**
 * A BroadcastChannel between the tabs of one origin and session cookie. Without BroadcastChannel it is silent,
 * and the tab behaves on its own.
 */
export class TabChannel {
  /** This tab's id, random per client. */
  readonly id = Math.random().toString(36).slice(2) + Date.now().toString(36);
  readonly #channel: BroadcastChannel | undefined;
  readonly #listeners = new Set<(message: TabMessage, from: string) => void>();

  constructor(name: string) {
    const Channel = globalThis.BroadcastChannel;
    if (typeof Channel !== 'function') return;
    try {
      this.#channel = new Channel(name);
    } catch {
      return;
    }
    // Node's BroadcastChannel keeps the process alive; a page's never needs to.
    (this.#channel as { unref?: () => void }).unref?.();
    this.#channel.onmessage = (event: MessageEvent) => {
      const envelope = event.data as Envelope | undefined;
      if (!envelope || typeof envelope !== 'object' || envelope.from === this.id || !envelope.message) return;
      for (const listener of [...this.#listeners]) listener(envelope.message, envelope.from);
    };
  }

  /** Whether other tabs can hear this one. */
  get connected(): boolean {
    return this.#channel !== undefined;
  }

  post(message: TabMessage): void {
    try {
      this.#channel?.postMessage({ from: this.id, message } satisfies Envelope);
    } catch {
      // closed, or the state is not cloneable: the other tabs learn it from their own next response
    }
  }

  on(listener: (message: TabMessage, from: string) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  close(): void {
    this.#listeners.clear();
    this.#channel?.close();
  }
}
