// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  isSessionOptionsError,
  type LifecycleOptions,
  type SessionClient,
  type SessionClientOptions,
} from '../../src/index.js';
import { lifecycle } from '../../src/lifecycle/index.js';
import { advance, advanceTo, finish, settle, until, useFakeTime } from '../helpers/fake-time.js';
import { client, login, useMockPhp } from '../helpers/mock-php.js';
import { thrown } from '../helpers/thrown.js';

// The keepalive runs on fake time: the pings due in a span of time are counted exactly.
const { php, sent } = useMockPhp();

php.route('POST', '/api/keepalive', async ({ session_start }) => {
  await session_start({ read_and_close: true });
  return { ok: true };
});
php.route('GET', '/api/slow', async ({ sleep: wait }) => {
  await wait(2300);
  return { done: true };
});

const open: SessionClient[] = [];
const setVisibility = (state: 'visible' | 'hidden') => {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
};
beforeEach(() => useFakeTime());
afterEach(() => {
  for (const session of open.splice(0)) session.dispose();
  setVisibility('visible');
  vi.useRealTimers();
});
const make = (heartbeat: LifecycleOptions['heartbeat'], options: SessionClientOptions = {}) => {
  const created = client({ ...options, features: [lifecycle({ heartbeat })] });
  open.push(created);
  return created;
};
const pings = () => sent.filter((request) => new URL(request.url).pathname === '/api/keepalive');

describe('keepalive', () => {
  test('it pings the URL with POST and no-cache headers once per interval while the user is active', async () => {
    const session = make({ url: '/api/keepalive', interval: 1000 });
    const created = Date.now();
    await finish(login(session));
    await advanceTo(created + 999);
    expect(pings()).toHaveLength(0);
    await advanceTo(created + 1000);
    expect(pings()).toHaveLength(1);
    await advanceTo(created + 2000);
    expect(pings()).toHaveLength(2);
    for (const ping of pings()) {
      expect(ping.method).toBe('POST');
      expect(ping.headers.get('cache-control')).toBe('no-cache');
    }
    expect(session.session.status).toBe('active');
  });

  test('it stops while the tab is hidden and resumes when it is visible again', async () => {
    const session = make({ url: '/api/keepalive', interval: 1000 });
    const created = Date.now();
    await finish(login(session));
    setVisibility('hidden');
    await advanceTo(created + 2300);
    expect(pings()).toHaveLength(0);
    setVisibility('visible');
    await advanceTo(created + 3000);
    expect(pings()).toHaveLength(1);
  });

  test('it stops when the user is idle past idleTimeout, and an input event brings it back', async () => {
    const session = make({ url: '/api/keepalive', interval: 1000, idleTimeout: 1500 });
    const created = Date.now();
    await finish(login(session));
    await advanceTo(created + 3300);
    // At 1 s the page had just been used; at 2 s and 3 s the user has been idle for more than 1.5 s.
    expect(pings()).toHaveLength(1);
    document.dispatchEvent(new Event('keydown'));
    await advanceTo(created + 4000);
    expect(pings()).toHaveLength(2);
  });

  test('a long request in flight counts as activity, and only while it is in flight', async () => {
    const session = make({ url: '/api/keepalive', interval: 1000, idleTimeout: 100 });
    const created = Date.now();
    await finish(login(session));
    const slow = session.get('/api/slow', { session: 'read' });
    // Once the script runs (its 2.3 s timer set), fake time may move.
    await until(() => expect(php.log.map((entry) => entry.path)).toContain('/api/slow'));
    const started = Date.now();
    await advanceTo(started + 2300);
    await finish(slow);
    // Pinged at 1 s and 2 s though idle since 0.1 s: the request was in flight.
    expect(pings()).toHaveLength(2);
    await advanceTo(created + 6000);
    expect(pings()).toHaveLength(2);
  });

  test('it never pings a session that has expired', async () => {
    const session = make({ url: '/api/keepalive', interval: 1000 });
    await finish(login(session));
    php.expireAll();
    await finish(session.get('/api/private')).catch(() => undefined);
    expect(session.session.status).toBe('expired');
    await advance(5000);
    expect(pings()).toHaveLength(0);
  });

  test('dispose() stops it', async () => {
    const session = make({ url: '/api/keepalive', interval: 1000 });
    const created = Date.now();
    await finish(login(session));
    await advanceTo(created + 1000);
    expect(pings()).toHaveLength(1);
    session.dispose();
    await settle();
    // No timer of the client is left behind (a disposed client refuses requests anyway: the pings would not go).
    expect(vi.getTimerCount()).toBe(0);
    await advance(10_000);
    expect(pings()).toHaveLength(1);
  });

  test('a bad heartbeat option throws a SessionOptionsError naming it', () => {
    const error = thrown(() => make({ url: '/api/keepalive', interval: 10 }));
    expect(isSessionOptionsError(error)).toBe(true);
    expect((error as Error).message).toContain(
      '`lifecycle.heartbeat.interval`: must be a number of milliseconds from 1000',
    );
    expect((thrown(() => make({ interval: 1000 } as never)) as Error).message).toContain(
      '`lifecycle.heartbeat.url`: is required',
    );
  });

  test('the old top-level heartbeat option is refused with what to import and pass instead', () => {
    expect(() => client({ heartbeat: '/api/keepalive' } as never)).toThrow(
      `is an option of the lifecycle feature now: import { lifecycle } from 'session-fetch/lifecycle' (SessionFetch.lifecycle on a script tag) and pass features: [lifecycle({ heartbeat: "/api/keepalive" })]`,
    );
  });
});
