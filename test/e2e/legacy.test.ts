import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { type PageLog, shouldRunBrowserSuite, waitInPage } from '../helpers/browser.js';
import { useBrowserSuite } from '../helpers/browser-suite.js';
import { holdPhpSessionLock } from '../helpers/php-lock-holder.js';
import { fingerprint } from '../helpers/sleep-and-fingerprint.js';
import type { Site } from '../helpers/static-pages.js';
import { within } from '../helpers/timing.js';

// A legacy PHP page (test/e2e/pages/legacy.php): server-rendered with the session, jQuery and the script-tag
// build, its unchanged $.ajax calls made session-aware by `SessionFetch.jquery($, { onExpired })`. The page's
// `call(tag, settings)` is $.ajax with success/error/complete callbacks that count per tag.

type Results = {
  success: Record<string, Array<Record<string, unknown>>>;
  error: Record<string, string[]>;
  complete: Record<string, number>;
  dialogs: number;
  logins: string[];
};
type PageWindow = {
  results: Results;
  call(tag: string, settings: object): unknown;
  client: import('../../src/index.js').SessionClient;
  $: { post(settings: object): PromiseLike<unknown> };
};

const sessionId = async (context: BrowserContext) =>
  (await context.cookies()).find((cookie) => cookie.name === 'PHPSESSID')?.value;

/** The statuses the page's requests to `path` got, from resource timing (every attempt, retries included). */
const statuses = (page: Page, path: string) =>
  page.evaluate(
    (p) =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => new URL(entry.name).pathname === p)
        .map((entry) => (entry as PerformanceResourceTiming & { responseStatus: number }).responseStatus),
    path,
  );

/** Logs in as alice with the page's `$.post` and rotatesSession: true. */
const postLogin = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as PageWindow).$.post({
      url: '/login.php?user=alice',
      dataType: 'json',
      rotatesSession: true,
    }),
  ) as Promise<{ user: string; previousFp: string; fp: string }>;

const results = (page: Page) => page.evaluate(() => (window as unknown as PageWindow).results);

/** Sends `$.ajax` calls from the page (not awaited). */
const call = (page: Page, calls: Array<[tag: string, settings: object]>) =>
  page.evaluate((list) => {
    for (const [tag, settings] of list) (window as unknown as PageWindow).call(tag, settings);
  }, calls);

const completed = (page: Page, tags: string[], timeout?: number) =>
  waitInPage(page, `${JSON.stringify(tags)}.every((tag) => window.results.complete[tag] >= 1)`, timeout);

/** Every file of the session directory removed: what session GC does to an idle session. */
const expireAllSessions = (site: Site) => {
  for (const file of readdirSync(site.sessionDir)) rmSync(join(site.sessionDir, file), { force: true });
};

