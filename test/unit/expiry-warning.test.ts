// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  isSessionOptionsError,
  type LifecycleOptions,
  type SessionClient,
  type SessionClientOptions,
} from '../../src/index.js';
import { lifecycle } from '../../src/lifecycle/index.js';
import { advance, advanceTo, finish, until, useFakeTime } from '../helpers/fake-time.js';
import { client, login, recordEvents, useMockPhp } from '../helpers/mock-php.js';
import { thrown } from '../helpers/thrown.js';

// The mock's sessions live 2 s, and it says so in X-Session-Ttl. The timing tests run on fake time (the mock's
// session clock follows it), so a warning is shown to come at its exact moment, not merely after a sleep.
const { php } = useMockPhp({ gcMaxLifetimeMs: 2000 });

const open: SessionClient[] = [];
afterEach(() => {
  for (const session of open.splice(0)) session.dispose();
  vi.useRealTimers();
});
/** A client with the lifecycle feature (its options first), and the client's own options. */
const make = (watch: LifecycleOptions = {}, options: SessionClientOptions = {}) => {
  const created = client({ ...options, features: [lifecycle(watch)] });
  open.push(created);
  return created;
};
// Ignore the server's TTL header, so `sessionLifetime` decides, as with a server that sends none.
const noTtl = { protocol: { ttl: 'X-Not-Sent' } };
const hits = (path: string) => php.log.filter((entry) => entry.path === path).length;
/** When the client now expects the session to expire. */
const expiresAt = (session: SessionClient) => session.session.expiresAt!;
// A check that writes the session, as session_start() does in PHP (the mock's GC counts writes), with no timer.
php.route('GET', '/api/touch', async ({ session_start, $_SESSION }) => {
  await session_start();
  $_SESSION.touched = Number($_SESSION.touched ?? 0) + 1;
  return { ok: true };
});

describe('session:expiring', () => {
  beforeEach(() => useFakeTime());

  test('it fires expiryWarning ms before the expiry time the server sent', async () => {
    const session = make({ expiryWarning: 1500 });
    const warnings: Array<{ at: number; remainingMs: number }> = [];
    session.on('session:expiring', ({ remainingMs }) => warnings.push({ at: Date.now(), remainingMs }));
    await finish(login(session));
    const expiry = expiresAt(session);
    // Two seconds from the answer, as X-Session-Ttl said.
    expect(expiry - Date.now()).toBeGreaterThan(1900);
    expect(expiry - Date.now()).toBeLessThanOrEqual(2000);
    await advanceTo(expiry - 1501);
    expect(warnings).toEqual([]);
    await advanceTo(expiry - 1500);
    expect(warnings).toEqual([{ at: expiry - 1500, remainingMs: 1500 }]);
    await advanceTo(expiry);
    expect(warnings).toHaveLength(1);
  });

  test('without a TTL header, sessionLifetime counted from the last session response decides', async () => {
    const session = make({ expiryWarning: 1000 }, { ...noTtl, sessionLifetime: 2500 });
    const warned = vi.fn();
    session.on('session:expiring', warned);
    await finish(login(session));
    expect(expiresAt(session) - Date.now()).toBeGreaterThan(2400);
    expect(expiresAt(session) - Date.now()).toBeLessThanOrEqual(2500);
    await advanceTo(expiresAt(session) - 1001);
    expect(warned).not.toHaveBeenCalled();
    await advanceTo(expiresAt(session) - 1000);
    expect(warned).toHaveBeenCalledTimes(1);
  });

  test('a request that touches the session moves the warning later', async () => {
    const session = make({ expiryWarning: 1000 }, { ...noTtl, sessionLifetime: 2500 });
    const warned = vi.fn();
    session.on('session:expiring', warned);
    await finish(login(session));
    const first = expiresAt(session);
    await advance(1200);
    await finish(session.get('/api/whoami'));
    // Without the request it would have warned at first - 1000; now a lifetime after the request, less 1000.
    expect(expiresAt(session)).toBeGreaterThanOrEqual(first + 1200);
    await advanceTo(expiresAt(session) - 1001);
    expect(warned).not.toHaveBeenCalled();
    await advanceTo(expiresAt(session) - 1000);
    expect(warned).toHaveBeenCalledTimes(1);
  });
});

