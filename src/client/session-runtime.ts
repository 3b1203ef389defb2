import type { ResponsePromise } from 'ky';
import { Emitter } from '../core/events.js';
import type { NormalizedSessionOptions, SessionRequestOptions } from '../core/options.js';
import { markOwn } from '../core/own-request.js';
import type { FeatureHost, RequestTokens, SessionFeature } from '../core/session-feature.js';
import type { SimulatedFault } from '../core/simulated-faults.js';
import { SessionOptionsError } from '../errors/SessionOptionsError.js';
import { createConcurrencyLimit } from '../queue/concurrency-limit.js';
import { RequestQueue } from '../queue/request-queue.js';
import { ExpiryCoordinator } from '../session/expiry-coordinator.js';
import { createCookieFingerprinter } from '../session/read-session-cookie.js';
import { SessionStore } from '../session/session-store.js';
import { createTabServices, type TabServices } from '../tabs/tab-services.js';

/**
 * What a client and every client extended from it share: they talk to one server session, so they share its
 * state, its queue (one PHP lock) and its expiry handling. It is the host the app's features are set up on.
 */
export class SessionRuntime implements FeatureHost {
  readonly emitter = new Emitter();
  readonly store: SessionStore;
  readonly queue: RequestQueue;
  readonly expiry: ExpiryCoordinator;
  readonly cookieFingerprint: ReturnType<typeof createCookieFingerprinter>;
  /** Faults queued by `client.simulate()`, met by the next session requests in order. */
  readonly faults: SimulatedFault[] = [];
  /** Cross-tab sync, leader election and write lock (per-tab where the browser lacks them or `tabs: false`). */
  readonly tabs: TabServices;
  /** The tokens a feature puts on session requests (the CSRF feature's), when one was passed. */
  tokens: RequestTokens | undefined;
  /** The names of the features set up, in the order given. */
  readonly features: string[] = [];
  /**
   * Sends a request the client makes itself (a CSRF token refresh, a session check) with the app's fetch or the
   * browser's, marked so that installFetch() lets it through. The browser's is looked up per call: a test or
   * installFetch() may replace it after the client is made.
   */
  readonly sendOwn = (input: Request | string, init?: RequestInit): Promise<Response> =>
    (this.fetch ?? globalThis.fetch)(input, markOwn(init));
  #send: ((url: string, options: SessionRequestOptions) => ResponsePromise) | undefined;
  #nextId = 1;
  #pauses = 0;
  readonly #disposers: Array<() => void> = [];

  /** @param fetch the client's `fetch` option, for requests the client makes itself (CSRF token refresh). */
  constructor(
    readonly options: NormalizedSessionOptions,
    readonly fetch?: typeof globalThis.fetch,
  ) {
    this.store = new SessionStore(this.emitter);
    this.expiry = new ExpiryCoordinator(
      this.store,
      () => this.queue,
      options.onExpired,
      () => this.#nextId - 1,
    );
    this.queue = new RequestQueue(
      createConcurrencyLimit(options.concurrency, options.lockHandoffDelay),
      (ticket) => (this.#pauses > 0 ? 'hold' : this.expiry.gate(ticket)),
      options.lockHandoffDelay,
    );
    this.cookieFingerprint = createCookieFingerprinter(options.cookieName);
    this.tabs = createTabServices(options.tabs, this.store, this.emitter, this.expiry, () => this.pause());
    this.tabs.attachQueue(this.queue);
    this.onDispose(() => this.tabs.dispose());
  }

  /**
   * Sets up the app's features (checked by the options' schema: each a feature, each name once), once the client
   * whose `request` they send through exists. A feature that throws leaves nothing running.
   */
  setUp(
    features: readonly SessionFeature[],
    send: (url: string, options: SessionRequestOptions) => ResponsePromise,
  ): void {
    this.#send = send;
    try {
      for (const feature of features) {
        feature.setup(this);
        this.features.push(feature.name);
      }
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  provideTokens(tokens: RequestTokens): void {
    if (this.tokens) {
      throw new SessionOptionsError(
        'features',
        `two features put tokens on requests (the second after ${this.features.join(', ')}): pass only one of them`,
      );
    }
    this.tokens = tokens;
  }

  send(url: string, options: SessionRequestOptions): ResponsePromise {
    // Features are set up after the client exists, with its request function.
    return this.#send!(url, options);
  }

  /**
   * Holds every session request that is not already sent (as an expiry does) until the returned function is
   * called: a wake from sleep or a return from the back/forward cache re-checks the session first.
   */
  pause(): () => void {
    this.#pauses++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#pauses--;
      this.queue.pump();
    };
  }

  onDispose(dispose: () => void): void {
    this.#disposers.push(dispose);
  }

  /** Stops timers, listeners, the tab channel and locks (the client's `dispose()`). */
  dispose(): void {
    for (const dispose of this.#disposers.splice(0).reverse()) dispose();
  }

  nextId(): number {
    return this.#nextId++;
  }
}
