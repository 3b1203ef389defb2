import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isSessionExpiredError, type SessionExpiredError } from '../../src/index.js';
import { createCookieJarFetch, installDocumentCookie } from '../helpers/cookie-jar-fetch.js';
import { type PhpServer, phpClient, shouldRunPhpSuite, startPhpServer } from '../helpers/php-server.js';
import { fingerprint as fp } from '../helpers/sleep-and-fingerprint.js';

// New, rotated and expired sessions as the client sees them against real PHP, for every combination of
// use_strict_mode, HttpOnly cookie and protocol headers. The readable-cookie source is given a minimal
// `globalThis.document` whose `cookie` shows the jar's non-HttpOnly cookies (installDocumentCookie).

const expiredReason = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isSessionExpiredError(error) ? (error as SessionExpiredError).name : String(error);
  }
};

const combos = [
  { strictMode: false, httpOnlyCookie: false },
  { strictMode: false, httpOnlyCookie: true },
  { strictMode: true, httpOnlyCookie: false },
  { strictMode: true, httpOnlyCookie: true },
] as const;

describe.skipIf(!shouldRunPhpSuite())('session detection against php-fpm', () => {
  const servers: PhpServer[] = [];
  beforeAll(async () => {
    servers.push(...(await Promise.all(combos.map((combo) => startPhpServer(combo)))));
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  for (const [index, combo] of combos.entries()) {
    for (const protocol of [true, false]) {
      const label = `strict mode ${combo.strictMode ? 'on' : 'off'}, ${combo.httpOnlyCookie ? 'HttpOnly' : 'readable'} cookie, protocol ${protocol ? 'on' : 'off'}`;
      const source = protocol ? 'protocol' : combo.httpOnlyCookie ? 'none' : 'cookie';

      test(`with ${label}, the client sees the new session, the login rotation and the expiry it can see (source ${source})`, async () => {
        const server = servers[index]!;
        const q = protocol ? '' : '?protocol=0';
        const k = phpClient(server);
        const restore = installDocumentCookie(k.jar);
        try {
          await k.client.get(`whoami.php${q}`).json();
          if (source === 'none') {
            // Nothing tells the client about the id: it stays unknown.
            expect(k.client.session).toMatchObject({ status: 'unknown', fingerprint: null, source: 'none' });
          } else {
            expect(k.client.session).toMatchObject({
              status: 'active',
              fingerprint: fp(k.jar.get('PHPSESSID')!),
              source,
              rotations: 0,
            });
            expect(k.count('session:start')).toBe(1);
          }

          await k.client.post(`login.php${q}`, { rotatesSession: true }).json();
          if (source !== 'none') {
            expect(k.client.session).toMatchObject({
              status: 'active',
              fingerprint: fp(k.jar.get('PHPSESSID')!),
              rotations: 1,
            });
            expect(k.count('session:rotate')).toBe(1);
          }

          // Another tab logs out (destroys the session; this jar keeps the id).
          const other = createCookieJarFetch(server.origin);
          other.jar.set('PHPSESSID', k.jar.get('PHPSESSID')!);
          await other(`${server.url}/logout.php?cookie=0`);

          const whoami = await expiredReason(k.client.get(`whoami.php${q}`).json());
          if (protocol) {
            // X-Session-Expired: 1 on a 200 answer.
            expect(whoami).toBe('SessionExpiredError');
            expect(k.client.session.status).toBe('expired');
            expect(k.count('session:expire')).toBe(1);
          } else {
            // A 200 with no marker cannot be told from a live session.
            expect(whoami).toBe('resolved');
            expect(k.count('session:expire')).toBe(0);
            // (With strict mode on, the id PHP hands out in place of the dead one is another story: see the
            // test.fails below.)
            if (source === 'cookie' && !combo.strictMode) {
              expect(k.client.session).toMatchObject({ status: 'active', rotations: 1 });
            }
          }

          // The Laravel-like endpoint answers 401 to a JSON request without a user: expired by status.
          const laravel = await expiredReason(k.client.get(`laravel.php${q}`).json());
          expect(laravel).toBe('SessionExpiredError');
          expect(k.client.session.status).toBe('expired');
        } finally {
          restore();
        }
      });
    }
  }

  // A real limitation, kept as the behaviour we want: without the protocol, the client sees only a new readable
  // cookie on a 200 answer. A login's rotation and strict mode's replacement of a dead id look the same from there,
  // so the replacement is counted as a rotation of the user's session. X-Session-Expired (the helper) tells them
  // apart; the protocol-on rows above show it.
  test.fails('with strict mode on, a readable cookie and no protocol, the id PHP hands out after a logout elsewhere is seen as an expiry, not a rotation', async () => {
    const server = servers[2]!;
    const k = phpClient(server);
    const restore = installDocumentCookie(k.jar);
    try {
      await k.client.get('whoami.php?protocol=0').json();
      await k.client.post('login.php?protocol=0', { rotatesSession: true }).json();
      expect(k.count('session:rotate')).toBe(1);
      const other = createCookieJarFetch(server.origin);
      other.jar.set('PHPSESSID', k.jar.get('PHPSESSID')!);
      await other(`${server.url}/logout.php?cookie=0`);
      await expiredReason(k.client.get('whoami.php?protocol=0').json());
      expect(k.count('session:rotate')).toBe(1);
      expect(k.count('session:expire')).toBe(1);
    } finally {
      restore();
    }
  });

  test('a 302 to /login.php (fetch follows it) is an expiry: login-redirect', async () => {
    const server = servers[0]!;
    // A non-XHR request that accepts HTML: the Laravel-like endpoint redirects instead of answering 401.
    const k = phpClient(server, { noCache: false, accept: 'text/html' });
    await k.client.get('whoami.php');
    let error: unknown;
    await k.client
      .get('laravel.php')
      .text()
      .catch((e) => {
        error = e;
      });
    expect(isSessionExpiredError(error)).toBe(true);
    expect((error as SessionExpiredError).message).toMatch(/expired/);
    expect(k.client.session.status).toBe('expired');
  });

  test('a plain app that redirects even JSON requests to the login page is an expiry', async () => {
    const k = phpClient(servers[0]!);
    await k.client.get('whoami.php');
    const reason = await expiredReason(k.client.get('laravel.php?plain=1').json());
    expect(reason).toBe('SessionExpiredError');
  });

  test('a login page served with 200 where JSON was asked for is an expiry: html-for-json', async () => {
    const k = phpClient(servers[0]!);
    await k.client.get('whoami.php');
    const reason = await expiredReason(k.client.get('laravel.php?inline=1').json());
    expect(reason).toBe('SessionExpiredError');
  });

  test('419 (CSRF mismatch) is an expiry; with the right X-CSRF-TOKEN the same request passes', async () => {
    const k = phpClient(servers[2]!);
    const { csrf } = await k.client.post('login.php', { rotatesSession: true }).json<{ csrf: string }>();
    const reason = await expiredReason(
      k.client.post('laravel.php', { headers: { 'x-csrf-token': 'wrong' } }).json(),
    );
    expect(reason).toBe('SessionExpiredError');
    const k2 = phpClient(servers[2]!);
    const login = await k2.client.post('login.php', { rotatesSession: true }).json<{ csrf: string }>();
    expect(login.csrf).not.toBe(csrf);
    const ok = await k2.client
      .post('laravel.php', { headers: { 'x-csrf-token': login.csrf } })
      .json<{ user: string }>();
    expect(ok.user).toBe('alice');
  });

  test('after an expiry without onExpired, the session stays expired until a login brings a new id', async () => {
    const server = servers[2]!;
    const k = phpClient(server);
    await k.client.get('whoami.php');
    const other = createCookieJarFetch(server.origin);
    other.jar.set('PHPSESSID', k.jar.get('PHPSESSID')!);
    await other(`${server.url}/logout.php?cookie=0`);
    const dead = k.jar.get('PHPSESSID');
    expect(await expiredReason(k.client.get('whoami.php').json())).toBe('SessionExpiredError');
    expect(k.client.session.status).toBe('expired');
    // The helper hands out no anonymous session to an AJAX request in its place: the browser keeps the dead
    // cookie, and the next request is expired as well.
    expect(k.jar.get('PHPSESSID')).toBe(dead);
    expect(await expiredReason(k.client.get('whoami.php').json())).toBe('SessionExpiredError');
    expect(k.client.session.status).toBe('expired');
    await k.client.post('login.php', { rotatesSession: true }).json();
    expect(k.client.session).toMatchObject({ status: 'active', fingerprint: fp(k.jar.get('PHPSESSID')!) });
    expect(k.count('session:start')).toBe(2);
  });

  // logout.php answers `X-Session-End: 1` (and deletes the cookie): the session ended, and the next is a new one.
  test('after a logout that deletes the cookie, the session has ended and the next one is a new session', async () => {
    const k = phpClient(servers[0]!);
    await k.client.post('login.php', { rotatesSession: true });
    await k.client.post('logout.php');
    expect(k.client.session.status).toBe('ended');
    const before = k.client.session.fingerprint;
    await k.client.get('whoami.php');
    expect(k.client.session.fingerprint).not.toBe(before);
    expect(k.count('session:start')).toBe(2);
    expect(k.count('session:rotate')).toBe(0);
    expect(k.count('session:expire')).toBe(0);
  });
});
