import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { shouldRunBrowserSuite, waitInPage } from '../helpers/browser.js';
import { useBrowserSuite } from '../helpers/browser-suite.js';
import {
  forgetSessions,
  openOverlayPage,
  readFit,
  readGroups,
  readOverlay,
  screenshots,
} from '../helpers/overlay-page.js';

// The debug overlay on failures, against the real PHP app: a row per attempt under its request, the outcome in
// words, findings marked on their request and counted on the header, and no text cut, at desktop width and at
// 390 px. Screenshots go to test-results/e2e.

describe.skipIf(!shouldRunBrowserSuite())('the debug overlay on failures in Chromium', () => {
  beforeAll(() => mkdirSync(screenshots, { recursive: true }));
  const suite = useBrowserSuite();

  test('on failures: a row per attempt, the outcome in words, the stale login marked and counted, at desktop width and at 390 px', async () => {
    const { page, log } = await openOverlayPage(suite.browser, suite.site.url, true, '&lockRetries=1');
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
});
