import type { Options as KyOptions, ResponsePromise } from 'ky';
import { describe, expectTypeOf, test } from 'vitest';
import { csrf } from '../../src/csrf/index.js';
import {
  createSessionClient,
  type ExpiredContext,
  type ExpiryDecision,
  type FeatureHost,
  type Listener,
  type NotResumedEvent,
  type RequestEvent,
  type RequestInfo,
  type RequestTokens,
  type SessionClient,
  type SessionClientOptions,
  type SessionEvent,
  type SessionFeature,
  type SessionFetchEventName,
  type SessionFetchEvents,
  type SessionMode,
  type SessionState,
} from '../../src/index.js';
import { lifecycle } from '../../src/lifecycle/index.js';

// The public types, pinned: a change to an event name or payload, to onExpired or to the options shows here as a
// failing type test (run by `npm test` through vitest's typecheck), before it reaches an app.

declare const client: SessionClient;

describe('events', () => {
  test('the event names are exactly these', () => {
    expectTypeOf<SessionFetchEventName>().toEqualTypeOf<
      | 'session:start'
      | 'session:rotate'
      | 'session:expire'
      | 'session:end'
      | 'session:resume'
      | 'session:give-up'
      | 'session:not-resumed'
      | 'session:expiring'
      | 'tabs:leader'
      | 'lock:wait'
      | 'lock:retry'
      | 'request:queued'
      | 'request:start'
      | 'request:response'
      | 'request:end'
    >();
  });

  test('session events, session:end included, carry the state before and after and the request', () => {
    expectTypeOf<SessionEvent>().toEqualTypeOf<{
      session: SessionState;
      previous: SessionState;
      request: RequestInfo | undefined;
    }>();
    for (const name of ['start', 'rotate', 'expire', 'end', 'resume', 'give-up'] as const) {
      expectTypeOf<SessionFetchEvents[`session:${typeof name}`]>().toEqualTypeOf<SessionEvent>();
    }
    client.on('session:end', (event) => {
      expectTypeOf(event).toEqualTypeOf<SessionEvent>();
    });
  });

  test("request:response carries the response and the client's verdict on it", () => {
    client.on('request:response', (event) => {
      expectTypeOf(event.response).toEqualTypeOf<Response>();
      expectTypeOf(event.verdict).toEqualTypeOf<
        'ok' | 'lock-timeout' | 'expired' | 'stale-expired' | 'csrf'
      >();
      expectTypeOf(event.request).toEqualTypeOf<RequestInfo>();
      expectTypeOf(event.session).toEqualTypeOf<SessionState>();
    });
  });

  test('the other payloads', () => {
    expectTypeOf<SessionFetchEvents['request:end']>().toEqualTypeOf<RequestEvent & { error: unknown }>();
    expectTypeOf<SessionFetchEvents['lock:retry']>().toEqualTypeOf<
      RequestEvent & { delayMs: number; attempt: number; afterOwnWrite: boolean }
    >();
    expectTypeOf<SessionFetchEvents['lock:wait']>().toEqualTypeOf<RequestEvent & { lockWaitMs: number }>();
    expectTypeOf<SessionFetchEvents['session:expiring']>().toEqualTypeOf<{
      session: SessionState;
      expiresAt: number;
      remainingMs: number;
    }>();
    expectTypeOf<SessionFetchEvents['tabs:leader']>().toEqualTypeOf<{
      leader: boolean;
      session: SessionState;
    }>();
    expectTypeOf<SessionFetchEvents['session:not-resumed']>().toEqualTypeOf<NotResumedEvent>();
    expectTypeOf<SessionFetchEvents['request:queued']>().toEqualTypeOf<RequestEvent>();
    expectTypeOf<SessionFetchEvents['request:start']>().toEqualTypeOf<RequestEvent>();
  });

  test('on() takes a known name and a listener of its payload, and returns the unsubscribe function', () => {
    expectTypeOf(client.on('lock:retry', () => {})).toEqualTypeOf<() => void>();
    expectTypeOf<Listener<'session:expire'>>().toEqualTypeOf<(event: SessionEvent) => void>();
    // @ts-expect-error: not an event
    client.on('session:expired', () => {});
    // @ts-expect-error: session:end carries a SessionEvent, not a RequestEvent
    client.on('session:end', (event: RequestEvent & { error: unknown }) => event);
  });
});

