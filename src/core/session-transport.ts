import { type Input, TimeoutError } from 'ky';
import { detectExpiry } from '../session/detect-expiry.js';
import { parseFingerprintHeader } from '../session/fingerprint.js';
import { holdAcrossTabs } from '../tabs/cross-tab-write-lock.js';
import { nextStep } from './next-step.js';
import { markOwn } from './own-request.js';
import { snapshot } from './request-info.js';
import type { RequestState } from './request-state.js';
import type { SessionRuntime } from './session-runtime.js';
import { simulatedResponse } from './simulated-faults.js';

type Fetch = (input: Input, init?: RequestInit) => Promise<Response>;

const now = () => Date.now();

/**
 * The `fetch` that ky calls for each attempt of a session request: it waits for the request's turn in the queue
 * (limit, rotation barrier, expiry hold), sends it, and reads what the response says about the session before the
 * next request may go, so that no request is sent with an id the client already knows is stale. A response it
 * does not accept (a lock timeout, an expiry, a refused CSRF token) is handled here too, by sending the request
 * again or rejecting: doing it in an afterResponse hook would make ky clone every response for the hook.
 */
export const createSessionTransport =
  (runtime: SessionRuntime, state: RequestState, baseFetch: Fetch | undefined): Fetch =>
  async (input, init) => {
    // ky always hands its fetch a Request.
    let request = input as Request;
    const signal = state.deadline ? state.deadline.follow(request.signal) : request.signal;
    const timedOut = (error: unknown) => (state.deadline?.expired ? new TimeoutError(request) : error);
    const sendInit = markOwn(signal === request.signal ? init : { ...init, signal });
    for (;;) {
      // A body can be read once: keep a copy in case the request has to be sent again.
      const spare = request.body ? request.clone() : request;
      const response = await attempt(runtime, state, request, sendInit, signal, baseFetch, timedOut);
      if (state.verdict === 'ok') return response;
      const delay = await nextStep(runtime, state, request, response);
      if (delay === undefined) return response;
      void response.body?.cancel().catch(() => {});
      if (delay > 0) await sleep(delay, signal).catch((error: unknown) => Promise.reject(timedOut(error)));
      request = spare;
    }
  };

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** One attempt: the request's turn, the send, and the verdict, read before the next request may go. */
const attempt = async (
  runtime: SessionRuntime,
  state: RequestState,
  request: Request,
  init: RequestInit,
  signal: AbortSignal,
  baseFetch: Fetch | undefined,
  timedOut: (error: unknown) => unknown,
): Promise<Response> => {
  const { queue, expiry, emitter, store } = runtime;
  const { record, ticket, deadline } = state;
  const held = expiry.holding && !ticket.bypassHold;
  if (held) {
    record.held = true;
    deadline?.pause();
    void expiry.decide(queue.heldCount() + 1);
  }
  const queuedAt = now();
  const { immediate, turn } = queue.acquire(ticket, signal);
  if (!immediate && emitter.has('request:queued')) emitter.emit('request:queued', event(runtime, state));
  let release: () => void;
  try {
    release = await turn;
    // A write holds the tabs' shared write lock from send until its response is read.
    release = await holdAcrossTabs(runtime.tabs.writeLock, ticket, signal, release);
  } catch (error) {
    throw timedOut(error);
  } finally {
    deadline?.resume();
    if (!immediate) record.queuedMs += now() - queuedAt;
  }

  let response: Response;
  try {
    if (runtime.csrf) state.csrfSent = await runtime.csrf.stamp(request);
    state.sentEpoch = store.epoch;
    record.attempts++;
    if (emitter.has('request:start')) emitter.emit('request:start', event(runtime, state));
    const fault = runtime.faults.shift();
    const send = baseFetch ?? globalThis.fetch;
    response = (fault && simulatedResponse(fault, runtime.options.protocol)) ?? (await send(request, init));
    if (fault === 'rotate') store.simulateRotation(snapshot(record));
  } catch (error) {
    release();
    throw timedOut(error);
  }
  try {
    record.status = response.status;
    if (emitter.has('request:response')) {
      emitter.emit('request:response', { ...event(runtime, state), response: response.clone() });
    }
    state.verdict = await readVerdict(runtime, state, request, response);
    if (state.verdict === 'ok' && state.endsSession && response.ok) store.expire(snapshot(record));
    // It will be sent again (or fail): keep its place so the requests queued after it do not overtake it.
    if (state.verdict !== 'ok') queue.reserve(ticket);
  } finally {
    release();
  }
  return response;
};

