// @vitest-environment happy-dom
import { createRequire } from 'node:module';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { csrf } from '../../src/csrf/index.js';
import { isSessionExpiredError, isSessionLockTimeoutError, type SessionClient } from '../../src/index.js';
import { installJQuery, type JQueryAdapter } from '../../src/platform/jquery/index.js';
import { createPhpServer, installDemoRoutes } from '../../src/testing/index.js';
import { addLockHolder } from '../helpers/mock-lock-holder.js';
import { addNotes, client, pageOrigin, useMockPhp } from '../helpers/mock-php.js';

// jQuery 3's CommonJS build returns jQuery bound to the (happy-dom) window; jQuery 4 exports a factory.
const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: jQuery has no types in this package
type JQ = any;
const jquery3: JQ = require('jquery3');
const jquery4: JQ = require('jquery4/factory').jQueryFactory(window);

const otherOrigin = 'http://api.other.test';
const other = installDemoRoutes(createPhpServer({ baseUrl: otherOrigin, cors: { origins: [pageOrigin] } }));
// Lock waits give up after 200 ms (phpredis-style) and are answered 423 + Retry-After per the protocol.
const { php, sent, server } = useMockPhp({ lockWaitTimeoutMs: 200 }, { [otherOrigin]: other });

addNotes(php, (notes) => ({ saved: notes.length }));
const holder = addLockHolder(php);
php.route('POST', '/api/destroy', async ({ session_start, session_destroy }) => {
  await session_start();
  session_destroy();
  return { loggedOut: true };
});

const runs = (path: string) => php.log.filter((entry) => entry.path === path && entry.executed);
const login = (session: SessionClient) =>
  session.post('/api/login', { json: { user: 'ada' }, rotatesSession: true });

/** Every callback jQuery offers, counted, and a promise of the first completion. */
const watch = (jqXHR: JQ, settings: { success: JQ; error: JQ; complete: JQ }) => {
  const calls = { done: vi.fn(), fail: vi.fn(), always: vi.fn(), thenned: vi.fn() };
  jqXHR.done(calls.done).fail(calls.fail).always(calls.always);
  jqXHR.then(calls.thenned, calls.thenned);
  const settled = new Promise<void>((resolve) => jqXHR.always(() => setTimeout(resolve, 0)));
  return { ...calls, ...settings, settled };
};
const callbacks = () => ({ success: vi.fn(), error: vi.fn(), complete: vi.fn() });

let adapter: JQueryAdapter | undefined;
afterEach(() => {
  adapter?.uninstall();
  adapter = undefined;
});

