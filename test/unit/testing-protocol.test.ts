// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createPhpServer, fingerprint, type PhpServerOptions } from '../../src/testing/index.js';
import { phpRequest, sessionCookie } from '../helpers/php-requests.js';

// `protocol: true`: the mock decides what to send when the script is done, as php/session-fetch.php does.

const AJAX = { 'X-Requested-With': 'XMLHttpRequest' };

function app(options: PhpServerOptions = {}) {
  return createPhpServer(options)
    .route('GET', '/whoami', async ({ session_start, $_SESSION, setcookie }) => {
      await session_start();
      setcookie('theme', 'dark');
      return { user: $_SESSION.user ?? null };
    })
    .route('GET', '/read', async ({ session_start, $_SESSION }) => {
      await session_start({ read_and_close: true });
      return { user: $_SESSION.user ?? null };
    })
    .route('POST', '/write', async ({ session_start, $_SESSION }) => {
      await session_start();
      $_SESSION.count = Number($_SESSION.count ?? 0) + 1;
      return { count: $_SESSION.count };
    })
    .route('POST', '/login', async ({ session_start, session_regenerate_id, $_SESSION }) => {
      await session_start();
      await session_regenerate_id(true);
      $_SESSION.user = 'alice';
      return { user: 'alice' };
    })
    .route('POST', '/login-noregen', async ({ session_start, $_SESSION }) => {
      await session_start({ login: true });
      $_SESSION.user = 'alice';
      return { user: 'alice' };
    })
    .route('POST', '/plain-login', async ({ session_start, $_SESSION }) => {
      await session_start({ protocol: false }); // a login page without the helper
      $_SESSION.user = 'alice';
      return { user: 'alice' };
    })
    .route('POST', '/plain-visit', async ({ session_start }) => {
      await session_start({ protocol: false });
    })
    .route('POST', '/logout', async ({ session_start, session_destroy, query }) => {
      await session_start();
      session_destroy();
      if (query.get('restart') === '1') await session_start();
      return { loggedOut: true };
    });
}

/** A session that was there and was destroyed: its id is dead. */
async function deadId(php: ReturnType<typeof app>) {
  const { id } = await php.createSession({ user: 'alice' });
  await phpRequest(php, 'POST', '/logout', { cookie: id });
  return id;
}

describe.each([false, true])('with strict mode %s', (strictMode) => {
  it('answers an AJAX request with a dead id expired, without a session cookie or fingerprint, and keeps nothing', async () => {
    const php = app({ strictMode });
    const response = await phpRequest(php, 'GET', '/whoami', { cookie: await deadId(php), headers: AJAX });
    expect(response.headers.get('X-Session-Expired')).toBe('1');
    expect(response.headers.get('X-Session-Fp')).toBeNull();
    expect(response.headers.getSetCookie()).toEqual(['theme=dark; path=/']);
    expect(php.sessions()).toEqual([]);
  });

  it('does not take a write for a login: still expired, nothing kept', async () => {
    const php = app({ strictMode });
    const response = await phpRequest(php, 'POST', '/write', { cookie: await deadId(php), headers: AJAX });
    expect(response.headers.get('X-Session-Expired')).toBe('1');
    expect(sessionCookie(response)).toBeNull();
    expect(php.sessions()).toEqual([]);
  });

  it("gives a page load with a dead id PHP's new session, marked expired, and keeps it", async () => {
    const php = app({ strictMode });
    const dead = await deadId(php);
    const response = await phpRequest(php, 'GET', '/whoami', { cookie: dead });
    const id = strictMode ? sessionCookie(response)! : dead;
    expect(sessionCookie(response)).toBe(strictMode ? id : null);
    expect(response.headers.get('X-Session-Expired')).toBe('1');
    expect(response.headers.get('X-Session-Fp')).toBe(await fingerprint(id));
    const next = await phpRequest(php, 'GET', '/whoami', { cookie: id, headers: AJAX });
    expect(next.headers.get('X-Session-Expired')).toBeNull();
  });

  it('keeps the session a login with a dead id made, with the new fingerprint on its own answer', async () => {
    const php = app({ strictMode });
    const login = await phpRequest(php, 'POST', '/login', { cookie: await deadId(php), headers: AJAX });
    const id = sessionCookie(login)!;
    expect(login.headers.get('X-Session-Expired')).toBeNull();
    expect(login.headers.get('X-Session-Fp')).toBe(await fingerprint(id));
    const next = await phpRequest(php, 'GET', '/whoami', { cookie: id, headers: AJAX });
    expect(next.headers.get('X-Session-Expired')).toBeNull();
    expect(await next.json()).toEqual({ user: 'alice' });
  });

  it('keeps a login that does not regenerate when it says login: true', async () => {
    const php = app({ strictMode });
    const dead = await deadId(php);
    const login = await phpRequest(php, 'POST', '/login-noregen', { cookie: dead, headers: AJAX });
    const id = strictMode ? sessionCookie(login)! : dead;
    expect(login.headers.get('X-Session-Expired')).toBeNull();
    expect(login.headers.get('X-Session-Fp')).toBe(await fingerprint(id));
    expect(php.sessions().map((s) => s.data)).toEqual([{ user: 'alice' }]);
  });

  it('adopts a session a script without the protocol made, and calls one that arrives empty expired', async () => {
    const php = app({ strictMode });
    const plain = await phpRequest(php, 'POST', '/plain-login', { cookie: await deadId(php), headers: AJAX });
    expect(plain.headers.get('X-Session-Fp')).toBeNull();
    const id = sessionCookie(plain) ?? (await php.sessions())[0]!.id;
    const next = await phpRequest(php, 'GET', '/whoami', { cookie: id, headers: AJAX });
    expect(next.headers.get('X-Session-Expired')).toBeNull();
    expect(await next.json()).toEqual({ user: 'alice' });
    const empty = sessionCookie(await phpRequest(php, 'POST', '/plain-visit'))!;
    const arrived = await phpRequest(php, 'GET', '/whoami', { cookie: empty, headers: AJAX });
    expect(arrived.headers.get('X-Session-Expired')).toBe('1');
  });
});

