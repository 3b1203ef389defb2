// @vitest-environment happy-dom
import { afterEach, describe, expect, test } from 'vitest';
import { csrf } from '../../src/csrf/index.js';
import { createSessionClient, isSessionExpiredError, isSessionOptionsError } from '../../src/index.js';
import { createPhpServer, installDemoRoutes } from '../../src/testing/index.js';
import { setCsrfMeta } from '../helpers/csrf-meta.js';
import { client, pageOrigin, recordEvents, useMockPhp } from '../helpers/mock-php.js';

const api = installDemoRoutes(createPhpServer());
const evil = installDemoRoutes(createPhpServer());
const { php, sent } = useMockPhp({}, { 'https://api.example.com': api, 'https://evil.example': evil });

// A JSON endpoint handing out the session's token (a new session gets one).
php.route('GET', '/api/csrf', async ({ session_start, $_SESSION }) => {
  await session_start();
  if (typeof $_SESSION.csrf !== 'string') $_SESSION.csrf = globalThis.crypto.randomUUID();
  return { token: $_SESSION.csrf };
});
php.route('GET', '/api/csrf-wrong', () => ({ token: `wrong-${globalThis.crypto.randomUUID()}` }));
// Hands the token out in a response header, as some frameworks do on every response.
php.route('GET', '/api/token-in-header', async ({ session_start, $_SESSION, header }) => {
  await session_start({ read_and_close: true });
  header(`X-CSRF-TOKEN: ${String($_SESSION.csrf)}`);
  return { ok: true };
});

afterEach(() => setCsrfMeta(undefined));

const loginFor = async (session: ReturnType<typeof client>) =>
  (await session.post('/api/login', { json: { user: 'ada' }, rotatesSession: true }).json<{ csrf: string }>())
    .csrf;
const sentTo = (path: string) => sent.filter((request) => new URL(request.url).pathname === path);
const hits = (path: string) => php.log.filter((entry) => entry.path === path);

describe('where the token comes from and where it goes', () => {
  test('the meta tag token is sent on a POST to the page origin and not on a GET', async () => {
    const session = client({ features: [csrf()] });
    const token = await loginFor(session);
    expect(token).toMatch(/\w{8,}/);
    setCsrfMeta(token);
    await expect(session.post('/api/laravel').json()).resolves.toEqual({ ok: true });
    await session.get('/api/whoami');
    expect(sentTo('/api/laravel')[0]!.headers.get('X-CSRF-TOKEN')).toBe(token);
    expect(sentTo('/api/whoami')[0]!.headers.has('X-CSRF-TOKEN')).toBe(false);
    session.dispose();
  });

  test('a request to a non-allowed origin never carries the token, an allow-listed origin does', async () => {
    const session = client({ features: [csrf()], origins: ['https://api.example.com'] });
    setCsrfMeta('secret-token');
    await session.post('https://evil.example/api/echo', { body: 'x' });
    await session.delete('https://evil.example/api/echo').catch(() => undefined);
    await session.post('https://api.example.com/api/echo', { body: 'x' });
    const foreign = sent.filter((request) => request.url.startsWith('https://evil.example'));
    expect(foreign.map((request) => request.method)).toEqual(['POST', 'DELETE']);
    for (const request of foreign) {
      expect(request.headers.has('X-CSRF-TOKEN')).toBe(false);
      expect(request.headers.has('X-XSRF-TOKEN')).toBe(false);
    }
    const allowed = sent.find((request) => request.url.startsWith('https://api.example.com'));
    expect(allowed?.headers.get('X-CSRF-TOKEN')).toBe('secret-token');
    session.dispose();
  });

  test('the XSRF-TOKEN cookie is URL-decoded and sent as X-XSRF-TOKEN, the Laravel pairing', async () => {
    const session = client({ features: [csrf({ meta: false })] });
    // biome-ignore lint/suspicious/noDocumentCookie: the page's own cookie, as Laravel sets it
    document.cookie = 'XSRF-TOKEN=abc%3D%3D; path=/';
    await session.post('/api/echo', { body: 'x' });
    expect(sentTo('/api/echo')[0]!.headers.get('X-XSRF-TOKEN')).toBe('abc==');
    session.dispose();
  });

  test('a token handed out in a response header is picked up and used', async () => {
    const session = client({
      features: [csrf({ responseHeader: 'X-CSRF-TOKEN', meta: false, cookie: false })],
    });
    await loginFor(session);
    await session.get('/api/token-in-header', { session: 'read' });
    await expect(session.post('/api/laravel').json()).resolves.toEqual({ ok: true });
    session.dispose();
  });

  test('safe methods and a session: none request to the page origin follow the same rule', async () => {
    const session = client({ features: [csrf()] });
    setCsrfMeta('t1');
    await session.head('/api/whoami').catch(() => undefined);
    await session.post('/api/echo', { body: 'x', session: 'none' });
    expect(sentTo('/api/whoami')[0]!.headers.has('X-CSRF-TOKEN')).toBe(false);
    expect(sentTo('/api/echo')[0]!.headers.get('X-CSRF-TOKEN')).toBe('t1');
    session.dispose();
  });
});

