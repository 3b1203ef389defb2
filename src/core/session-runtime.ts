import { createConcurrencyLimit } from '../queue/concurrency-limit.js';
import { RequestQueue } from '../queue/request-queue.js';
import { ExpiryCoordinator } from '../session/expiry-coordinator.js';
import { createCookieFingerprinter } from '../session/read-session-cookie.js';
import { SessionStore } from '../session/session-store.js';
import { Emitter } from './events.js';
import type { NormalizedSessionOptions } from './options.js';
import type { SimulatedFault } from './simulated-faults.js';

/**
 * What a client and every client extended from it share: they talk to one server session, so they share its
 * state, its queue (one PHP lock) and its expiry handling.
 */
export class SessionRuntime {
  readonly emitter = new Emitter();
  readonly store: SessionStore;
  readonly queue: RequestQueue;
  readonly expiry: ExpiryCoordinator;
  readonly cookieFingerprint: () => Promise<string | undefined>;
  /** Faults queued by `client.simulate()`, met by the next session requests in order. */
  readonly faults: SimulatedFault[] = [];
  #nextId = 1;

  constructor(readonly options: NormalizedSessionOptions) {
    this.store = new SessionStore(this.emitter);
    this.expiry = new ExpiryCoordinator(this.store, () => this.queue, options.onExpired);
    this.queue = new RequestQueue(
      createConcurrencyLimit(options.concurrency),
      () => this.expiry.holding,
      options.lockHandoffDelay,
    );
    this.cookieFingerprint = createCookieFingerprinter(options.cookieName);
  }

  nextId(): number {
    return this.#nextId++;
  }
}
