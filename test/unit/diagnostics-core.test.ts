// @vitest-environment happy-dom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { normalizeSessionOptions } from '../../src/core/normalize-options.js';
import { defaultClientSettings } from '../../src/diagnostics/engine.js';
import {
  attachRequestLog,
  createDiagnostics,
  detachRequestLog,
  type Observation,
  RequestLog,
  redactUrl,
  requestLogOf,
  watchDiagnostics,
} from '../../src/diagnostics/index.js';
import { createSessionClient, type RequestInfo, type SessionState } from '../../src/index.js';

const page = 'http://localhost:3000';
const session: SessionState = {
  status: 'active',
  fingerprint: 'abcdef0123456789',
  since: 0,
  rotations: 0,
  expiresAt: null,
  source: 'protocol',
};
const info = (id: number, patch: Partial<RequestInfo> = {}): RequestInfo => ({
  id,
  method: 'GET',
  url: `${page}/api/${id}`,
  mode: 'write',
  foreign: false,
  rotatesSession: false,
  priority: 0,
  createdAt: 0,
  queuedMs: 0,
  attempts: 1,
  lockRetries: 0,
  lockWaitMs: undefined,
  replayed: false,
  held: false,
  status: 200,
  endedAt: 10,
  outcome: 'ok',
  ...patch,
});
const response = (
  id: number,
  headers: Record<string, string>,
  at = id,
): Extract<Observation, { type: 'response' }> => ({
  type: 'response',
  at,
  request: info(id),
  session,
  status: 200,
  url: '',
  redirected: false,
  headers,
});

afterEach(() => {
  // biome-ignore lint/suspicious/noDocumentCookie: plays the server setting a readable PHP session cookie
  document.cookie = 'PHPSESSID=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
});

describe('the diagnostics core', () => {
  test('it works on plain observations, without a client', () => {
    const onFinding = vi.fn();
    const core = createDiagnostics({ pageOrigin: page, onFinding });
    core.observe(response(1, { age: '5' }));
    expect(core.findings()).toMatchObject([{ id: 'cached-response', requestId: 1, at: 1, count: 1 }]);
    expect(onFinding).toHaveBeenCalledTimes(1);
  });

  test('repeats are counted, keep their first time and update their last', () => {
    const core = createDiagnostics({ pageOrigin: page });
    core.observe(response(1, { age: '5' }, 100));
    core.observe(response(1, { age: '5' }, 200));
    expect(core.findings()).toMatchObject([{ count: 2, at: 100, lastAt: 200 }]);
  });

  test('the client’s session:not-resumed event is a finding on its own', () => {
    const core = createDiagnostics({ pageOrigin: page });
    core.observe({ type: 'not-resumed', at: 1, session, newIdsInARow: 3, message: 'Check the cookie.' });
    expect(core.findings()).toMatchObject([{ id: 'session-not-resumed', severity: 'error' }]);
    expect(core.findings()[0]?.detail).toContain('Check the cookie.');
  });

  test('a throwing rule does not stop the others', () => {
    const core = createDiagnostics({
      pageOrigin: page,
      rules: [
        () => () => {
          throw new Error('bug');
        },
        () => (_, report) => report({ id: 'x', severity: 'info', title: 't', detail: 'd', fix: 'f' }),
      ],
    });
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    core.observe(response(1, {}));
    expect(core.findings().map((finding) => finding.id)).toEqual(['x']);
    expect(error).toHaveBeenCalledOnce();
    error.mockRestore();
  });

  test('distinct findings are capped, the oldest dropped', () => {
    const core = createDiagnostics({ pageOrigin: page, limit: 3 });
    for (let id = 1; id <= 5; id++) {
      core.observe({ ...response(id, { age: '1' }), request: info(id, { url: `${page}/e${id}` }) });
    }
    expect(core.findings().map((finding) => finding.requestId)).toEqual([3, 4, 5]);
    core.clear();
    expect(core.findings()).toEqual([]);
  });

  test('session ids in URLs are redacted from what is shown', () => {
    expect(redactUrl(`${page}/a.php?PHPSESSID=secret123&x=1`)).toBe(`${page}/a.php?PHPSESSID=[redacted]&x=1`);
    const core = createDiagnostics({ pageOrigin: page });
    core.observe({
      ...response(1, { age: '1' }),
      request: info(1, { url: `${page}/a?PHPSESSID=secret123` }),
    });
    expect(JSON.stringify(core.findings())).not.toContain('secret123');
  });
});

describe('watchDiagnostics', () => {
  test('a session id read from the cookie that changes on every response is reported as not resumed', async () => {
    let index = 0;
    const client = createSessionClient({
      pageOrigin: page,
      fetch: async () => {
        // biome-ignore lint/suspicious/noDocumentCookie: plays the server setting a readable PHP session cookie
        document.cookie = `PHPSESSID=raw${index++}`;
        return new Response('{}', { headers: { 'content-type': 'application/json' } });
      },
    });
    const watcher = watchDiagnostics(client, { pageOrigin: page });
    for (let count = 0; count < 5; count++) await client.get(`${page}/api/me`);
    expect(client.session.source).toBe('cookie');
    expect(watcher.findings().map((finding) => finding.id)).toEqual(['session-not-resumed']);
    expect(JSON.stringify(watcher.findings())).not.toContain('raw');
  });

  test('stop() stops listening', async () => {
    const client = createSessionClient({
      pageOrigin: page,
      fetch: async () => new Response('{}', { headers: { age: '9' } }),
    });
    const onFinding = vi.fn();
    const watcher = watchDiagnostics(client, { pageOrigin: page, onFinding });
    watcher.stop();
    await client.get(`${page}/api/me`);
    expect(watcher.findings()).toEqual([]);
    expect(onFinding).not.toHaveBeenCalled();
  });
});

