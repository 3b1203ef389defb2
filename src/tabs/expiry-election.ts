import type { ExpiryArbiter, ExpiryOutcome, RunHandler } from '../session/expiry-arbiter.js';
import { linkedSignal } from '../utils/linked-signal.js';
import { sleep } from '../utils/sleep.js';
import type { FlightLock } from './flight-lock.js';
import type { TabChannel } from './tab-channel.js';
import type { MutexHold, TabMutex } from './tab-mutex.js';

/** A hidden tab waits this long before it asks to handle, so that a visible tab gets the prompt first. */
const hiddenDelayMs = 300;
/**
 * A tab that only heard of the expiry from another waits this long more: the prompt shows where the user's action
 * met the expiry, rather than in whichever visible tab's lock request happened to come first.
 */
const elsewhereDelayMs = 150;
const heartbeatMs = 1000;
/** A handling tab not heard from for this long is hung: a waiting tab takes over. */
const hungMs = 5000;
/** How long the other tabs' requests with the dead id are waited for (they abort theirs after 750 ms). */
const drainOthersMs = 1500;

/** Whether the user can see this tab, and its changes. */
export type Visibility = { visible(): boolean; onChange(listener: () => void): () => void };

/** The page's `document.visibilityState` (visible where there is no document). */
export const documentVisibility: Visibility = {
  visible: () => (globalThis.document?.visibilityState ?? 'visible') === 'visible',
  onChange: (listener) => {
    globalThis.document?.addEventListener?.('visibilitychange', listener);
    return () => globalThis.document?.removeEventListener?.('visibilitychange', listener);
  },
};

/** The coordinator's side, as the election needs it. */
export type ElectionHost = {
  /** Whether this tab's session is expired and an onExpired can handle it. */
  readonly holding: boolean;
  /** Another tab needs a decision: become a candidate (the user may be looking at this tab). */
  need(elsewhere: boolean): void;
  decidedElsewhere(outcome: ExpiryOutcome): void;
};

/**
 * One `onExpired` for the tabs of a session, in a tab the user can see. Tabs whose requests need a decision say so;
 * every tab with a handler is a candidate; one holds the election mutex and runs its handler, repeating that it is
 * alive and whether it is visible. A visible tab takes over from a hidden one (the prompt moves with the user), a
 * waiting tab takes over from a hung one, and a closed one's mutex passes on. The decision reaches the others as
 * the session's new state ('resume') or as a give-up message.
 */
export class ExpiryElection implements ExpiryArbiter {
  /** The handling tab, as last heard: whether it is visible, and when. */
  #handler: { visible: boolean; heardAt: number } | undefined;
  readonly #changed = new Set<() => void>();
  readonly #disposed = new AbortController();
  readonly #stop: Array<() => void>;

  constructor(
    private readonly channel: TabChannel,
    private readonly mutex: TabMutex,
    private readonly flight: FlightLock | undefined,
    host: ElectionHost,
    private readonly visibility: Visibility = documentVisibility,
  ) {
    this.#stop = [
      channel.on((message) => {
        if (message.type === 'expiry-need') {
          if (host.holding) host.need(true);
        } else if (message.type === 'expiry-handling') {
          this.#handler = { visible: message.visible, heardAt: Date.now() };
          this.#notify();
        } else if (message.type === 'expiry-give-up') {
          host.decidedElsewhere({ decision: 'give-up' });
        }
      }),
      visibility.onChange(() => this.#notify()),
    ];
  }