describe.each([
  ['jQuery 3', jquery3],
  ['jQuery 4', jquery4],
])('%s', (_name, $: JQ) => {
  test('$.ajax goes through the client, and success/complete/done/always/then fire once', async () => {
    const session = client();
    adapter = installJQuery($, session);
    const starts = vi.fn();
    session.on('request:start', starts);
    const cb = callbacks();
    const seen = watch(
      $.ajax({ url: '/api/counter', type: 'POST', data: { a: 1 }, dataType: 'json', ...cb }),
      cb,
    );
    await seen.settled;
    for (const fn of [cb.success, cb.complete, seen.done, seen.always, seen.thenned])
      expect(fn).toHaveBeenCalledTimes(1);
    expect(cb.error).not.toHaveBeenCalled();
    expect(seen.fail).not.toHaveBeenCalled();
    expect(cb.success.mock.calls[0]![0]).toEqual({ counter: 1 });
    expect(cb.success.mock.calls[0]![1]).toBe('success');
    expect(cb.complete.mock.calls[0]![0].status).toBe(200);
    expect(starts).toHaveBeenCalledTimes(1);
    const request = sent.at(-1)!;
    expect(request.headers.get('cache-control')).toBe('no-cache');
    expect(request.headers.get('x-requested-with')).toBe('XMLHttpRequest');
    expect(request.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    expect(await request.text()).toBe('a=1');
    expect(runs('/api/counter')).toHaveLength(1);
    expect(session.session.status).toBe('active');
  });

  test('$.getJSON parses, response headers reach the jqXHR, and an HTTP error fires error once', async () => {
    adapter = installJQuery($, client());
    const me = await $.getJSON('/api/whoami', { x: 1 });
    expect(me).toMatchObject({ user: null, loggedIn: false });
    expect(new URL(sent.at(-1)!.url).search).toBe('?x=1');
    const jqXHR = $.ajax('/api/missing', { dataType: 'json' });
    const cb = callbacks();
    jqXHR.done(cb.success).fail(cb.error).always(cb.complete);
    await new Promise<void>((resolve) => jqXHR.always(() => resolve()));
    expect(cb.error).toHaveBeenCalledTimes(1);
    expect(cb.complete).toHaveBeenCalledTimes(1);
    expect(jqXHR.status).toBe(404);
    expect(jqXHR.responseJSON).toEqual({ message: 'Not Found' });
    expect(jqXHR.getResponseHeader('Content-Type')).toMatch(/json/);
  });

  test('a session-lock timeout is retried and success fires once', async () => {
    const session = client({ lockRetry: { maxRetryAfter: 50 } });
    adapter = installJQuery($, session);
    await $.getJSON('/api/whoami');
    // Another tab holds the lock until the first attempt has timed out (after 200 ms); the retry gets it.
    const hold = holder.arm();
    const blocker = fetch(holder.path, { credentials: 'include' });
    await hold.held;
    const retries = vi.fn(() => hold.release());
    session.on('lock:retry', retries);
    const cb = callbacks();
    const seen = watch($.post({ url: '/api/counter', data: 'mine', dataType: 'json', ...cb }), cb);
    await seen.settled;
    hold.release();
    await blocker;
    expect(cb.success).toHaveBeenCalledTimes(1);
    expect(cb.success.mock.calls[0]![0]).toEqual({ counter: 1 });
    expect(cb.error).not.toHaveBeenCalled();
    expect(seen.done).toHaveBeenCalledTimes(1);
    expect(retries).toHaveBeenCalledTimes(1);
    expect(php.log.filter((entry) => entry.path === '/api/counter').map((entry) => entry.status)).toEqual([
      423, 200,
    ]);
    expect(runs('/api/counter')).toHaveLength(1);
  });

  test('lock timeouts past lockRetry.limit fire error once with 423 and the SessionLockTimeoutError', async () => {
    adapter = installJQuery($, client({ lockRetry: { limit: 0 } }));
    await $.getJSON('/api/whoami');
    const hold = holder.arm();
    const blocker = fetch(holder.path, { credentials: 'include' });
    await hold.held;
    const cb = callbacks();
    const seen = watch($.ajax({ url: '/api/counter', type: 'POST', ...cb }), cb);
    await seen.settled;
    hold.release();
    await blocker;
    expect(cb.error).toHaveBeenCalledTimes(1);
    expect(seen.fail).toHaveBeenCalledTimes(1);
    const [jqXHR, textStatus, errorThrown] = cb.error.mock.calls[0]!;
    expect([jqXHR.status, textStatus]).toEqual([423, 'error']);
    expect(isSessionLockTimeoutError(errorThrown)).toBe(true);
    expect(errorThrown.attempts).toBe(1);
    expect(php.log.filter((entry) => entry.path === '/api/counter').map((entry) => entry.status)).toEqual([
      423,
    ]);
    expect(jqXHR.statusText).toMatch(/^SessionLockTimeoutError: /);
    expect(jqXHR.getResponseHeader('X-Session-Lock')).toBe('timeout');
    expect(runs('/api/counter')).toHaveLength(0);
  });

  test('an expired session is held and replayed after onExpired, and success fires once', async () => {
    const onExpired = vi.fn(async () => {
      await login(session);
      return 'resume' as const;
    });
    const session: SessionClient = client({ onExpired });
    adapter = installJQuery($, session);
    await $.ajax({ url: '/api/login', type: 'POST', data: { user: 'ada' }, rotatesSession: true });
    php.expireAll();
    const cb = callbacks();
    const seen = watch(
      $.ajax({ url: '/api/notes', type: 'POST', data: 'first', dataType: 'json', ...cb }),
      cb,
    );
    await seen.settled;
    expect(onExpired).toHaveBeenCalledTimes(1);
    expect(cb.success).toHaveBeenCalledTimes(1);
    expect(cb.success.mock.calls[0]![0]).toEqual({ saved: 1 });
    expect(cb.error).not.toHaveBeenCalled();
    expect(cb.complete).toHaveBeenCalledTimes(1);
    expect(seen.done).toHaveBeenCalledTimes(1);
    expect(seen.fail).not.toHaveBeenCalled();
  });

  test('a logout marked endsSession in $.ajax settings ends the session instead of expiring it', async () => {
    const onExpired = vi.fn(async () => 'give-up' as const);
    const session = client({ onExpired });
    const events: string[] = [];
    session.on('session:end', () => events.push('end'));
    session.on('session:expire', () => events.push('expire'));
    adapter = installJQuery($, session);
    await $.ajax({ url: '/api/login', type: 'POST', data: { user: 'ada' }, rotatesSession: true });
    // A logout script that destroys the session but leaves the cookie: only the mark tells a logout.
    await $.ajax({ url: '/api/destroy', type: 'POST', endsSession: true });
    expect(session.session.status).toBe('ended');
    expect(events).toEqual(['end']);
    expect(onExpired).not.toHaveBeenCalled();
  });

  test("options with features make a client that runs them: $.post carries the page's CSRF token", async () => {
    const meta = document.createElement('meta');
    meta.setAttribute('name', 'csrf-token');
    meta.setAttribute('content', 'page-token');
    document.head.append(meta);
    adapter = installJQuery($, { pageOrigin, features: [csrf()] });
    try {
      expect(adapter.client.options.features).toEqual(['csrf']);
      await $.post('/api/echo', { text: 'x' });
      const echoed = sent.filter((request) => new URL(request.url).pathname === '/api/echo');
      expect(echoed.map((request) => request.headers.get('X-CSRF-TOKEN'))).toEqual(['page-token']);
    } finally {
      adapter.client.dispose();
      meta.remove();
    }
  });

  test('when onExpired gives up, error fires once with 401 and the SessionExpiredError', async () => {
    const session = client({ onExpired: async () => 'give-up' as const });
    adapter = installJQuery($, session);
    const cb = callbacks();
    const seen = watch($.ajax({ url: '/api/private', dataType: 'json', ...cb }), cb);
    await seen.settled;
    expect(cb.error).toHaveBeenCalledTimes(1);
    expect(cb.complete).toHaveBeenCalledTimes(1);
    expect(seen.fail).toHaveBeenCalledTimes(1);
    expect(cb.success).not.toHaveBeenCalled();
    const [jqXHR, textStatus, errorThrown] = cb.error.mock.calls[0]!;
    expect([jqXHR.status, textStatus]).toEqual([401, 'error']);
    expect(isSessionExpiredError(errorThrown)).toBe(true);
    expect(errorThrown.reason).toBe('gave-up');
    expect(jqXHR.sessionError).toBe(errorThrown);
    expect(session.session.status).toBe('expired');
  });

  test('aborting a queued request fails it once with "abort" and it is never sent', async () => {
    const session = client({ concurrency: 1 });
    adapter = installJQuery($, session);
    const hold = holder.arm();
    const first = $.post(holder.path, 'first');
    await hold.held;
    const cb = callbacks();
    const queued = $.ajax({ url: '/api/counter', type: 'POST', data: 'queued', ...cb });
    const seen = watch(queued, cb);
    await vi.waitFor(() => expect(session.stats.queued).toBe(1));
    queued.abort();
    await seen.settled;
    // A write queued after it goes once the first answers: the aborted one, had it kept its place, would go first.
    const later = $.post('/api/counter', 'later');
    hold.release();
    await first;
    await later;
    expect(php.log.map((entry) => entry.bodyText).filter(Boolean)).toEqual(['first', 'later']);
    expect(cb.error).toHaveBeenCalledTimes(1);
    expect(cb.error.mock.calls[0]![1]).toBe('abort');
    expect(cb.complete).toHaveBeenCalledTimes(1);
    expect(cb.success).not.toHaveBeenCalled();
    expect(session.stats).toMatchObject({ queued: 0, inFlight: 0 });
    expect(runs('/api/counter')).toHaveLength(1);
  });

  test('a network error fires error once with status 0, "error" and the error', async () => {
    server.use(http.get(`${pageOrigin}/api/down`, () => HttpResponse.error(), { once: true }));
    adapter = installJQuery($, client());
    const cb = callbacks();
    const seen = watch($.ajax({ url: '/api/down', ...cb }), cb);
    await seen.settled;
    expect(cb.error).toHaveBeenCalledTimes(1);
    const [jqXHR, textStatus, errorThrown] = cb.error.mock.calls[0]!;
    expect([jqXHR.status, textStatus]).toEqual([0, 'error']);
    expect(errorThrown).toBeInstanceOf(Error);
    expect(jqXHR.sessionError).toBe(errorThrown);
  });

  test("jQuery's timeout aborts the client request", async () => {
    adapter = installJQuery($, client());
    const cb = callbacks();
    const seen = watch($.ajax({ url: '/api/hold?ms=300', timeout: 50, ...cb }), cb);
    await seen.settled;
    expect(cb.error).toHaveBeenCalledTimes(1);
    expect(cb.error.mock.calls[0]![1]).toBe('timeout');
  });

  test("a cross-origin call the client does not handle is left to jQuery's XHR", async () => {
    const session = client();
    adapter = installJQuery($, session);
    const starts = vi.fn();
    session.on('request:start', starts);
    const me = await $.getJSON(`${otherOrigin}/api/whoami`);
    expect(me).toMatchObject({ loggedIn: false });
    expect(starts).not.toHaveBeenCalled();
    const request = sent.at(-1)!;
    expect(request.url).toBe(`${otherOrigin}/api/whoami`);
    expect(request.headers.has('cache-control')).toBe(false);
    expect(request.headers.has('x-requested-with')).toBe(false);
  });

  test("an absolute URL to the page's origin goes through the client, without its prefix", async () => {
    const session = client({ prefix: '/elsewhere' });
    adapter = installJQuery($, session);
    const starts = vi.fn();
    session.on('request:start', starts);
    expect(await $.getJSON(`${pageOrigin}/api/whoami`)).toMatchObject({ loggedIn: false });
    expect(await $.getJSON('/api/whoami')).toMatchObject({ loggedIn: false });
    expect(starts).toHaveBeenCalledTimes(2);
    expect(sent.map((request) => request.url)).toEqual([
      `${pageOrigin}/api/whoami`,
      `${pageOrigin}/api/whoami`,
    ]);
  });

  test('a request marked sessionFetch: false stays on XHR', async () => {
    const session = client();
    adapter = installJQuery($, session);
    const starts = vi.fn();
    session.on('request:start', starts);
    await $.ajax({ url: '/api/whoami', sessionFetch: false });
    expect(starts).not.toHaveBeenCalled();
    expect(sent.at(-1)!.headers.has('cache-control')).toBe(false);
  });

  test('uninstall() hands every request back to jQuery exactly as before', async () => {
    const session = client();
    const installed = installJQuery($, session);
    const starts = vi.fn();
    session.on('request:start', starts);
    await $.getJSON('/api/whoami');
    expect(starts).toHaveBeenCalledTimes(1);
    installed.uninstall();
    installed.uninstall();
    const cb = callbacks();
    const seen = watch($.ajax({ url: '/api/whoami', dataType: 'json', ...cb }), cb);
    await seen.settled;
    expect(starts).toHaveBeenCalledTimes(1);
    expect(cb.success).toHaveBeenCalledTimes(1);
    expect(sent.at(-1)!.headers.has('cache-control')).toBe(false);
  });
});

test('installJQuery creates a client from options and rejects a $ that is not jQuery', () => {
  adapter = installJQuery(jquery3, { pageOrigin, defaultMode: 'read' });
  expect(typeof adapter.client.request).toBe('function');
  expect(() => installJQuery({} as never)).toThrow(/must be jQuery/);
});
