import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { shouldRunBrowserSuite, waitInPage } from '../helpers/browser.js';
import { useBrowserSuite } from '../helpers/browser-suite.js';
import type { PhpServerOptions } from '../helpers/php-server.js';

// The session dies on the server while 1-3 tabs of one browser profile have work to do; the page logs in again
// inside onExpired in each of the ways pages do. Real Chromium against real PHP in strict mode (every request that
// carries the dead id gets a brand-new session, unless the PHP helper keeps it from doing so), with and without
// the helper, with the files handler and with Redis behind two php-fpm pools.
// EXPIRY_REPEAT=N runs every case N times (the suite's loop for races).

type Server = { name: string; app: 'helper' | 'plain'; options: PhpServerOptions };

const servers: Server[] = [
  {
    name: 'the helper, the timeout files handler, strict mode, readable cookie',
    app: 'helper',
    options: { handler: 'timeout', lockTimeoutMs: 1000, strictMode: true },
  },
  {
    name: 'no helper, Redis behind two php-fpm pools, strict mode, HttpOnly cookie',
    app: 'plain',
    options: { handler: 'redis', pools: 2, lockTimeoutMs: 1000, strictMode: true, httpOnlyCookie: true },
  },
  {
    name: "no helper, PHP's files handler, strict mode, readable cookie",
    app: 'plain',
    options: { handler: 'files', strictMode: true },
  },
];
const styles = ['marked', 'unmarked', 'jquery', 'fetch', 'iframe', 'popup'] as const;
const repeat = Math.max(1, Number(process.env.EXPIRY_REPEAT ?? 1));
const rounds = Array.from({ length: repeat }, (_, index) => index + 1);

type PageWindow = {
  setupTab(setup: { app: string; style: string }): void;
  fire(requests: Array<{ name: string; method: string; url: string; body?: string }>): void;
  client: { post(url: string, options?: object): { json(): Promise<unknown> }; session: { status: string } };
  handlerCalls: number;
  pending: number;
  outcomes: Record<string, string>;
};

const openTab = async (
  context: BrowserContext,
  origin: string,
  app: string,
  style: string,
): Promise<Page> => {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.warn(`page error: ${error.message}`));
  await page.goto(`${origin}/pages/expiry.html`);
  await page.evaluate((setup) => (window as unknown as PageWindow).setupTab(setup), { app, style });
  return page;
};

describe.skipIf(!shouldRunBrowserSuite())('logging in again after the session died on the server', () => {
  describe.each(servers)('$name', ({ app, options }) => {
    const suite = useBrowserSuite({ sites: [options] });
    const base = app === 'plain' ? '/plain/' : '/';

    describe.each([1, 2, 3])('%i tab(s)', (count) => {
      test.each(styles.flatMap((style) => rounds.map((round) => ({ style, round }))))(
        'login style $style (round $round): one prompt, every note saved once, nothing fails',
        async ({ style }) => {
          const { origin } = suite.site;
          const context = await suite.browser.newContext();
          const tabs: Page[] = [];
          for (let index = 0; index < count; index++) tabs.push(await openTab(context, origin, app, style));
          await tabs[0]!.evaluate(
            (url) => (window as unknown as PageWindow).client.post(url, { rotatesSession: true }).json(),
            `${base}login.php`,
          );
          // The server forgets the session behind the browser's back (gc_maxlifetime, a restart).
          const cookie = (await context.cookies(origin)).find((item) => item.name === 'PHPSESSID');
          expect(cookie).toBeDefined();
          await fetch(`${origin}/kill-session.php?id=${cookie!.value}`);

          // Every tab has work: notes to save, and the first a long report that the login must not wait for.
          for (const [index, tab] of tabs.entries()) {
            const requests: Array<{ name: string; method: string; url: string; body?: string }> = [
              1, 2, 3,
            ].map((note) => ({
              name: `t${index}n${note}`,
              method: 'post',
              url: `${base}notes.php`,
              body: `t${index}n${note}`,
            }));
            if (index === 0)
              requests.push({ name: 'report', method: 'get', url: `${base}report.php?ms=1500` });
            await tab.evaluate((list) => (window as unknown as PageWindow).fire(list), requests);
          }
          for (const tab of tabs) await waitInPage(tab, 'window.pending === 0', 40_000);

          const outcomes: Record<string, string> = {};
          let handlerCalls = 0;
          for (const tab of tabs) {
            const seen = await tab.evaluate(() => {
              const w = window as unknown as PageWindow;
              return { outcomes: w.outcomes, calls: w.handlerCalls };
            });
            Object.assign(outcomes, seen.outcomes);
            handlerCalls += seen.calls;
          }
          for (const [name, outcome] of Object.entries(outcomes)) expect(outcome, name).toMatch(/^ok: /);
          expect(outcomes.report).toContain('"user":"alice"');
          expect(handlerCalls).toBe(1);
          // Each note was saved exactly once, into the new login's session: the user is still logged in.
          const saved = await tabs[0]!.evaluate(
            (url) =>
              (window as unknown as PageWindow).client.post(url, { body: 'last' }).json() as Promise<{
                notes: string[];
              }>,
            `${base}notes.php`,
          );
          const expected = tabs.flatMap((_, index) => [1, 2, 3].map((note) => `t${index}n${note}`));
          expect([...saved.notes].sort()).toEqual([...expected, 'last'].sort());
          await context.close();
        },
        60_000,
      );
    });
  });
});