  async decide(run: RunHandler, episode: AbortSignal, own: boolean): Promise<ExpiryOutcome> {
    this.channel.post({ type: 'expiry-need' });
    const { signal, unlink } = linkedSignal(episode, this.#disposed.signal);
    try {
      return await this.#campaign(run, signal, own);
    } finally {
      unlink();
    }
  }

  busy(busy: boolean): void {
    this.flight?.busy(busy);
  }

  /** Leaves every election (a handling tab passes the prompt on) and stops listening. */
  dispose(): void {
    this.#disposed.abort();
    for (const stop of this.#stop.splice(0)) stop();
  }

  #notify(): void {
    for (const listener of [...this.#changed]) listener();
  }

  /** Waits for the turn to handle (or for the episode to end elsewhere), handles, and passes on when moved. */
  async #campaign(run: RunHandler, episode: AbortSignal, own: boolean): Promise<ExpiryOutcome> {
    const ended = new Promise<ExpiryOutcome>((resolve) => {
      episode.addEventListener('abort', () => resolve({ decision: 'resume' }), { once: true });
    });
    try {
      while (!episode.aborted) {
        const wait = (this.visibility.visible() ? 0 : hiddenDelayMs) + (own ? 0 : elsewhereDelayMs);
        if (wait > 0) await this.#visibleOr(wait, episode);
        const hold = await this.#acquire(episode);
        if (!hold) break;
        const outcome = await this.#handle(run, hold, episode, ended);
        if (outcome) return outcome;
      }
      return await ended;
    } finally {
      // What was heard of this episode's handler says nothing about the next one's.
      this.#handler = undefined;
    }
  }

  /** The election mutex, taken over from a hidden handler once this tab is visible, or from a hung one. */
  async #acquire(episode: AbortSignal): Promise<MutexHold | undefined> {
    if (episode.aborted) return undefined;
    const waiting = new AbortController();
    const { signal, unlink } = linkedSignal(episode, waiting.signal);
    const check = () => {
      if (this.#shouldTakeOver()) waiting.abort();
    };
    this.#changed.add(check);
    const watch = setInterval(check, 500);
    try {
      return await this.mutex.acquire({ signal });
    } catch {
      if (episode.aborted) return undefined;
      return this.mutex.acquire({ signal: episode, steal: true });
    } finally {
      unlink();
      clearInterval(watch);
      this.#changed.delete(check);
    }
  }

  #shouldTakeOver(): boolean {
    const handler = this.#handler;
    if (!handler) return false;
    if (Date.now() - handler.heardAt > hungMs) return true;
    return this.visibility.visible() && !handler.visible;
  }

  /** Runs onExpired while this tab holds the mutex; undefined when the prompt moved to another tab. */
  async #handle(
    run: RunHandler,
    hold: MutexHold,
    episode: AbortSignal,
    ended: Promise<ExpiryOutcome>,
  ): Promise<ExpiryOutcome | undefined> {
    const moved = new AbortController();
    void hold.lost.then(() =>
      moved.abort(new DOMException('The login prompt moved to another tab', 'AbortError')),
    );
    const stopMoving = () => moved.abort(episode.reason);
    episode.addEventListener('abort', stopMoving, { once: true });
    const beat = () => this.channel.post({ type: 'expiry-handling', visible: this.visibility.visible() });
    beat();
    const timer = setInterval(beat, heartbeatMs);
    this.#changed.add(beat);
    try {
      await this.flight?.drainOthers(moved.signal, drainOthersMs);
      // A login in another tab may still be on its way over the channel: give it a moment before prompting.
      await sleep(50, moved.signal).catch(() => undefined);
      if (moved.signal.aborted) return episode.aborted ? ended : undefined;
      const lost = new Promise<undefined>((resolve) => {
        moved.signal.addEventListener('abort', () => resolve(undefined), { once: true });
      });
      const outcome = await Promise.race([run(moved.signal), lost]);
      if (outcome?.decision === 'give-up' && !moved.signal.aborted) {
        this.channel.post({ type: 'expiry-give-up' });
      }
      return outcome ?? (episode.aborted ? ended : undefined);
    } finally {
      clearInterval(timer);
      this.#changed.delete(beat);
      episode.removeEventListener('abort', stopMoving);
      hold.release();
    }
  }

  /** Resolves once this tab is visible or after `ms`, or when `signal` aborts. */
  async #visibleOr(ms: number, signal: AbortSignal): Promise<void> {
    let wake!: () => void;
    const visible = new Promise<void>((resolve) => {
      wake = () => {
        if (this.visibility.visible()) resolve();
      };
    });
    this.#changed.add(wake);
    try {
      await Promise.race([visible, sleep(ms, signal).catch(() => undefined)]);
    } finally {
      this.#changed.delete(wake);
    }
  }
}
