import type { FeatureChannel } from '../core/session-feature.js';

const inputEvents = ['pointerdown', 'keydown', 'touchstart', 'scroll'] as const;
const shareEvery = 5000;

const visible = (): boolean => (globalThis.document as Document | undefined)?.visibilityState !== 'hidden';

/**
 * When the user was last active, in this tab or any other: input events (pointerdown, keydown, touchstart,
 * scroll) and a return to the tab count while the tab is visible, and so does a session request in flight
 * (`busy`). Tabs share their last activity over the channel (throttled); a tab that is hidden or closes
 * withdraws it.
 */
export class ActivityTracker {
  #lastInput = Date.now();
  #lastShared = 0;
  readonly #remote = new Map<string, number>();
  readonly #offs: Array<() => void> = [];

  constructor(
    private readonly channel: FeatureChannel | undefined,
    private readonly busy: () => boolean,
  ) {
    const win = globalThis.window as Window | undefined;
    const doc = globalThis.document as Document | undefined;
    const onInput = () => {
      if (!visible()) return;
      this.#lastInput = Date.now();
      this.share();
    };
    const onVisibility = () => {
      if (visible()) onInput();
      else this.#withdraw();
    };
    const onHide = () => this.#withdraw();
    for (const name of inputEvents) this.#listen(doc, name, onInput);
    this.#listen(doc, 'visibilitychange', onVisibility);
    this.#listen(win, 'pagehide', onHide);
    if (channel) {
      this.#offs.push(
        channel.on((message, from) => {
          if (message.type !== 'activity') return;
          if (message.at === null) this.#remote.delete(from);
          else this.#remote.set(from, message.at);
        }),
      );
    }
    // A tab just opened counts as used: let the leader know.
    this.share(true);
  }

  /** The latest moment any tab was active (now, while a session request is in flight). */
  lastActiveAt(): number {
    let latest = visible() ? this.#lastInput : Number.NEGATIVE_INFINITY;
    if (this.busy()) latest = Date.now();
    for (const at of this.#remote.values()) latest = Math.max(latest, at);
    return latest;
  }

  /** Tells the other tabs about this tab's activity (at most every 5 s); a busy tab counts as active now. */
  share(force = false): void {
    if (!this.channel?.connected) return;
    const now = Date.now();
    if (!force && now - this.#lastShared < shareEvery) return;
    const at = this.busy() ? now : visible() ? this.#lastInput : null;
    if (at === null) return;
    this.#lastShared = now;
    this.channel.post({ type: 'activity', at });
  }

  dispose(): void {
    this.#withdraw();
    for (const off of this.#offs.splice(0)) off();
  }

  #withdraw(): void {
    this.#lastShared = 0;
    this.channel?.post({ type: 'activity', at: null });
  }

  #listen(target: EventTarget | undefined, name: string, listener: () => void): void {
    if (!target?.addEventListener) return;
    const options = { capture: true, passive: true };
    target.addEventListener(name, listener, options);
    this.#offs.push(() => target.removeEventListener(name, listener, options));
  }
}
