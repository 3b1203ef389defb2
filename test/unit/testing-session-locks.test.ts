// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  createPhpServer,
  fingerprint,
  installDemoRoutes,
  type PhpServerOptions,
} from '../../src/testing/index.js';
import { phpRequest, sessionCookie } from '../helpers/php-requests.js';
// `wait`: the route scripts destructure the engine's own `sleep`.
import { sleep as wait } from '../helpers/sleep-and-fingerprint.js';

async function demo(options: PhpServerOptions = {}) {
  const php = installDemoRoutes(createPhpServer(options));
  const session = await php.createSession({ counter: 0, user: 'anon' });
  return { php, id: session.id, fp: session.fp };
}

describe('the session lock', () => {
  it('serializes requests of one session so no increment is lost', async () => {
    const { php, id } = await demo();
    const responses = await Promise.all(
      [1, 2, 3].map(() => phpRequest(php, 'POST', '/api/counter?hold=30', { cookie: id })),
    );
    const counters = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { counter: number }).counter),
    );
    expect(counters.sort()).toEqual([1, 2, 3]);
    expect(php.sessions()[0]?.data.counter).toBe(3);
    expect(
      Math.max(...responses.map((r) => Number(r.headers.get('X-Session-Lock-Wait')))),
    ).toBeGreaterThanOrEqual(50);
  });

  it('takes the lock for read_and_close, so a reader waits for a writer', async () => {
    const { php, id } = await demo();
    const hold = phpRequest(php, 'GET', '/api/hold?ms=150', { cookie: id });
    await wait(20);
    const whoami = await phpRequest(php, 'GET', '/api/whoami', { cookie: id });
    expect(Number(whoami.headers.get('X-Session-Lock-Wait'))).toBeGreaterThanOrEqual(100);
    await hold;
  });

  it('releases the lock right after reading with read_and_close', async () => {
    const { php, id } = await demo();
    php.route('GET', '/slow-read', async ({ session_start, sleep }) => {
      await session_start({ read_and_close: true });
      await sleep(200);
    });
    const read = phpRequest(php, 'GET', '/slow-read', { cookie: id });
    await wait(20);
    const counter = await phpRequest(php, 'POST', '/api/counter', { cookie: id });
    expect(Number(counter.headers.get('X-Session-Lock-Wait'))).toBeLessThan(50);
    await read;
  });

  it('frees the lock at session_write_close, before the script ends', async () => {
    const { php, id } = await demo();
    const early = phpRequest(php, 'POST', '/api/early-close?ms=300', { cookie: id });
    await wait(30);
    const started = performance.now();
    const counter = await phpRequest(php, 'POST', '/api/counter', { cookie: id });
    expect(performance.now() - started).toBeLessThan(150);
    expect(await counter.json()).toEqual({ counter: 1 });
    await early;
    expect(php.sessions()[0]?.data).toMatchObject({ counter: 1, earlyCloses: 1 });
  });

  it('answers a lock timeout with 423 and Retry-After without running the script', async () => {
    const { php, id, fp } = await demo({ lockWaitTimeoutMs: 50 });
    const hold = phpRequest(php, 'GET', '/api/hold?ms=200', { cookie: id });
    await wait(10);
    const blocked = await phpRequest(php, 'POST', '/api/counter', { cookie: id, body: 'increment' });
    expect(blocked.status).toBe(423);
    expect(blocked.headers.get('Retry-After')).toBe('1');
    expect(blocked.headers.get('X-Session-Lock')).toBe('timeout');
    // As the helper answers it: nothing about the session, whose lock this request never had.
    expect(blocked.headers.get('X-Session-Fp')).toBeNull();
    expect(blocked.headers.getSetCookie()).toEqual([]);
    await hold;
    expect(php.sessions()[0]?.data.counter).toBe(0);
    expect(php.log.find((entry) => entry.bodyText === 'increment')).toMatchObject({
      executed: false,
      lockTimeout: true,
      status: 423,
      fp,
    });
  });

  it('runs the script without the lock and drops its write on a timeout when the protocol is off, like phpredis 5', async () => {
    const { php, id } = await demo({ lockWaitTimeoutMs: 50, protocol: false });
    const hold = phpRequest(php, 'GET', '/api/hold?ms=200', { cookie: id });
    await wait(10);
    const blind = await phpRequest(php, 'POST', '/api/counter', { cookie: id });
    expect(blind.status).toBe(200);
    expect(await blind.json()).toEqual({ counter: 1 });
    await hold;
    expect(php.sessions()[0]?.data).toMatchObject({ counter: 0, holds: 1 });
    expect(php.log.at(-1)).toMatchObject({ path: '/api/counter', executed: true, lockTimeout: true });
  });
});

