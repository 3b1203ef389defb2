import { describe, expect, test } from 'vitest';
import { shouldRunBrowserSuite, waitInPage } from '../helpers/browser.js';
import { useBrowserSuite } from '../helpers/browser-suite.js';

// What happy-dom cannot show: the Request the real browser builds, what really reaches PHP, and the real HTTP
// cache. The SPA page exposes the ESM build as window.SessionFetch; each test makes its own client in the page.

type Echo = {
  method: string;
  cacheControl: string | null;
  pragma: string | null;
  accept: string | null;
  requestedWith: string | null;
  cookieSent: boolean;
  cookieNames: string[];
};

describe.skipIf(!shouldRunBrowserSuite())('caching of session requests in Chromium', () => {
  const suite = useBrowserSuite();

  const openPage = async () => {
    const { page } = await suite.browser.newPage();
    await page.goto(`${suite.site.url}/pages/spa.html`);
    await waitInPage(page, 'window.spaReady === true');
    return page;
  };

  test("a session request is a Request with cache 'no-store' and its Cache-Control and Pragma headers reach PHP", async () => {
    const page = await openPage();
    const result = await page.evaluate(async () => {
      const seen: Array<{ cache: string; method: string; headers: Record<string, string> }> = [];
      const { createSessionClient } = (
        window as unknown as { SessionFetch: typeof import('../../src/index.js') }
      ).SessionFetch;
      const client = createSessionClient({
        fetch: (input: RequestInfo | URL, init?: RequestInit) => {
          const request = new Request(input, init);
          seen.push({
            cache: request.cache,
            method: request.method,
            headers: Object.fromEntries(request.headers),
          });
          return fetch(request);
        },
      });
      const get = await client.get('/pages/echo.php').json();
      const post = await client.post('/pages/echo.php', { json: { a: 1 } }).json();
      const read = await client.get('/pages/echo.php', { session: 'read' }).json();
      return { seen, get, post, read };
    });
    expect(result.seen.map((request) => [request.method, request.cache])).toEqual([
      ['GET', 'no-store'],
      ['POST', 'no-store'],
      ['GET', 'no-store'],
    ]);
    for (const request of result.seen) {
      expect(request.headers).toMatchObject({
        'cache-control': 'no-cache',
        pragma: 'no-cache',
        accept: 'application/json',
        'x-requested-with': 'XMLHttpRequest',
      });
    }
    for (const echo of [result.get, result.post, result.read] as Echo[]) {
      expect(echo).toMatchObject({
        cacheControl: 'no-cache',
        pragma: 'no-cache',
        accept: 'application/json',
        requestedWith: 'XMLHttpRequest',
      });
    }
    // The first response set the session cookie; the later requests carried it.
    expect((result.get as Echo).cookieSent).toBe(false);
    expect((result.post as Echo).cookieNames).toEqual(['PHPSESSID']);
    expect((result.post as Echo).method).toBe('POST');
  });

  test('the HTTP cache answers a plain fetch of a cacheable URL but never a session request to it', async () => {
    const page = await openPage();
    const hits = await page.evaluate(async () => {
      const { createSessionClient } = (
        window as unknown as { SessionFetch: typeof import('../../src/index.js') }
      ).SessionFetch;
      const url = `/pages/cacheable.php?key=k${Date.now()}`;
      const count = async (response: Promise<Response> | { json(): Promise<unknown> }) =>
        ((await ('json' in response ? response : await response).json()) as { hits: number }).hits;
      const client = createSessionClient();
      const cached = createSessionClient({ noCache: false });
      return {
        plain: [await count(fetch(url)), await count(fetch(url))],
        session: [await count(client.get(url)), await count(client.get(url, { session: 'none' }))],
        plainAfter: await count(fetch(url)),
        noCacheOff: await count(cached.get(url)),
      };
    });
    // A plain fetch stores the answer and gets it back from the cache.
    expect(hits.plain).toEqual([1, 1]);
    // Session requests (any mode) reach the script every time.
    expect(hits.session).toEqual([2, 3]);
    // 'no-store' neither read nor replaced the cached answer.
    expect(hits.plainAfter).toBe(1);
    // With noCache off the client leaves caching to the browser: the cached answer comes back.
    expect(hits.noCacheOff).toBe(1);
  });

  test('cacheBust adds a counter parameter that gets past the cache even with noCache off', async () => {
    const page = await openPage();
    const result = await page.evaluate(async () => {
      const { createSessionClient } = (
        window as unknown as { SessionFetch: typeof import('../../src/index.js') }
      ).SessionFetch;
      const url = `/pages/cacheable.php?key=b${Date.now()}`;
      const urls: string[] = [];
      const client = createSessionClient({
        noCache: false,
        cacheBust: true,
        fetch: (input: RequestInfo | URL, init?: RequestInit) => {
          urls.push(new Request(input, init).url);
          return fetch(input, init);
        },
      });
      const first = (await fetch(url).then((r) => r.json())) as { hits: number };
      const busted = [
        ((await client.get(url).json()) as { hits: number }).hits,
        ((await client.get(url).json()) as { hits: number }).hits,
      ];
      return { first: first.hits, busted, urls };
    });
    expect(result.first).toBe(1);
    expect(result.busted).toEqual([2, 3]);
    const counters = result.urls.map((url) => new URL(url).searchParams.get('_'));
    expect(counters.every((value) => /^\d+$/.test(value ?? ''))).toBe(true);
    expect(new Set(counters).size).toBe(2);
  });
});
