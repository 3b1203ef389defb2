import type { Input, Options as KyOptions, ResponsePromise } from 'ky';
import type { SessionMode, SessionRequestOptions } from '../core/options.js';
import { markOwn } from '../core/own-request.js';
import { type RequestRecord, requestEvent } from '../core/request-info.js';
import { stampSessionHeaders } from '../core/stamp-session-headers.js';
import { SessionOptionsError } from '../errors/SessionOptionsError.js';
import type { QueueTicket } from '../queue/request-queue.js';
import { Deadline } from '../utils/deadline.js';
import { resolveRequestUrl } from '../utils/resolve-url.js';
import type { ClientConfig } from './client-config.js';
import { callerCanAbort, sessionOptions, withoutSessionKeys } from './ky-request-options.js';
import type { RequestState } from './request-state.js';
import { createSessionTransport } from './session-transport.js';

type SessionOrigin = { readonly noCacheHeaders: boolean };

const modes: ReadonlySet<unknown> = new Set(['write', 'read', 'none']);

/** The deadline aborts with the platform's AbortError; the transport turns it into ky's TimeoutError. */
const noReason = () => undefined;

// Upper-cased from a table: toUpperCase() would make a new string for every request. ky's shortcuts pass lower
// case; installFetch, the jQuery adapter and the heartbeat pass upper case.
const upperCase: Record<string, string> = {};
for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']) {
  upperCase[method] = method;
  upperCase[method.toLowerCase()] = method;
}

/** Sends one request: plain ky for other origins, ky with the session transport for session origins. */
export const sendRequest = (
  config: ClientConfig,
  input: Input,
  options: SessionRequestOptions,
): ResponsePromise => {
  const { session, rotatesSession = false, endsSession = false, queuePriority: priority = 0 } = options;
  const kyRequestOptions = withoutSessionKeys(options);
  const mode: SessionMode = session ?? config.request.defaultMode;
  if (!modes.has(mode))
    throw new SessionOptionsError(
      'session',
      `must be 'write', 'read' or 'none' (got ${JSON.stringify(session)})`,
    );
  if (typeof priority !== 'number' || !Number.isFinite(priority)) {
    throw new SessionOptionsError('queuePriority', `must be a finite number (got ${String(priority)})`);
  }
  const { runtime } = config;
  const url = resolveRequestUrl(input, {
    prefix: kyRequestOptions.prefix ?? config.kyOptions.prefix,
    baseUrl: kyRequestOptions.baseUrl ?? config.kyOptions.baseUrl,
  });
  const origin = url && runtime.options.origins.get(url.origin);
  const requested = kyRequestOptions.method ?? 'get';
  const method = upperCase[requested] ?? requested.toUpperCase();
  const record: RequestRecord = {
    id: runtime.nextId(),
    method,
    url: url ? withSearchParams(url, kyRequestOptions.searchParams) : String(input),
    mode: origin ? mode : 'none',
    foreign: !origin,
    rotatesSession,
    priority,
    createdAt: Date.now(),
    queuedMs: 0,
    attempts: 0,
    lockRetries: 0,
    lockWaitMs: undefined,
    replayed: false,
    held: false,
    status: undefined,
    endedAt: undefined,
    outcome: undefined,
  };
  if (!url || !origin) {
    // Not an allowed origin: no cookies and none of the session machinery.
    const foreign: KyOptions = Object.assign({}, kyRequestOptions, { credentials: 'omit' as const });
    if (runtime.emitter.has('request:response')) foreign.fetch = observeForeign(config, record);
    else if (config.kyOptions.fetch) foreign.fetch = config.kyOptions.fetch;
    return track(config, record, undefined, config.ky(input, foreign));
  }

  if (mode === 'none') {
    return track(
      config,
      record,
      undefined,
      config.ky(input, sessionOptions(config, kyRequestOptions, ownFetch(config, origin), method)),
    );
  }

  const ticket: QueueTicket = {
    seq: record.id,
    priority,
    mode,
    barrier: rotatesSession || endsSession,
    bypassHold: rotatesSession || endsSession,
    // The record has the method and URL an error message names.
    label: record,
  };
  const state: RequestState = {
    record,
    ticket,
    deadline: new Deadline(config.request.deadline, noReason),
    callerCanAbort: callerCanAbort(input, kyRequestOptions, config.kyOptions),
    lockRetry: config.request.lockRetry,
    sentEpoch: runtime.store.epoch,
    verdict: 'ok',
    origin,
    staleReplays: 0,
    expiryReplayed: false,
    endsSession,
  };
  const transport = createSessionTransport(runtime, state, config.request, config.kyOptions.fetch as never);
  const promise = config.ky(input, sessionOptions(config, kyRequestOptions, transport, method));
  return track(config, record, state, promise);
};

