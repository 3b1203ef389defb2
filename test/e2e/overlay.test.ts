import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { type PageLog, shouldRunBrowserSuite, waitInPage } from '../helpers/browser.js';
import { useBrowserSuite } from '../helpers/browser-suite.js';
import { fingerprint } from '../helpers/sleep-and-fingerprint.js';
import { repoDir } from '../helpers/static-pages.js';

// The debug overlay's script-tag build (dist/session-fetch.overlay.global.js, which adds mountOverlay to the
// global SessionFetch) on a page served with `Content-Security-Policy: default-src 'self'`: no inline script or
// style anywhere (test/e2e/pages/overlay.php + overlay.js), the session from the real PHP app.

const screenshots = join(repoDir, 'test-results/e2e');
const hostile = '<img src=x onerror=window.__pwned=1>';

type Client = import('../../src/index.js').SessionClient;
type PageWindow = {
  client: Client;
  overlay: { exportJson(): string };
  overlayError?: string;
  violations: string[];
  __pwned?: unknown;
};

/** What the overlay's shadow root shows: the session fields, the text, the markup (attributes included). */
const readOverlay = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('session-fetch-overlay')?.shadowRoot;
    if (!root) return undefined;
    const fields: Record<string, string> = {};
    for (const dt of root.querySelectorAll('.ss dt')) {
      fields[dt.textContent ?? ''] = dt.nextElementSibling?.textContent ?? '';
    }
    const rows = [...root.querySelectorAll('.ls .r.m')].map((row) =>
      [...row.children].map((cell) => cell.textContent ?? ''),
    );
    return {
      fields,
      rows,
      text: root.textContent ?? '',
      html: (root as unknown as { innerHTML: string }).innerHTML,
      images: root.querySelectorAll('img').length,
      links: [...root.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? ''),
      hidden: (root.host as HTMLElement).hidden,
    };
  });

/** The request groups, newest first: each request's cells, its attempts' cells, its story and its mark. */
const readGroups = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('session-fetch-overlay')!.shadowRoot!;
    return [...root.querySelectorAll<HTMLElement>('.ls .g')].map((group) => {
      const [main, ...attempts] = [...group.querySelectorAll('.r')].map((row) =>
        [...row.children].map((cell) => cell.textContent ?? ''),
      );
      const status = group.querySelector('.r.m')!.children[2]!;
      return {
        main: main!,
        attempts,
        story: group.title,
        mark: group.querySelector<HTMLElement>('.mk')?.title ?? '',
        statusColor: getComputedStyle(status).color,
      };
    });
  });

/**
 * Text that does not fit: list cells and events whose text overflows their box (a URL may be cut with an
 * ellipsis when its title holds all of it) or that reach past the panel's right edge; and whether each request's
 * URL is on screen.
 */
const readFit = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('session-fetch-overlay')!.shadowRoot!;
    const panel = root.querySelector('.p')!.getBoundingClientRect();
    const cut: string[] = [];
    for (const node of root.querySelectorAll<HTMLElement>('.ls .r > *, .ls .ev, .hd > *, .ss dd')) {
      if (getComputedStyle(node).display === 'none') continue;
      const box = node.getBoundingClientRect();
      const overflows = node.scrollWidth > node.clientWidth + 1;
      const titled = node.classList.contains('u') && node.title.length >= (node.textContent ?? '').length;
      if ((overflows && !titled) || box.right > panel.right + 0.5) cut.push(node.textContent ?? '');
    }
    const urls = [...root.querySelectorAll<HTMLElement>('.ls .r.m > .u')].map((url) => {
      const box = url.getBoundingClientRect();
      return {
        text: url.textContent ?? '',
        width: box.width,
        visible: getComputedStyle(url).display !== 'none',
      };
    });
    return { cut, urls, panel: { left: panel.left, right: panel.right } };
  });

/** Removes every session file of the site: the server forgets the sessions, as garbage collection would. */
const forgetSessions = (sessionDir: string) => {
  for (const file of readdirSync(sessionDir)) {
    if (file.startsWith('sess_')) rmSync(join(sessionDir, file), { force: true });
  }
};

