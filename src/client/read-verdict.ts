import { type RequestInfo, type ResponseVerdict, requestEvent, snapshot } from '../core/request-info.js';
import { detectExpiry } from '../session/detect-expiry.js';
import { parseFingerprintHeader } from '../session/fingerprint.js';
import { nonNegativeHeader, sessionTtlMs } from '../session/response-headers.js';
import type { RequestState } from './request-state.js';
import type { SessionRuntime } from './session-runtime.js';

type Verdict = ResponseVerdict | Promise<ResponseVerdict>;

/**
 * What a response says about the session: a lock timeout, an expiry (or a stale id's), a refused CSRF token, or
 * 'ok' after the session state has taken in the id and lifetime it reports. The answer is a promise only when a
 * body or a new cookie's fingerprint has to be waited for; most responses need no extra turn of the event loop.
 */
export const readVerdict = (
  runtime: SessionRuntime,
  state: RequestState,
  request: Request,
  response: Response,
): Verdict => {
  const { options, store, queue, emitter } = runtime;
  const { headers, status } = response;
  // A bare 423 is a lock timeout too (an app answering its own); a 503 only with the header (proxies send 503s).
  if (status === 423 || status === 503) {
    const lock = headers.get(options.protocol.lock);
    if (lock === null ? status === 423 : lock.trim().toLowerCase() === 'timeout') {
      queue.onLockTimeout(state.ticket, nonNegativeHeader(headers, options.protocol.lockWait));
      return 'lock-timeout';
    }
  }
  const lockWaitMs = nonNegativeHeader(headers, options.protocol.lockWait);
  queue.onAnswer(state.ticket, lockWaitMs);
  state.record.lockWaitMs = lockWaitMs;
  if (
    lockWaitMs !== undefined &&
    'lockWaitThreshold' in options.concurrency &&
    lockWaitMs > options.concurrency.lockWaitThreshold &&
    emitter.has('lock:wait')
  ) {
    emitter.emit('lock:wait', Object.assign(requestEvent(runtime, state.record), { lockWaitMs }));
  }

  // Whether the id changed since the request was sent, taken before anything is awaited.
  const stale = state.sentEpoch !== store.epoch;
  const fromHeader = parseFingerprintHeader(headers.get(options.protocol.fingerprint));
  // A refused CSRF token (419) is refreshed and the request replayed once before it counts as expiry.
  if (
    runtime.tokens &&
    !state.csrfReplayed &&
    runtime.tokens.refused(request, response) &&
    headers.get(options.protocol.expired) !== '1'
  )
    return 'csrf';
  // A login (marked rotatesSession, or sent to the login URL while onExpired runs) cannot expire the session: a
  // 401 to it is a failed login for the app to handle, not something to hold requests for (onExpired itself may be
  // waiting for it), and the server's expiry marker on it only says the id it carried was dead.
  const login = state.ticket.barrier || (runtime.expiry.holding && options.loginUrl(new URL(request.url)));
  const expiry = detectExpiry(request, response, options, login);
  if (expiry instanceof Promise) {
    return expiry.then((signal) =>
      signal
        ? expired(runtime, state, fromHeader, stale, login)
        : readSession(runtime, state, response, fromHeader, stale),
    );
  }
  if (expiry) return expired(runtime, state, fromHeader, stale, login);
  return readSession(runtime, state, response, fromHeader, stale);
};

const expired = (
  runtime: SessionRuntime,
  state: RequestState,
  fromHeader: string | undefined,
  stale: boolean,
  login: boolean,
): Verdict => {
  const { store } = runtime;
  // A failed login goes back to the app as it is; the id its answer may carry is no session of the user's.
  if (login) return 'ok';
  // Another tab is logging in: this answer may have met the id that login replaced. Its new id tells.
  const rotation = runtime.tabs.rotations?.pending();
  if (rotation) {
    return rotation.then(() => expired(runtime, state, fromHeader, state.sentEpoch !== store.epoch, login));
  }
  if (stale && store.state.status === 'active') return 'stale-expired';
  // Sent before the last expiry was decided: that decision covers it (a replay), no new expiry.
  if (runtime.expiry.decided(state.sentEpoch)) return 'expired';
  // The expired state keeps the dead session's fingerprint: one the answer names (a strict-mode replacement) is
  // no session of the user's, and other tabs must recognise the expiry as theirs.
  store.expire(snapshot(state.record));
  // The ids this answer brings (a strict-mode replacement, in the header or the cookie) belong to the expiry.
  const { expiry } = runtime;
  expiry.markDead(fromHeader);
  const cookie = runtime.cookieFingerprint();
  if (cookie instanceof Promise) void cookie.then((fingerprint) => expiry.markDead(fingerprint));
  else expiry.markDead(cookie);
  return 'expired';
};

/** Takes in the session id (header or readable cookie) and lifetime the response reports. */
const readSession = (
  runtime: SessionRuntime,
  state: RequestState,
  response: Response,
  fromHeader: string | undefined,
  stale: boolean,
): Verdict => {
  // An answer to a request that carried the dead id of the expiry being handled says nothing about the session
  // to come: in strict mode its new id is an empty replacement session, not a login.
  if (runtime.expiry.covers(state.sentEpoch)) return 'ok';
  // Read the cookie even when the header names the session, to know whether it is readable at all.
  const cookie = runtime.cookieFingerprint();
  if (fromHeader) return observe(runtime, state, response, stale, fromHeader, undefined);
  if (cookie instanceof Promise) {
    return cookie.then((fromCookie) => observe(runtime, state, response, stale, undefined, fromCookie));
  }
  return observe(runtime, state, response, stale, undefined, cookie);
};

const observe = (
  runtime: SessionRuntime,
  state: RequestState,
  response: Response,
  stale: boolean,
  fromHeader: string | undefined,
  fromCookie: string | undefined,
): ResponseVerdict => {
  const { options, store, expiry } = runtime;
  // During an expiry, the dead id or a replacement of it is no session: only a new id ends the expiry.
  if (fromHeader && expiry.isDead(fromHeader)) fromHeader = undefined;
  if (fromCookie && expiry.isDead(fromCookie)) fromCookie = undefined;
  // A logout: the server says so, or the answer deleted the readable session cookie and names no session. (An
  // HttpOnly cookie was never readable, so its absence says nothing.)
  if (
    response.headers.get(options.protocol.ended) === '1' ||
    (!fromHeader && !fromCookie && runtime.cookieFingerprint.wasReadable() && store.state.status === 'active')
  ) {
    store.end(snapshot(state.record));
    return 'ok';
  }
  // A login, or an answer to a request made while onExpired runs here: a new id it shows ends an expiry.
  const login = state.ticket.barrier || expiry.holding;
  // The request's snapshot, made only if the state changes (once, for both ids).
  let info: RequestInfo | undefined;
  const request = () => {
    info ??= snapshot(state.record);
    return info;
  };
  store.batch(() => {
    // A response to a request sent before the id changed must not roll the state back. The cookie, though, is
    // what the browser sends next, whichever response set it, so it is always current.
    if (fromHeader && !stale) store.observeId(fromHeader, 'protocol', request, login);
    if (fromCookie) store.observeId(fromCookie, 'cookie', request, login);
    store.touch(sessionTtlMs(response.headers, options));
  });
  // After the id is observed: a token handed out with a rotation belongs to the new id.
  runtime.tokens?.observe(response);
  // A request made while onExpired runs showed a live session (a login of any kind): the expiry is over.
  if (store.state.status === 'active' && expiry.holding) expiry.resumedByResponse();
  return 'ok';
};
