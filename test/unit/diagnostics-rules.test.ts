// @vitest-environment happy-dom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { watchDiagnostics } from '../../src/diagnostics/index.js';
import { createSessionClient, type SessionClientOptions } from '../../src/index.js';

type Handler = (request: Request, index: number) => Response | Promise<Response>;

const page = 'http://localhost:3000';
const json = (body: unknown, headers: Record<string, string> = {}, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** A real client over a stub fetch, watched by the diagnostics. */
const setup = (handler: Handler, options: SessionClientOptions = {}) => {
  let index = 0;
  const client = createSessionClient({
    pageOrigin: page,
    retry: 0,
    fetch: async (input: RequestInfo | URL) => handler(input as Request, index++),
    ...options,
  });
  const diagnostics = watchDiagnostics(client, { pageOrigin: page });
  const ids = () => diagnostics.findings().map((finding) => finding.id);
  return { client, diagnostics, ids };
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

afterEach(() => {
  vi.useRealTimers();
});

describe('session not resumed', () => {
  test('a new session id on several responses in a row is reported once, with its fix', async () => {
    const { client, diagnostics, ids } = setup((_, index) =>
      json({}, { 'x-session-fp': (0xa000 + index).toString(16).padStart(16, '0') }),
    );
    for (let count = 0; count < 6; count++) await client.get(`${page}/api/me`);
    expect(ids()).toEqual(['session-not-resumed']);
    const [finding] = diagnostics.findings();
    expect(finding?.severity).toBe('error');
    expect(finding?.detail).toContain('GET http://localhost:3000/api/me');
    expect(finding?.fix).toMatch(/session_start\(\)/);
    expect(finding?.count).toBe(1);
  });

  test('the same session id on every response stays quiet', async () => {
    const { client, ids } = setup(() => json({}, { 'x-session-fp': 'abcdef0123456789' }));
    for (let count = 0; count < 6; count++) await client.get(`${page}/api/me`);
    expect(ids()).toEqual([]);
  });

  test('a login that rotates the id is not counted as a new session', async () => {
    const fps = ['1111111111111111', '2222222222222222', '2222222222222222', '2222222222222222'];
    const { client, ids } = setup((_, index) => json({}, { 'x-session-fp': fps[index] ?? fps[3]! }));
    await client.get(`${page}/api/me`);
    await client.post(`${page}/api/login`, { rotatesSession: true });
    await client.get(`${page}/api/me`);
    expect(ids()).toEqual([]);
  });
});

describe('output before headers', () => {
  const warning =
    '<br />\n<b>Warning</b>:  Undefined variable $user in <b>/var/www/api/me.php</b> on line <b>3</b><br />\n{"ok":true}';

  test('a PHP warning in HTML form in front of the JSON is reported with the file and line', async () => {
    const { client, diagnostics, ids } = setup(
      () => new Response(warning, { headers: { 'content-type': 'text/html; charset=UTF-8' } }),
    );
    await client.get(`${page}/api/me`, { headers: { accept: 'application/json, text/html' } });
    await vi.waitFor(() => expect(ids()).toEqual(['output-before-headers']));
    const [finding] = diagnostics.findings();
    expect(finding?.detail).toContain('Warning: Undefined variable $user in /var/www/api/me.php on line 3');
    expect(finding?.detail).toContain('GET http://localhost:3000/api/me');
  });

  test('a plain "PHP Notice" about headers already sent explains the missing Set-Cookie', async () => {
    const body =
      'PHP Warning:  session_start(): Session cannot be started after headers have already been sent in /srv/app.php on line 12\n[1,2]';
    const { client, diagnostics } = setup(() => new Response(body));
    await client.get(`${page}/api/list`).catch(() => undefined);
    await vi.waitFor(() => expect(diagnostics.findings()).toHaveLength(1));
    const [finding] = diagnostics.findings();
    expect(finding?.title).toMatch(/Headers already sent/);
    expect(finding?.detail).toMatch(/Set-Cookie/);
    expect(finding?.fix).toMatch(/display_errors/);
  });

  test('plain JSON bodies, and an HTML page that is no PHP message, stay quiet', async () => {
    const { client, ids } = setup((_, index) =>
      index === 0
        ? json({ message: 'Warning: this is data in /x.php on line 3' })
        : new Response('<!doctype html><p>Hello</p>', { headers: { 'content-type': 'text/html' } }),
    );
    await client.get(`${page}/api/a`);
    await client.get(`${page}/api/b`, { headers: { accept: 'text/html' } });
    await settle();
    expect(ids()).toEqual([]);
  });

  test('the same warning 50 times is one finding counted 50 times', async () => {
    const { client, diagnostics } = setup(
      () => new Response(warning, { headers: { 'content-type': 'text/html' } }),
    );
    for (let count = 0; count < 50; count++) {
      await client.get(`${page}/api/me`, { headers: { accept: '*/*' } });
    }
    await vi.waitFor(() => expect(diagnostics.findings()[0]?.count).toBe(50));
    expect(diagnostics.findings()).toHaveLength(1);
  });
});

describe('cross-origin', () => {
  test('a 401 from an origin that is not allowed says the cookies are not sent there', async () => {
    const { client, diagnostics, ids } = setup(() => json({}, {}, 401));
    await client.get('https://api.example.com/me').catch(() => undefined);
    expect(ids()).toEqual(['cross-origin-no-credentials']);
    expect(diagnostics.findings()[0]?.fix).toContain("'https://api.example.com'");
    expect(diagnostics.findings()[0]?.detail).toContain('GET https://api.example.com/me');
  });

  test('a redirect to the login page from an origin that is not allowed says the same', async () => {
    const { client, ids } = setup(() => {
      const response = json({}, {}, 403);
      Object.defineProperty(response, 'redirected', { value: true });
      Object.defineProperty(response, 'url', { value: 'https://api.example.com/login' });
      return response;
    });
    await client.get('https://api.example.com/me').catch(() => undefined);
    expect(ids()).toEqual(['cross-origin-no-credentials']);
  });

  test('a 401 from an allowed origin, or a 404 from another origin, stays quiet', async () => {
    const { client, ids } = setup((request) => json({}, {}, request.url.includes('allowed') ? 401 : 404), {
      origins: ['https://allowed.example.com'],
    });
    await client.get('https://allowed.example.com/me').catch(() => undefined);
    await client.get('https://other.example.com/me').catch(() => undefined);
    expect(ids()).toEqual([]);
  });

  test('a network error on a cross-origin request explains the usual CORS causes', async () => {
    const { client, diagnostics, ids } = setup(
      () => {
        throw new TypeError('Failed to fetch');
      },
      { origins: ['https://api.example.com'] },
    );
    await client.get('https://api.example.com/me').catch(() => undefined);
    expect(ids()).toEqual(['cors-network-error']);
    const detail = diagnostics.findings()[0]?.detail ?? '';
    expect(detail).toContain('Access-Control-Allow-Credentials');
    expect(detail).toContain('Pragma');
  });

  test('a network error on a same-origin request stays quiet', async () => {
    const { client, ids } = setup(() => {
      throw new TypeError('Failed to fetch');
    });
    await client.get(`${page}/api/me`).catch(() => undefined);
    expect(ids()).toEqual([]);
  });

  test('an allowed origin without the fingerprint header, while the page origin sends it, needs Expose-Headers', async () => {
    const { client, diagnostics, ids } = setup(
      (request) => json({}, request.url.startsWith(page) ? { 'x-session-fp': 'abcdef0123456789' } : {}),
      { origins: ['https://api.example.com'] },
    );
    await client.get(`${page}/api/me`);
    await client.get('https://api.example.com/items');
    expect(ids()).toEqual(['headers-not-exposed']);
    expect(diagnostics.findings()[0]?.fix).toContain('Access-Control-Expose-Headers');
  });

  test('an allowed origin that exposes the fingerprint header stays quiet', async () => {
    const { client, ids } = setup(() => json({}, { 'x-session-fp': 'abcdef0123456789' }), {
      origins: ['https://api.example.com'],
    });
    await client.get(`${page}/api/me`);
    await client.get('https://api.example.com/items');
    expect(ids()).toEqual([]);
  });
});

describe('cached responses', () => {
  test('an Age header is reported', async () => {
    const { client, diagnostics, ids } = setup(() => json({}, { age: '120' }));
    await client.get(`${page}/api/me`);
    expect(ids()).toEqual(['cached-response']);
    expect(diagnostics.findings()[0]?.detail).toContain('Age');
  });

  test('a 304 is reported', async () => {
    const { client, ids } = setup(() => new Response(null, { status: 304 }));
    await client.get(`${page}/api/me`).catch(() => undefined);
    expect(ids()).toEqual(['cached-response']);
  });

  test('the same Date header on two responses to one URL seconds apart is reported', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const date = 'Tue, 01 Apr 2025 10:00:00 GMT';
    const { client, ids } = setup(() => json({}, { date }));
    await client.get(`${page}/api/me`);
    vi.setSystemTime(Date.now() + 5000);
    await client.get(`${page}/api/me`);
    expect(ids()).toEqual(['cached-response']);
  });

  test('fresh responses with their own Date stay quiet', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { client, ids } = setup(() => json({}, { date: new Date().toUTCString() }));
    await client.get(`${page}/api/me`);
    vi.setSystemTime(Date.now() + 5000);
    await client.get(`${page}/api/me`);
    // The same Date within a second is normal.
    await client.get(`${page}/api/me`);
    expect(ids()).toEqual([]);
  });
});

