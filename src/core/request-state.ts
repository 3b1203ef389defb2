import type { QueueTicket } from '../queue/request-queue.js';
import type { Deadline } from '../utils/deadline.js';
import type { LockRetryOptions } from './options.js';
import type { RequestRecord } from './request-info.js';

/** What the transport learnt from the last response, for nextStep() to act on. */
export type ResponseVerdict = 'ok' | 'lock-timeout' | 'expired' | 'stale-expired' | 'csrf';

/** Everything the client tracks about one session request across its attempts. */
export type RequestState = {
  readonly record: RequestRecord;
  readonly ticket: QueueTicket;
  readonly deadline: Deadline | undefined;
  /** The settings of the request's origin (an allowed one, or the page's). */
  readonly origin: { readonly noCacheHeaders: boolean } | undefined;
  readonly lockRetry: Readonly<LockRetryOptions>;
  /** The session epoch when the last attempt was sent. */
  sentEpoch: number;
  verdict: ResponseVerdict;
  staleReplayed: boolean;
  expiryReplayed: boolean;
  /** The CSRF token the last attempt carried. */
  csrfSent?: string | undefined;
  /** Replayed once with a fresh CSRF token after a refusal. */
  csrfReplayed?: boolean;
  /** A logout: on success the session is marked expired (here and in the other tabs). */
  endsSession?: boolean;
};

/** The key under which a request's state travels in ky's `context`. */
export const stateKey = 'sessionFetch';

/** What the beforeRequest hook reads; a 'none' request carries only this, a queued one its whole state. */
export type HookState = Pick<RequestState, 'record' | 'origin'>;

export const stateOf = (context: Record<string, unknown> | undefined): HookState | undefined =>
  context?.[stateKey] as HookState | undefined;