describe.skipIf(!shouldRunBrowserSuite())('the debug overlay in Chromium', () => {
  beforeAll(() => mkdirSync(screenshots, { recursive: true }));
  const suite = useBrowserSuite();

  /** overlay.php (with its CSP unless csp=false), a violation listener installed before any page script. */
  const openOverlayPage = async (
    csp = true,
    query = '',
  ): Promise<{ page: Page; context: BrowserContext; log: PageLog }> => {
    const opened = await suite.browser.newPage({ viewport: { width: 1000, height: 640 } });
    await opened.context.addInitScript(() => {
      const w = window as unknown as PageWindow;
      w.violations = [];
      const record = (event: SecurityPolicyViolationEvent) =>
        w.violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
      window.addEventListener('securitypolicyviolation', record, true);
      document.addEventListener('securitypolicyviolation', record, true);
    });
    await opened.page.goto(`${suite.site.url}/pages/overlay.php?csp=${csp ? 1 : 0}${query}`);
    await opened.page.waitForFunction(
      () =>
        (window as unknown as { overlayReady?: boolean }).overlayReady ||
        (window as unknown as PageWindow).overlayError,
    );
    const error = await opened.page.evaluate(() => (window as unknown as PageWindow).overlayError);
    expect(error, 'the overlay script-tag build').toBeUndefined();
    return opened;
  };

  test('the overlay shows the session status, the fingerprint and the request list, styled under a strict CSP with no violation', async () => {
    const { page, context, log } = await openOverlayPage();
    const response = await page.request.get(`${suite.site.url}/pages/overlay.php`);
    expect(response.headers()['content-security-policy']).toBe("default-src 'self'");

    await page.evaluate(async () => {
      const { client } = window as unknown as PageWindow;
      await client.get('/whoami.php').json();
      await client.post('/login.php?user=erin', { rotatesSession: true }).json();
      await client.get('/whoami.php', { session: 'read' }).json();
      // The raw id in a URL (a legacy app passing it along): the overlay must redact it.
      const id = /PHPSESSID=([^;]+)/.exec(document.cookie)?.[1] ?? '';
      await client.get(`/pages/echo.php?PHPSESSID=${id}`).json();
    });
    const id = (await context.cookies()).find((cookie) => cookie.name === 'PHPSESSID')!.value;
    await waitInPage(
      page,
      "document.querySelector('session-fetch-overlay').shadowRoot.querySelectorAll('.ls .r.m').length === 4",
    );
    await waitInPage(
      page,
      "document.querySelector('session-fetch-overlay').shadowRoot.querySelector('.ss dd').textContent.length === 16",
    );
    const overlay = (await readOverlay(page))!;
    expect(overlay.hidden).toBe(false);
    expect(overlay.fields).toMatchObject({
      Fingerprint: fingerprint(id),
      Status: 'active',
      Rotations: '1',
      'Id source': 'protocol header',
    });
    expect(overlay.fields.Expires).toMatch(/^in \d+m \d\ds$/);
    // Newest first: method, url, status, outcome, mode.
    expect(overlay.rows.map((row) => row.slice(0, 5))).toEqual([
      ['GET', '/pages/echo.php?PHPSESSID=[redacted]', '200', 'ok', 'write'],
      ['GET', '/whoami.php', '200', 'ok', 'read'],
      ['POST', '/login.php?user=erin', '200', 'ok', 'write'],
      ['GET', '/whoami.php', '200', 'ok', 'write'],
    ]);
    expect(overlay.text).toContain('session-fetch');

    // Never the id: not in the text, not in any attribute (titles hold full URLs), not in the export.
    expect(overlay.text).not.toContain(id);
    expect(overlay.html).not.toContain(id);
    const exported = await page.evaluate(() => (window as unknown as PageWindow).overlay.exportJson());
    expect(exported).not.toContain(id);
    const json = JSON.parse(exported) as {
      session: { fingerprint: string; status: string };
      requests: Array<{ url: string }>;
    };
    expect(json.session).toMatchObject({ fingerprint: fingerprint(id), status: 'active' });
    expect(json.requests).toHaveLength(4);
    expect(json.requests[0]!.url).toBe(`${suite.site.url}/pages/echo.php?PHPSESSID=[redacted]`);

    // Styled: the constructed stylesheet applies under the CSP.
    const style = await page.evaluate(() => {
      const host = document.querySelector('session-fetch-overlay') as HTMLElement;
      const panel = host.shadowRoot!.querySelector('.p') as HTMLElement;
      const hostStyle = getComputedStyle(host);
      const panelStyle = getComputedStyle(panel);
      return {
        position: hostStyle.position,
        background: panelStyle.backgroundColor,
        radius: panelStyle.borderTopLeftRadius,
        font: hostStyle.fontFamily,
      };
    });
    expect(style).toMatchObject({ position: 'fixed', background: 'rgb(29, 31, 35)', radius: '8px' });
    expect(style.font).toContain('monospace');

    expect(await page.evaluate(() => (window as unknown as PageWindow).violations)).toEqual([]);
    expect(log.console.filter((line) => /Content Security Policy/i.test(line))).toEqual([]);
    expect(log.errors).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'overlay-csp.png') });
  });

  test('the overlay switches tabs, hides and shows with Ctrl+Shift+S and downloads its JSON under the CSP without a violation', async () => {
    const { page, context } = await openOverlayPage();
    await page.evaluate(async () => {
      const { client } = window as unknown as PageWindow;
      await client.get('/whoami.php').json();
      await client.post('/login.php', { rotatesSession: true }).json();
    });
    const id = (await context.cookies()).find((cookie) => cookie.name === 'PHPSESSID')!.value;
    await page.locator('session-fetch-overlay button', { hasText: 'Events' }).click();
    await waitInPage(
      page,
      "document.querySelector('session-fetch-overlay').shadowRoot.querySelectorAll('.ls .ev').length >= 2",
    );
    const events = (await readOverlay(page))!.text;
    expect(events).toContain('session:start');
    expect(events).toContain('session:rotate');
    expect(events).toContain(`POST ${suite.site.url}/login.php`);
    await page.screenshot({ path: join(screenshots, 'overlay-events.png') });
    await page.locator('session-fetch-overlay button', { hasText: 'Diagnostics' }).click();

    await page.keyboard.press('Control+Shift+S');
    expect((await readOverlay(page))!.hidden).toBe(true);
    await page.keyboard.press('Control+Shift+S');
    expect((await readOverlay(page))!.hidden).toBe(false);

    // The Export JSON button downloads a blob: the session's fingerprint, never its id.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('session-fetch-overlay button', { hasText: 'Export JSON' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^session-fetch-\d+\.json$/);
    const file = await download.path();
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(id);
    expect(JSON.parse(text).session.fingerprint).toBe(fingerprint(id));
    expect(await page.evaluate(() => (window as unknown as PageWindow).violations)).toEqual([]);
  });

  test('on failures: a row per attempt, the outcome in words, the stale login marked and counted, at desktop width and at 390 px', async () => {
    const { page, log } = await openOverlayPage(true, '&lockRetries=1');
    const run = (script: string) => page.evaluate(script);
    await run(`(async () => {
      await client.get('/whoami.php').json();
      // A login written the usual way (session_regenerate_id after the header went out), then a request.
      await client.post('/pages/overlay.php?api=login', { rotatesSession: true }).json();
      await client.get('/whoami.php').json();
      // An answer that comes back expired; onExpired logs in again and the write is replayed.
      window.expiryDecision = 'resume';
      client.simulate('expire');
      await client.post('/write.php?tag=save').json();
      // Two lock timeouts with one retry allowed.
      client.simulate('lock-timeout');
      client.simulate('lock-timeout');
      window.lockError = await client.post('/write.php?tag=locked').json().catch((error) => error.name);
    })()`);
    expect(await run('window.lockError')).toBe('SessionLockTimeoutError');
    // The server forgets the session; onExpired gives up.
    forgetSessions(suite.site.sessionDir);
    await run(`(async () => {
      window.expiryDecision = 'give-up';
      window.gaveUp = await client.get('/whoami.php').json().catch((error) => error.reason);
    })()`);
    expect(await run('window.gaveUp')).toBe('gave-up');
    await waitInPage(
      page,
      "document.querySelector('session-fetch-overlay').shadowRoot.querySelector('.hd .bg').hidden === false",
    );

    const groups = await readGroups(page);
    const byStory = (start: string) => groups.filter((group) => group.story.startsWith(start));
    // Given up: the answer was a 200 (a new, empty session) that said the session had expired.
    const [gaveUp] = byStory('GET /whoami.php: 200 expired');
    expect(gaveUp!.main.slice(0, 5)).toEqual(['GET', '/whoami.php', '200', 'given up', 'write']);
    expect(gaveUp!.story).toBe('GET /whoami.php: 200 expired → held → given up');
    expect(gaveUp!.attempts).toEqual([
      ['', '↳ #1', '200', 'expired', expect.stringMatching(/→ held → given up$/)],
    ]);
    const [locked] = byStory('POST /write.php?tag=locked');
    expect(locked!.main.slice(0, 4)).toEqual(['POST', '/write.php?tag=locked', '423', 'lock timeout']);
    expect(locked!.attempts.map((row) => row.slice(1, 4))).toEqual([
      ['↳ #1', '423', 'lock timeout'],
      ['↳ #2 retry', '423', 'lock timeout'],
    ]);
    const [saved] = byStory('POST /write.php?tag=save');
    expect(saved!.story).toBe('POST /write.php?tag=save: 401 expired → held → replayed → 200');
    expect(saved!.main.slice(0, 4)).toEqual(['POST', '/write.php?tag=save', '200', 'ok']);
    expect(saved!.attempts.map((row) => row.slice(1, 4))).toEqual([
      ['↳ #1', '401', 'expired'],
      ['↳ #2 replay', '200', 'ok'],
    ]);
    // The login's answer named the old id: marked on its row, counted on the header.
    const [login] = byStory('POST /pages/overlay.php?api=login');
    expect(login!.mark).toContain('The session id was regenerated after X-Session-Fp was sent');
    const badge = await page.evaluate(() => {
      const node = document
        .querySelector('session-fetch-overlay')!
        .shadowRoot!.querySelector<HTMLElement>('.hd .bg')!;
      return { text: node.textContent, visible: node.getBoundingClientRect().width > 0 };
    });
    expect(badge).toEqual({ text: expect.stringMatching(/^⚠ \d+$/), visible: true });
    // Never a 200 in red: a status keeps its HTTP colour, the outcome says what happened.
    for (const group of groups.filter((item) => item.main[2] === '200')) {
      expect(group.statusColor).toBe('rgb(63, 185, 80)');
    }

    const desktop = await readFit(page);
    expect(desktop.cut).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'overlay-failures-desktop.png') });

    await page.setViewportSize({ width: 390, height: 844 });
    const phone = await readFit(page);
    // The panel fits the phone's width (12 px margins).
    expect(phone.panel).toEqual({ left: 12, right: 378 });
    expect(phone.cut).toEqual([]);
    // The URL stays, on a line of its own, whole.
    for (const url of phone.urls) {
      expect(url.visible).toBe(true);
      expect(url.width).toBeGreaterThan(250);
    }
    expect(phone.urls.map((url) => url.text)).toContain('/pages/overlay.php?api=login');
    await page.screenshot({ path: join(screenshots, 'overlay-failures-390.png') });

    // The Events tab's absolute URLs wrap rather than being cut.
    await page.locator('session-fetch-overlay button', { hasText: 'Events' }).click();
    const events = await readFit(page);
    expect(events.cut).toEqual([]);
    // (The login's answer named the old id: the rotation shows up on the request after it.)
    expect((await readOverlay(page))!.text).toMatch(
      new RegExp(`session:rotate [0-9a-f]{16} GET ${suite.site.url}/whoami\\.php`),
    );
    await page.screenshot({ path: join(screenshots, 'overlay-events-390.png') });
    // The finding, with the call that fixes it.
    await page.locator('session-fetch-overlay .hd .bg').click();
    const findings = await readOverlay(page);
    expect(findings!.text).toContain('The session id was regenerated after X-Session-Fp was sent');
    expect(findings!.text).toContain('session_fetch_regenerate()');
    expect((await readFit(page)).cut).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'overlay-diagnostics-390.png') });
    await page.locator('session-fetch-overlay button', { hasText: 'Events' }).click();
    await page.setViewportSize({ width: 1000, height: 640 });
    expect((await readFit(page)).cut).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'overlay-events-desktop.png') });
    expect(log.errors).toEqual([]);
  });

  test('a page URL carrying the session id shows and exports it redacted', async () => {
    const { page, context } = await openOverlayPage();
    await page.evaluate(() => (window as unknown as PageWindow).client.get('/whoami.php').json());
    const id = (await context.cookies()).find((cookie) => cookie.name === 'PHPSESSID')!.value;
    // A legacy app with session.use_trans_sid links pages with ?PHPSESSID=<id>.
    await page.goto(`${suite.site.url}/pages/overlay.php?PHPSESSID=${id}`);
    await waitInPage(page, 'window.overlayReady === true');
    await page.evaluate(() => (window as unknown as PageWindow).client.get('/whoami.php').json());
    await waitInPage(
      page,
      "document.querySelector('session-fetch-overlay').shadowRoot.querySelector('.ss dd').textContent.length === 16",
    );
    const overlay = (await readOverlay(page))!;
    const exported = await page.evaluate(() => (window as unknown as PageWindow).overlay.exportJson());
    expect(overlay.html).not.toContain(id);
    expect(exported).not.toContain(id);
    expect(JSON.parse(exported).page).toBe(`${suite.site.url}/pages/overlay.php?PHPSESSID=[redacted]`);
  });

  test('hostile values in a URL, response headers and a JSON body show as text and never run', async () => {
    // Without the CSP: an injected inline handler would run here, so nothing but the overlay's own care stops it.
    const { page, context, log } = await openOverlayPage(false);
    await page.evaluate(async (img) => {
      const { client } = window as unknown as PageWindow;
      await client.get(`/pages/hostile.php?kind=json&q=${img}`).json();
      await client.get('/pages/hostile.php?kind=header').json();
      await client
        .get('/pages/hostile.php?kind=body')
        .json()
        .catch(() => undefined);
    }, hostile);
    await page.locator('session-fetch-overlay button', { hasText: 'Diagnostics' }).click();
    await waitInPage(
      page,
      "document.querySelector('session-fetch-overlay').shadowRoot.querySelectorAll('.ls .f').length >= 2",
    );
    const findings = (await readOverlay(page))!;
    // The PHP warning's message (HTML-decoded by the diagnostics) and the Age header are shown as text.
    expect(findings.text).toContain(hostile);
    expect(findings.text).toContain('Age header (<img src=x onerror=w');
    await page.screenshot({ path: join(screenshots, 'overlay-hostile.png') });

    await page.locator('session-fetch-overlay button', { hasText: 'Requests' }).click();
    const requests = (await readOverlay(page))!;
    expect(requests.rows.map((row) => row[1])).toContain('/pages/hostile.php?kind=header');
    expect(requests.text).toContain('q=%3Cimg%20src=x%20onerror=window.__pwned=1%3E');
    // The X-Debug-Token-Link became an http link with the markup percent-encoded, nothing else.
    expect(requests.links).toEqual([`http://127.0.0.1/${encodeURI(hostile)}`]);

    const exported = await page.evaluate(() => (window as unknown as PageWindow).overlay.exportJson());
    expect(JSON.parse(exported).findings.length).toBeGreaterThanOrEqual(2);
    expect(exported).toContain(hostile);

    for (const view of [findings, requests]) expect(view.images).toBe(0);
    expect(await page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
    expect(await page.evaluate(() => (window as unknown as PageWindow).__pwned)).toBeUndefined();
    // The garbage X-Session-Fp was not taken as a fingerprint: the session keeps the real one.
    const id = (await context.cookies()).find((cookie) => cookie.name === 'PHPSESSID')!.value;
    expect(await page.evaluate(() => (window as unknown as PageWindow).client.session.fingerprint)).toBe(
      fingerprint(id),
    );
    expect(log.errors).toEqual([]);
  });
});
