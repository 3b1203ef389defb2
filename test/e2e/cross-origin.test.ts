import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  launchBrowser,
  requireBrowserSuite,
  shouldRunBrowserSuite,
  type TestBrowser,
  waitInPage,
} from '../helpers/browser.js';
import { freePort } from '../helpers/php-server.js';
import { fingerprint } from '../helpers/sleep-and-fingerprint.js';
import { type Site, startSite } from '../helpers/static-pages.js';

// Page and API on different origins of one site: app.example.test and api.example.test (both mapped to 127.0.0.1
// with --host-resolver-rules) share the registrable domain example.test, so a fetch from the page to the API is
// cross-origin but same-site, and PHP's session cookie (no SameSite attribute: Lax by default in Chromium) is
// stored and sent with `credentials: 'include'`. Over plain http this is the only setup that works: a cross-site
// API (127.0.0.1 vs localhost) gets no Lax cookie, and SameSite=None requires Secure, which http cannot set
// (the last test shows the failure and the client's diagnosis of it).

const appHost = 'app.example.test';
const apiHost = 'api.example.test';

type Echo = {
  method: string;
  cacheControl: string | null;
  pragma: string | null;
  requestedWith: string | null;
  origin: string | null;
  cookieSent: boolean;
  cookieNames: string[];
  user: string | null;
  fp: string | null;
};

type Seen = { url: string; method: string; cookie: string | undefined; headers: string[] };

