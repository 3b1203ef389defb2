import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type PhpServer, shouldRunPhpSuite, startPhpServer } from '../helpers/php-server.js';
import { send, sessionCookies, setSessionId, storedSessions } from '../helpers/php-sessions.js';
import { fingerprint as fp } from '../helpers/sleep-and-fingerprint.js';

// What php/session-fetch.php answers to a request that comes with a dead session id, to logins of every style and
// to logouts, decided when the headers go out. Plain node requests with the cookie set explicitly, against
// php-fpm + nginx: files and Redis, strict mode on and off.

const configs = [
  { handler: 'files', strictMode: false, httpOnlyCookie: false },
  { handler: 'files', strictMode: true, httpOnlyCookie: true },
  { handler: 'redis', strictMode: false, httpOnlyCookie: false },
  { handler: 'redis', strictMode: true, httpOnlyCookie: true },
] as const;

type Whoami = { user: string | null };

describe.skipIf(!shouldRunPhpSuite())('the helper and dead session ids, against php-fpm', () => {
  const servers: PhpServer[] = [];
  beforeAll(async () => {
    servers.push(...(await Promise.all(configs.map((c) => startPhpServer({ ...c, workers: 4 })))));
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });

  /** A session that existed (a logged-in user) and was destroyed on the server: its id is dead. */
  const deadId = async (server: PhpServer) => {
    const id = setSessionId(await send(server, 'login-usual.php', { method: 'POST', ajax: true }))!;
    await send(server, 'logout.php?cookie=0', { cookie: id, ajax: true });
    expect(Object.keys(await storedSessions(server))).not.toContain(id);
    return id;
  };

  for (const [index, config] of configs.entries()) {
    const label = `${config.handler}, strict mode ${config.strictMode ? 'on' : 'off'}`;
    const server = () => servers[index]!;

    test(`${label}: an AJAX request with a dead id gets X-Session-Expired and no session cookie, fingerprint or stored session`, async () => {
      const dead = await deadId(server());
      const before = await storedSessions(server());
      const response = await send(server(), 'prefs.php', { cookie: dead, ajax: true });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-session-expired')).toBe('1');
      expect(response.headers.get('x-session-fp')).toBeNull();
      expect(sessionCookies(response)).toEqual([]);
      // The app's own cookie is kept.
      expect(response.headers.getSetCookie()).toEqual(['theme=dark; path=/']);
      expect(await storedSessions(server())).toEqual(before);
    });

    test(`${label}: a write endpoint hit with a dead id is no login: still expired, nothing stored`, async () => {
      const dead = await deadId(server());
      const before = await storedSessions(server());
      const response = await send(server(), 'write.php?tag=lost', {
        method: 'POST',
        cookie: dead,
        ajax: true,
      });
      expect(response.headers.get('x-session-expired')).toBe('1');
      expect(sessionCookies(response)).toEqual([]);
      expect(await storedSessions(server())).toEqual(before);
    });

    test(`${label}: a page load with a dead id keeps PHP's behaviour (a new session), marked expired`, async () => {
      const dead = await deadId(server());
      const response = await send(server(), 'whoami.php', { cookie: dead });
      expect(response.headers.get('x-session-expired')).toBe('1');
      // Strict mode replaces the id (Set-Cookie); without it PHP adopts the dead id and sends no cookie.
      const id = config.strictMode ? setSessionId(response)! : dead;
      expect(sessionCookies(response)).toHaveLength(config.strictMode ? 1 : 0);
      expect(id).not.toBeNull();
      expect(response.headers.get('x-session-fp')).toBe(fp(id));
      expect(Object.keys(await storedSessions(server()))).toContain(id);
      const next = await send(server(), 'whoami.php', { cookie: id, ajax: true });
      expect(next.headers.get('x-session-expired')).toBeNull();
      expect(next.headers.get('x-session-fp')).toBe(fp(id));
    });

    for (const login of [
      'login-usual.php',
      'login-clear.php',
      'login-plain.php',
      'login-plain.php?regenerate=1',
    ]) {
      const viaHelper = !login.startsWith('login-plain');
      test(`${label}: ${login} with a dead cookie logs in, and the next AJAX call through the helper finds the session valid`, async () => {
        const dead = await deadId(server());
        const answer = await send(server(), login, { method: 'POST', cookie: dead, ajax: true });
        expect(answer.status).toBe(200);
        // Without regenerating, a plain login keeps the id PHP gave it: the dead one when strict mode is off.
        const id = setSessionId(answer) ?? dead;
        if (login.includes('regenerate') || viaHelper || config.strictMode) expect(id).not.toBe(dead);
        if (viaHelper) {
          expect(answer.headers.get('x-session-fp')).toBe(fp(id));
          expect(answer.headers.get('x-session-expired')).toBeNull();
        }
        const next = await send(server(), 'whoami.php', { cookie: id, ajax: true });
        expect(next.headers.get('x-session-expired')).toBeNull();
        expect(next.headers.get('x-session-fp')).toBe(fp(id));
        expect(sessionCookies(next)).toEqual([]);
        expect(((await next.json()) as Whoami).user).toBe('alice');
        // Adopted: the marker is stored now, next to the user.
        expect((await storedSessions(server()))[id]).toMatch(/__sf\|i:\d+;/);
      });
    }

    test(`${label}: a login that does not regenerate keeps its session when it says 'login' => true`, async () => {
      const dead = await deadId(server());
      const answer = await send(server(), 'login-noregen.php', { method: 'POST', cookie: dead, ajax: true });
      const id = config.strictMode ? setSessionId(answer)! : dead;
      expect(sessionCookies(answer)).toHaveLength(config.strictMode ? 1 : 0);
      expect(answer.headers.get('x-session-expired')).toBeNull();
      expect(answer.headers.get('x-session-fp')).toBe(fp(id));
      const next = await send(server(), 'whoami.php', { cookie: id, ajax: true });
      expect(((await next.json()) as Whoami).user).toBe('alice');
    });

    test(`${label}: a logout with plain session_destroy() says X-Session-End and expires the cookie`, async () => {
      const id = setSessionId(await send(server(), 'login-usual.php', { method: 'POST', ajax: true }))!;
      const logout = await send(server(), 'logout-usual.php', { method: 'POST', cookie: id, ajax: true });
      expect(logout.headers.get('x-session-end')).toBe('1');
      expect(logout.headers.get('x-session-fp')).toBeNull();
      expect(logout.headers.get('x-session-expired')).toBeNull();
      const attributes = config.httpOnlyCookie ? '; HttpOnly; SameSite=Lax' : '';
      expect(sessionCookies(logout)).toEqual([
        `PHPSESSID=deleted; expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; path=/${attributes}`,
      ]);
      expect(Object.keys(await storedSessions(server()))).not.toContain(id);
    });

    test(`${label}: session_destroy() then session_start() is a rotation, not a logout`, async () => {
      const id = setSessionId(await send(server(), 'login-usual.php', { method: 'POST', ajax: true }))!;
      const answer = await send(server(), 'logout-usual.php?restart=1', {
        method: 'POST',
        cookie: id,
        ajax: true,
      });
      expect(answer.headers.get('x-session-end')).toBeNull();
      // Strict mode refuses the destroyed id and starts a new one; without it PHP starts the same id again, empty.
      const next = config.strictMode ? setSessionId(answer)! : id;
      expect(sessionCookies(answer)).toHaveLength(config.strictMode ? 1 : 0);
      if (config.strictMode) expect(next).not.toBe(id);
      expect(answer.headers.get('x-session-fp')).toBe(fp(next));
      const whoami = await send(server(), 'whoami.php', { cookie: next, ajax: true });
      expect(whoami.headers.get('x-session-expired')).toBeNull();
      expect(((await whoami.json()) as Whoami).user).toBeNull();
    });
  }

  test('session_fetch_destroy() then session_start() leaves the browser with the session, not a deleted cookie', async () => {
    for (const server of [servers[0]!, servers[1]!]) {
      const id = setSessionId(await send(server, 'login-usual.php', { method: 'POST', ajax: true }))!;
      const answer = await send(server, 'logout.php?restart=1', { method: 'POST', cookie: id, ajax: true });
      const next = setSessionId(answer);
      expect(next).not.toBeNull();
      expect(answer.headers.get('x-session-end')).toBeNull();
      expect(answer.headers.get('x-session-fp')).toBe(fp(next!));
      // Strict mode starts a new id; without it PHP starts the destroyed id again (and would send no cookie).
      if (server === servers[1]) expect(next).not.toBe(id);
      else expect(next).toBe(id);
    }
  });

  test('a read_and_close AJAX request with a dead id is expired without a session cookie', async () => {
    const server = servers[1]!;
    const response = await send(server, 'read.php', { cookie: await deadId(server), ajax: true });
    expect(response.headers.get('x-session-expired')).toBe('1');
    expect(sessionCookies(response)).toEqual([]);
  });

  test('fetch and XHR are told from page loads by X-Requested-With, Sec-Fetch-Dest and Accept, or by ?ajax=', async () => {
    const server = servers[1]!;
    const cases: [string, Record<string, string>, boolean][] = [
      ['whoami.php', { 'x-requested-with': 'XMLHttpRequest' }, true],
      ['whoami.php', { 'sec-fetch-dest': 'empty' }, true],
      ['whoami.php', { accept: 'application/json' }, true],
      ['whoami.php', { accept: 'text/html,application/json;q=0.9' }, false],
      ['whoami.php', { 'sec-fetch-dest': 'document', accept: 'text/html' }, false],
      ['whoami.php?ajax=0', { 'x-requested-with': 'XMLHttpRequest' }, false],
      ['whoami.php?ajax=1', {}, true],
    ];
    for (const [path, headers, ajax] of cases) {
      const response = await send(server, path, { cookie: await deadId(server), headers });
      expect({ path, headers, cookies: sessionCookies(response).length }).toEqual({
        path,
        headers,
        cookies: ajax ? 0 : 1,
      });
      expect(response.headers.get('x-session-expired')).toBe('1');
    }
  });
});
