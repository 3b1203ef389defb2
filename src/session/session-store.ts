import type { Emitter } from '../core/events.js';
import type { RequestInfo } from '../core/request-info.js';
import { type IdSource, initialSessionState, type SessionState } from '../core/session-state.js';

const notResumedThreshold = 3;

/**
 * The session state and its epoch. The epoch grows whenever the id the browser sends changes (start, rotation,
 * expiry, resume), so a response can be told apart from one to a request sent with an older id.
 */
export class SessionStore {
  #state: SessionState;
  #epoch = 0;
  #changedByLogin = false;
  #newIdsInARow = 0;
  #batching = false;
  #dirty = false;
  readonly #listeners = new Set<() => void>();
  readonly #emitter: Emitter;
  readonly #now: () => number;

  constructor(emitter: Emitter, now: () => number = Date.now) {
    this.#emitter = emitter;
    this.#now = now;
    this.#state = initialSessionState(now());
  }

  get state(): SessionState {
    return this.#state;
  }

  /**
   * Whether the last change came from a login: an answer to a login or to a request made while onExpired ran, or
   * the app's 'resume'. Another tab's expiry ends only on such a change, not on a new id some answer happened to
   * bring (in strict mode, the empty session a server hands a dead id).
   */
  get changedByLogin(): boolean {
    return this.#changedByLogin;
  }

