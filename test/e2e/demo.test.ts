// The demo (demo/server.mjs --port 0) in Chromium with the embedded backend: the index page, and on both pages
// the panels and the Results log through a login, writes, a logout, a login waiting for a long request, and
// writes landing after a held lock. Screenshots go to test-results/e2e.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { browserAvailable, chromiumPath, ci, launchBrowser, type TestBrowser } from '../helpers/browser.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const screenshots = join(root, 'test-results/e2e');
const haveChromium = browserAvailable();
const missing = `The demo test needs Chromium (${chromiumPath}): apt-get update && apt-get install -y chromium`;
if (!haveChromium && !ci()) console.warn(`Skipping the demo test. ${missing}`);

/** Starts `node demo/server.mjs --port 0` and resolves with its URL once it prints it. */
const startDemo = (): Promise<{ url: string; child: ChildProcess; output: () => string }> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(root, 'demo/server.mjs'), '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => fail(new Error(`the demo did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /demo \(mock backend\): (http:\/\/\S+\/)/.exec(output);
      if (match) {
        clearTimeout(timer);
        done({ url: match[1]!, child, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the demo exited (${code}):\n${output}`));
    });
  });

const stopDemo = (child: ChildProcess | undefined): Promise<void> =>
  new Promise((done) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return done();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });

const overlayText = (page: Page) =>
  page.locator('session-fetch-overlay').evaluate((element) => element.shadowRoot?.textContent ?? '');

/** The Results log, oldest first, each line's class and text. */
const resultsOf = (page: Page) =>
  page.$$eval('#results li', (items) =>
    items.map((item) => `${item.className}: ${item.textContent}`).reverse(),
  );

/** Page errors and console errors (a CSP violation among them); the lock timeouts' 423s are expected. */
const watchProblems = (page: Page) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 423/.test(message.text()))
      problems.push(`console: ${message.text()}`);
  });
  return problems;
};

describe.skipIf(!haveChromium && !ci())('the demo in Chromium', () => {
  let demo: Awaited<ReturnType<typeof startDemo>> | undefined;
  let browser: TestBrowser | undefined;

  beforeAll(async () => {
    if (!haveChromium) throw new Error(missing);
    mkdirSync(screenshots, { recursive: true });
    demo = await startDemo();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stopDemo(demo?.child);
  });

  /** A fresh context on the page, ready, with its problems recorded. */
  const open = async (path: string) => {
    const { context, page } = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watchProblems(page);
    const response = await page.goto(`${demo!.url}${path}`);
    expect(response?.headers()['content-security-policy']).toBe("default-src 'self'");
    return { context, page, problems };
  };

  test('the index page says in three lines what to try and links both pages', async () => {
    const { context, page, problems } = await open('');
    try {
      const steps = await page.$$eval('.try li', (items) => items.map((item) => item.textContent ?? ''));
      expect(steps).toHaveLength(3);
      expect(steps[1]).toContain('Expire the session now');
      const links = await page.$$eval('main a', (anchors) => anchors.map((a) => a.getAttribute('href')));
      expect(links).toEqual(['/spa.html', '/legacy.html']);
      await page.screenshot({ path: join(screenshots, 'demo-index.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  for (const kind of ['spa', 'legacy'] as const) {
    test(`${kind} page: log in rotates the id, 20 concurrent writes add 20, a logout clears the panels, the overlay shows them`, async () => {
      const { context, page, problems } = await open(`${kind}.html`);
      try {
        await page.waitForSelector('body[data-ready="true"]');
        if (kind === 'legacy') {
          expect(await page.evaluate('typeof SessionFetch.jquery')).toBe('function');
          expect(await page.evaluate('typeof SessionFetch.mountOverlay')).toBe('function');
        }
        await expect.poll(() => page.getAttribute('#status', 'data-status')).toBe('active');
        // A session, no login: the panels say so without "active" beside "not logged in".
        expect(await page.textContent('#user')).toBe('—');
        expect(await page.textContent('#status')).toBe('anonymous: a session without a login');
        const firstFp = await page.textContent('#fp');

        // Log in: session_regenerate_id(true), a new fingerprint.
        await page.click('[data-scenario="login"]');
        await expect.poll(() => page.textContent('#user')).toBe('alice');
        await expect.poll(() => page.textContent('#results li:first-child')).toContain('logged in as alice');
        expect(await page.textContent('#status')).toBe('active (logged in)');
        const fp = await page.textContent('#fp');
        expect(fp).toMatch(/^[0-9a-f]{16}$/);
        expect(fp).not.toBe(firstFp);

        // 20 concurrent writes: none lost on the session lock.
        const before = Number(await page.textContent('#counter'));
        await page.click('[data-scenario="writes"]');
        const result = page.locator('[data-result="writes"]');
        await result.waitFor();
        expect(await result.textContent()).toContain(
          `20 ok, 0 failed; none lost (each answer counted one more: ${before + 1} … ${before + 20}); counter ${before} → ${before + 20} (+20)`,
        );
        expect(await result.getAttribute('class')).toBe('ok');
        expect(Number(await page.textContent('#counter'))).toBe(before + 20);

        // The overlay: open, the session active under the new fingerprint, every request listed.
        const text = await overlayText(page);
        expect(text).toContain('session-fetch');
        expect(text).toContain(`Fingerprint${fp}`);
        expect(text).toContain('Statusactive');
        expect(Number(/Requests \((\d+)\)/.exec(text)![1])).toBeGreaterThanOrEqual(23);
        expect(text.match(/POST\/api\/counter200okwrite/g)?.length).toBe(20);
        expect(text).toContain('POST/api/login200okwrite');
        await page.screenshot({ path: join(screenshots, `demo-${kind}.png`) });

        // Log out: the session ended (not expired), the panels cleared, no login dialog.
        await page.click('[data-scenario="logout"]');
        await expect.poll(() => page.getAttribute('#status', 'data-status')).toBe('ended');
        expect(await page.textContent('#status')).toBe('ended: logged out');
        expect(await page.textContent('#user')).toBe('—');
        expect(await page.textContent('#counter')).toBe('—');
        expect(
          await page.locator('#login-dialog').evaluate((dialog) => (dialog as HTMLDialogElement).open),
        ).toBe(false);
        await page.screenshot({ path: join(screenshots, `demo-${kind}-logged-out.png`) });
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });

    test(`${kind} page: a login clicked during "Long request" says what it waits for, and "Hold the lock 5 s" then "20 concurrent writes" accounts for every count`, async () => {
      const { context, page, problems } = await open(`${kind}.html`);
      try {
        await page.waitForSelector('body[data-ready="true"]');
        await expect.poll(() => page.getAttribute('#status', 'data-status')).toBe('active');

        // The long request outlives the session; a login clicked meanwhile waits for its answer, and says so.
        await page.click('[data-scenario="long"]');
        await page.waitForTimeout(500);
        await page.click('[data-scenario="login"]');
        await expect
          .poll(() => resultsOf(page))
          .toContainEqual(
            expect.stringMatching(
              /^info: .*POST \/api\/login waits for GET \/api\/slow \(running [\d.]+ s\) to answer: a login goes alone/,
            ),
          );
        // The greyed buttons say why, and so does the line under them.
        const login = page.locator('[data-scenario="login"]');
        expect(await login.isDisabled()).toBe(true);
        expect(await login.getAttribute('title')).toMatch(/POST \/api\/login waits for GET \/api\/slow/);
        expect(await page.textContent('#busy')).toMatch(
          /^Running: Long request outliving the session, Log in \(rotates the id\)\. GET \/api\/slow is running/,
        );
        await page.screenshot({ path: join(screenshots, `demo-${kind}-login-waits.png`) });
        const done =
          /long request done after \d+ s as alice: GET \/api\/slow came back expired, was held until the session was back, and was sent again/;
        await expect
          .poll(() => resultsOf(page), { timeout: 20_000 })
          .toContainEqual(expect.stringMatching(done));
        const log = await resultsOf(page);
        expect(log).toContainEqual(
          expect.stringMatching(
            /^info: .*GET \/api\/slow came back expired: it is held until the session is back/,
          ),
        );
        expect(log).toContainEqual(
          expect.stringMatching(
            /^ok: .*logged in as alice: .*\(POST \/api\/login waited [\d.]+ s in the browser's queue\)$/,
          ),
        );
        // The overlay gives the long request's attempts a row each: expired, then replayed.
        const stories = await page
          .locator('session-fetch-overlay')
          .evaluate((element) =>
            [...element.shadowRoot!.querySelectorAll<HTMLElement>('.g')].map((group) => group.title),
          );
        expect(stories).toContainEqual(
          expect.stringMatching(/^GET \/api\/slow\?ms=6000: 200 expired → held → replayed → 200$/),
        );
        await expect.poll(() => page.textContent('#busy')).toBe('');
        expect(await login.getAttribute('title')).toBeNull();

        // The lock held 5 s, then 20 writes: the write waiting for that lock lands in between and is named.
        // Enabled once the scenario before has finished (its replay may take a while on a busy machine).
        await page.click('[data-scenario="hold"]', { timeout: 40_000 });
        await page.waitForTimeout(400);
        await page.click('[data-scenario="writes"]');
        const writes = page.locator('[data-result="writes"]');
        await writes.waitFor({ timeout: 20_000 });
        const text = (await writes.textContent()) ?? '';
        expect(await writes.getAttribute('class')).toBe('ok');
        expect(text).toContain('20 ok, 0 failed; none lost');
        const counts = /counter (\d+) → (\d+) \(\+(\d+)\)/.exec(text)!;
        if (Number(counts[3]) === 21) {
          expect(text).toContain(
            ': +20 from these writes and +1 from "Hold the lock 5 s", still running when these started',
          );
        } else expect(Number(counts[3])).toBe(20);
        await page.screenshot({ path: join(screenshots, `demo-${kind}-hold-and-writes.png`) });
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
