import type { BrowserContext, Page, Request } from 'playwright-core';
import { beforeEach, describe, expect, test } from 'vitest';
import { shouldRunBrowserSuite } from '../helpers/browser.js';
import { useBrowserSuite } from '../helpers/browser-suite.js';
import { eventNames, openTab } from '../helpers/tabs-browser.js';
import { within } from '../helpers/timing.js';

// Several tabs of one Chromium profile (one cookie jar) against the real php-fpm + nginx backend.
describe.skipIf(!shouldRunBrowserSuite())('tabs in Chromium against real PHP', () => {
  // The timeout handler answers 423 after 500 ms of lock wait, so piled-up writes would show.
  const suite = useBrowserSuite({ sites: [{ handler: 'timeout', lockTimeoutMs: 500 }] });
  let context: BrowserContext;
  let origin: string;

  beforeEach(async () => {
    origin = suite.site.origin;
    context = await suite.browser.newContext();
  });

  const call = <T>(tab: Page, body: string): Promise<T> =>
    tab.evaluate(`(async () => { const client = window.client; ${body} })()`) as Promise<T>;
  const status = (tab: Page) => call<string>(tab, 'return client.session.status;');
  const login = (tab: Page) => call(tab, "return client.post('login.php', { rotatesSession: true }).json();");
  const waitFor = async (check: () => Promise<boolean>, timeout = 10_000) => {
    const started = Date.now();
    while (!(await check())) {
      if (Date.now() - started > timeout) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  test('a rotation in tab A reaches tab B, whose next request succeeds with no expiry event', async () => {
    const a = await openTab(context, origin);
    const b = await openTab(context, origin);
    await login(a);
    await waitFor(async () => (await status(b)) === 'active');
    await login(a);
    await waitFor(async () => (await eventNames(b)).includes('session:rotate'));
    const answer = await call<{ user: string }>(b, "return client.post('write.php?tag=b').json();");
    expect(answer.user).toBe('alice');
    expect(await eventNames(b)).not.toContain('session:expire');
  });

  test('a logout in tab A shows the session ended in tab B', async () => {
    const a = await openTab(context, origin);
    const b = await openTab(context, origin);
    await login(a);
    await waitFor(async () => (await status(b)) === 'active');
    await call(a, "await client.post('logout.php', { endsSession: true }); return null;");
    await waitFor(async () => (await status(b)) === 'ended');
    expect(await eventNames(b)).toContain('session:end');
    expect(await eventNames(b)).not.toContain('session:expire');
  });

  test("a login in tab A replays tab B's held request and closes tab B's login prompt", async () => {
    const onExpiredA = 'async () => { window.promptedA = true; return new Promise(() => {}); }';
    const a = await openTab(context, origin, {}, onExpiredA);
    // Tab B shows the one login prompt; it records that it was told the session came back elsewhere.
    const b = await openTab(
      context,
      origin,
      {},
      '(context) => new Promise(() => { window.promptedB = true; context.signal.addEventListener("abort", () => { window.toldElsewhere = true; }); })',
    );
    await login(a);
    await waitFor(async () => (await status(b)) === 'active');
    // The server drops the session behind the clients' backs (the cookie stays).
    await a.evaluate(() => fetch('logout.php?cookie=0', { method: 'POST' }).then((r) => r.text()));
    await b.evaluate(() => {
      const w = window as unknown as {
        client: { post: (url: string) => { json: () => Promise<unknown> } };
        held: Promise<unknown>;
      };
      w.held = w.client.post('write.php?tag=from-b').json();
    });
    await waitFor(
      async () => (await b.evaluate(() => (window as { promptedB?: boolean }).promptedB)) === true,
    );
    await a.evaluate(() => {
      const w = window as unknown as {
        client: { post: (url: string) => { json: () => Promise<unknown> } };
        held: Promise<unknown>;
      };
      w.held = w.client.post('write.php?tag=from-a').json();
    });
    // The user logs in with tab A's own login form (a marked login made outside onExpired).
    await login(a);
    const fromA = await a.evaluate(() => (window as unknown as { held: Promise<{ user: string }> }).held);
    expect(fromA.user).toBe('alice');
    const fromB = await b.evaluate(
      () => (window as unknown as { held: Promise<{ user: string; log: string[] }> }).held,
    );
    expect(fromB.user).toBe('alice');
    // Replayed into the new login's session.
    expect(fromB.log).toContain('from-b');
    expect(await b.evaluate(() => (window as unknown as { toldElsewhere?: boolean }).toldElsewhere)).toBe(
      true,
    );
    // One prompt for both tabs.
    expect(await a.evaluate(() => (window as { promptedA?: boolean }).promptedA)).toBeUndefined();
  });

  test('the keepalive runs once across 3 tabs and moves when the leader tab closes', async () => {
    const heartbeat = { url: 'keepalive.php', interval: 1000 };
    const tabs = [
      await openTab(context, origin, { features: { lifecycle: { heartbeat } } }),
      await openTab(context, origin, { features: { lifecycle: { heartbeat } } }),
      await openTab(context, origin, { features: { lifecycle: { heartbeat } } }),
    ];
    const pings: Page[] = [];
    context.on('request', (request: Request) => {
      if (request.url().includes('/keepalive.php')) pings.push(request.frame().page());
    });
    await login(tabs[0]!);
    // Three pings (each tab's own keepalive would have sent one each by then): all from one tab.
    await waitFor(async () => pings.length >= 3, within(20_000));
    expect(new Set(pings).size).toBe(1);
    const leader = pings[0]!;
    await leader.close();
    const before = pings.length;
    await waitFor(async () => pings.length >= before + 2, within(20_000));
    const after = pings.slice(before);
    expect(new Set(after).size).toBe(1);
    expect(after[0]).not.toBe(leader);
  });

  test('two tabs firing writes never produce a lock timeout', async () => {
    const a = await openTab(context, origin);
    const b = await openTab(context, origin);
    await login(a);
    const burst =
      "return Promise.all([1, 2, 3, 4, 5].map((i) => client.post('write.php?hold=200&tag=' + i).json()));";
    const [fromA, fromB] = await Promise.all([call<unknown[]>(a, burst), call<unknown[]>(b, burst)]);
    expect(fromA).toHaveLength(5);
    expect(fromB).toHaveLength(5);
    expect(await eventNames(a)).not.toContain('lock:retry');
    expect(await eventNames(b)).not.toContain('lock:retry');
  });

  test('the CSRF token never reaches a non-allowed origin', async () => {
    const tab = await openTab(context, origin, { features: { csrf: { refreshUrl: 'csrf-token.php' } } });
    const seen: Array<{ url: string; token: string | undefined }> = [];
    tab.on('request', (request: Request) => {
      if (request.method() === 'POST')
        seen.push({ url: request.url(), token: request.headers()['x-csrf-token'] });
    });
    const { csrf } = (await login(tab)) as { csrf: string };
    const answer = await call<{ method: string }>(tab, "return client.post('laravel.php').json();");
    expect(answer.method).toBe('POST');
    // Another origin (same server, other host name): the request goes, the token does not.
    const foreign = origin.replace('127.0.0.1', 'localhost');
    await call(
      tab,
      `await client.post('${foreign}/ping.php', { body: 'x' }).catch(() => undefined); return null;`,
    );
    const own = seen.filter((entry) => entry.url.startsWith(origin) && entry.url.includes('laravel.php'));
    const other = seen.filter((entry) => entry.url.startsWith(foreign));
    expect(own[0]?.token).toBe(csrf);
    expect(other).toHaveLength(1);
    expect(other[0]!.token).toBeUndefined();
  });
});
