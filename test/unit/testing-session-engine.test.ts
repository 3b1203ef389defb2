// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { createPhpServer, fingerprint, installDemoRoutes } from '../../src/testing/index.js';
import { phpRequest, sessionCookie } from '../helpers/php-requests.js';

function counterServer(options: Parameters<typeof createPhpServer>[0] = {}) {
  return createPhpServer(options).route('POST', '/counter', async ({ session_start, $_SESSION }) => {
    await session_start();
    $_SESSION.counter = Number($_SESSION.counter ?? 0) + 1;
    return { counter: $_SESSION.counter };
  });
}

describe('session_start', () => {
  it('starts a new session with a 32-character id and the Debian default cookie when no cookie is sent', async () => {
    const php = counterServer();
    const response = await phpRequest(php, 'POST', '/counter');
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^PHPSESSID=[0-9a-v]{32}; path=\/$/);
    expect(await response.json()).toEqual({ counter: 1 });
    expect(response.headers.get('Cache-Control')).toBe('no-store, no-cache, must-revalidate');
  });

  it('resumes a known session without sending the cookie again', async () => {
    const php = counterServer();
    const id = sessionCookie(await phpRequest(php, 'POST', '/counter'))!;
    const response = await phpRequest(php, 'POST', '/counter', { cookie: id });
    expect(await response.json()).toEqual({ counter: 2 });
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(response.headers.get('X-Session-Expired')).toBeNull();
  });

  it('sends the fingerprint, the time to live and the lock wait of the session', async () => {
    const php = counterServer({ gcMaxLifetimeMs: 60_000 });
    const response = await phpRequest(php, 'POST', '/counter');
    const id = sessionCookie(response)!;
    expect(response.headers.get('X-Session-Fp')).toBe(await fingerprint(id));
    expect(response.headers.get('X-Session-Fp')).toMatch(/^[0-9a-f]{16}$/);
    expect(response.headers.get('X-Session-Ttl')).toBe('60');
    expect(response.headers.get('X-Session-Lock-Wait')).toMatch(/^\d+$/);
  });

  it('replaces an unknown id with a new one in strict mode and, on a page load, marks it expired', async () => {
    const php = counterServer({ strictMode: true });
    const response = await phpRequest(php, 'POST', '/counter', { cookie: 'unknownid123' });
    const id = sessionCookie(response);
    expect(id).toMatch(/^[0-9a-v]{32}$/);
    expect(response.headers.get('X-Session-Expired')).toBe('1');
    expect(response.headers.get('X-Session-Fp')).toBe(await fingerprint(id!));
  });

  it('adopts an unknown id without Set-Cookie by default (strict mode off, as in PHP), still marking it expired', async () => {
    const php = counterServer();
    expect(php.options.strictMode).toBe(false);
    const response = await phpRequest(php, 'POST', '/counter', { cookie: 'clientchosenid' });
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(response.headers.get('X-Session-Expired')).toBe('1');
    expect(response.headers.get('X-Session-Fp')).toBe(await fingerprint('clientchosenid'));
    expect(php.sessions().map((s) => s.id)).toEqual(['clientchosenid']);
  });

  it('forgets a session that was not written for longer than gc_maxlifetime', async () => {
    const php = counterServer({ gcMaxLifetimeMs: 10_000, strictMode: true });
    const id = sessionCookie(await phpRequest(php, 'POST', '/counter'))!;
    php.clock.advance(9_000);
    expect(await (await phpRequest(php, 'POST', '/counter', { cookie: id })).json()).toEqual({ counter: 2 });
    php.clock.advance(10_001);
    const expired = await phpRequest(php, 'POST', '/counter', { cookie: id });
    expect(await expired.json()).toEqual({ counter: 1 });
    expect(expired.headers.get('X-Session-Expired')).toBe('1');
    expect(sessionCookie(expired)).not.toBe(id);
  });

  it('does not extend the lifetime on read_and_close, like the files handler that only writes on close', async () => {
    const php = installDemoRoutes(createPhpServer({ gcMaxLifetimeMs: 10_000 }));
    const { id } = await php.createSession({ user: 'alice' });
    php.clock.advance(6_000);
    await phpRequest(php, 'GET', '/api/whoami', { cookie: id });
    php.clock.advance(6_000);
    const whoami = await phpRequest(php, 'GET', '/api/whoami', { cookie: id });
    expect(await whoami.json()).toMatchObject({ loggedIn: false });
  });

  it('sends none of the protocol headers when the protocol is off', async () => {
    const php = counterServer({ protocol: false, strictMode: true });
    const response = await phpRequest(php, 'POST', '/counter', { cookie: 'unknownid123' });
    expect([...response.headers.keys()].filter((name) => name.startsWith('x-session'))).toEqual([]);
    expect(sessionCookie(response)).toMatch(/^[0-9a-v]{32}$/);
  });

  it('formats the cookie with the configured attributes', async () => {
    const php = counterServer({ cookie: { name: 'SID', httpOnly: true, secure: true, sameSite: 'None' } });
    const [cookie] = (await phpRequest(php, 'POST', '/counter')).headers.getSetCookie();
    expect(cookie).toMatch(/^SID=[0-9a-v]{32}; path=\/; secure; HttpOnly; SameSite=None$/);
  });
});

