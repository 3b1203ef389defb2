import type { TabMessage } from '../core/tab-message.js';

export type { TabMessage };

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