describe('when the time is up', () => {
  beforeEach(() => useFakeTime());

  test('the client asks verifyUrl and emits session:expire only when the server agrees', async () => {
    const session = make({ expiryWarning: 0, verifyUrl: '/api/private' }, { ...noTtl, sessionLifetime: 400 });
    const events = recordEvents(session);
    await finish(login(session));
    php.expireAll();
    await advanceTo(expiresAt(session) - 1);
    expect(hits('/api/private')).toBe(0);
    await advanceTo(expiresAt(session));
    expect(hits('/api/private')).toBe(1);
    // The answer is read over real I/O turns; fake time stands still meanwhile.
    await until(() => expect(session.session.status).toBe('expired'));
    expect(events).toEqual(['session:start', 'session:expire']);
  });

  test('a server that still knows the session re-arms the timer and nothing expires', async () => {
    const session = make({ expiryWarning: 0, verifyUrl: '/api/touch' }, { ...noTtl, sessionLifetime: 1100 });
    const events = recordEvents(session);
    await finish(login(session));
    const first = expiresAt(session);
    await advanceTo(first - 1);
    expect(hits('/api/touch')).toBe(0);
    await advanceTo(first);
    expect(hits('/api/touch')).toBe(1);
    // The check's answer counts as a session response: the next check is a lifetime after it.
    await until(() => expect(expiresAt(session)).toBeGreaterThanOrEqual(first + 1100));
    await advanceTo(expiresAt(session) - 1);
    expect(hits('/api/touch')).toBe(1);
    await advanceTo(expiresAt(session));
    expect(hits('/api/touch')).toBe(2);
    expect(session.session.status).toBe('active');
    expect(events).not.toContain('session:expire');
  });

  test('without a verify URL the client declares the expiry itself, with no request', async () => {
    const session = make({ expiryWarning: 0 }, { ...noTtl, sessionLifetime: 300 });
    await finish(login(session));
    const requests = php.log.length;
    const expiry = expiresAt(session);
    await advanceTo(expiry - 1);
    expect(session.session.status).toBe('active');
    await advanceTo(expiry);
    expect(session.session.status).toBe('expired');
    expect(php.log.length).toBe(requests);
  });
});

describe('wake from sleep and the back/forward cache', () => {
  test('after a return from the back/forward cache, queued requests wait for the session check', async () => {
    const session = make({ verifyUrl: '/api/private' });
    await login(session);
    const pageshow = Object.assign(new Event('pageshow'), { persisted: true });
    window.dispatchEvent(pageshow);
    await session.post('/api/counter');
    const order = php.log.map((entry) => entry.path).slice(-2);
    expect(order).toEqual(['/api/private', '/api/counter']);
  });

  test('a session that expired during the sleep holds the queued requests for onExpired', async () => {
    const onExpired = vi.fn(async () => {
      await login(session);
      return 'resume' as const;
    });
    const session: SessionClient = make({ verifyUrl: '/api/private' }, { onExpired });
    await login(session);
    php.expireAll();
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await expect(session.post('/api/counter').json()).resolves.toEqual({ counter: 1 });
    expect(onExpired).toHaveBeenCalledTimes(1);
    // The request went out once, after the new login: never with the dead session.
    expect(php.log.filter((entry) => entry.path === '/api/counter')).toHaveLength(1);
  });

  test('a timer that fires much later than scheduled (the device slept) triggers the same check', async () => {
    useFakeTime();
    const session = make({ verifyUrl: '/api/private', wakeThreshold: 1000 }, noTtl);
    await finish(login(session));
    await advance(3000);
    // Timers that fire on time are no wake.
    expect(hits('/api/private')).toBe(0);
    // The device sleeps: the clock moves 2.6 s while no timer runs, so the next tick comes that much late.
    vi.setSystemTime(Date.now() + 2600);
    await advance(1000);
    expect(hits('/api/private')).toBe(1);
  });

  test('bad lifecycle() options throw a SessionOptionsError naming them, where lifecycle() is called', () => {
    for (const [options, message] of [
      [{ expiryWarning: -1 }, '`lifecycle.expiryWarning`: must be a number of milliseconds from 0'],
      [
        { verifyUrl: '' },
        '`lifecycle.verifyUrl`: must be a URL (absolute, or relative to the page origin) (got "")',
      ],
      [{ wakeThreshold: 10 }, '`lifecycle.wakeThreshold`: must be a number of milliseconds from 1000'],
      [
        { expiryWarnign: 10 },
        '`lifecycle.expiryWarnign`: is not an option: did you mean `lifecycle.expiryWarning`?',
      ],
    ] as const) {
      const error = thrown(() => lifecycle(options as LifecycleOptions));
      expect(isSessionOptionsError(error)).toBe(true);
      expect((error as Error).message).toContain(message);
    }
  });

  test('the old top-level lifecycle options are refused with what to import and pass instead', () => {
    for (const [option, value, call] of [
      ['expiryWarning', 30_000, 'lifecycle({ expiryWarning: 30000 })'],
      ['verifyUrl', '/api/private', 'lifecycle({ verifyUrl: "/api/private" })'],
      ['wakeThreshold', 5000, 'lifecycle({ wakeThreshold: 5000 })'],
    ] as const) {
      expect(() => client({ [option]: value } as SessionClientOptions)).toThrow(
        `session-fetch: invalid option \`${option}\`: is an option of the lifecycle feature now: import { lifecycle } from 'session-fetch/lifecycle' (SessionFetch.lifecycle on a script tag) and pass features: [${call}]`,
      );
    }
  });
});
