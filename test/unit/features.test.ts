// @vitest-environment happy-dom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { csrf } from '../../src/csrf/index.js';
import {
  type FeatureHost,
  isSessionOptionsError,
  type SessionClientOptions,
  type SessionFeature,
} from '../../src/index.js';
import { lifecycle } from '../../src/lifecycle/index.js';
import { setCsrfMeta } from '../helpers/csrf-meta.js';
import { advance, finish, settle, useFakeTime } from '../helpers/fake-time.js';
import { client, login, useMockPhp } from '../helpers/mock-php.js';
import { thrown } from '../helpers/thrown.js';

// Features are passed in (`features: [csrf(), lifecycle()]`): one not passed does nothing, the ones passed are
// set up on the client's session, and the list itself is checked. (bundled-features.test.ts shows that one not
// passed is not in an app's bundle either.)
const { php, sent } = useMockPhp({ gcMaxLifetimeMs: 2000 });
php.route('POST', '/api/keepalive', async ({ session_start }) => {
  await session_start({ read_and_close: true });
  return { ok: true };
});

afterEach(() => {
  setCsrfMeta(undefined);
  vi.useRealTimers();
});
const sentTo = (path: string) => sent.filter((request) => new URL(request.url).pathname === path);
const refused = (options: unknown) => thrown(() => client(options as SessionClientOptions)) as Error;

describe('a feature not passed', () => {
  test('without csrf() no CSRF token is sent, though the page has one', async () => {
    const session = client();
    await login(session);
    setCsrfMeta('page-token');
    await session.post('/api/echo', { body: 'x' });
    expect(sentTo('/api/echo')[0]!.headers.has('X-CSRF-TOKEN')).toBe(false);
    const withCsrf = client({ features: [csrf()] });
    await withCsrf.post('/api/echo', { body: 'x' });
    expect(sentTo('/api/echo')[1]!.headers.get('X-CSRF-TOKEN')).toBe('page-token');
  });

  test('without lifecycle() no timer runs: no warning, no keepalive, no check when the expiry time passes', async () => {
    useFakeTime();
    const session = client();
    const events: string[] = [];
    for (const name of ['session:expiring', 'session:expire'] as const)
      session.on(name, () => events.push(name));
    await finish(login(session));
    await settle();
    expect(session.session.expiresAt).not.toBeNull();
    expect(vi.getTimerCount()).toBe(0);
    await advance(10_000);
    expect(events).toEqual([]);
    expect(session.session.status).toBe('active');
    expect(php.log.map((entry) => entry.path)).toEqual(['/api/login']);
  });

  test('with lifecycle() the same session is warned about, then declared expired when its time is up', async () => {
    useFakeTime();
    const session = client({ features: [lifecycle({ expiryWarning: 500 })] });
    const events: string[] = [];
    for (const name of ['session:expiring', 'session:expire'] as const)
      session.on(name, () => events.push(name));
    await finish(login(session));
    await settle();
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    await advance(10_000);
    expect(events).toEqual(['session:expiring', 'session:expire']);
    expect(session.session.status).toBe('expired');
  });
});

describe('the features passed', () => {
  test('are set up once, in order, on the session shared with extended clients, and stop with dispose()', () => {
    const calls: string[] = [];
    const probe = (name: string): SessionFeature => ({
      name,
      setup: (host: FeatureHost) => {
        calls.push(
          `${name} ${host.store.state.status} ${host.tabs.channel === undefined ? 'no tabs' : 'tabs'}`,
        );
        host.onDispose(() => calls.push(`${name} disposed`));
      },
    });
    const session = client({ features: [probe('first'), probe('second')], tabs: false });
    const child = session.extend({ prefix: '/api' });
    expect(calls).toEqual(['first unknown no tabs', 'second unknown no tabs']);
    expect(session.options.features).toEqual(['first', 'second']);
    expect(child.options.features).toEqual(['first', 'second']);
    child.dispose();
    expect(calls.slice(2)).toEqual(['second disposed', 'first disposed']);
  });

  test("a feature's tokens go on the client's session requests", async () => {
    const stamped: string[] = [];
    const tokens: SessionFeature = {
      name: 'tokens',
      setup: (host) =>
        host.provideTokens({
          stamp: async (request) => {
            stamped.push(`${request.method} ${new URL(request.url).pathname}`);
            request.headers.set('X-Token', 't');
            return 't';
          },
          refused: () => false,
          refresh: async () => undefined,
          observe: () => {},
        }),
    };
    const session = client({ features: [tokens] });
    await session.post('/api/echo', { body: 'x' });
    expect(stamped).toEqual(['POST /api/echo']);
    expect(sentTo('/api/echo')[0]!.headers.get('X-Token')).toBe('t');
  });

  test('a feature that throws in setup throws from createSessionClient, and the ones set up before are stopped', () => {
    const stopped: string[] = [];
    const first: SessionFeature = {
      name: 'first',
      setup: (host) => host.onDispose(() => stopped.push('first')),
    };
    const broken: SessionFeature = {
      name: 'broken',
      setup: () => {
        throw new Error('broken feature');
      },
    };
    expect(() => client({ features: [first, broken] })).toThrow('broken feature');
    expect(stopped).toEqual(['first']);
  });
});

describe('the features option', () => {
  test('the same feature twice is refused, naming the second', () => {
    const error = refused({ features: [csrf(), lifecycle(), csrf({ refreshUrl: '/csrf' })] });
    expect(isSessionOptionsError(error)).toBe(true);
    expect(error.message).toBe(
      "session-fetch: invalid option `features.2`: is a second feature named 'csrf': pass each feature once",
    );
  });

  test('a feature function passed without calling it is refused, saying to call it', () => {
    expect(refused({ features: [lifecycle] }).message).toBe(
      'session-fetch: invalid option `features.0`: must be a feature: call the function, as in features: [lifecycle()] (got a function)',
    );
  });

  test('anything else is refused with what a feature is', () => {
    expect(refused({ features: [csrf(), { name: 'x' }] }).message).toBe(
      'session-fetch: invalid option `features.1`: must be a feature such as csrf() from \'session-fetch/csrf\' or lifecycle() from \'session-fetch/lifecycle\' (got {"name":"x"})',
    );
    expect(refused({ features: csrf() }).message).toMatch(
      /`features`: must be an array of features, such as \[csrf\(\), lifecycle\(\)\] \(got \{"name":"csrf"\}\)/,
    );
  });

  test('two features that both put tokens on requests are refused', () => {
    const other: SessionFeature = { name: 'other-tokens', setup: (host) => host.provideTokens(host.tokens!) };
    expect(refused({ features: [csrf(), other] }).message).toBe(
      'session-fetch: invalid option `features`: two features put tokens on requests (the second after csrf): pass only one of them',
    );
  });

  test('extend() cannot change the features, which belong to the session', () => {
    const session = client({ features: [csrf()] });
    expect(() => session.extend({ features: [lifecycle()] })).toThrow(
      /`features`: belongs to the session shared by a client and the clients extended from it, so extend\(\) cannot change it/,
    );
  });
});
