/**
 * Tabs for the cross-tab e2e suite (test/e2e/tabs.test.ts): pages of one browser context (one profile, one
 * cookie jar) on test/e2e/pages/tabs.html, which loads the script-tag build. The site and the browser come
 * from useBrowserSuite.
 */
import type { BrowserContext, Page } from 'playwright-core';

/**
 * Opens a tab on the test page and creates `window.client` with these options (JSON, plus `onExpired` as the
 * source of a function, evaluated in the page). `features` names the features and their options,
 * `{ csrf: { refreshUrl } }`: the page makes them with the script tag's SessionFetch.csrf(), .lifecycle().
 * `roundTripMs` delays each request of the client and its answer by half of it (a server far away; pass `tabs`
 * too, since a client with its own fetch leaves the tabs off). Every client event is recorded in `window.events`.
 */
export const openTab = async (
  context: BrowserContext,
  origin: string,
  options: Record<string, unknown> & { features?: Record<string, unknown>; roundTripMs?: number } = {},
  onExpired?: string,
): Promise<Page> => {
  const tab = await context.newPage();
  tab.on('pageerror', (error) => console.warn(`page error: ${error.message}`));
  await tab.goto(`${origin}/pages/tabs.html`);
  await tab.evaluate(
    ({ options, onExpired }) => {
      // biome-ignore lint/suspicious/noExplicitAny: the page's globals, untyped
      const w = window as unknown as Record<string, any>;
      w.events = [];
      const { features = {}, roundTripMs = 0, ...rest } = options;
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const far = async (input: RequestInfo | URL, init?: RequestInit) => {
        await sleep(roundTripMs / 2);
        const response = await fetch(input, init);
        await sleep(roundTripMs / 2);
        return response;
      };
      const client = w.SessionFetch.createSessionClient({
        ...rest,
        ...(roundTripMs ? { fetch: far } : {}),
        features: Object.entries(features).map(([name, given]) => w.SessionFetch[name](given)),
        // The test passes the handler's source: a page function cannot cross from node as a value.
        ...(onExpired ? { onExpired: new Function(`return (${onExpired});`)() } : {}),
      });
      for (const name of [
        'session:start',
        'session:rotate',
        'session:expire',
        'session:end',
        'session:resume',
        'session:give-up',
        'lock:retry',
        'tabs:leader',
      ]) {
        // biome-ignore lint/suspicious/noExplicitAny: the client's events, untyped in the page
        client.on(name, (event: Record<string, any>) =>
          w.events.push({ name, leader: event.leader, status: event.session?.status }),
        );
      }
      w.client = client;
    },
    { options, onExpired },
  );
  return tab;
};

/** The names of the events a tab's client emitted so far. */
export const eventNames = (tab: Page): Promise<string[]> =>
  tab.evaluate(() => (window as unknown as { events: { name: string }[] }).events.map((event) => event.name));