describe('session_regenerate_id(true) races', () => {
  it('gives a late page request with the old id a third new id and empty data in strict mode', async () => {
    const { php, id } = await demo({ strictMode: true });
    const login = await phpRequest(php, 'POST', '/api/login', { cookie: id, body: '{"user":"bob"}' });
    const newId = sessionCookie(login)!;
    expect(newId).not.toBe(id);
    const late = await phpRequest(php, 'GET', '/api/whoami', { cookie: id });
    const thirdId = sessionCookie(late);
    expect(thirdId).toMatch(/^[0-9a-v]{32}$/);
    expect(thirdId).not.toBe(newId);
    expect(late.headers.get('X-Session-Expired')).toBe('1');
    expect(await late.json()).toMatchObject({ user: null, loggedIn: false });
  });

  it('gives a late AJAX request with the old id no cookie at all, so it cannot undo the login (protocol)', async () => {
    const { php, id } = await demo({ strictMode: true });
    const login = await phpRequest(php, 'POST', '/api/login', { cookie: id, body: '{"user":"bob"}' });
    const newId = sessionCookie(login)!;
    const late = await phpRequest(php, 'POST', '/api/counter', {
      cookie: id,
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    expect(late.headers.getSetCookie()).toEqual([]);
    expect(late.headers.get('X-Session-Expired')).toBe('1');
    expect(php.sessions().map((session) => session.id)).toEqual([newId]);
  });

  it('silently recreates the old id empty for a late request when strict mode is off', async () => {
    const { php, id, fp } = await demo({ strictMode: false });
    await phpRequest(php, 'POST', '/api/login', { cookie: id });
    const late = await phpRequest(php, 'POST', '/api/counter', { cookie: id });
    expect(late.headers.getSetCookie()).toEqual([]);
    expect(late.headers.get('X-Session-Fp')).toBe(fp);
    expect(await late.json()).toEqual({ counter: 1 });
  });

  it('lets a request already waiting on the old id read the old file and lose its write (files handler)', async () => {
    const { php, id, fp } = await demo();
    php.route('POST', '/slow-login', async ({ session_start, session_regenerate_id, $_SESSION, sleep }) => {
      await session_start();
      await sleep(80);
      await session_regenerate_id(true);
      $_SESSION.user = 'bob';
    });
    const login = phpRequest(php, 'POST', '/slow-login', { cookie: id });
    await wait(20);
    const waiting = await phpRequest(php, 'POST', '/api/counter', { cookie: id });
    const newId = sessionCookie(await login)!;
    expect(waiting.headers.getSetCookie()).toEqual([]);
    expect(waiting.headers.get('X-Session-Fp')).toBe(fp);
    expect(await waiting.json()).toEqual({ counter: 1 });
    expect(php.sessions()).toEqual([
      { id: newId, fp: await fingerprint(newId), data: { counter: 0, user: 'bob' } },
    ]);
  });

  it('lets a request already waiting on the old id read it empty and recreate it (lock-timeout handler)', async () => {
    const { php, id, fp } = await demo({ lockWaitTimeoutMs: 1_000 });
    php.route('POST', '/slow-login', async ({ session_start, session_regenerate_id, sleep }) => {
      await session_start();
      await sleep(80);
      await session_regenerate_id(true);
    });
    const login = phpRequest(php, 'POST', '/slow-login', { cookie: id });
    await wait(20);
    const waiting = await phpRequest(php, 'GET', '/api/whoami', { cookie: id });
    await login;
    expect(waiting.headers.get('X-Session-Fp')).toBe(fp);
    expect(await waiting.json()).toMatchObject({ user: null, counter: 0 });
  });

  it('moves the lock to the new id', async () => {
    const { php, id } = await demo();
    php.route('POST', '/login-then-hold', async ({ session_start, session_regenerate_id, sleep }) => {
      await session_start();
      await session_regenerate_id(false);
      await sleep(150);
    });
    const login = phpRequest(php, 'POST', '/login-then-hold', { cookie: id });
    await wait(20);
    const started = performance.now();
    await phpRequest(php, 'POST', '/api/counter', { cookie: id });
    expect(performance.now() - started).toBeLessThan(100);
    const newId = sessionCookie(await login)!;
    const onNew = phpRequest(php, 'GET', '/api/hold?ms=0', { cookie: newId });
    expect((await onNew).status).toBe(200);
  });
});

describe('session_destroy', () => {
  it('deletes the data and the logout route expires the cookie', async () => {
    const { php, id } = await demo();
    const logout = await phpRequest(php, 'POST', '/api/logout', { cookie: id });
    expect(logout.headers.getSetCookie()).toEqual([
      'PHPSESSID=deleted; expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; path=/',
    ]);
    expect(logout.headers.get('X-Session-Fp')).toBeNull();
    expect(php.sessions()).toEqual([]);
  });
});