describe('logout', () => {
  it('says X-Session-End and expires the cookie when the script only called session_destroy()', async () => {
    const php = app();
    const { id } = await php.createSession({ user: 'alice' });
    const response = await phpRequest(php, 'POST', '/logout', { cookie: id, headers: AJAX });
    expect(response.headers.get('X-Session-End')).toBe('1');
    expect(response.headers.get('X-Session-Fp')).toBeNull();
    expect(response.headers.getSetCookie()).toEqual([
      'PHPSESSID=deleted; expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; path=/',
    ]);
  });

  it('takes session_destroy() then session_start() for a rotation', async () => {
    const php = app({ strictMode: true });
    const { id } = await php.createSession({ user: 'alice' });
    const response = await phpRequest(php, 'POST', '/logout?restart=1', { cookie: id, headers: AJAX });
    const next = sessionCookie(response)!;
    expect(next).not.toBe(id);
    expect(response.headers.get('X-Session-End')).toBeNull();
    expect(response.headers.get('X-Session-Fp')).toBe(await fingerprint(next));
  });
});

describe('what counts as AJAX', () => {
  it.each([
    [{ 'Sec-Fetch-Dest': 'empty' }, true],
    [{ Accept: 'application/json' }, true],
    [{ Accept: 'text/html,application/json;q=0.9' }, false],
    [{}, false],
  ])('%j: AJAX %s', async (headers, ajax) => {
    const php = app({ strictMode: true });
    const response = await phpRequest(php, 'GET', '/whoami', { cookie: await deadId(php), headers });
    expect(sessionCookie(response) !== null).toBe(!ajax);
  });

  it('is overridden by session_start({ ajax })', async () => {
    const php = app({ strictMode: true }).route('GET', '/page', async ({ session_start }) => {
      await session_start({ ajax: false });
    });
    const response = await phpRequest(php, 'GET', '/page', { cookie: await deadId(php), headers: AJAX });
    expect(sessionCookie(response)).not.toBeNull();
  });

  it('answers a read_and_close AJAX request with a dead id without a cookie, and marks a new read session', async () => {
    const php = app({ strictMode: true });
    const dead = await phpRequest(php, 'GET', '/read', { cookie: await deadId(php), headers: AJAX });
    expect(dead.headers.get('X-Session-Expired')).toBe('1');
    expect(sessionCookie(dead)).toBeNull();
    const id = sessionCookie(await phpRequest(php, 'GET', '/read', { headers: AJAX }))!;
    const next = await phpRequest(php, 'GET', '/read', { cookie: id, headers: AJAX });
    expect(next.headers.get('X-Session-Expired')).toBeNull();
  });
});
