import ky, { type AfterResponseHook, type BeforeRequestHook } from 'ky';
import { SessionExpiredError } from '../errors/SessionExpiredError.js';
import { SessionLockTimeoutError } from '../errors/SessionLockTimeoutError.js';
import { lockRetryDelay } from '../lock/lock-retry-delay.js';
import { snapshot } from './request-info.js';
import { stateOf } from './request-state.js';
import type { SessionRuntime } from './session-runtime.js';

let cacheBustCounter = Date.now();

/** Adds the session request headers: no-cache, Accept, X-Requested-With, and the cache-busting parameter. */
export const createBeforeRequestHook =
  (
    runtime: SessionRuntime,
    request: { noCache: boolean; cacheBust: boolean; accept: string | false },
  ): BeforeRequestHook =>
  ({ request: outgoing, options }) => {
    const state = stateOf(options.context);
    if (!state) return;
    const { headers } = outgoing;
    if (request.accept && !headers.has('accept')) headers.set('accept', request.accept);
    const origin = runtime.options.origins.get(new URL(outgoing.url).origin);
    if (request.noCache && origin?.noCacheHeaders) {
      if (!headers.has('cache-control')) headers.set('cache-control', 'no-cache');
      if (!headers.has('pragma')) headers.set('pragma', 'no-cache');
      // Frameworks use it to answer 401 instead of redirecting to the login page (Laravel's $request->ajax()).
      if (!headers.has('x-requested-with')) headers.set('x-requested-with', 'XMLHttpRequest');
    }
    if (request.cacheBust && (outgoing.method === 'GET' || outgoing.method === 'HEAD')) {
      const url = new URL(outgoing.url);
      url.searchParams.set('_', String(cacheBustCounter++));
      return new Request(url, outgoing);
    }
    // Session requests get their CSRF token in the transport, after their turn; 'none' requests get it here.
    if (runtime.csrf && origin && state.record.mode === 'none')
      return runtime.csrf.stamp(outgoing).then(() => undefined);
  };

/**
 * Acts on the transport's verdict: retries a lock timeout (any method: the script did not run), replays a
 * request that came back expired once the app has resumed the session, and rejects with a typed error otherwise.
 */
export const createAfterResponseHook =
  (runtime: SessionRuntime): AfterResponseHook =>
  async ({ request, response, options }) => {
    const state = stateOf(options.context);
    if (!state || state.verdict === 'ok') return;
    const { record, deadline } = state;
    const label = { method: request.method, url: request.url };

    if (state.verdict === 'lock-timeout') {
      const { lockRetry } = state;
      const attempt = record.lockRetries + 1;
      const delayMs = lockRetryDelay(attempt, response.headers.get('retry-after'), lockRetry);
      if (attempt > lockRetry.limit || (deadline && delayMs >= deadline.remaining)) {
        throw new SessionLockTimeoutError(label, record.lockRetries + 1, response);
      }
      record.lockRetries = attempt;
      state.forcedRetries++;
      if (runtime.emitter.has('lock:retry')) {
        runtime.emitter.emit('lock:retry', {
          request: snapshot(record),
          session: runtime.store.state,
          delayMs,
          attempt,
        });
      }
      return ky.retry({ delay: delayMs, code: 'SESSION_LOCK_TIMEOUT' });
    }

    if (state.verdict === 'csrf') {
      // The token was refused: fetch a fresh one (once for every request waiting) and send the request again.
      state.csrfReplayed = true;
      const fresh = await runtime.csrf?.refresh(state.csrfSent);
      if (fresh !== undefined && fresh !== state.csrfSent) {
        record.replayed = true;
        state.forcedRetries++;
        return ky.retry({ delay: 0, code: 'SESSION_CSRF' });
      }
      // No other token to try: the refusal means what the status says (419 is in expiredStatuses by default).
      if (!runtime.options.expiredStatuses.has(response.status)) return;
      runtime.store.expire(snapshot(record));
    }

    if (state.verdict === 'stale-expired' && !state.staleReplayed) {
      // Sent with the id from before a rotation: the server did not know it any more. Send it again as it is.
      state.staleReplayed = true;
      record.replayed = true;
      state.forcedRetries++;
      return ky.retry({ delay: 0, code: 'SESSION_STALE_ID' });
    }

    if (!runtime.expiry.hasHandler) throw new SessionExpiredError(label, 'no-handler', { response });
    if (state.expiryReplayed) throw new SessionExpiredError(label, 'replayed-once', { response });
    record.held = true;
    deadline?.pause();
    const outcome = await runtime.expiry.decide(runtime.queue.heldCount() + 1, state.sentEpoch);
    deadline?.resume();
    if (outcome.decision !== 'resume')
      throw new SessionExpiredError(label, 'gave-up', { cause: outcome.cause, response });
    state.expiryReplayed = true;
    record.replayed = true;
    state.forcedRetries++;
    return ky.retry({ delay: 0, code: 'SESSION_REPLAY' });
  };
