// @vitest-environment happy-dom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { isSessionOptionsError, type SessionClient, type SessionClientOptions } from '../../src/index.js';
import { client, login, recordEvents, sleep, useMockPhp } from '../helpers/mock-php.js';

// The mock's sessions live 2 s, and it says so in X-Session-Ttl.
const { php } = useMockPhp({ gcMaxLifetimeMs: 2000 });

const open: SessionClient[] = [];
afterEach(() => {
  for (const session of open.splice(0)) session.dispose();
});
const make = (options: SessionClientOptions = {}) => {
  const created = client(options);
  open.push(created);
  return created;
};
// Ignore the server's TTL header, so `sessionLifetime` decides, as with a server that sends none.
const noTtl = { protocol: { ttl: 'X-Not-Sent' } };
const hits = (path: string) => php.log.filter((entry) => entry.path === path).length;

describe('session:expiring', () => {
  test('it fires expiryWarning ms before the expiry time the server sent', async () => {
    const session = make({ expiryWarning: 1500 });
    const warnings: Array<{ at: number; remainingMs: number }> = [];
    session.on('session:expiring', ({ remainingMs }) => warnings.push({ at: Date.now(), remainingMs }));
    const started = Date.now();
    await login(session);
    const { expiresAt } = session.session;
    expect(expiresAt).toBeGreaterThan(started);
    await vi.waitFor(() => expect(warnings).toHaveLength(1), { timeout: 5000 });
    // Not before the warning time; how much later depends on a busy machine's timers (a stalled event loop can
    // push it up to the expiry itself), so the upper bound is the warning window.
    expect(warnings[0]!.at).toBeGreaterThanOrEqual(expiresAt! - 1500 - 5);
    expect(warnings[0]!.remainingMs).toBeLessThanOrEqual(1500);
  });

  test('without a TTL header, sessionLifetime counted from the last session response decides', async () => {
    const session = make({ ...noTtl, sessionLifetime: 2500, expiryWarning: 1000 });
    let warnedAt = 0;
    session.on('session:expiring', () => {
      warnedAt = Date.now();
    });
    await login(session);
    await sleep(1200);
    const touched = Date.now();
    await session.get('/api/whoami');
    await vi.waitFor(() => expect(warnedAt).toBeGreaterThan(0), { timeout: 3000 });
    // 2500 ms after the last response, less the 1000 ms warning.
    expect(warnedAt - touched).toBeGreaterThanOrEqual(1400);
  });

  test('a request that touches the session moves the warning later', async () => {
    const session = make({ ...noTtl, sessionLifetime: 2500, expiryWarning: 1000 });
    const warned = vi.fn();
    session.on('session:expiring', warned);
    await login(session);
    await sleep(1200);
    await session.get('/api/whoami');
    await sleep(900);
    // Without the request it would have warned 1500 ms after the login.
    expect(warned).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(warned).toHaveBeenCalledTimes(1), { timeout: 2000 });
  });
});

describe('when the time is up', () => {
  test('the client asks verifyUrl and emits session:expire only when the server agrees', async () => {
    const session = make({ ...noTtl, sessionLifetime: 400, expiryWarning: 0, verifyUrl: '/api/private' });
    const events = recordEvents(session);
    await login(session);
    php.expireAll();
    await vi.waitFor(() => expect(session.session.status).toBe('expired'), { timeout: 2000 });
    expect(hits('/api/private')).toBe(1);
    expect(events).toEqual(['session:start', 'session:expire']);
  });

  test('a server that still knows the session re-arms the timer and nothing expires', async () => {
    // A verify endpoint that writes the session, as session_start() does in PHP (the mock's GC counts writes).
    const session = make({ ...noTtl, sessionLifetime: 1100, expiryWarning: 0, verifyUrl: '/api/hold?ms=0' });
    const events = recordEvents(session);
    await login(session);
    await sleep(2600);
    expect(hits('/api/hold')).toBeGreaterThanOrEqual(2);
    expect(session.session.status).toBe('active');
    expect(events).not.toContain('session:expire');
  });

  test('without a verify URL the client declares the expiry itself, with no request', async () => {
    const session = make({ ...noTtl, sessionLifetime: 300, expiryWarning: 0 });
    await login(session);
    const requests = php.log.length;
    await vi.waitFor(() => expect(session.session.status).toBe('expired'), { timeout: 2000 });
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
    const session: SessionClient = make({ verifyUrl: '/api/private', onExpired });
    await login(session);
    php.expireAll();
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await expect(session.post('/api/counter').json()).resolves.toEqual({ counter: 1 });
    expect(onExpired).toHaveBeenCalledTimes(1);
    // The request went out once, after the new login: never with the dead session.
    expect(php.log.filter((entry) => entry.path === '/api/counter')).toHaveLength(1);
  });

  test('a timer that fires much later than scheduled (the device slept) triggers the same check', async () => {
    const session = make({ ...noTtl, verifyUrl: '/api/private', wakeThreshold: 1000 });
    await login(session);
    // Block the thread as a sleeping laptop would: the wake timer fires late.
    const until = Date.now() + 2600;
    while (Date.now() < until) {
      // asleep
    }
    await vi.waitFor(() => expect(hits('/api/private')).toBe(1), { timeout: 3000 });
  });

  test('bad lifecycle options throw a SessionOptionsError naming them', () => {
    for (const [options, key] of [
      [{ expiryWarning: -1 }, 'expiryWarning'],
      [{ verifyUrl: '' }, 'verifyUrl'],
      [{ wakeThreshold: 10 }, 'wakeThreshold'],
    ] as const) {
      const error = (() => {
        try {
          make(options as SessionClientOptions);
        } catch (caught) {
          return caught;
        }
      })();
      expect(isSessionOptionsError(error)).toBe(true);
      expect((error as Error).message).toContain(`\`${key}\``);
    }
  });
});