  get epoch(): number {
    return this.#epoch;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * A response showed this fingerprint (from a request sent in the current epoch). `describe` gives the request
   * for the events; it is called only when the state changes, as most responses change nothing.
   */
  observeId(
    fingerprint: string,
    source: IdSource,
    describe: (() => RequestInfo) | undefined,
    expected: boolean,
  ): void {
    const previous = this.#state;
    if (previous.fingerprint === fingerprint) {
      this.#newIdsInARow = 0;
      // The expired (or logged-out) id still answering is not a new login: only a new id or a resume ends it.
      if (previous.status === 'expired' || previous.status === 'ended') return;
      if (previous.status !== 'active' || previous.source !== source) {
        this.#set(
          {
            ...previous,
            status: 'active',
            source,
            since: previous.status === 'active' ? previous.since : this.#now(),
          },
          expected,
        );
        if (previous.status === 'unknown') this.#emit('session:start', previous, describe?.());
      }
      return;
    }
    this.#epoch++;
    const rotated = previous.status === 'active' && previous.fingerprint !== null;
    this.#set(
      {
        status: 'active',
        fingerprint,
        since: rotated ? previous.since : this.#now(),
        rotations: rotated ? previous.rotations + 1 : 0,
        expiresAt: previous.expiresAt,
        source,
      },
      expected,
    );
    this.#emit(rotated ? 'session:rotate' : 'session:start', previous, describe?.());
    this.#countNewId(previous, expected, describe);
  }

  /** The server no longer accepts the session. */
  expire(request: RequestInfo | undefined, fingerprint?: string): void {
    const previous = this.#state;
    if (previous.status === 'expired' && (fingerprint === undefined || fingerprint === previous.fingerprint))
      return;
    this.#epoch++;
    this.#set({
      status: 'expired',
      fingerprint: fingerprint ?? previous.fingerprint,
      since: this.#now(),
      rotations: 0,
      expiresAt: null,
      source: previous.source,
    });
    if (previous.status !== 'expired') this.#emit('session:expire', previous, request);
  }

  /** A logout: the session ended on purpose. Unlike an expiry, nothing is held for `onExpired`. */
  end(request: RequestInfo | undefined): void {
    const previous = this.#state;
    if (previous.status === 'ended') return;
    this.#epoch++;
    this.#set({ ...previous, status: 'ended', since: this.#now(), rotations: 0, expiresAt: null });
    this.#emit('session:end', previous, request);
  }

  /**
   * The expiry is over ('resume', or a response showed a new session): the next response tells whether a session
   * is active.
   */
  resume(): void {
    const previous = this.#state;
    this.#epoch++;
    if (previous.status === 'expired')
      this.#set({ ...previous, status: 'unknown', since: this.#now() }, true);
    this.#emit('session:resume', previous, undefined);
  }

  /**
   * Another tab's view of the same session (cross-tab sync, same cookie): takes it over without a request and
   * emits what the change means here (`session:start`, `session:rotate` or `session:expire`). A later expiry
   * time is kept: activity in any tab keeps the shared session alive.
   */
  adopt(next: SessionState): void {
    const previous = this.#state;
    if (next.status === 'unknown') return;
    if (next.fingerprint === previous.fingerprint && next.status === previous.status) {
      if (next.expiresAt !== null && (previous.expiresAt === null || next.expiresAt > previous.expiresAt)) {
        this.#set({ ...previous, expiresAt: next.expiresAt });
      }
      return;
    }
    this.#epoch++;
    this.#newIdsInARow = 0;
    this.#set({ ...next, source: previous.source === 'none' ? next.source : previous.source });
    if (next.status === 'expired') this.#emit('session:expire', previous, undefined);
    else if (next.status === 'ended') this.#emit('session:end', previous, undefined);
    else this.#emit(previous.status === 'active' ? 'session:rotate' : 'session:start', previous, undefined);
  }

  /** `client.simulate('rotate')`: counts a rotation without a new id, so the app's handling can be tried. */
  simulateRotation(request: RequestInfo | undefined): void {
    const previous = this.#state;
    if (previous.status !== 'active') return;
    this.#epoch++;
    this.#set({ ...previous, rotations: previous.rotations + 1 });
    this.#emit('session:rotate', previous, request);
  }

  /** Requests sent from now on belong to a new attempt at the session (another tab decided an expiry). */
  nextEpoch(): void {
    this.#epoch++;
  }

  /** onExpired gave up. Requests sent from now on belong to a new attempt at the session. */
  giveUp(): void {
    this.#epoch++;
    this.#emit('session:give-up', this.#state, undefined);
  }

  /** The session's time to live as the server (or the configured lifetime) says. */
  touch(ttlMs: number | undefined): void {
    if (ttlMs === undefined || this.#state.status === 'expired' || this.#state.status === 'ended') return;
    const expiresAt = this.#now() + ttlMs;
    // Small moves are not worth a notification to every subscriber.
    if (this.#state.expiresAt !== null && Math.abs(this.#state.expiresAt - expiresAt) < 1000) return;
    this.#set({ ...this.#state, expiresAt });
  }

  #countNewId(previous: SessionState, expected: boolean, describe: (() => RequestInfo) | undefined): void {
    this.#newIdsInARow = previous.fingerprint === null || expected ? 0 : this.#newIdsInARow + 1;
    if (this.#newIdsInARow === notResumedThreshold) {
      this.#emitter.emit('session:not-resumed', {
        session: this.#state,
        request: describe?.(),
        newIdsInARow: this.#newIdsInARow,
        message:
          'The server sent a new session id on every response: the session is not being resumed. ' +
          'Check that the cookie is sent (same origin or an allowed origin with CORS credentials) and that every script calls session_start().',
      });
    }
  }

  /** Applies several changes with one notification, so subscribers render once per response. */
  batch(apply: () => void): void {
    this.#batching = true;
    try {
      apply();
    } finally {
      this.#batching = false;
      if (this.#dirty) this.#notify();
    }
  }

  #set(state: SessionState, login = false): void {
    this.#state = Object.freeze(state);
    this.#changedByLogin = login;
    if (this.#batching) this.#dirty = true;
    else this.#notify();
  }

  #notify(): void {
    this.#dirty = false;
    for (const listener of [...this.#listeners]) listener();
  }

  #emit(
    name:
      | 'session:start'
      | 'session:rotate'
      | 'session:expire'
      | 'session:end'
      | 'session:resume'
      | 'session:give-up',
    previous: SessionState,
    request: RequestInfo | undefined,
  ): void {
    if (this.#emitter.has(name)) this.#emitter.emit(name, { session: this.#state, previous, request });
  }
}