describe('refusal (419) and refresh', () => {
  test('with no token known, the first unsafe request fetches one first (the Sanctum flow)', async () => {
    const session = client({ features: [csrf({ refreshUrl: '/api/csrf', meta: false })] });
    await session.get('/api/whoami');
    await loginFor(session);
    await expect(session.post('/api/laravel').json()).resolves.toEqual({ ok: true });
    expect(php.log.map((entry) => `${entry.method} ${entry.path}`).slice(0, 3)).toEqual([
      'GET /api/whoami',
      'GET /api/csrf',
      'POST /api/login',
    ]);
    session.dispose();
  });

  test('a 419 fetches one fresh token for all waiting requests and replays each once', async () => {
    const session = client({ features: [csrf({ refreshUrl: '/api/csrf' })] });
    await loginFor(session);
    setCsrfMeta('stale-token');
    const before = hits('/api/csrf').length;
    const results = await Promise.all([1, 2, 3].map(() => session.post('/api/laravel').json()));
    expect(results).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(hits('/api/csrf').length - before).toBe(1);
    expect(hits('/api/laravel').filter((entry) => entry.status === 200)).toHaveLength(3);
    expect(hits('/api/laravel').length).toBeLessThanOrEqual(6);
    expect(session.session.status).toBe('active');
    session.dispose();
  });

  test('a second 419 after the replay counts as expiry', async () => {
    const session = client({ features: [csrf({ refreshUrl: '/api/csrf-wrong' })] });
    const events = recordEvents(session);
    await loginFor(session);
    setCsrfMeta('stale-token');
    const error = await session.post('/api/laravel').catch((caught: unknown) => caught);
    expect(isSessionExpiredError(error)).toBe(true);
    expect(hits('/api/laravel')).toHaveLength(2);
    expect(events).toContain('session:expire');
    session.dispose();
  });

  test('without CSRF configured, a 419 is expiry at once as before', async () => {
    const session = client();
    await loginFor(session);
    const error = await session.post('/api/laravel').catch((caught: unknown) => caught);
    expect(isSessionExpiredError(error)).toBe(true);
    expect(hits('/api/laravel')).toHaveLength(1);
    session.dispose();
  });

  test('after a rotation the old meta token is dropped and a fresh one fetched before the next POST', async () => {
    const session = client({ features: [csrf({ refreshUrl: '/api/csrf' })] });
    setCsrfMeta(await loginFor(session));
    await session.post('/api/laravel');
    // A second login rotates the id and the session's token; the page's meta tag still holds the old one.
    await loginFor(session);
    const before = hits('/api/csrf').length;
    await expect(session.post('/api/laravel').json()).resolves.toEqual({ ok: true });
    expect(hits('/api/laravel').map((entry) => entry.status)).toEqual([200, 200]);
    expect(hits('/api/csrf').length - before).toBe(1);
    session.dispose();
  });
});

describe('options', () => {
  test('a bad csrf() option throws a SessionOptionsError naming it, where csrf() is called', () => {
    const attempt = (options: unknown) => {
      try {
        csrf(options as never);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const badHeader = attempt({ header: 'not a header' });
    expect(isSessionOptionsError(badHeader)).toBe(true);
    expect((badHeader as Error).message).toBe(
      'session-fetch: invalid option `csrf.header`: must be an HTTP header name (got "not a header")',
    );
    expect((attempt({ refreshUrl: 42 }) as Error).message).toMatch(/`csrf\.refreshUrl`: must be a URL/);
    expect(attempt({ refreshUrl: '/csrf' })).toBeUndefined();
    expect((attempt({ nope: 1 }) as Error).message).toMatch(
      /`csrf\.nope`: is not an option; the options of `csrf` are meta, cookie/,
    );
    expect((attempt({ metaa: 'x' }) as Error).message).toContain('did you mean `csrf.meta`?');
    expect((attempt('yes') as Error).message).toMatch(/`csrf`: must be \{ meta, cookie, .*\(got "yes"\)/);
  });

  test('the old top-level csrf option is refused with what to import and pass instead', () => {
    expect(() => createSessionClient({ pageOrigin, csrf: true } as never)).toThrow(
      "session-fetch: invalid option `csrf`: is a feature now: import { csrf } from 'session-fetch/csrf' (SessionFetch.csrf on a script tag) and pass features: [csrf()]",
    );
    expect(() => createSessionClient({ pageOrigin, csrf: { refreshUrl: '/csrf' } } as never)).toThrow(
      'pass features: [csrf({"refreshUrl":"/csrf"})]',
    );
  });
});
