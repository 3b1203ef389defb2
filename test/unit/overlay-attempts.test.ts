// @vitest-environment happy-dom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createSessionClient, type SessionClientOptions } from '../../src/index.js';
import { attachRequestLog, mountOverlay } from '../../src/overlay/index.js';

// The Requests tab on failures: a row per attempt under its request, the outcome in words, and the findings'
// marks and badge.

const page = 'http://localhost:3000';
const fp = 'abcdef0123456789';
const json = (body: unknown, headers: Record<string, string> = {}, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const makeClient = (handler: (request: Request) => Response, options: SessionClientOptions = {}) =>
  createSessionClient({
    pageOrigin: page,
    retry: 0,
    fetch: async (input: RequestInfo | URL) => handler(input as Request),
    ...options,
  });

const shadow = () => document.querySelector('session-fetch-overlay')!.shadowRoot!;
const buttonNamed = (label: string) =>
  [...shadow().querySelectorAll('button')].find((node) => node.textContent?.startsWith(label))!;
const cells = (row: Element) => [...row.children].map((cell) => cell.textContent ?? '');

/** The request groups, newest first: the request's row, its attempts' rows, and its story (the title). */
const groups = () =>
  [...shadow().querySelectorAll('.ls .g')].map((group) => {
    const [main, ...attempts] = [...group.querySelectorAll('.r')];
    return {
      main: cells(main!),
      cells: [...main!.children],
      attempts: attempts.map(cells),
      story: (group as HTMLElement).title,
      group,
    };
  });

afterEach(() => {
  localStorage.clear();
  document.body.replaceChildren();
});

describe('a row per attempt, and the outcome in words', () => {
  test('an answer that came back expired gets its row, then the replay: 401 expired → held → replayed → 200', async () => {
    let expired = true;
    const client = makeClient(
      (request) => {
        if (request.url.endsWith('/save.php') && expired) {
          expired = false;
          return json({ message: 'Unauthenticated.' }, {}, 401);
        }
        return json({ ok: true }, { 'x-session-fp': fp });
      },
      { onExpired: async () => 'resume' },
    );
    const overlay = mountOverlay(client, { open: true });
    await client.get(`${page}/api/me`).json();
    await client.post(`${page}/save.php`).json();
    const [save] = groups();
    expect(save!.main.slice(0, 4)).toEqual(['POST', '/save.php', '200', 'ok']);
    expect(save!.attempts).toEqual([
      ['', '↳ #1', '401', 'expired', expect.stringMatching(/ms → held → replayed$/)],
      ['', '↳ #2 replay', '200', 'ok', expect.stringMatching(/^\d+ ms$/)],
    ]);
    expect(save!.story).toBe('POST /save.php: 401 expired → held → replayed → 200');
    // A request that went through at once has no attempt rows.
    expect(groups()[1]!.attempts).toEqual([]);
    overlay.unmount();
  });

  test('a request rejected after give-up reads "given up", never "held", and its 200 is not red', async () => {
    let calls = 0;
    // A real PHP expiry: the script ran with a new, empty session and said so (200 + X-Session-Expired).
    const client = makeClient(
      () =>
        json(
          { user: null },
          { 'x-session-fp': (calls++ ? 'fe' : 'ab').repeat(8), 'x-session-expired': calls > 1 ? '1' : '0' },
        ),
      { onExpired: async () => 'give-up' },
    );
    const overlay = mountOverlay(client, { open: true });
    await client.get(`${page}/whoami.php`).json();
    await expect(client.get(`${page}/whoami.php`).json()).rejects.toMatchObject({
      name: 'SessionExpiredError',
      reason: 'gave-up',
    });
    const [whoami] = groups();
    expect(whoami!.main.slice(0, 4)).toEqual(['GET', '/whoami.php', '200', 'given up']);
    expect(whoami!.cells[2]!.className).toBe('ok');
    expect(whoami!.cells[3]!.className).toBe('err');
    expect(whoami!.attempts).toEqual([
      ['', '↳ #1', '200', 'expired', expect.stringMatching(/→ held → given up$/)],
    ]);
    expect(whoami!.story).toBe('GET /whoami.php: 200 expired → held → given up');
    overlay.unmount();
  });

  test('lock timeouts get a row each, and the request ends as "lock timeout"', async () => {
    const client = makeClient(
      () => json({ message: 'locked' }, { 'x-session-lock': 'timeout', 'retry-after': '0' }, 423),
      { lockRetry: { limit: 1, baseDelay: 0 } },
    );
    const overlay = mountOverlay(client, { open: true });
    await expect(client.post(`${page}/counter.php`)).rejects.toMatchObject({
      name: 'SessionLockTimeoutError',
    });
    const [counter] = groups();
    expect(counter!.main.slice(0, 4)).toEqual(['POST', '/counter.php', '423', 'lock timeout']);
    expect(counter!.attempts).toEqual([
      ['', '↳ #1', '423', 'lock timeout', expect.stringMatching(/→ retried after 0 ms$/)],
      ['', '↳ #2 retry', '423', 'lock timeout', expect.stringMatching(/→ no more retries$/)],
    ]);
    expect(counter!.story).toBe(
      'POST /counter.php: 423 lock timeout → retried after 0 ms → 423 lock timeout → no more retries',
    );
    overlay.unmount();
  });

  test('an aborted request reads "aborted", with no status', async () => {
    const client = createSessionClient({
      pageOrigin: page,
      retry: 0,
      fetch: (input: RequestInfo | URL) =>
        new Promise<Response>((_, reject) => {
          const { signal } = input as Request;
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
    });
    const overlay = mountOverlay(client, { open: true });
    const controller = new AbortController();
    const pending = client.get(`${page}/api/slow`, { signal: controller.signal });
    await vi.waitFor(() => expect(groups()[0]?.main[3]).toBe('running'));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(groups()[0]!.main.slice(0, 4)).toEqual(['GET', '/api/slow', '—', 'aborted']);
    expect(groups()[0]!.story).toBe('GET /api/slow: aborted');
    overlay.unmount();
  });

  test('the log keeps every attempt, and the export has the outcome and the story in words', async () => {
    let first = true;
    const client = makeClient(
      () => {
        if (first) {
          first = false;
          return json({}, { 'x-session-lock': 'timeout', 'retry-after': '0' }, 423);
        }
        return json({}, { 'x-session-fp': fp, 'x-session-lock-wait': '12' });
      },
      { lockRetry: { baseDelay: 0 } },
    );
    const log = attachRequestLog(client);
    const overlay = mountOverlay(client, { open: true });
    await client.post(`${page}/api/save`);
    expect(log.entries()[0]!.tries).toMatchObject([
      { status: 423, verdict: 'lock-timeout', retryInMs: expect.any(Number) },
      { status: 200, verdict: 'ok', lockWaitMs: 12 },
    ]);
    const [exported] = JSON.parse(overlay.exportJson()).requests;
    expect(exported).toMatchObject({ result: 'ok', tries: [{ status: 423 }, { status: 200 }] });
    expect(exported.story).toMatch(
      /^POST http:\/\/localhost:3000\/api\/save: 423 lock timeout → retried after 0 ms → 200$/,
    );
    overlay.unmount();
  });
});

describe('findings where they are seen', () => {
  test('a finding marks its request and counts on the header badge, which opens the Diagnostics tab', async () => {
    const client = makeClient((request) =>
      request.url.endsWith('/cached') ? json({}, { age: '60' }) : json({}, { 'x-session-fp': fp }),
    );
    const overlay = mountOverlay(client, { open: true });
    const badge = shadow().querySelector<HTMLButtonElement>('.hd .bg')!;
    expect(badge.hidden).toBe(true);
    await client.get(`${page}/api/me`);
    await client.get(`${page}/api/cached`);
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toBe('⚠ 1');
    expect(badge.className).toContain('warning');
    const [cached, me] = groups();
    const mark = cached!.group.querySelector<HTMLButtonElement>('.mk')!;
    expect(mark.title).toBe('warning: A response came from a cache');
    expect(me!.group.querySelector('.mk')).toBeNull();
    mark.click();
    expect(buttonNamed('Diagnostics').className).toBe('on');
    expect(shadow().querySelector('.ls')!.textContent).toContain('A response came from a cache');
    buttonNamed('Requests').click();
    badge.click();
    expect(buttonNamed('Diagnostics').className).toBe('on');
    buttonNamed('Clear').click();
    expect(badge.hidden).toBe(true);
    overlay.unmount();
  });

  test('the badge stays on the header when the panel is collapsed', async () => {
    const client = makeClient(() => json({}, { age: '60' }));
    const overlay = mountOverlay(client, { open: true });
    buttonNamed('▾').click();
    await client.get(`${page}/api/cached`);
    const badge = shadow().querySelector<HTMLButtonElement>('.hd .bg')!;
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toBe('⚠ 1');
    badge.click();
    expect(shadow().querySelector('.p')!.classList.contains('c')).toBe(false);
    expect(buttonNamed('Diagnostics').className).toBe('on');
    overlay.unmount();
  });
});
