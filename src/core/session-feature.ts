import type { ResponsePromise } from 'ky';
import type { Emitter } from './events.js';
import type { NormalizedSessionOptions } from './normalized-options.js';
import type { RequestInfo } from './request-info.js';
import type { SessionRequestOptions } from './request-options.js';
import type { IdSource, SessionState } from './session-state.js';
import type { TabMessage } from './tab-message.js';

// A feature (CSRF tokens, the lifecycle) is passed in by the app, so that one it does not pass is not in its
// bundle. The client knows features only through the interfaces below; a feature knows the client only through
// the host it is given. Both sides are declared here, in the ground layer, so neither imports the other.

/**
 * What the request path asks of a feature that puts a token on requests (CSRF): the client calls these around
 * every session request, and knows nothing else of the feature.
 */
export interface RequestTokens {
  /** Before a request is sent: adds the token when this request carries one. Resolves to the token sent. */
  stamp(request: Request): Promise<string | undefined>;
  /** Whether the server refused the token this request carried (Laravel's 419). */
  refused(request: Request, response: Response): boolean;
  /**
   * Gets a fresh token once for every request waiting for one; `refused` is the token the server refused.
   * Resolves to the token now current.
   */
  refresh(refused: string | undefined): Promise<string | undefined>;
  /** Reads a token the server handed out with an accepted session response. */
  observe(response: Response): void;
}

/** The session state as a feature sees it: read, watch, and report what a check of its own found. */
export interface FeatureStore {
  readonly state: SessionState;
  subscribe(listener: () => void): () => void;
  /** The server no longer accepts the session. */
  expire(request: RequestInfo | undefined): void;
  /** A check's answer named this session id (see SessionStore.observeId). */
  observeId(
    fingerprint: string,
    source: IdSource,
    describe: (() => RequestInfo) | undefined,
    expected: boolean,
  ): void;
  /** The session was used now and lives `ttlMs` more (undefined: the time is not known). */
  touch(ttlMs: number | undefined): void;
  /** Applies several changes, telling the listeners once. */
  batch(apply: () => void): void;
}

/** The cross-tab channel (silent when tabs are off or BroadcastChannel is missing). */
export interface FeatureChannel {
  readonly connected: boolean;
  post(message: TabMessage): void;
  on(listener: (message: TabMessage, from: string) => void): () => void;
}

/** The tab that works for every tab of the session (the keepalive runs there). */
export interface FeatureLeader {
  readonly isLeader: boolean;
  /** Joins the election (idempotent): only a feature that needs one tab to act for all calls it. */
  start(): void;
  onChange(listener: (leader: boolean) => void): () => void;
}

/** What the client gives a feature when it is set up: its session, its tabs, and a few controls. */
export interface FeatureHost {
  /** The client's session options, normalised (a feature's own options are the ones it was made with). */
  readonly options: NormalizedSessionOptions;
  readonly store: FeatureStore;
  readonly emitter: Emitter;
  readonly queue: { readonly inFlight: number; heldCount(): number };
  readonly expiry: {
    /** Whether requests are held for an expiry right now. */
    readonly holding: boolean;
    /** Held requests need an expiry decision (`onExpired`). */
    need(): void;
    /** An id that belongs to the expired session (it must not end the expiry). */
    markDead(fingerprint: string | null | undefined): void;
  };
  readonly tabs: { readonly channel: FeatureChannel | undefined; readonly leader: FeatureLeader };
  /** The tokens a feature provided with `provideTokens`, for the requests a feature sends itself. */
  readonly tokens: RequestTokens | undefined;
  /** Puts a feature's tokens on every session request (one feature at most). */
  provideTokens(tokens: RequestTokens): void;
  /** Sends a session request through the client (queue, retries, expiry), as `client.request()` does. */
  send(url: string, options: SessionRequestOptions): ResponsePromise;
  /** Sends a request outside the queue with the app's fetch, marked so that installFetch() lets it through. */
  sendOwn(input: Request | string, init?: RequestInit): Promise<Response>;
  /** Holds the session requests not yet sent until the returned function is called. */
  pause(): () => void;
  /** Runs `dispose` when the client is disposed (timers, listeners). */
  onDispose(dispose: () => void): void;
}

/**
 * Something a client can do that an app opts into by passing it in `features`: `csrf()` from
 * `session-fetch/csrf`, `lifecycle()` from `session-fetch/lifecycle`. Set up once per client, when it is made.
 * @example createSessionClient({ features: [csrf({ refreshUrl: '/csrf.php' }), lifecycle()] })
 */
export interface SessionFeature {
  /** One feature of a name per client: `'csrf'`, `'lifecycle'`. */
  readonly name: string;
  setup(host: FeatureHost): void;
}