/**
 * The fetch for requests the session machinery does not queue: the app's or the browser's, marked as ours, with
 * the session headers and the CSRF token.
 */
const ownFetch =
  (config: ClientConfig, origin: SessionOrigin) =>
  async (input: Input, init?: RequestInit): Promise<Response> => {
    const request = stampSessionHeaders(input as Request, config.request, origin);
    if (config.runtime.tokens) await config.runtime.tokens.stamp(request);
    const send = (config.kyOptions.fetch as typeof fetch | undefined) ?? globalThis.fetch;
    return send(request, markOwn(init));
  };

/** Lets the overlay and diagnostics see responses from other origins too (only while somebody listens). */
const observeForeign =
  (config: ClientConfig, record: RequestRecord) =>
  async (input: Input, init?: RequestInit): Promise<Response> => {
    const send = (config.kyOptions.fetch as typeof fetch | undefined) ?? globalThis.fetch;
    const response = await send(input as Request, markOwn(init));
    record.status = response.status;
    config.runtime.emitter.emit(
      'request:response',
      Object.assign(requestEvent(config.runtime, record), {
        response: response.clone(),
        verdict: 'ok' as const,
      }),
    );
    return response;
  };

/** Records how the request ended and emits `request:end`. */
const track = (
  config: ClientConfig,
  record: RequestRecord,
  state: RequestState | undefined,
  promise: ResponsePromise,
) => {
  const { runtime } = config;
  const { emitter } = runtime;
  // A session request emits its start from the transport, once per attempt.
  if (!state && emitter.has('request:start')) emitter.emit('request:start', requestEvent(runtime, record));
  const finish = (outcome: string, error: unknown) => {
    if (state) {
      state.deadline.dispose();
      runtime.queue.cancel(state.ticket.seq);
    }
    record.endedAt = Date.now();
    record.outcome = outcome;
    if (emitter.has('request:end')) {
      emitter.emit('request:end', Object.assign(requestEvent(runtime, record), { error }));
    }
  };
  promise.then(
    (response) => {
      if (response) record.status = response.status;
      finish('ok', undefined);
    },
    (error: unknown) => {
      const response = (error as { response?: unknown } | null)?.response;
      if (response instanceof Response) record.status = response.status;
      finish(error instanceof Error ? error.name : 'Error', error);
    },
  );
  return promise;
};

/** The URL as sent, with ky's `searchParams` (which ky adds itself), for the request's record and events. */
const withSearchParams = (url: { href: string }, searchParams: KyOptions['searchParams']): string => {
  if (searchParams === undefined || searchParams === null) return url.href;
  const added = new URL(url.href);
  const entries =
    typeof searchParams === 'string' || searchParams instanceof URLSearchParams || Array.isArray(searchParams)
      ? new URLSearchParams(searchParams as string)
      : Object.entries(searchParams).filter(([, value]) => value !== undefined);
  for (const [name, value] of entries) added.searchParams.append(name, String(value));
  return added.href;
};
