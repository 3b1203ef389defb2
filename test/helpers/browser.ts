import { existsSync } from 'node:fs';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { phpAvailable } from './php-server.js';
import { ci } from './timing.js';

/** Debian's Chromium (the `chromium` package); CHROMIUM_PATH overrides. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const installCommand =
  'apt-get update && apt-get install -y chromium php8.2-cli php8.2-fpm nginx-light';

export const missingBrowserMessage = `The browser suite needs Chromium, php-fpm 8.2 and nginx: ${installCommand}`;

/** Whether Chromium is installed. */
export const browserAvailable = (): boolean => existsSync(chromiumPath);

// Whether this is a CI run (CI=true or CI=1): missing browsers then fail the suites instead of skipping them.
export { ci } from './timing.js';

/**
 * Whether the browser suite runs: true when Chromium, php-fpm and nginx are installed. Without them it prints the
 * install command and returns false (the suite is skipped), except under CI=true, where it returns true so that
 * `requireBrowserSuite()` in beforeAll fails the suite with the command.
 */
export const shouldRunBrowserSuite = (): boolean => {
  if (browserAvailable() && phpAvailable()) return true;
  if (ci()) return true;
  console.warn(`Skipping the browser suite. ${missingBrowserMessage}`);
  return false;
};

/** For beforeAll: throws the install command when something is missing (reached only under CI=true). */
export const requireBrowserSuite = (): void => {
  if (!browserAvailable() || !phpAvailable()) throw new Error(missingBrowserMessage);
};

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type LaunchOptions = {
  /** Host names resolved to 127.0.0.1 (`--host-resolver-rules=MAP <host> 127.0.0.1`), e.g. app.example.test. */
  mapHosts?: string[];
};

/** What a page did that a test may want to see when it fails: uncaught errors and console messages. */
export type PageLog = { errors: string[]; console: string[] };

export type TestBrowser = {
  browser: Browser;
  /** A fresh context (its own cookies and storage: one browser profile, its pages the tabs). Closed by `close()`. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A fresh context (its own cookies and storage) and a page in it. Closed by `close()`. */
  newPage(options?: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page; log: PageLog }>;
  /** Closes every context made so far (between tests). */
  closeContexts(): Promise<void>;
  /** Closes the contexts and the browser. Safe to call twice and after a failed launch. */
  close(): Promise<void>;
};

/** Launches Debian's Chromium headless with playwright-core. Every page lives in its own fresh context. */
export const launchBrowser = async (options: LaunchOptions = {}): Promise<TestBrowser> => {
  const args = [...chromiumArgs];
  if (options.mapHosts?.length) {
    args.push(`--host-resolver-rules=${options.mapHosts.map((host) => `MAP ${host} 127.0.0.1`).join(',')}`);
  }
  const browser = await chromium.launch({ executablePath: chromiumPath, args, timeout: 30_000 });
  const contexts = new Set<BrowserContext>();
  const closeContexts = async () => {
    const open = [...contexts];
    contexts.clear();
    await Promise.allSettled(open.map((context) => context.close()));
  };
  const newContext = async (contextOptions?: BrowserContextOptions) => {
    const context = await browser.newContext(contextOptions);
    contexts.add(context);
    context.setDefaultTimeout(15_000);
    return context;
  };
  return {
    browser,
    newContext,
    async newPage(contextOptions) {
      const context = await newContext(contextOptions);
      const page = await context.newPage();
      const log: PageLog = { errors: [], console: [] };
      page.on('pageerror', (error) => log.errors.push(String(error)));
      page.on('console', (message) => log.console.push(`${message.type()}: ${message.text()}`));
      return { context, page, log };
    },
    closeContexts,
    async close() {
      await closeContexts();
      if (browser.isConnected()) await browser.close().catch(() => undefined);
    },
  };
};

/** Runs `check` in the page until it returns true (playwright's waitForFunction, with a clearer failure). */
export const waitInPage = async (page: Page, expression: string, timeout = 15_000): Promise<void> => {
  try {
    await page.waitForFunction(expression, undefined, { timeout, polling: 25 });
  } catch (error) {
    throw new Error(`timed out after ${timeout} ms waiting for \`${expression}\` in ${page.url()}`, {
      cause: error,
    });
  }
};