describe('lock contention', () => {
  test('long lock waits on an endpoint name it and suggest session_write_close()', async () => {
    const { client, diagnostics, ids } = setup(() => json({}, { 'x-session-lock-wait': '1800' }));
    await client.get(`${page}/api/report?page=1`);
    await client.get(`${page}/api/report?page=2`);
    expect(ids()).toEqual(['lock-contention']);
    const [finding] = diagnostics.findings();
    expect(finding?.detail).toContain('GET http://localhost:3000/api/report');
    expect(finding?.detail).toContain('1800 ms');
    expect(finding?.fix).toMatch(/session_write_close\(\)/);
    expect(finding?.fix).toMatch(/read_and_close/);
    expect(finding?.count).toBe(2);
  });

  test('lock timeouts that were retried are reported', async () => {
    const { client, diagnostics } = setup((_, index) =>
      index === 0
        ? new Response('', { status: 423, headers: { 'x-session-lock': 'timeout', 'retry-after': '0' } })
        : json({}),
    );
    await client.post(`${page}/api/save`);
    expect(diagnostics.findings()[0]?.detail).toMatch(/1 lock timeout/);
  });

  test('short lock waits stay quiet', async () => {
    const { client, ids } = setup(() => json({}, { 'x-session-lock-wait': '20' }));
    await client.get(`${page}/api/report`);
    expect(ids()).toEqual([]);
  });
});