describe('onExpired', () => {
  test('it receives the state, the number waiting and an abort signal, and resolves to resume or give-up', () => {
    expectTypeOf<ExpiredContext>().toEqualTypeOf<{
      session: SessionState;
      readonly waiting: number;
      signal: AbortSignal;
    }>();
    expectTypeOf<ExpiryDecision>().toEqualTypeOf<'resume' | 'give-up'>();
    expectTypeOf<NonNullable<SessionClientOptions['onExpired']>>().toEqualTypeOf<
      (context: ExpiredContext) => Promise<ExpiryDecision>
    >();
  });

  test('an async handler returning a decision literal is accepted; any other value is not', () => {
    createSessionClient({ onExpired: async () => 'resume' });
    createSessionClient({ onExpired: async ({ waiting }) => (waiting > 0 ? 'resume' : 'give-up') });
    // @ts-expect-error: 'retry' is no decision
    createSessionClient({ onExpired: async () => 'retry' });
    // @ts-expect-error: the handler must be async (return a promise)
    createSessionClient({ onExpired: () => 'resume' });
  });
});

describe('options', () => {
  test("ky's and fetch's options are accepted beside the session's", () => {
    createSessionClient({ prefix: '/api', retry: 2, headers: { 'x-app': 'shop' }, credentials: 'include' });
    createSessionClient({
      concurrency: 1,
      lockRetry: { limit: 3 },
      features: [csrf({ refreshUrl: '/csrf.php' }), lifecycle({ heartbeat: '/keepalive.php' })],
      tabs: false,
    });
    expectTypeOf<SessionClientOptions>().toMatchTypeOf<KyOptions>();
  });

  test('the options that became features are type errors at the top level, and features are typed', () => {
    // @ts-expect-error: a feature now, features: [csrf()]
    createSessionClient({ csrf: true });
    // @ts-expect-error: a lifecycle option now, features: [lifecycle({ heartbeat })]
    createSessionClient({ heartbeat: '/keepalive.php' });
    // @ts-expect-error: the feature's function itself, not called
    createSessionClient({ features: [csrf] });
    // @ts-expect-error: an option of lifecycle(), not of csrf()
    csrf({ heartbeat: '/keepalive.php' });
    expectTypeOf(csrf()).toEqualTypeOf<SessionFeature>();
    expectTypeOf<SessionFeature['setup']>().toEqualTypeOf<(host: FeatureHost) => void>();
    expectTypeOf<FeatureHost['tokens']>().toEqualTypeOf<RequestTokens | undefined>();
  });

  test('an unknown option is a type error, as it is an error at run time', () => {
    // @ts-expect-error: a typo of onExpired
    createSessionClient({ onExpire: async () => 'resume' });
    // @ts-expect-error: a typo of a nested option
    createSessionClient({ lockRetry: { limt: 3 } });
    // @ts-expect-error: extend() takes the same options
    client.extend({ deadlien: 5000 });
  });

  test('options of the wrong type are type errors', () => {
    // @ts-expect-error: concurrency is 'adaptive', a number or adaptive settings
    createSessionClient({ concurrency: 'fast' });
    // @ts-expect-error: defaultMode is a SessionMode
    createSessionClient({ defaultMode: 'sometimes' });
    expectTypeOf<SessionMode>().toEqualTypeOf<'write' | 'read' | 'none'>();
  });

  test('requests take the session options of a request, and return ky response promises', () => {
    expectTypeOf(
      client.post('/save', { json: {}, rotatesSession: true, queuePriority: 1 }),
    ).toEqualTypeOf<ResponsePromise>();
    client.get('/report', { session: 'read' });
    // @ts-expect-error: not a SessionMode
    client.get('/report', { session: 'readonly' });
    // @ts-expect-error: a typo of rotatesSession
    client.post('/login', { rotateSession: true });
  });
});
