/**
 * The cross-tab e2e harness: a temp document root with the PHP test app, a test page and the client bundled
 * from src/, served by the real php-fpm + nginx (`startPhpServer({ root })`), and Chromium driven by
 * playwright-core. One browser context is one browser profile (one cookie jar); its pages are tabs.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { chromiumArgs } from './browser.js';
import {
  type PhpServer,
  type PhpServerOptions,
  phpAppDir,
  phpAvailable,
  startPhpServer,
} from './php-server.js';

const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const installCommand =
  'apt-get update && apt-get install -y chromium php8.2-cli php8.2-fpm nginx-light';

/**
 * Whether the suite can run. Without Chromium or PHP: under CI=true it throws with the install command, else it
 * prints it and returns false (the suite is skipped).
 */
export const tabsSuiteAvailable = (): boolean => {
  const missing = [!existsSync(chromiumPath) && 'Chromium', !phpAvailable() && 'php-fpm 8.2 / nginx'].filter(
    Boolean,
  );
  if (missing.length === 0) return true;
  const message = `The cross-tab browser suite needs ${missing.join(' and ')}: ${installCommand}`;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(message);
  console.warn(`Skipping the cross-tab browser suite. ${message}`);
  return false;
};

const page = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>tab</title><script src="/session-fetch.js"></script></head>
<body><p>tab</p></body></html>
`;

/** Builds the client (src/index.ts) as an IIFE defining `window.SessionFetch`. */
const bundleClient = async (): Promise<string> => {
  const result = await build({
    entryPoints: [join(repoDir, 'src/index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'SessionFetch',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
};

export type TabsSite = { server: PhpServer; root: string; stop: () => Promise<void> };

/** The PHP app plus `/tabs.html` and `/session-fetch.js` in a temp root, served by php-fpm + nginx. */
export const startTabsSite = async (options: PhpServerOptions = {}): Promise<TabsSite> => {
  const base = mkdtempSync(join(tmpdir(), 'session-fetch-tabs-'));
  // The app's scripts require __DIR__/../../php/session-fetch.php.
  const root = join(base, 'site', 'www');
  mkdirSync(join(base, 'php'), { recursive: true });
  cpSync(join(repoDir, 'php/session-fetch.php'), join(base, 'php/session-fetch.php'));
  cpSync(phpAppDir, root, { recursive: true });
  writeFileSync(join(root, 'tabs.html'), page);
  writeFileSync(join(root, 'session-fetch.js'), await bundleClient());
  // nginx runs as root in the harness; php-fpm must read the copied files.
  spawnSync('chmod', ['-R', 'a+rX', base]);
  const server = await startPhpServer({ ...options, root });
  return {
    server,
    root,
    stop: async () => {
      await server.stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
};

/** Chromium with a fresh profile. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });

/**
 * Opens a tab on the test page and creates `window.client` with these options (JSON, plus `onExpired` as the
 * source of a function, evaluated in the page). Every client event is recorded in `window.events`.
 */
export const openTab = async (
  context: BrowserContext,
  origin: string,
  options: Record<string, unknown> = {},
  onExpired?: string,
): Promise<Page> => {
  const tab = await context.newPage();
  tab.on('pageerror', (error) => console.warn(`page error: ${error.message}`));
  await tab.goto(`${origin}/tabs.html`);
  await tab.evaluate(
    ({ options, onExpired }) => {
      // biome-ignore lint/suspicious/noExplicitAny: the page's globals, untyped
      const w = window as unknown as Record<string, any>;
      w.events = [];
      const client = w.SessionFetch.createSessionClient({
        ...options,
        // The test passes the handler's source: a page function cannot cross from node as a value.
        ...(onExpired ? { onExpired: new Function(`return (${onExpired});`)() } : {}),
      });
      for (const name of [
        'session:start',
        'session:rotate',
        'session:expire',
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
