import type { Emitter } from '../core/events.js';
import type { NormalizedSessionOptions } from '../core/options.js';
import type { RequestQueue } from '../queue/request-queue.js';
import type { ExpiryCoordinator } from '../session/expiry-coordinator.js';
import type { SessionStore } from '../session/session-store.js';
import type { LeaderElection } from '../tabs/leader-election.js';
import type { TabChannel } from '../tabs/tab-channel.js';

/**
 * What the lifecycle reads of the session it watches: the session model, the tab services, and the few controls
 * of the runtime that wires them (the client's SessionRuntime). Declared here, below the client, so that the
 * lifecycle plugs into the session without importing the client.
 */
export interface LifecycleHost {
  readonly options: NormalizedSessionOptions;
  readonly store: SessionStore;
  readonly emitter: Emitter;
  readonly queue: Pick<RequestQueue, 'inFlight' | 'heldCount'>;
  readonly expiry: Pick<ExpiryCoordinator, 'holding' | 'need' | 'markDead'>;
  readonly tabs: { readonly leader: LeaderElection; readonly channel: TabChannel | undefined };
  /** Stamps the CSRF token on a request the client makes itself, when `csrf` is configured. */
  readonly csrf: { stamp(request: Request): Promise<unknown> } | undefined;
  /** Sends a request the client makes itself (see SessionRuntime.sendOwn). */
  sendOwn(input: Request | string, init?: RequestInit): Promise<Response>;
  /** Holds the session requests not yet sent until the returned function is called. */
  pause(): () => void;
  onDispose(dispose: () => void): void;
}
