import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { PageLog, TestBrowser } from './browser.js';
import { repoDir } from './static-pages.js';

// The debug overlay's test page (test/e2e/pages/overlay.php + overlay.js) and what its shadow root shows.

export const screenshots = join(repoDir, 'test-results/e2e');

type Client = import('../../src/index.js').SessionClient;
export type PageWindow = {
  client: Client;
  overlay: { exportJson(): string };
  overlayError?: string;
  violations: string[];
  __pwned?: unknown;
};

/**
 * overlay.php (with its CSP unless csp=false, `query` added to its URL), a violation listener installed before
 * any page script, once the overlay is mounted.
 */
export const openOverlayPage = async (
  browser: TestBrowser,
  siteUrl: string,
  csp = true,
  query = '',
): Promise<{ page: Page; context: BrowserContext; log: PageLog }> => {
  const opened = await browser.newPage({ viewport: { width: 1000, height: 640 } });
  await opened.context.addInitScript(() => {
    const w = window as unknown as PageWindow;
    w.violations = [];
    const record = (event: SecurityPolicyViolationEvent) =>
      w.violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
    window.addEventListener('securitypolicyviolation', record, true);
    document.addEventListener('securitypolicyviolation', record, true);
  });
  await opened.page.goto(`${siteUrl}/pages/overlay.php?csp=${csp ? 1 : 0}${query}`);
  await opened.page.waitForFunction(
    () =>
      (window as unknown as { overlayReady?: boolean }).overlayReady ||
      (window as unknown as PageWindow).overlayError,
  );
  const error = await opened.page.evaluate(() => (window as unknown as PageWindow).overlayError);
  expect(error, 'the overlay script-tag build').toBeUndefined();
  return opened;
};

/** What the overlay's shadow root shows: the session fields, the text, the markup (attributes included). */
export const readOverlay = (page: Page) =>
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
export const readGroups = (page: Page) =>
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
export const readFit = (page: Page) =>
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
export const forgetSessions = (sessionDir: string) => {
  for (const file of readdirSync(sessionDir)) {
    if (file.startsWith('sess_')) rmSync(join(sessionDir, file), { force: true });
  }
};