for (const jq of ['3', '4'] as const) {
  describe.skipIf(!shouldRunBrowserSuite())(`a legacy PHP page with jQuery ${jq}`, () => {
    const suite = useBrowserSuite({ sites: [{}, { handler: 'timeout', lockTimeoutMs: 1000 }] });

    const openLegacy = async (on: Site): Promise<{ page: Page; context: BrowserContext; log: PageLog }> => {
      const opened = await suite.browser.newPage();
      await opened.page.goto(`${on.url}/pages/legacy.php?jq=${jq}`);
      const version = await opened.page.evaluate(
        () => (window as unknown as { $: { fn: { jquery: string } } }).$.fn.jquery,
      );
      expect(version.startsWith(`${jq}.`)).toBe(true);
      expect(
        await opened.page.evaluate(
          () => typeof (window as unknown as { SessionFetch: { jquery?: unknown } }).SessionFetch.jquery,
        ),
        'SessionFetch.jquery in dist/session-fetch.global.js',
      ).toBe('function');
      await waitInPage(opened.page, 'window.legacyReady === true');
      return opened;
    };

    test('a $.post login with rotatesSession rotates the session id and the later $.ajax calls use the new one', async () => {
      const { page, context, log } = await openLegacy(suite.site);
      // The page itself started the session when PHP rendered it.
      const first = await sessionId(context);
      expect(first).toBeDefined();
      expect(await page.textContent('#hello')).toBe('Hello guest');

      await call(page, [['before', { url: '/whoami.php' }]]);
      await completed(page, ['before']);
      const login = await postLogin(page);
      const second = await sessionId(context);
      await call(page, [['after', { url: '/whoami.php' }]]);
      await completed(page, ['after']);

      const r = await results(page);
      expect(r.success.before).toEqual([expect.objectContaining({ user: null, fp: fingerprint(first!) })]);
      expect(second).not.toBe(first);
      expect(login).toMatchObject({
        user: 'alice',
        previousFp: fingerprint(first!),
        fp: fingerprint(second!),
      });
      expect(r.success.after).toEqual([expect.objectContaining({ user: 'alice', fp: fingerprint(second!) })]);
      expect(r.error).toEqual({});
      expect(await page.evaluate(() => (window as unknown as PageWindow).client.session)).toMatchObject({
        status: 'active',
        fingerprint: fingerprint(second!),
        rotations: 1,
        source: 'protocol',
      });
      // The next page load is rendered with the rotated session.
      await page.reload();
      expect(await page.textContent('#hello')).toBe('Hello alice');
      expect(log.errors).toEqual([]);
    });

    test('an expired session holds the $.ajax calls behind the login dialog, and each success callback fires once after the replay', async () => {
      const { page, log } = await openLegacy(suite.site);
      await postLogin(page);
      expireAllSessions(suite.site);

      // laravel.php needs a logged-in user (401 JSON without one); write.php sees the unknown id (X-Session-Expired).
      await call(page, [
        ['a', { url: '/laravel.php' }],
        ['b', { url: '/laravel.php' }],
        ['c', { url: '/laravel.php' }],
        ['d', { url: '/write.php?tag=d', method: 'POST', data: { x: 1 } }],
      ]);
      await page.locator('#login-dialog[open]').waitFor();
      // Held: nothing completed while the dialog is open.
      await page.waitForTimeout(200);
      expect((await results(page)).complete).toEqual({});

      await page.fill('#login-user', 'bob');
      await page.click('#login-submit');
      await completed(page, ['a', 'b', 'c', 'd']);
      await page.waitForTimeout(200);

      const r = await results(page);
      expect(r.dialogs).toBe(1);
      expect(r.logins).toEqual(['bob']);
      expect(r.complete).toEqual({ a: 1, b: 1, c: 1, d: 1 });
      expect(r.error).toEqual({});
      for (const tag of ['a', 'b', 'c']) {
        expect(r.success[tag]).toEqual([{ user: 'bob', method: 'GET' }]);
      }
      expect(r.success.d).toEqual([expect.objectContaining({ tag: 'd', user: 'bob' })]);
      // Each laravel.php call reached PHP at most twice: once answered 401 (or held before it was sent), once
      // replayed with 200.
      const laravel = await statuses(page, '/laravel.php');
      expect(laravel.filter((status) => status === 200)).toHaveLength(3);
      expect(laravel.filter((status) => status === 401).length).toBeGreaterThanOrEqual(1);
      expect(laravel.length).toBeLessThanOrEqual(6);
      expect(await page.isVisible('#login-dialog')).toBe(false);
      expect(await page.textContent('#hello')).toBe('Hello bob');
      expect(await page.evaluate(() => (window as unknown as PageWindow).client.session.status)).toBe(
        'active',
      );
      expect(log.errors).toEqual([]);
    });

    test('cancelling the login dialog gives up: each held $.ajax call fails once with status 401 and none succeeds', async () => {
      const { page, log } = await openLegacy(suite.site);
      await postLogin(page);
      expireAllSessions(suite.site);
      await call(page, [
        ['a', { url: '/laravel.php' }],
        ['b', { url: '/laravel.php' }],
        ['c', { url: '/write.php?tag=c', method: 'POST' }],
      ]);
      await page.locator('#login-dialog[open]').waitFor();
      await page.click('#login-cancel');
      await completed(page, ['a', 'b', 'c']);
      await page.waitForTimeout(200);

      const r = await results(page);
      expect(r.dialogs).toBe(1);
      expect(r.success).toEqual({});
      expect(r.complete).toEqual({ a: 1, b: 1, c: 1 });
      for (const tag of ['a', 'b', 'c']) {
        expect(r.error[tag]).toHaveLength(1);
        expect(r.error[tag]![0]).toMatch(/^error 401 /);
      }
      expect(await page.evaluate(() => (window as unknown as PageWindow).client.session.status)).toBe(
        'expired',
      );
      expect(log.errors).toEqual([]);
    });

    test('a burst of 20 $.ajax writes against 1 s lock timeouts all succeed and the counter is exactly 20', async () => {
      const { page, context } = await openLegacy(suite.sites[1]!);
      const id = await sessionId(context);
      // Another device's script holds the session lock until the first writes have timed out (423); they retry.
      const other = await holdPhpSessionLock(suite.sites[1]!, id!);
      const tags = Array.from({ length: 20 }, (_, i) => `w${i}`);
      await call(
        page,
        tags.map((tag) => [tag, { url: '/counter.php?hold=40', method: 'POST', data: { tag } }]),
      );
      await expect
        .poll(async () => (await statuses(page, '/counter.php')).includes(423), { timeout: within(20_000) })
        .toBe(true);
      await other.release();
      await completed(page, tags, 40_000);

      const r = await results(page);
      expect(r.error).toEqual({});
      expect(tags.map((tag) => r.complete[tag])).toEqual(tags.map(() => 1));
      const counters = tags.map((tag) => (r.success[tag]![0] as { counter: number }).counter);
      expect([...counters].sort((x, y) => x - y)).toEqual(tags.map((_, i) => i + 1));

      const read = await page.evaluate(async () => (await fetch('/read.php')).json());
      expect(read.counter).toBe(20);
      // The lock timeouts did happen (and were retried): 423 answers in the page's resource timing.
      const counter = await statuses(page, '/counter.php');
      const timeouts = counter.filter((status) => status === 423).length;
      expect(counter.filter((status) => status === 200)).toHaveLength(20);
      expect(timeouts).toBeGreaterThanOrEqual(1);
    });
  });
}
