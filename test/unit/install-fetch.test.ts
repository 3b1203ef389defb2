// @vitest-environment happy-dom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { isSessionExpiredError, type SessionClient } from '../../src/index.js';
import { type InstalledFetch, installFetch } from '../../src/platform/install-fetch.js';
import { createPhpServer, installDemoRoutes } from '../../src/testing/index.js';
import { addLockHolder } from '../helpers/mock-lock-holder.js';
import { addNotes, client, pageOrigin, useMockPhp } from '../helpers/mock-php.js';

const otherOrigin = 'http://api.other.test';
const other = installDemoRoutes(createPhpServer({ baseUrl: otherOrigin, cors: { origins: [pageOrigin] } }));
const { php, sent } = useMockPhp({ lockWaitTimeoutMs: 200 }, { [otherOrigin]: other });

addNotes(php, (notes) => ({ saved: notes.length }));
const holder = addLockHolder(php);

const runs = (path: string) => php.log.filter((entry) => entry.path === path && entry.executed);
const starts = (session: SessionClient) => {
  const listener = vi.fn();
  session.on('request:start', listener);
  return listener;
};

let installed: InstalledFetch | undefined;
afterEach(() => {
  installed?.uninstall();
  installed = undefined;
});

describe('installFetch', () => {
  test('a same-origin fetch gets the session machinery and resolves to a plain Response', async () => {
    const session = client();
    const started = starts(session);
    installed = installFetch(session);
    const response = await fetch('/api/counter', { method: 'POST', body: 'one' });
    expect(response).toBeInstanceOf(Response);
    expect(await response.json()).toEqual({ counter: 1 });
    expect(started).toHaveBeenCalledTimes(1);
    expect(sent.at(-1)!.headers.get('cache-control')).toBe('no-cache');
    expect(runs('/api/counter')[0]!.bodyText).toBe('one');
    expect(session.session.status).toBe('active');
    // The session cookie came back: a second call uses the same session.
    expect(await (await fetch('/api/counter', { method: 'POST' })).json()).toEqual({ counter: 2 });
  });

  test('HTTP errors resolve (fetch semantics); a Request input keeps its method, headers and body', async () => {
    installed = installFetch(client());
    const missing = await fetch('/api/missing');
    expect(missing.status).toBe(404);
    const echoed = await fetch(
      new Request('/api/echo', {
        method: 'POST',
        body: '{"a":1}',
        headers: { 'Content-Type': 'application/json' },
      }),
    );
    expect(await echoed.json()).toEqual({ a: 1 });
    expect(sent.at(-1)!.headers.get('content-type')).toBe('application/json');
  });

  test('a lock timeout is retried with the body sent again, and the script runs once', async () => {
    const session = client({ lockRetry: { maxRetryAfter: 50 } });
    installed = installFetch(session);
    await fetch('/api/whoami');
    // Another request of the session holds the lock until the first attempt has met the lock timeout.
    const hold = holder.arm();
    const blocker = installed.client.get(holder.path, { session: 'none' });
    await hold.held;
    const retries = vi.fn(() => hold.release());
    session.on('lock:retry', retries);
    const response = await fetch('/api/counter', { method: 'POST', body: 'mine' });
    await blocker;
    expect(await response.json()).toEqual({ counter: 1 });
    expect(retries).toHaveBeenCalledTimes(1);
    expect(php.log.filter((entry) => entry.path === '/api/counter').map((entry) => entry.status)).toEqual([
      423, 200,
    ]);
    expect(runs('/api/counter').map((entry) => entry.bodyText)).toEqual(['mine']);
  });

  test('an expired session is held and the request replayed after onExpired', async () => {
    const onExpired = vi.fn(async () => {
      await fetch('/api/login', {
        method: 'POST',
        body: '{"user":"ada"}',
        rotatesSession: true,
      } as RequestInit);
      return 'resume' as const;
    });
    installed = installFetch(client({ onExpired }));
    await fetch('/api/login', { method: 'POST', rotatesSession: true } as RequestInit);
    php.expireAll();
    const response = await fetch('/api/notes', { method: 'POST', body: 'kept' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ saved: 1 });
    expect(onExpired).toHaveBeenCalledTimes(1);
  });

  test('an expiry that is not resumed rejects with SessionExpiredError', async () => {
    installed = installFetch(client());
    const error = await fetch('/api/private').catch((caught: unknown) => caught);
    expect(isSessionExpiredError(error)).toBe(true);
  });

  test('absolute, URL and Request inputs to the page origin are routed; an invalid URL is not', async () => {
    const session = client();
    const started = starts(session);
    installed = installFetch(session);
    const url = `${pageOrigin}/api/whoami`;
    for (const input of [url, new URL(url), new Request(url), new Request('/api/whoami'), '/api/whoami']) {
      expect((await fetch(input)).status).toBe(200);
    }
    expect(started).toHaveBeenCalledTimes(5);
    expect(sent.every((request) => request.headers.get('cache-control') === 'no-cache')).toBe(true);
    await expect(fetch('http://[bad/x')).rejects.toThrow();
    expect(started).toHaveBeenCalledTimes(5);
  });

  test("other origins and credentials: 'omit' reach the original fetch untouched", async () => {
    const session = client();
    const started = starts(session);
    installed = installFetch(session);
    const foreign = await fetch(`${otherOrigin}/api/whoami`);
    expect(await foreign.json()).toMatchObject({ loggedIn: false });
    expect(sent.at(-1)!.headers.has('cache-control')).toBe(false);
    const omitted = await fetch('/api/whoami', { credentials: 'omit' });
    expect(omitted.status).toBe(200);
    expect(sent.at(-1)!.headers.has('cache-control')).toBe(false);
    expect(started).not.toHaveBeenCalled();
  });

  test("the app's own client keeps working: its calls are not routed a second time", async () => {
    const session = client({ concurrency: 1 });
    const started = starts(session);
    installed = installFetch(session);
    const results = await Promise.all(
      ['a', 'b', 'c'].map((body) => session.post('/api/counter?hold=10', { body }).json()),
    );
    expect(results).toHaveLength(3);
    expect(started).toHaveBeenCalledTimes(3);
    expect(runs('/api/counter')).toHaveLength(3);
  });

  test('an aborted fetch that is still queued rejects with AbortError and is never sent', async () => {
    const session = client({ concurrency: 1 });
    installed = installFetch(session);
    const hold = holder.arm();
    const first = fetch(holder.path, { method: 'POST', body: 'first' });
    await hold.held;
    const controller = new AbortController();
    const queued = fetch('/api/counter', { method: 'POST', body: 'queued', signal: controller.signal });
    await vi.waitFor(() => expect(session.stats.queued).toBe(1));
    controller.abort();
    const error = await queued.catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
    // A write queued after it goes once the first answers: the aborted one, had it kept its place, would go first.
    const later = fetch('/api/counter', { method: 'POST', body: 'later' });
    hold.release();
    await first;
    expect(await (await later).json()).toEqual({ counter: 1 });
    expect(php.log.map((entry) => entry.bodyText).filter(Boolean)).toEqual(['first', 'later']);
  });

  test('uninstall() restores the original fetch, and leaves a later replacement alone', async () => {
    const target = { fetch: vi.fn(async () => new Response('original')) as unknown as typeof fetch };
    const original = target.fetch;
    const handle = installFetch(client(), { target });
    expect(target.fetch).not.toBe(original);
    expect(await (await target.fetch('http://elsewhere.test/x')).text()).toBe('original');
    handle.uninstall();
    expect(target.fetch).toBe(original);

    const again = installFetch(client(), { target });
    const later = vi.fn() as unknown as typeof fetch;
    target.fetch = later;
    again.uninstall();
    expect(target.fetch).toBe(later);
  });
});