// What php-fpm 8.2 sends (files and Redis, strict mode on and off), measured; the parity suite checks it again.
describe('Set-Cookie, as php-fpm 8.2 sends it', () => {
  const script = (steps: string) =>
    createPhpServer({ protocol: false, strictMode: true }).route('GET', '/s', async (php) => {
      for (const step of steps.split(' ')) {
        if (step === 'start') await php.session_start();
        if (step === 'read') await php.session_start({ read_and_close: true });
        if (step === 'close') php.session_write_close();
        if (step === 'regenerate') await php.session_regenerate_id(true);
        if (step === 'destroy') php.session_destroy();
        if (step === 'write') php.$_SESSION.x = 1;
      }
      return { id: php.session_id() };
    });
  const run = async (steps: string, cookie: 'none' | 'valid' | 'unknown') => {
    const php = script(steps);
    const valid = cookie === 'valid' ? (await php.createSession({ x: 1 })).id : undefined;
    const sent = cookie === 'none' ? undefined : (valid ?? 'unknownid0123456789');
    const response = await phpRequest(php, 'GET', '/s', { cookie: sent });
    const { id } = (await response.json()) as { id: string };
    const lines = response.headers.getSetCookie();
    const cookies = lines.map((line) => (line === `PHPSESSID=${id}; path=/` ? 'final id' : line));
    return { cookies, id: id === sent ? 'sent' : id === '' ? 'none' : 'new' };
  };

  it.each([
    ['start', 'none', ['final id'], 'new'],
    ['start', 'valid', [], 'sent'],
    ['start', 'unknown', ['final id'], 'new'],
    ['read', 'valid', [], 'sent'],
    ['start close start', 'valid', ['final id'], 'sent'],
    ['start close start close start', 'none', ['final id'], 'new'],
    ['read start', 'valid', ['final id'], 'sent'],
    ['start regenerate', 'valid', ['final id'], 'new'],
    ['start regenerate regenerate', 'none', ['final id'], 'new'],
    ['start regenerate close start', 'valid', ['final id'], 'new'],
    ['start destroy', 'valid', [], 'none'],
    ['start destroy start', 'valid', ['final id'], 'new'],
  ] as const)('%s with a %s cookie: %j, id %s', async (steps, cookie, cookies, id) => {
    expect(await run(steps, cookie)).toEqual({ cookies, id });
  });

  it('leaves the cookie of a session it then destroyed (no cookie was sent)', async () => {
    const { cookies, id } = await run('start destroy', 'none');
    expect(id).toBe('none');
    expect(cookies).toEqual([expect.stringMatching(/^PHPSESSID=[0-9a-v]{32}; path=\/$/)]);
  });

  it('starts the destroyed id again without a cookie when strict mode is off', async () => {
    const php = createPhpServer({ protocol: false }).route('GET', '/s', async (p) => {
      await p.session_start();
      p.session_destroy();
      await p.session_start();
      return { id: p.session_id() };
    });
    const { id } = await php.createSession({ x: 1 });
    const response = await phpRequest(php, 'GET', '/s', { cookie: id });
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await response.json()).toEqual({ id });
  });
});

describe('$_SESSION', () => {
  it('works destructured before session_start because it is a live view of the session', async () => {
    const php = createPhpServer().route('POST', '/set', async ({ $_SESSION, session_start }) => {
      await session_start();
      $_SESSION.answer = 42;
      return { ...$_SESSION };
    });
    const id = sessionCookie(await phpRequest(php, 'POST', '/set'))!;
    expect(php.sessions()).toEqual([{ id, fp: await fingerprint(id), data: { answer: 42 } }]);
  });

  it('throws when used before any session_start instead of losing the write', async () => {
    const php = createPhpServer().route('POST', '/early', async ({ $_SESSION }) => {
      $_SESSION.lost = true;
    });
    const response = await phpRequest(php, 'POST', '/early');
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('before session_start()');
  });

  it('is not saved when written after session_write_close, as in PHP', async () => {
    const php = createPhpServer().route(
      'POST',
      '/late',
      async ({ $_SESSION, session_start, session_write_close }) => {
        await session_start();
        $_SESSION.before = 1;
        session_write_close();
        $_SESSION.after = 2;
      },
    );
    await phpRequest(php, 'POST', '/late');
    expect(php.sessions()[0]?.data).toEqual({ before: 1 });
  });
});

describe('routes', () => {
  it('answers an unknown route with a 404 JSON body', async () => {
    const response = await phpRequest(createPhpServer(), 'GET', '/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not Found' });
  });

  it('matches any method with * and passes :param segments', async () => {
    const php = createPhpServer().route('*', '/users/:id', ({ params, request }) => ({
      id: params.id,
      method: request.method,
    }));
    expect(await (await phpRequest(php, 'DELETE', '/users/7')).json()).toEqual({ id: '7', method: 'DELETE' });
  });

  it('answers a returned string as text/html, like PHP output', async () => {
    const php = createPhpServer().route('GET', '/page', () => '<p>hi</p>');
    const response = await phpRequest(php, 'GET', '/page');
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=UTF-8');
    expect(await response.text()).toBe('<p>hi</p>');
  });
});
