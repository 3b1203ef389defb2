// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { SessionLocks } from '../../src/testing/engine/session-lock.js';
import {
  createCookieJarFetch,
  createPhpServer,
  installDemoRoutes,
  PHP_WARNING,
} from '../../src/testing/index.js';
import { phpRequest, sessionCookie } from '../helpers/php-requests.js';
import { sleep } from '../helpers/sleep-and-fingerprint.js';

const demo = (options: Parameters<typeof createPhpServer>[0] = {}) =>
  installDemoRoutes(createPhpServer(options));

describe('faults', () => {
  it('prints a warning before the body and then sends no header, so the session cannot start', async () => {
    const php = demo();
    const response = await phpRequest(php, 'POST', '/api/counter?_fault=warningBeforeBody');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=UTF-8');
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(response.headers.get('X-Session-Fp')).toBeNull();
    expect(await response.text()).toBe(`${PHP_WARNING}{"counter":1}`);
    expect(php.sessions()).toEqual([]);
  });

  it('loses the redirect of a script whose output started with a warning', async () => {
    const php = demo();
    const response = await phpRequest(php, 'GET', '/api/redirecting', {
      headers: { 'X-Php-Fault': 'warningBeforeBody' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('Location')).toBeNull();
  });

  it('drops every Set-Cookie with dropSetCookie while the session still starts', async () => {
    const php = demo({ faults: { dropSetCookie: true } });
    const response = await phpRequest(php, 'POST', '/api/counter');
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(php.sessions()).toHaveLength(1);
  });

  it('replays the previous response of the same URL with Age and its Date when cachedResponse is on', async () => {
    const php = demo();
    const { id } = await php.createSession({ user: 'alice' });
    const first = await phpRequest(php, 'GET', '/api/whoami', { cookie: id });
    php.clock.advance(5_000);
    php.faults.cachedResponse = true;
    const cached = await phpRequest(php, 'GET', '/api/whoami', { cookie: 'someone-else' });
    expect(cached.headers.get('Age')).toBe('120');
    expect(cached.headers.get('Date')).toBe(first.headers.get('Date'));
    expect(cached.headers.get('X-Session-Fp')).toBe(first.headers.get('X-Session-Fp'));
    expect(await cached.json()).toMatchObject({ user: 'alice' });
    expect(php.log.at(-1)).toMatchObject({ executed: false, replayed: true });
  });
});

describe('framework answers of the demo routes', () => {
  it('answers 401 Unauthenticated, 419 on a CSRF mismatch and 302 to /login when not logged in', async () => {
    const php = demo();
    const privateResponse = await phpRequest(php, 'GET', '/api/private');
    expect(privateResponse.status).toBe(401);
    expect(await privateResponse.json()).toEqual({ message: 'Unauthenticated.' });
    expect((await phpRequest(php, 'POST', '/api/laravel', { headers: { 'X-CSRF-TOKEN': 'x' } })).status).toBe(
      419,
    );
    const redirect = await phpRequest(php, 'GET', '/api/redirecting');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('Location')).toBe('/login');
  });

  it('accepts the CSRF token the login returned', async () => {
    const php = demo();
    const { csrf } = (await (await php.fetch('/api/login', { method: 'POST' })).json()) as { csrf: string };
    const response = await php.fetch('/api/laravel', { method: 'POST', headers: { 'X-CSRF-TOKEN': csrf } });
    expect(await response.json()).toEqual({ ok: true });
  });

  it('echoes the body it got', async () => {
    const php = demo();
    const response = await phpRequest(php, 'POST', '/api/echo', {
      body: '{"a":1}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(await response.json()).toEqual({ a: 1 });
  });
});

describe('the cookie jar fetch', () => {
  it('keeps the session across calls, follows the login redirect and keeps browsers apart', async () => {
    const php = demo();
    await php.fetch('/api/counter', { method: 'POST' });
    expect(await (await php.fetch('/api/counter', { method: 'POST' })).json()).toEqual({ counter: 2 });
    expect(php.fetch.jar.get('PHPSESSID')).toMatch(/^[0-9a-v]{32}$/);
    const redirected = await php.fetch('/api/redirecting');
    expect(redirected.redirected).toBe(true);
    expect(redirected.url).toBe('http://localhost:3000/login');
    expect(await redirected.text()).toMatch(/^<!DOCTYPE html>/);
    const otherBrowser = createCookieJarFetch(php);
    expect(await (await otherBrowser('/api/counter', { method: 'POST' })).json()).toEqual({ counter: 1 });
  });

  it('sends no cookie with credentials omit and forgets the cookie the logout expires', async () => {
    const php = demo();
    await php.fetch('/api/login', { method: 'POST' });
    const anonymous = await php.fetch('/api/whoami', { credentials: 'omit' });
    expect(await anonymous.json()).toMatchObject({ loggedIn: false });
    expect(await (await php.fetch('/api/whoami')).json()).toMatchObject({ loggedIn: true, user: 'alice' });
    await php.fetch('/api/logout', { method: 'POST' });
    expect(php.fetch.jar.get('PHPSESSID')).toBeUndefined();
  });
});

describe('cors', () => {
  it('answers an allowed origin with its exact origin, credentials and the exposed protocol headers', async () => {
    const php = demo({ cors: { origins: ['https://app.example'] } });
    const response = await phpRequest(php, 'GET', '/api/whoami', {
      headers: { Origin: 'https://app.example' },
    });
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('https://app.example');
    expect(response.headers.get('Access-Control-Allow-Credentials')).toBe('true');
    expect(response.headers.get('Access-Control-Expose-Headers')).toContain('X-Session-Fp');
    expect(response.headers.get('Vary')).toBe('Origin');
  });

  it('answers a preflight with the allowed methods and headers and ignores other origins', async () => {
    const php = demo({ cors: { origins: ['https://app.example'] } });
    const preflight = (origin: string) =>
      phpRequest(php, 'OPTIONS', '/api/counter', {
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      });
    const allowed = await preflight('https://app.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('Access-Control-Allow-Headers')).toContain('Cache-Control, Pragma');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});

describe('inspection', () => {
  it('logs one entry per request with the session fingerprint before and after a login', async () => {
    const php = demo();
    const { id, fp } = await php.createSession();
    const login = await phpRequest(php, 'POST', '/api/login', { cookie: id, body: '{"user":"bob"}' });
    expect(php.log).toEqual([
      expect.objectContaining({
        seq: 1,
        method: 'POST',
        path: '/api/login',
        fp,
        executed: true,
        lockTimeout: false,
      }),
    ]);
    expect(php.log[0]?.fpAfter).toBe(login.headers.get('X-Session-Fp'));
    expect(php.log[0]?.bodyText).toBe('{"user":"bob"}');
    expect(php.log[0]?.endedAt).toBeGreaterThanOrEqual(php.log[0]!.startedAt);
  });

  it('drops every session with expireAll and everything with reset', async () => {
    const php = demo();
    const id = sessionCookie(await phpRequest(php, 'POST', '/api/counter'))!;
    php.expireAll();
    expect(
      (await phpRequest(php, 'POST', '/api/counter', { cookie: id })).headers.get('X-Session-Expired'),
    ).toBe('1');
    php.reset();
    expect(php.log).toEqual([]);
    expect(php.sessions()).toEqual([]);
  });

  it('adds the configured latency before handling', async () => {
    const php = demo({ latencyMs: () => 60 });
    const started = performance.now();
    await phpRequest(php, 'GET', '/login');
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });
});

describe('SessionLocks', () => {
  it('with a lock-wait timeout, serves waiters in the order they poll, not the order they came', async () => {
    let call = 0;
    const locks = new SessionLocks(() => (call++ === 0 ? 60 : 2));
    const first = await locks.acquire('id', 1_000);
    const order: string[] = [];
    const early = locks.acquire('id', 1_000).then((lock) => {
      order.push('early');
      lock.release();
    });
    await sleep(5);
    const late = locks.acquire('id', 1_000).then((lock) => {
      order.push('late');
      lock.release();
    });
    await sleep(10);
    first.release();
    await Promise.all([early, late]);
    expect(order).toEqual(['late', 'early']);
  });

  it('without a timeout (flock), hands the lock to a waiter the moment it is released', async () => {
    const locks = new SessionLocks(() => 1_000);
    const first = await locks.acquire('id', null);
    let woken = false;
    const waiter = locks.acquire('id', null).then((lock) => {
      woken = true;
      return lock;
    });
    await sleep(5);
    expect(woken).toBe(false);
    first.release();
    // No timer: the waiter holds the lock once the pending promise callbacks ran.
    for (let i = 0; i < 3; i++) await Promise.resolve();
    expect(woken).toBe(true);
    (await waiter).release();
  });

  it('without a timeout, picks one of several waiters at random, not the first in line', async () => {
    const orderWith = async (random: number) => {
      const locks = new SessionLocks(undefined, () => random);
      const first = await locks.acquire('id', null);
      const order: string[] = [];
      const waiters = ['a', 'b', 'c'].map((name) =>
        locks.acquire('id', null).then((lock) => {
          order.push(name);
          lock.release();
        }),
      );
      first.release();
      await Promise.all(waiters);
      return order;
    };
    expect(await orderWith(0)).toEqual(['a', 'b', 'c']);
    expect(await orderWith(0.99)).toEqual(['c', 'b', 'a']);
  });
});
