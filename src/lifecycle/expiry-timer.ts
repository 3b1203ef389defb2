import type { Emitter } from '../core/events.js';
import type { FeatureStore } from '../core/session-feature.js';
import { unrefTimer } from '../utils/unref-timer.js';

/** setTimeout's longest delay (about 24.8 days). */
const maxDelay = 2_147_483_647;
/** How long a tab that does not lead waits past the expiry time for the leader's verdict before asking itself. */
const followerGrace = 3000;

export type ExpiryTimerOptions = {
  /** Ms before the expiry time at which `session:expiring` is emitted (0: never). */
  warning: number;
  /** Asks the server whether the session is still valid; undefined: the client declares the expiry itself. */
  verify: (() => Promise<void>) | undefined;
  /** Whether this tab checks first (the others wait for its verdict through the tab channel). */
  leads: () => boolean;
  /** Whether a session request is in flight (its response will touch the session). */
  busy: () => boolean;
};

/**
 * Knows when the session will expire (`expiresAt`, from `X-Session-Ttl` or `sessionLifetime`, kept in step
 * across tabs): emits `session:expiring` `warning` ms before, and when the time is up with nothing touching the
 * session, verifies with the server (or declares it) so `session:expire` follows only when it really expired.
 */
export class ExpiryTimer {
  #warnTimer: ReturnType<typeof setTimeout> | undefined;
  #upTimer: ReturnType<typeof setTimeout> | undefined;
  #warnedFor: number | null = null;
  #checkedFor: number | null = null;
  #disposed = false;
  readonly #unsubscribe: () => void;

  constructor(
    private readonly store: FeatureStore,
    private readonly emitter: Emitter,
    private readonly options: ExpiryTimerOptions,
  ) {
    this.#unsubscribe = store.subscribe(() => this.schedule());
    this.schedule();
  }

  /** Re-plans the timers for the current state. */
  schedule(): void {
    this.#clear();
    const { status, expiresAt } = this.store.state;
    if (this.#disposed || status !== 'active' || expiresAt === null) return;
    const now = Date.now();
    const { warning } = this.options;
    if (warning > 0 && this.#warnedFor !== expiresAt && now < expiresAt) {
      const warnAt = expiresAt - warning;
      if (warnAt <= now) this.#warn();
      else this.#warnTimer = unrefTimer(setTimeout(() => this.#warn(), Math.min(maxDelay, warnAt - now)));
    }
    if (this.#checkedFor === expiresAt) return;
    const grace = this.options.leads() ? 0 : followerGrace;
    const delay = Math.min(maxDelay, Math.max(0, expiresAt - now) + grace);
    this.#upTimer = unrefTimer(setTimeout(() => void this.#timeUp(), delay));
  }

  dispose(): void {
    this.#disposed = true;
    this.#clear();
    this.#unsubscribe();
  }

  #warn(): void {
    const state = this.store.state;
    if (state.status !== 'active' || state.expiresAt === null) return;
    this.#warnedFor = state.expiresAt;
    if (this.emitter.has('session:expiring')) {
      this.emitter.emit('session:expiring', {
        session: state,
        expiresAt: state.expiresAt,
        remainingMs: Math.max(0, state.expiresAt - Date.now()),
      });
    }
  }

  async #timeUp(): Promise<void> {
    const { status, expiresAt } = this.store.state;
    if (this.#disposed || status !== 'active' || expiresAt === null) return;
    if (expiresAt > Date.now()) return this.schedule();
    if (this.options.busy()) {
      // A request in flight will touch the session (or find it expired): look again shortly.
      this.#upTimer = unrefTimer(setTimeout(() => void this.#timeUp(), 1000));
      return;
    }
    this.#checkedFor = expiresAt;
    if (this.options.verify) await this.options.verify();
    else this.store.expire(undefined);
  }

  #clear(): void {
    clearTimeout(this.#warnTimer);
    clearTimeout(this.#upTimer);
    this.#warnTimer = undefined;
    this.#upTimer = undefined;
  }
}
