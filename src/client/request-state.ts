import type { LockRetryOptions } from '../core/options.js';
import type { RequestRecord, ResponseVerdict } from '../core/request-info.js';
import type { QueueTicket } from '../queue/request-queue.js';
import type { Deadline } from '../utils/deadline.js';

/** Everything the client tracks about one session request across its attempts. */
export type RequestState = {
  readonly record: RequestRecord;
  readonly ticket: QueueTicket;
  readonly deadline: Deadline;
  /**
   * Whether ky's signal for the request can abort: ky aborts it for the caller's signal and for its own
   * timeouts, and an app hook may hand over a Request with a signal of its own. Only then does the deadline
   * listen to it (on a fresh AbortSignal, a listener costs more than the rest of the deadline).
   */
  readonly callerCanAbort: boolean;
  /** The settings of the request's origin (an allowed one, or the page's). */
  readonly origin: { readonly noCacheHeaders: boolean };
  readonly lockRetry: Readonly<LockRetryOptions>;
  /** The session epoch when the last attempt was sent. */
  sentEpoch: number;
  verdict: ResponseVerdict;
  /** Times sent again because its answer met an id rotated while it was out (see next-step.ts). */
  staleReplays: number;
  expiryReplayed: boolean;
  /** The CSRF token the last attempt carried. */
  csrfSent?: string | undefined;
  /** Replayed once with a fresh CSRF token after a refusal. */
  csrfReplayed?: boolean;
  /** A logout: on success the session is marked ended (here and in the other tabs). */
  endsSession?: boolean;
};
