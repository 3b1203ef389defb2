import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { shouldRunBrowserSuite, waitInPage } from '../helpers/browser.js';
import { useBrowserSuite } from '../helpers/browser-suite.js';
import type { PhpServerOptions } from '../helpers/php-server.js';

// One login prompt for the tabs of a session, in a tab the user can see: pages of one Chromium profile against
// real PHP in strict mode, with and without the PHP helper. The user's switching between tabs is played with
// document.visibilityState and its event (headless pages are all visible otherwise).

const servers: Array<{ name: string; app: 'helper' | 'plain'; options: PhpServerOptions }> = [
  {
    name: 'the helper, the timeout files handler',
    app: 'helper',
    options: { handler: 'timeout', lockTimeoutMs: 1000, strictMode: true },
  },
  {
    name: 'no helper, Redis, HttpOnly cookie',
    app: 'plain',
    options: { handler: 'redis', lockTimeoutMs: 1000, strictMode: true, httpOnlyCookie: true },
  },
];

type PageWindow = {
  setupTab(setup: { app: string; style: string }): void;
  setVisibility(state: 'visible' | 'hidden'): void;
  fire(requests: Array<{ name: string; method: string; url: string; body?: string }>): void;
  client: { post(url: string, options?: object): { json(): Promise<unknown> } };
  completeLogin?: () => Promise<void>;
  handlerCalls: number;
  prompts?: number;
  promptsClosed?: number;
  pending: number;
  outcomes: Record<string, string>;
  events: string[];
};
const read = <T>(page: Page, pick: (w: PageWindow) => T) =>
  page.evaluate(`(${pick.toString()})(window)`) as Promise<T>;

describe.skipIf(!shouldRunBrowserSuite())('one login prompt across tabs', () => {
  describe.each(servers)('$name', ({ app, options }) => {
    const suite = useBrowserSuite({ sites: [options] });
    const base = app === 'plain' ? '/plain/' : '/';

    const open = async (context: BrowserContext, count: number, style = 'dialog') => {
      const tabs: Page[] = [];
      for (let index = 0; index < count; index++) {
        const page = await context.newPage();
        await page.goto(`${suite.site.origin}/pages/expiry.html`);
        await page.evaluate((setup) => (window as unknown as PageWindow).setupTab(setup), { app, style });
        tabs.push(page);
      }
      return tabs;
    };
    const login = (tab: Page) =>
      tab.evaluate(
        (url) => (window as unknown as PageWindow).client.post(url, { rotatesSession: true }).json(),
        `${base}login.php`,
      );
    const kill = async (context: BrowserContext) => {
      const cookie = (await context.cookies(suite.site.origin)).find((item) => item.name === 'PHPSESSID');
      await fetch(`${suite.site.origin}/kill-session.php?id=${cookie!.value}`);
    };
    const notes = (tab: Page, prefix: string) =>
      tab.evaluate(
        ({ url, prefix }) =>
          (window as unknown as PageWindow).fire(
            [1, 2].map((n) => ({ name: `${prefix}${n}`, method: 'post', url, body: `${prefix}${n}` })),
          ),
        { url: `${base}notes.php`, prefix },
      );
    const settled = async (tabs: Page[]) => {
      for (const tab of tabs) await waitInPage(tab, 'window.pending === 0', 30_000);
      const outcomes: Record<string, string> = {};
      for (const tab of tabs) Object.assign(outcomes, await read(tab, (w) => w.outcomes));
      return outcomes;
    };
    const expectAllSaved = (outcomes: Record<string, string>) => {
      for (const [name, outcome] of Object.entries(outcomes)) expect(outcome, name).toMatch(/^ok: /);
    };

    test('a visible tab shows the prompt, not the hidden one whose request met the expiry first', async () => {
      const context = await suite.browser.newContext();
      const [hidden, visible] = await open(context, 2);
      await login(hidden!);
      await hidden!.evaluate(() => (window as unknown as PageWindow).setVisibility('hidden'));
      await kill(context);
      await notes(hidden!, 'h');
      await waitInPage(visible!, 'window.prompts === 1');
      await notes(visible!, 'v');
      await visible!.evaluate(() => (window as unknown as PageWindow).completeLogin!());
      expectAllSaved(await settled([hidden!, visible!]));
      expect(await read(hidden!, (w) => w.handlerCalls)).toBe(0);
      await context.close();
    });

    test('the prompt moves to the tab the user switches to, and the first tab closes its prompt', async () => {
      const context = await suite.browser.newContext();
      const [a, b, c] = await open(context, 3);
      await login(a!);
      await b!.evaluate(() => (window as unknown as PageWindow).setVisibility('hidden'));
      await c!.evaluate(() => (window as unknown as PageWindow).setVisibility('hidden'));
      await kill(context);
      await notes(a!, 'a');
      await notes(b!, 'b');
      await waitInPage(a!, 'window.prompts === 1');
      // The user switches from tab A to tab B before logging in.
      await a!.evaluate(() => (window as unknown as PageWindow).setVisibility('hidden'));
      await b!.evaluate(() => (window as unknown as PageWindow).setVisibility('visible'));
      await waitInPage(b!, 'window.prompts === 1');
      await waitInPage(a!, 'window.promptsClosed === 1');
      await b!.evaluate(() => (window as unknown as PageWindow).completeLogin!());
      expectAllSaved(await settled([a!, b!]));
      expect(await read(c!, (w) => w.handlerCalls)).toBe(0);
      await context.close();
    });

    test('when the tab showing the prompt is closed, another tab takes it over', async () => {
      const context = await suite.browser.newContext();
      const [a, b] = await open(context, 2);
      await login(a!);
      await kill(context);
      await notes(b!, 'b');
      // Either tab may be the one prompting (both are visible): the test closes whichever it is.
      const prompts = async () =>
        (await read(a!, (w) => w.prompts ?? 0)) + (await read(b!, (w) => w.prompts ?? 0));
      await expect.poll(prompts, { timeout: 15_000 }).toBe(1);
      const [prompting, other] = (await read(a!, (w) => w.prompts ?? 0)) === 1 ? [a!, b!] : [b!, a!];
      await notes(other, 'o');
      await prompting.close();
      await waitInPage(other, 'window.prompts === 1');
      await other.evaluate(() => (window as unknown as PageWindow).completeLogin!());
      expectAllSaved(await settled([other]));
      await context.close();
    });

    test("a login in one tab while another tab's requests are in flight is no expiry there", async () => {
      const context = await suite.browser.newContext();
      const [a, b] = await open(context, 2);
      await login(a!);
      await b!.evaluate(
        ({ url }) =>
          (window as unknown as PageWindow).fire(
            [1, 2, 3, 4].map((n) => ({ name: `b${n}`, method: 'post', url: `${url}?hold=150&tag=b${n}` })),
          ),
        { url: `${base}write.php` },
      );
      await login(a!);
      const outcomes = await settled([b!]);
      for (const [name, outcome] of Object.entries(outcomes))
        expect(outcome, name).toContain('"user":"alice"');
      expect(await read(b!, (w) => w.events)).not.toContain('session:expire');
      expect((await read(a!, (w) => w.handlerCalls)) + (await read(b!, (w) => w.handlerCalls))).toBe(0);
      await context.close();
    });
  });
});
