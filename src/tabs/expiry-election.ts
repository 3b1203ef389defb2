import type { ExpiryArbiter, ExpiryOutcome, RunHandler } from '../session/expiry-arbiter.js';
import { sleep } from '../utils/sleep.js';
import type { FlightLock } from './flight-lock.js';
import type { TabChannel } from './tab-channel.js';
import type { MutexHold, TabMutex } from './tab-mutex.js';

/** A hidden tab waits this long before it asks to handle, so that a visible tab gets the prompt first. */
const hiddenDelayMs = 300;
const heartbeatMs = 1000;
/** A handling tab not heard from for this long is hung: a waiting tab takes over. */
const hungMs = 5000;
/** How long the other tabs' requests with the dead id are waited for (they abort theirs after 750 ms). */
const drainOthersMs = 1500;

const visible = () => (globalThis.document?.visibilityState ?? 'visible') === 'visible';

/** The coordinator's side, as the election needs it. */
export type ElectionHost = {
  /** Whether this tab's session is expired and an onExpired can handle it. */
  readonly holding: boolean;
  /** Another tab needs a decision: become a candidate (the user may be looking at this tab). */
  need(): void;
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
  readonly #wake = new Set<() => void>();
  readonly #stop: () => void;

  constructor(
    private readonly channel: TabChannel,
    private readonly mutex: TabMutex,
    private readonly flight: FlightLock | undefined,
    host: ElectionHost,
  ) {
    const offMessage = channel.on((message) => {
      if (message.type === 'expiry-need') {
        if (host.holding) host.need();
      } else if (message.type === 'expiry-handling') {
        this.#handler = { visible: message.visible, heardAt: Date.now() };
      } else if (message.type === 'expiry-give-up') {
        host.decidedElsewhere({ decision: 'give-up' });
      }
    });
    const onVisibility = () => {
      for (const wake of [...this.#wake]) wake();
    };
    globalThis.document?.addEventListener?.('visibilitychange', onVisibility);
    this.#stop = () => {
      offMessage();
      globalThis.document?.removeEventListener?.('visibilitychange', onVisibility);
    };
  }

  decide(run: RunHandler, episode: AbortSignal): Promise<ExpiryOutcome> {
    this.channel.post({ type: 'expiry-need' });
    return this.#campaign(run, episode);
  }

  busy(busy: boolean): void {
    this.flight?.busy(busy);
  }

  dispose(): void {
    this.#stop();
  }

  /** Waits for the turn to handle (or for the episode to end elsewhere), handles, and passes on when moved. */
  async #campaign(run: RunHandler, episode: AbortSignal): Promise<ExpiryOutcome> {
    const ended = new Promise<ExpiryOutcome>((resolve) => {
      episode.addEventListener('abort', () => resolve({ decision: 'resume' }), { once: true });
    });
    try {
      while (!episode.aborted) {
        if (!visible()) await this.#until(() => visible(), hiddenDelayMs, episode);
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
    for (;;) {
      if (episode.aborted) return undefined;
      const waiting = new AbortController();
      const stopWaiting = () => waiting.abort();
      episode.addEventListener('abort', stopWaiting, { once: true });
      let takeOver = false;
      const watch = setInterval(() => {
        if (this.#shouldTakeOver()) {
          takeOver = true;
          waiting.abort();
        }
      }, 250);
      const check = () => {
        if (this.#shouldTakeOver()) {
          takeOver = true;
          waiting.abort();
        }
      };
      this.#wake.add(check);
      try {
        return await this.mutex.acquire({ signal: waiting.signal });
      } catch {
        if (takeOver && !episode.aborted) return this.mutex.acquire({ signal: episode, steal: true });
      } finally {
        clearInterval(watch);
        this.#wake.delete(check);
        episode.removeEventListener('abort', stopWaiting);
      }
    }
  }

  #shouldTakeOver(): boolean {
    const handler = this.#handler;
    if (!handler) return false;
    if (Date.now() - handler.heardAt > hungMs) return true;
    return visible() && !handler.visible;
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
    const beat = () => this.channel.post({ type: 'expiry-handling', visible: visible() });
    beat();
    const timer = setInterval(beat, heartbeatMs);
    this.#wake.add(beat);
    try {
      await this.flight?.drainOthers(moved.signal, drainOthersMs);
      // A login in another tab may still be on its way over the channel: give it a moment before prompting.
      await sleep(50, moved.signal).catch(() => undefined);
      if (episode.aborted || moved.signal.aborted) return episode.aborted ? ended : undefined;
      const lost = new Promise<undefined>((resolve) => {
        moved.signal.addEventListener('abort', () => resolve(undefined), { once: true });
      });
      const outcome = await Promise.race([run(moved.signal), lost, ended]);
      if (outcome && !moved.signal.aborted && outcome.decision === 'give-up' && !episode.aborted) {
        this.channel.post({ type: 'expiry-give-up' });
      }
      return outcome;
    } finally {
      clearInterval(timer);
      this.#wake.delete(beat);
      hold.release();
    }
  }

  /** Resolves when `ready()` holds (checked on visibility changes) or after `ms`, or when `signal` aborts. */
  async #until(ready: () => boolean, ms: number, signal: AbortSignal): Promise<void> {
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => {
      wake = () => {
        if (ready()) resolve();
      };
    });
    this.#wake.add(wake);
    try {
      await Promise.race([woken, sleep(ms, signal).catch(() => undefined)]);
    } finally {
      this.#wake.delete(wake);
    }
  }
}
