import { type Input, TimeoutError } from 'ky';
import { markOwn } from '../core/own-request.js';
import { requestEvent, snapshot } from '../core/request-info.js';
import { simulatedResponse } from '../core/simulated-faults.js';
import { type HeaderSettings, stampSessionHeaders } from '../core/stamp-session-headers.js';
import { drainedByExpiry } from '../session/expiry-coordinator.js';
import { sleep } from '../utils/sleep.js';
import { nextStep } from './next-step.js';
import { readVerdict } from './read-verdict.js';
import type { RequestState } from './request-state.js';
import type { SessionRuntime } from './session-runtime.js';
import { takeTurn } from './take-turn.js';

type Fetch = (input: Input, init?: RequestInit) => Promise<Response>;

/**
 * The `fetch` that ky calls for each attempt of a session request: it waits for the request's turn in the queue
 * (limit, rotation barrier, expiry hold), sends it, and reads what the response says about the session before the
 * next request may go, so that no request is sent with an id the client already knows is stale. A response it
 * does not accept (a lock timeout, an expiry, a refused CSRF token) is handled here too, by sending the request
 * again or rejecting: doing it in an afterResponse hook would make ky clone every response for the hook.
 */
export const createSessionTransport =
  (
    runtime: SessionRuntime,
    state: RequestState,
    settings: HeaderSettings,
    baseFetch: Fetch | undefined,
  ): Fetch =>
  async (input, init) => {
    // ky always hands its fetch a Request.
    let request = input as Request;
    const { deadline, record } = state;
    const { emitter, store, queue, expiry } = runtime;
    let signal = state.callerCanAbort ? deadline.follow(request.signal) : deadline.signal;
    const timedOut = (error: unknown) => (deadline.expired ? new TimeoutError(request) : error);
    let sendInit = markOwn(init, signal);
    let rotated: (() => void) | undefined;
    const send = baseFetch ?? globalThis.fetch;
    // One attempt per turn of the loop, written out here rather than as a function: each async call would cost
    // every request another promise and another turn of the event loop.
    for (;;) {
      request = stampSessionHeaders(request, settings, state.origin);
      // A body can be read once: keep a copy in case the request has to be sent again.
      const spare = request.body ? request.clone() : request;
      const turn = takeTurn(runtime, state, signal);
      const release =
        typeof turn === 'function' ? turn : await turn.catch((error) => Promise.reject(timedOut(error)));
      let response: Response | undefined;
      try {
        if (runtime.tokens) state.csrfSent = await runtime.tokens.stamp(request);
        // The session may have been held while the turn waited (the tabs' write lock, the CSRF token): an expiry
        // seen meanwhile, here or in another tab. Then this request waits for the decision like any other.
        if (expiry.holding && expiry.gate(state.ticket) === 'hold') {
          release();
          continue;
        }
        state.sentEpoch = store.epoch;
        // A login tells the other tabs, which hold their requests until its new id is known, and goes once those
        // they already sent with the id it replaces are answered.
        const rotations = record.rotatesSession ? runtime.tabs.rotations : undefined;
        rotated = rotations?.announce();
        if (rotations) await rotations.othersAnswered(signal);
        record.attempts++;
        if (emitter.has('request:start')) emitter.emit('request:start', requestEvent(runtime, record));
        const fault = runtime.faults.length > 0 ? runtime.faults.shift() : undefined;
        if (fault) response = simulatedResponse(fault, runtime.options.protocol);
        if (!response) {
          expiry.track(state);
          try {
            response = await send(request, sendInit);
          } finally {
            expiry.untrack(state);
          }
        }
        if (fault === 'rotate') store.simulateRotation(snapshot(record));
      } catch (error) {
        rotated?.();
        release();
        if (signal.reason !== drainedByExpiry || !signal.aborted) throw timedOut(error);
        // Stopped by the expiry's drain: it carried the dead id. Held like an expired answer, then sent again.
        queue.reserve(state.ticket);
        state.verdict = 'expired';
        signal = deadline.signal;
        sendInit = markOwn(init, signal);
      }
      if (!response) {
        await nextStep(runtime, state, request, undefined);
        request = spare;
        continue;
      }
      // The verdict is read before the next request may go.
      try {
        record.status = response.status;
        // Cloned before the verdict may read the body (an HTML page where JSON was asked for).
        const observed = emitter.has('request:response') ? response.clone() : undefined;
        const verdict = readVerdict(runtime, state, request, response);
        state.verdict = typeof verdict === 'string' ? verdict : await verdict;
        if (state.verdict === 'ok' && state.endsSession && response.ok) store.end(snapshot(record));
        if (observed) {
          emitter.emit(
            'request:response',
            Object.assign(requestEvent(runtime, record), { response: observed, verdict: state.verdict }),
          );
        }
        // It will be sent again (or fail): keep its place so the requests queued after it do not overtake it.
        if (state.verdict !== 'ok') queue.reserve(state.ticket);
      } finally {
        rotated?.();
        release();
      }
      if (state.verdict === 'ok') return response;
      const delay = await nextStep(runtime, state, request, response);
      if (delay === undefined) return response;
      void response.body?.cancel().catch(() => {});
      if (delay > 0) await sleep(delay, signal).catch((error: unknown) => Promise.reject(timedOut(error)));
      request = spare;
    }
  };