const event = (runtime: SessionRuntime, state: RequestState) => ({
  request: snapshot(state.record),
  session: runtime.store.state,
});

const readVerdict = async (
  runtime: SessionRuntime,
  state: RequestState,
  request: Request,
  response: Response,
): Promise<RequestState['verdict']> => {
  const { options, store, queue, emitter } = runtime;
  const { headers } = response;
  if (
    (response.status === 423 || response.status === 503) &&
    headers.get(options.protocol.lock)?.trim().toLowerCase() === 'timeout'
  ) {
    queue.limit.onLockTimeout();
    return 'lock-timeout';
  }
  const lockWait = Number.parseFloat(headers.get(options.protocol.lockWait) ?? '');
  const lockWaitMs = Number.isFinite(lockWait) && lockWait >= 0 ? lockWait : undefined;
  if (state.ticket.mode === 'write') queue.limit.onResponse(lockWaitMs);
  state.record.lockWaitMs = lockWaitMs;
  if (
    lockWaitMs !== undefined &&
    'lockWaitThreshold' in options.concurrency &&
    lockWaitMs > options.concurrency.lockWaitThreshold &&
    emitter.has('lock:wait')
  ) {
    emitter.emit('lock:wait', { ...event(runtime, state), lockWaitMs });
  }

  const stale = state.sentEpoch !== store.epoch;
  const fromHeader = parseFingerprintHeader(headers.get(options.protocol.fingerprint));
  // A rotating request (a login) cannot expire the session: its answer is the new session, and a 401 to it is a
  // failed login for the app to handle, not something to hold requests for (onExpired itself sends it).
  const marked = headers.get(options.protocol.expired) === '1';
  // A refused CSRF token (419) is refreshed and the request replayed once before it counts as expiry.
  if (!marked && !state.csrfReplayed && runtime.csrf?.refused(request, response)) return 'csrf';
  if (!state.ticket.barrier && (await detectExpiry(request, response, options))) {
    if (stale && store.state.status === 'active') return 'stale-expired';
    store.expire(snapshot(state.record), fromHeader);
    return 'expired';
  }

  // Read the cookie even when the header names the session, to know whether it is readable at all.
  const cookie = runtime.cookieFingerprint();
  const fromCookie = fromHeader ? undefined : await cookie;
  // A response without a session whose answer deleted the readable session cookie (a logout): the session this
  // tab knew has ended. (An HttpOnly cookie was never readable, so its absence says nothing.)
  if (
    !fromHeader &&
    !fromCookie &&
    runtime.cookieFingerprint.wasReadable() &&
    store.state.status === 'active'
  ) {
    store.expire(snapshot(state.record));
    return 'ok';
  }
  const ttl = Number.parseFloat(headers.get(options.protocol.ttl) ?? '');
  const info = snapshot(state.record);
  store.batch(() => {
    // A response to a request sent before the id changed must not roll the state back. The cookie, though, is
    // what the browser sends next, whichever response set it, so it is always current.
    if (fromHeader && !stale) store.observeId(fromHeader, 'protocol', info, state.ticket.barrier);
    if (fromCookie) store.observeId(fromCookie, 'cookie', info, state.ticket.barrier);
    store.touch(Number.isFinite(ttl) && ttl >= 0 ? ttl * 1000 : options.sessionLifetime);
  });
  // After the id is observed: a token handed out with a rotation belongs to the new id.
  runtime.csrf?.observe(response);
  return 'ok';
};