/** A third origin that is not allowed: records whether a Cookie header arrived; CORS for any origin, no credentials. */
const startRecorder = async () => {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({
      url: req.url ?? '',
      method: req.method ?? '',
      cookie: req.headers.cookie,
      headers: Object.keys(req.headers),
    });
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': '*' }).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ cookieSent: req.headers.cookie !== undefined }));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    seen,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

type Client = import('../../src/index.js').SessionClient;
type PageWindow = {
  SessionFetch: typeof import('../../src/index.js');
  client: Client;
  events: string[];
};

describe.skipIf(!shouldRunBrowserSuite())('a page and its API on different origins', () => {
  let browser: TestBrowser | undefined;
  let app: Site | undefined;
  let api: Site | undefined;
  let recorder: Awaited<ReturnType<typeof startRecorder>> | undefined;
  let appOrigin = '';
  let apiOrigin = '';

  beforeAll(async () => {
    requireBrowserSuite();
    app = await startSite();
    appOrigin = app.at(appHost);
    api = await startSite({ corsOrigins: [appOrigin, `http://127.0.0.1:${app.port}`] });
    apiOrigin = api.at(apiHost);
    recorder = await startRecorder();
    browser = await launchBrowser({ mapHosts: [appHost, apiHost] });
  });
  afterEach(async () => {
    await browser?.closeContexts();
  });
  afterAll(async () => {
    await browser?.close();
    await recorder?.stop();
    await app?.stop();
    await api?.stop();
  });

  /** The SPA page on app.example.test, with a client for the API made in the page (`origins` as given). */
  const openApp = async (origins: unknown[], pageOrigin = appOrigin) => {
    const opened = await browser!.newPage();
    await opened.page.goto(`${pageOrigin}/pages/spa.html`);
    await waitInPage(opened.page, 'window.spaReady === true');
    await opened.page.evaluate((allowed) => {
      const w = window as unknown as PageWindow;
      w.events = [];
      w.client = w.SessionFetch.createSessionClient({ origins: allowed as string[], retry: 0 });
      for (const name of [
        'session:start',
        'session:rotate',
        'session:expire',
        'session:not-resumed',
      ] as const) {
        w.client.on(name, () => w.events.push(name));
      }
    }, origins);
    return opened;
  };

  const call = <T>(page: Page, method: 'get' | 'post', url: string, options: object = {}) =>
    page.evaluate(
      async ([m, u, o]) => {
        const w = window as unknown as PageWindow;
        return (await w.client[m as 'get'](u as string, o as object).json()) as T;
      },
      [method, url, options] as const,
    );

  const state = (page: Page) => page.evaluate(() => (window as unknown as PageWindow).client.session);

  test('the session works cross-origin with CORS credentials, and the exposed X-Session-Fp tracks its rotation', async () => {
    const { page, context } = await openApp([apiOrigin]);
    const before = await call<Echo>(page, 'get', `${apiOrigin}/pages/echo.php`);
    expect(before).toMatchObject({ origin: appOrigin, cookieSent: false, user: null });
    const login = await call<{ user: string; fp: string; previousFp: string }>(
      page,
      'post',
      `${apiOrigin}/login.php?user=carol`,
      { rotatesSession: true },
    );
    expect(login.previousFp).toBe(before.fp);
    const after = await call<Echo>(page, 'get', `${apiOrigin}/pages/echo.php`);
    expect(after).toMatchObject({
      cookieSent: true,
      cookieNames: ['PHPSESSID'],
      user: 'carol',
      fp: login.fp,
    });

    const cookies = await context.cookies();
    expect(cookies.map((cookie) => `${cookie.name}@${cookie.domain}`)).toEqual([`PHPSESSID@${apiHost}`]);
    expect(fingerprint(cookies[0]!.value)).toBe(login.fp);
    // The page's own document.cookie never shows the API's cookie: only the exposed header can tell the id.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await state(page)).toMatchObject({
      status: 'active',
      source: 'protocol',
      fingerprint: login.fp,
      rotations: 1,
    });
    expect(await page.evaluate(() => (window as unknown as PageWindow).events)).toEqual([
      'session:start',
      'session:rotate',
    ]);
  });

  /** The methods echo.php?log=<key> saw on the API, preflights included. */
  const methodsSeen = (key: string) => {
    const file = join(api!.root, '..', `echo-${key}.log`);
    return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
  };

  test('with noCacheHeaders on, a preflight lets Cache-Control, Pragma and X-Requested-With through to PHP', async () => {
    const { page } = await openApp([{ origin: apiOrigin, noCacheHeaders: true }]);
    const echo = await call<Echo>(page, 'get', `${apiOrigin}/pages/echo.php?log=on`);
    expect(echo).toMatchObject({
      method: 'GET',
      cacheControl: 'no-cache',
      pragma: 'no-cache',
      requestedWith: 'XMLHttpRequest',
      origin: appOrigin,
    });
    expect(methodsSeen('on')).toEqual(['OPTIONS', 'GET']);
    expect((await state(page)).source).toBe('protocol');
  });

  test("with noCacheHeaders off (the default for other origins) a GET needs no preflight, and Chromium still sends no-cache for cache 'no-store'", async () => {
    const { page } = await openApp([apiOrigin]);
    const echo = await call<Echo>(page, 'get', `${apiOrigin}/pages/echo.php?log=off`);
    // The Fetch standard adds Cache-Control and Pragma: no-cache to a 'no-store' request after the CORS check,
    // so they reach PHP without making the request preflighted; X-Requested-With is not sent.
    expect(echo).toMatchObject({ cacheControl: 'no-cache', pragma: 'no-cache', requestedWith: null });
    expect(methodsSeen('off')).toEqual(['GET']);
  });

  test('a request to an origin that is not allowed carries no cookie, though the browser would send one there', async () => {
    const { page } = await openApp([apiOrigin]);
    await call(page, 'post', `${apiOrigin}/login.php?user=dave`, { rotatesSession: true });
    const before = await state(page);
    const other = `http://${apiHost}:${recorder!.port}`;
    recorder!.seen.length = 0;

    // Control: cookies are not isolated by port, so a credentialed request to the other port carries PHPSESSID.
    await page.evaluate(async (url) => {
      await fetch(url, { mode: 'no-cors', credentials: 'include' });
    }, `${other}/control`);
    // The client's request to the same host and port: credentials 'omit', no session headers.
    const answer = await call<{ cookieSent: boolean }>(page, 'get', `${other}/through-client`);

    expect(answer.cookieSent).toBe(false);
    const control = recorder!.seen.find((request) => request.url === '/control');
    const client = recorder!.seen.filter((request) => request.url === '/through-client');
    expect(control?.cookie).toMatch(/^PHPSESSID=/);
    expect(client).toHaveLength(1);
    expect(client[0]!.cookie).toBeUndefined();
    expect(client[0]!.headers).not.toContain('cache-control');
    expect(client[0]!.headers).not.toContain('x-requested-with');
    // The foreign answer did not touch the session.
    expect(await state(page)).toEqual(before);
  });

  test("without Access-Control-Expose-Headers the session still works but the page cannot read X-Session-Fp: source stays 'none'", async () => {
    const { page } = await openApp([apiOrigin]);
    const first = await call<{ fp: string; user: null }>(page, 'get', `${apiOrigin}/pages/noexpose.php`);
    const second = await call<{ fp: string; user: null }>(page, 'get', `${apiOrigin}/pages/noexpose.php`);
    // The cookie flowed (same session on the server) ...
    expect(second.fp).toBe(first.fp);
    // ... but the header did not reach the page, and the API's cookie is not in document.cookie.
    const headerSeen = await page.evaluate(async (url) => {
      const response = await fetch(url, { credentials: 'include' });
      return response.headers.get('X-Session-Fp');
    }, `${apiOrigin}/pages/noexpose.php`);
    expect(headerSeen).toBeNull();
    expect(await state(page)).toMatchObject({ source: 'none', fingerprint: null });

    // The same page and API with the helper's expose list: the fingerprint is read.
    await call(page, 'get', `${apiOrigin}/whoami.php`);
    expect(await state(page)).toMatchObject({ source: 'protocol', fingerprint: first.fp, status: 'active' });
  });

  test('a cross-site API (page on 127.0.0.1, API on localhost) gets no Lax cookie, and the client reports session:not-resumed', async () => {
    const crossSiteApi = `http://localhost:${api!.port}`;
    const { page, context } = await openApp([crossSiteApi], `http://127.0.0.1:${app!.port}`);
    const answers: Echo[] = [];
    for (let i = 0; i < 4; i++) answers.push(await call<Echo>(page, 'get', `${crossSiteApi}/pages/echo.php`));
    // CORS itself works (the answers are readable) but no request carried a cookie: four sessions, not one.
    expect(answers.every((answer) => answer.origin === `http://127.0.0.1:${app!.port}`)).toBe(true);
    expect(answers.map((answer) => answer.cookieSent)).toEqual([false, false, false, false]);
    expect(new Set(answers.map((answer) => answer.fp)).size).toBe(4);
    expect((await context.cookies()).filter((cookie) => cookie.domain === 'localhost')).toEqual([]);
    const events = await page.evaluate(() => (window as unknown as PageWindow).events);
    expect(events).toContain('session:not-resumed');
  });
});
