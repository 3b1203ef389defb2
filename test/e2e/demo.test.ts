// The demo (demo/server.mjs) in Chromium: both pages, with the embedded backend, log in and 20 concurrent writes.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, chromiumPath, ci, launchBrowser, type TestBrowser } from '../helpers/browser.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
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

describe.skipIf(!haveChromium && !ci())('the demo in Chromium', () => {
  let demo: Awaited<ReturnType<typeof startDemo>> | undefined;
  let browser: TestBrowser | undefined;

  beforeAll(async () => {
    if (!haveChromium) throw new Error(missing);
    demo = await startDemo();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stopDemo(demo?.child);
  });

  for (const kind of ['spa', 'legacy'] as const) {
    it(`${kind} page: log in rotates the id, 20 concurrent writes add 20, the overlay shows them`, async () => {
      const { context, page } = await browser!.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`pageerror: ${error}`));
      page.on('console', (message) => {
        // A CSP violation (inline script or style) or any other page error.
        if (message.type() === 'error' && !/status of 423/.test(message.text()))
          problems.push(`console: ${message.text()}`);
      });
      try {
        const response = await page.goto(`${demo!.url}${kind}.html`);
        expect(response?.headers()['content-security-policy']).toBe("default-src 'self'");
        await page.waitForSelector('body[data-ready="true"]');
        if (kind === 'legacy') {
          expect(await page.evaluate('typeof SessionFetch.jquery')).toBe('function');
          expect(await page.evaluate('typeof SessionFetch.mountOverlay')).toBe('function');
        }
        await expect.poll(() => page.textContent('#status')).toBe('active');
        const firstFp = await page.textContent('#fp');

        // Log in: session_regenerate_id(true), a new fingerprint.
        await page.click('[data-scenario="login"]');
        await expect.poll(() => page.textContent('#user')).toBe('alice');
        await expect.poll(() => page.textContent('#results li:first-child')).toContain('logged in as alice');
        const fp = await page.textContent('#fp');
        expect(fp).toMatch(/^[0-9a-f]{16}$/);
        expect(fp).not.toBe(firstFp);

        // 20 concurrent writes: none lost on the session lock.
        const before = Number(await page.textContent('#counter'));
        await page.click('[data-scenario="writes"]');
        const result = page.locator('[data-result="writes"]');
        await result.waitFor();
        expect(await result.textContent()).toContain(
          `20 ok, 0 failed; counter ${before} → ${before + 20} (+20)`,
        );
        expect(Number(await page.textContent('#counter'))).toBe(before + 20);

        // The overlay: open, the session active under the new fingerprint, every request listed.
        const text = await overlayText(page);
        expect(text).toContain('session-fetch');
        expect(text).toContain(`Fingerprint${fp}`);
        expect(text).toContain('Statusactive');
        expect(text).toMatch(/Requests \((\d+)\)/);
        expect(Number(/Requests \((\d+)\)/.exec(text)![1])).toBeGreaterThanOrEqual(23);
        expect(text.match(/POST\/api\/counter200write/g)?.length).toBe(20);
        expect(text).toContain('POST/api/login200write');
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