describe('session expiring during a long request', () => {
  const fp = { 'x-session-fp': 'abcdef0123456789' };

  test('a request that starts with an active session, runs 30 s and ends expired is reported', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { client, diagnostics, ids } = setup((_, index) => {
      if (index === 0) return json({}, fp);
      vi.setSystemTime(Date.now() + 30_000);
      return json({}, { 'x-session-expired': '1' }, 401);
    });
    await client.get(`${page}/api/me`);
    await client.post(`${page}/api/export`).catch(() => undefined);
    expect(ids()).toEqual(['expired-during-long-request']);
    expect(diagnostics.findings()[0]?.detail).toContain('POST http://localhost:3000/api/export');
    expect(diagnostics.findings()[0]?.detail).toContain('30 s');
  });

  test('a quick request that finds the session expired stays quiet', async () => {
    const { client, ids } = setup((_, index) =>
      index === 0 ? json({}, fp) : json({}, { 'x-session-expired': '1' }, 401),
    );
    await client.get(`${page}/api/me`);
    await client.post(`${page}/api/export`).catch(() => undefined);
    expect(ids()).toEqual([]);
  });
});

describe('SameSite', () => {
  const options = { origins: ['https://api.other-site.com', 'http://api.localhost:3000'] };

  test('a cross-site allowed origin answering with a new session while same-site keeps it needs SameSite=None', async () => {
    let next = 0x100;
    const { client, diagnostics, ids } = setup(
      (request) =>
        json(
          {},
          {
            'x-session-fp': request.url.startsWith(page)
              ? 'abcdef0123456789'
              : (next++).toString(16).padStart(16, '0'),
          },
        ),
      options,
    );
    await client.get(`${page}/api/me`);
    await client.get('https://api.other-site.com/items');
    await client.get(`${page}/api/me`);
    expect(ids()).toContain('samesite-cookie-blocked');
    const finding = diagnostics.findings().find((item) => item.id === 'samesite-cookie-blocked');
    expect(finding?.fix).toContain('SameSite=None; Secure');
    expect(finding?.detail).toContain('GET https://api.other-site.com/items');
  });

  test('a cross-site allowed origin answering as expired is reported too', async () => {
    const { client, ids } = setup(
      (request) =>
        request.url.startsWith(page)
          ? json({}, { 'x-session-fp': 'abcdef0123456789' })
          : json({}, { 'x-session-expired': '1' }, 401),
      options,
    );
    await client.get(`${page}/api/me`);
    await client.get('https://api.other-site.com/items').catch(() => undefined);
    expect(ids()).toContain('samesite-cookie-blocked');
  });

  test('a cross-site origin that keeps the session stays quiet', async () => {
    const { client, ids } = setup(() => json({}, { 'x-session-fp': 'abcdef0123456789' }), options);
    await client.get(`${page}/api/me`);
    await client.get('https://api.other-site.com/items');
    expect(ids()).toEqual([]);
  });
});
