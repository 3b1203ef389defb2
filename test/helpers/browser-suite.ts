import { afterAll, afterEach, beforeAll } from 'vitest';
import { type LaunchOptions, launchBrowser, requireBrowserSuite, type TestBrowser } from './browser.js';
import { type Site, startSite } from './static-pages.js';

type SiteOptions = Parameters<typeof startSite>[0];

/**
 * The hooks of a browser test block: its PHP sites and one Chromium, started before the tests, each test's
 * contexts closed after it, and everything stopped after the block even when a test failed. Call it inside the
 * `describe`; read `browser` and `site` (the first site) in the tests.
 */
export const useBrowserSuite = (options: { sites?: SiteOptions[]; launch?: LaunchOptions } = {}) => {
  let browser: TestBrowser | undefined;
  let sites: Site[] = [];
  beforeAll(async () => {
    requireBrowserSuite();
    sites = await Promise.all((options.sites ?? [{}]).map((siteOptions) => startSite(siteOptions)));
    browser = await launchBrowser(options.launch);
  });
  afterEach(async () => {
    await browser?.closeContexts();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(sites.map((site) => site.stop()));
  });
  return {
    get browser(): TestBrowser {
      if (!browser) throw new Error('The browser is not started: use it inside a test.');
      return browser;
    },
    get site(): Site {
      return this.sites[0]!;
    },
    get sites(): Site[] {
      if (sites.length === 0) throw new Error('The sites are not started: use them inside a test.');
      return sites;
    },
  };
};
