import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { shouldRunBrowserSuite, waitInPage } from '../helpers/browser.js';
import { useBrowserSuite } from '../helpers/browser-suite.js';
import {
  openOverlayPage as openPage,
  type PageWindow,
  readOverlay,
  screenshots,
} from '../helpers/overlay-page.js';
import { fingerprint } from '../helpers/sleep-and-fingerprint.js';

// The debug overlay's script-tag build (dist/session-fetch.overlay.global.js, which adds mountOverlay to the
// global SessionFetch) on a page served with `Content-Security-Policy: default-src 'self'`: no inline script or
// style anywhere (test/e2e/pages/overlay.php + overlay.js), the session from the real PHP app.

const hostile = '<img src=x onerror=window.__pwned=1>';

describe.skipIf(!shouldRunBrowserSuite())('the debug overlay in Chromium', () => {
  beforeAll(() => mkdirSync(screenshots, { recursive: true }));
  const suite = useBrowserSuite();

  const openOverlayPage = (csp = true) => openPage(suite.browser, suite.site.url, csp);

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