describe("the client's settings", () => {
  test('a custom fingerprint header name is the one the diagnostics read', async () => {
    const api = 'https://api.example.com';
    const make = () =>
      createSessionClient({
        pageOrigin: page,
        origins: [api],
        protocol: { fingerprint: 'X-App-Fp' },
        fetch: async (input: unknown) =>
          new Response('{}', {
            headers: (input as Request).url.startsWith(api) ? {} : { 'x-app-fp': 'abcdef0123456789' },
          }),
      });
    const client = make();
    const watcher = watchDiagnostics(client);
    await client.get(`${page}/api/me`);
    await client.get(`${api}/me`);
    expect(watcher.findings()).toMatchObject([{ id: 'headers-not-exposed' }]);
    expect(watcher.findings()[0]?.detail).toContain('no x-app-fp header');

    // An explicit option still wins over the client's.
    const other = make();
    const explicit = watchDiagnostics(other, { protocol: { fingerprint: 'X-Other' } });
    await other.get(`${page}/api/me`);
    await other.get(`${api}/me`);
    expect(explicit.findings()).toEqual([]);
  });

  test("the client's expired statuses and cookie name are the diagnostics' defaults", async () => {
    const client = createSessionClient({
      pageOrigin: page,
      cookieName: 'SID',
      expiredStatuses: [403],
      retry: 0,
      fetch: async () => new Response('', { status: 403 }),
    });
    const watcher = watchDiagnostics(client);
    await client.get('https://elsewhere.example/api?SID=rawsecret').catch(() => undefined);
    expect(watcher.findings()).toMatchObject([{ id: 'cross-origin-no-credentials' }]);
    expect(watcher.findings()[0]?.detail).toContain('SID=[redacted]');
    expect(JSON.stringify(watcher.findings())).not.toContain('rawsecret');
  });

  test("the defaults without a client are a default client's", () => {
    const client = normalizeSessionOptions({});
    expect(defaultClientSettings.cookieName).toBe(client.cookieName);
    expect(defaultClientSettings.protocol).toEqual({
      fingerprint: client.protocol.fingerprint,
      expired: client.protocol.expired,
    });
    expect(new Set(defaultClientSettings.expiredStatuses)).toEqual(client.expiredStatuses);
    for (const path of [
      '/login',
      '/auth/x',
      '/wp-login.php',
      '/user/signin',
      '/api/me',
      '/authors',
      '/blog',
    ]) {
      const url = new URL(path, page);
      expect(defaultClientSettings.loginUrl.test(url.pathname)).toBe(client.loginUrl(url));
    }
  });
});

describe('RequestLog', () => {
  test('it keeps the last N requests by id, newest first', () => {
    const log = new RequestLog({ capacity: 3 });
    const dropped: number[] = [];
    log.onChange((_, ids) => dropped.push(...ids));
    for (let id = 1; id <= 5; id++) log.record(info(id));
    log.record(info(4, { status: 500 }));
    expect(log.entries().map((entry) => entry.id)).toEqual([5, 4, 3]);
    expect(log.get(4)?.status).toBe(500);
    expect(dropped).toEqual([1, 2]);
  });

  test('it follows a client through its events, with the profiler link only when it is http(s)', async () => {
    const links = ['http://localhost:3000/_profiler/abc', 'javascript:alert(1)'];
    let index = 0;
    const client = createSessionClient({
      pageOrigin: page,
      fetch: async () => new Response('{}', { headers: { 'x-debug-token-link': links[index++] ?? '' } }),
    });
    const log = new RequestLog();
    const detach = log.attach(client);
    await client.get(`${page}/api/a`);
    await client.get(`${page}/api/b?PHPSESSID=rawid`);
    expect(log.entries()).toMatchObject([
      { id: 2, outcome: 'ok', url: `${page}/api/b?PHPSESSID=[redacted]` },
      { id: 1, outcome: 'ok', status: 200, profileUrl: links[0] },
    ]);
    expect(log.get(2)?.profileUrl).toBeUndefined();
    detach();
    await client.get(`${page}/api/c`);
    expect(log.size).toBe(2);
  });

  test('attachRequestLog attaches one log per client, and detachRequestLog removes it', async () => {
    const client = createSessionClient({ pageOrigin: page, fetch: async () => new Response('{}') });
    const log = attachRequestLog(client, { capacity: 10 });
    expect(attachRequestLog(client)).toBe(log);
    expect(requestLogOf(client)).toBe(log);
    await client.get(`${page}/api/a`);
    detachRequestLog(client);
    expect(requestLogOf(client)).toBeUndefined();
    await client.get(`${page}/api/b`);
    expect(log.size).toBe(1);
  });
});
