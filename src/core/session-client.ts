import type { Input, ResponsePromise } from 'ky';
import type { Listener, SessionFetchEventName } from './events.js';
import type { NormalizedSessionOptions, SessionClientOptions, SessionRequestOptions } from './options.js';
import type { SessionState } from './session-state.js';
import type { SimulatedFault } from './simulated-faults.js';

/** A ky-like client whose requests know about the PHP session. */
export interface SessionClient {
  /** Sends a request; `options.method` defaults to GET. */
  request(input: Input, options?: SessionRequestOptions): ResponsePromise;
  get(input: Input, options?: SessionRequestOptions): ResponsePromise;
  post(input: Input, options?: SessionRequestOptions): ResponsePromise;
  put(input: Input, options?: SessionRequestOptions): ResponsePromise;
  patch(input: Input, options?: SessionRequestOptions): ResponsePromise;
  delete(input: Input, options?: SessionRequestOptions): ResponsePromise;
  head(input: Input, options?: SessionRequestOptions): ResponsePromise;
  /** The current session state (immutable; a new object on every change). */
  readonly session: SessionState;
  /** Same as `session`, as a function: `useSyncExternalStore(client.subscribe, client.getSnapshot)`. */
  getSnapshot(): SessionState;
  /** Calls `listener` whenever the session state changes; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Listens to a typed event; returns the unsubscribe function. */
  on<Name extends SessionFetchEventName>(name: Name, listener: Listener<Name>): () => void;
  /**
   * Makes the next session request meet a fault, to test the app's own handling: `'expire'` (answered 401 with
   * the expiry marker, without reaching the server), `'lock-timeout'` (answered 423, retried as usual) or
   * `'rotate'` (sent as usual, then counted as a rotation).
   */
  simulate(fault: SimulatedFault): void;
  /** The session settings this client runs with, normalised (read-only; the overlay and diagnostics read them). */
  readonly options: ClientSettings;
  /** The queue right now: requests waiting, session requests in flight, and the current 'write' limit. */
  readonly stats: { queued: number; inFlight: number; limit: number };
  /**
   * A new client with these options merged over this one's. It shares this client's session (state, queue,
   * expiry handling and events), since both talk to the same server session; options that belong to the
   * session itself (`onExpired`, `concurrency`, `cookieName`, ...) cannot be changed here. ky's options merge as
   * `ky.extend()` merges them: a header set to `undefined` is removed, `searchParams` and `hooks` add to the
   * parent's (`undefined` removes them), `context` merges shallowly. An unknown key throws SessionOptionsError.
   *
   * @example
   * ```ts
   * const admin = api.extend({ prefix: '/api/admin', headers: { 'x-tenant': undefined }, deadline: 10_000 });
   * ```
   */
  extend(options: SessionClientOptions): SessionClient;
  /**
   * Stops what runs in the background for the session this client shares with the clients extended from it:
   * the expiry and keepalive timers, the activity and wake listeners, the tab channel and the leader lock
   * (another tab takes over). Requests still work afterwards, as a plain per-tab client.
   */
  dispose(): void;
}

/** The normalised session settings a client exposes. */
export type ClientSettings = Pick<
  NormalizedSessionOptions,
  'pageOrigin' | 'origins' | 'protocol' | 'cookieName' | 'expiredStatuses' | 'loginUrl' | 'deadline'
> & {
  /** The names of the features the client was given (`'csrf'`, `'lifecycle'`), in order. */
  readonly features: readonly string[];
};
