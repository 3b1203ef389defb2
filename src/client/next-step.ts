import { TimeoutError } from 'ky';
import { requestEvent, snapshot } from '../core/request-info.js';
import { SessionExpiredError } from '../errors/SessionExpiredError.js';
import { SessionLockTimeoutError } from '../errors/SessionLockTimeoutError.js';
import { lockRetryDelay } from '../lock/lock-retry-delay.js';
import type { RequestState } from './request-state.js';
import type { SessionRuntime } from './session-runtime.js';

/**
 * How often a request is sent again because its answer met an id rotated while it was out. Each time needs a new
 * rotation (a login) during the replay; the bound keeps a server that rotates and deletes the id on every request
 * from sending one request round forever.
 */
const maxStaleReplays = 3;

/**
 * What to do after a response the transport did not accept: send the request again after a delay (a lock
 * timeout, for any method since the script did not run; a replay once the app resumed the session; a fresh CSRF
 * token), deliver the response as it is (`undefined`), or reject with a typed error.
 */
export const nextStep = async (
  runtime: SessionRuntime,
  state: RequestState,
  request: Request,
  /** Undefined for an attempt the expiry's drain stopped before its answer came. */
  response: Response | undefined,
): Promise<number | undefined> => {
  const { record, deadline } = state;
  const label = { method: request.method, url: request.url };

  if (state.verdict === 'lock-timeout' && response) {
    const { lockRetry } = state;
    const attempt = record.lockRetries + 1;
    // Another write of ours held the lock: it answers soon, and the lock is free then. Retry-After is for a
    // holder we cannot see (another device, a long script).
    const afterOwnWrite = runtime.queue.ownWrites.takeCausedByUs(state.ticket.seq);
    const delayMs = afterOwnWrite
      ? 0
      : lockRetryDelay(attempt, response.headers.get('retry-after'), lockRetry);
    if (attempt > lockRetry.limit || delayMs >= deadline.remaining) {
      throw new SessionLockTimeoutError(label, record.lockRetries + 1, response);
    }
    record.lockRetries = attempt;
    if (runtime.emitter.has('lock:retry')) {
      const event = { delayMs, attempt, afterOwnWrite };
      runtime.emitter.emit('lock:retry', Object.assign(requestEvent(runtime, record), event));
    }
    // Its place in the queue is kept; the queue sends it once the limit and the hand-off delay allow.
    if (afterOwnWrite) {
      await runtime.queue.ownWrites
        .nextEnd(deadline.signal)
        .catch((error: unknown) => Promise.reject(deadline.expired ? new TimeoutError(request) : error));
    }
    return delayMs;
  }

  if (state.verdict === 'csrf' && response) {
    // The token was refused: fetch a fresh one (once for every request waiting) and send the request again.
    state.csrfReplayed = true;
    const fresh = await runtime.tokens?.refresh(state.csrfSent);
    if (fresh !== undefined && fresh !== state.csrfSent) {
      record.replayed = true;
      return 0;
    }
    // No other token to try: the refusal means what the status says (419 is in expiredStatuses by default).
    if (!runtime.options.expiredStatuses.has(response.status)) return undefined;
    runtime.store.expire(snapshot(record));
  }

  if (state.verdict === 'stale-expired' && state.staleReplays < maxStaleReplays) {
    // Sent with the id from before a rotation: the server did not know it any more. Send it again as it is, with
    // the newest id; again if another login rotated it while the replay was out (two logins in a row).
    state.staleReplays++;
    record.replayed = true;
    return 0;
  }

  if (!runtime.expiry.hasHandler) throw new SessionExpiredError(label, 'no-handler', { response });
  if (state.expiryReplayed) throw new SessionExpiredError(label, 'replayed-once', { response });
  record.held = true;
  deadline.pause();
  const outcome = await runtime.expiry.decide(state.sentEpoch);
  deadline.resume();
  if (outcome.decision !== 'resume')
    throw new SessionExpiredError(label, 'gave-up', { cause: outcome.cause, response });
  state.expiryReplayed = true;
  record.replayed = true;
  return 0;
};
