// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { createPhpServer, installDemoRoutes } from '../../src/testing/index.js';
import { client, pageOrigin, useMockPhp } from '../helpers/mock-php.js';

const api = installDemoRoutes(createPhpServer({ baseUrl: 'https://api.example.com' }));
const stranger = installDemoRoutes(createPhpServer({ baseUrl: 'https://tracker.example.net' }));
// A page on a cross origin that does not start a session: msw keeps cross-origin cookies across tests.
for (const server of [api, stranger]) server.route('GET', '/api/public', () => ({ ok: true }));
const { sent } = useMockPhp({}, { 'https://api.example.com': api, 'https://tracker.example.net': stranger });

describe('credentials', () => {
  test("requests to the page's own origin include credentials and keep the session", async () => {
    const session = client();
    await session.post('/api/login', { json: { user: 'ada' }, rotatesSession: true });
    const me = await session.get('/api/whoami').json<{ user: string }>();
    expect(me.user).toBe('ada');
    expect(sent.every((request) => request.credentials === 'include')).toBe(true);
  });

  test('an allow-listed origin gets credentials and the session machinery', async () => {
    const session = client({ origins: ['https://api.example.com'] });
    await session.post('https://api.example.com/api/login', { json: { user: 'bo' } });
    expect(sent[0]?.credentials).toBe('include');
    expect(session.session.status).toBe('active');
  });

  test('any other origin gets credentials omitted and no session tracking', async () => {
    const session = client({ origins: ['https://api.example.com'] });
    const starts: unknown[] = [];
    session.on('session:start', (event) => starts.push(event));
    await session.post('https://tracker.example.net/api/login', { json: { user: 'eve' } });
    expect(sent[0]?.credentials).toBe('omit');
    expect(sent[0]?.headers.get('cache-control')).toBeNull();
    expect(session.session.status).toBe('unknown');
    expect(starts).toEqual([]);
  });
});

describe('no caching', () => {
  test('same-origin session requests carry no-cache headers, no-store, JSON Accept and X-Requested-With', async () => {
    // happy-dom's Request has no `cache`, so read what ky was told (real Chromium checks the Request itself).
    const cache: unknown[] = [];
    await client({ hooks: { beforeRequest: [({ options }) => void cache.push(options.cache)] } }).get(
      '/api/whoami',
    );
    expect(cache).toEqual(['no-store']);
    const request = sent[0]!;
    expect(request.headers.get('cache-control')).toBe('no-cache');
    expect(request.headers.get('pragma')).toBe('no-cache');
    expect(request.headers.get('accept')).toBe('application/json');
    expect(request.headers.get('x-requested-with')).toBe('XMLHttpRequest');
  });

  test('allow-listed cross origins get no preflight-triggering headers unless asked for', async () => {
    const session = client({
      origins: ['https://api.example.com', { origin: 'https://tracker.example.net', noCacheHeaders: true }],
    });
    await session.get('https://api.example.com/api/public');
    await session.get('https://tracker.example.net/api/public');
    expect(sent[0]!.headers.get('cache-control')).toBeNull();
    expect(sent[0]!.headers.get('x-requested-with')).toBeNull();
    expect(sent[1]!.headers.get('cache-control')).toBe('no-cache');
  });

  test('cacheBust adds an increasing _ parameter to GET requests only', async () => {
    const session = client({ cacheBust: true });
    await session.get('/api/whoami');
    await session.get('/api/whoami?x=1');
    await session.post('/api/echo', { body: 'a' });
    const first = Number(new URL(sent[0]!.url).searchParams.get('_'));
    const second = new URL(sent[1]!.url);
    expect(Number(second.searchParams.get('_'))).toBeGreaterThan(first);
    expect(second.searchParams.get('x')).toBe('1');
    expect(new URL(sent[2]!.url).searchParams.has('_')).toBe(false);
  });

  test('the caller can still choose its own Accept header and cache-control', async () => {
    await client().get('/login', { headers: { accept: 'text/html', 'cache-control': 'max-age=0' } });
    expect(sent[0]!.headers.get('accept')).toBe('text/html');
    expect(sent[0]!.headers.get('cache-control')).toBe('max-age=0');
  });

  test('noCache: false sends neither the headers nor no-store', async () => {
    const cache: unknown[] = [];
    await client({
      noCache: false,
      hooks: { beforeRequest: [({ options }) => void cache.push(options.cache)] },
    }).get('/api/whoami');
    expect(sent[0]!.headers.get('cache-control')).toBeNull();
    expect(cache).not.toContain('no-store');
  });

  test('the page origin is taken from location when not given', async () => {
    expect(location.origin).toBe(pageOrigin);
  });
});
