// @vitest-environment happy-dom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createSessionClient, type SessionClientOptions } from '../../src/index.js';
import { formatDuration } from '../../src/overlay/format.js';
import {
  attachRequestLog,
  debug,
  detachRequestLog,
  mountOverlay,
  requestLogOf,
} from '../../src/overlay/index.js';

const page = 'http://localhost:3000';
const json = (body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json', ...headers } });

const makeClient = (
  handler: (request: Request) => Response | Promise<Response> = () =>
    json({}, { 'x-session-fp': 'abcdef0123456789' }),
  options: SessionClientOptions = {},
) =>
  createSessionClient({
    pageOrigin: page,
    retry: 0,
    fetch: async (input: RequestInfo | URL) => handler(input as Request),
    ...options,
  });

const shadow = () => document.querySelector('session-fetch-overlay')!.shadowRoot!;
const buttonNamed = (label: string) =>
  [...shadow().querySelectorAll('button')].find((node) => node.textContent?.startsWith(label))!;

afterEach(() => {
  vi.restoreAllMocks();
  localStorage.clear();
  document.body.replaceChildren();
});

describe('the request log of a mounted overlay', () => {
  test('requestLogOf() and debug() see it, and it goes with an unmount', async () => {
    const table = vi.spyOn(console, 'table').mockImplementation(() => undefined);
    const client = makeClient();
    const overlay = mountOverlay(client);
    await client.get(`${page}/api/me`);
    expect(requestLogOf(client)?.entries()).toMatchObject([{ method: 'GET', url: `${page}/api/me` }]);
    debug(client);
    expect(table.mock.calls[1]![0]).toMatchObject([{ method: 'GET', url: `${page}/api/me`, status: 200 }]);
    overlay.unmount();
    expect(requestLogOf(client)).toBeUndefined();
  });

  test("a log the app attached is shared, and stays after the overlay's unmount", async () => {
    const client = makeClient();
    const log = attachRequestLog(client, { capacity: 3 });
    const overlay = mountOverlay(client, { open: true, capacity: 50 });
    await client.get(`${page}/api/me`);
    expect(shadow().textContent).toContain('/api/me');
    overlay.unmount();
    expect(requestLogOf(client)).toBe(log);
    await client.get(`${page}/api/again`);
    expect(log.size).toBe(2);
    detachRequestLog(client);
  });

  test('two overlays on one client share the log until the last one is unmounted', async () => {
    const client = makeClient();
    const first = mountOverlay(client);
    const second = mountOverlay(client);
    const log = requestLogOf(client);
    first.unmount();
    expect(requestLogOf(client)).toBe(log);
    await client.get(`${page}/api/me`);
    expect(log?.size).toBe(1);
    second.unmount();
    expect(requestLogOf(client)).toBeUndefined();
  });

  test("the log redacts the client's own cookie name", async () => {
    const client = makeClient(undefined, { cookieName: 'SID' });
    const overlay = mountOverlay(client);
    await client.get(`${page}/api/me?SID=rawsecret`);
    expect(requestLogOf(client)?.entries()[0]?.url).toBe(`${page}/api/me?SID=[redacted]`);
    overlay.unmount();
  });
});

describe('rendering', () => {
  test('Clear renders the list once', async () => {
    const client = makeClient();
    const overlay = mountOverlay(client, { open: true });
    await client.get(`${page}/api/me`);
    const list = shadow().querySelector('.ls')!;
    const renders = vi.spyOn(list, 'replaceChildren');
    buttonNamed('Clear').click();
    expect(renders).toHaveBeenCalledTimes(1);
    expect(buttonNamed('Requests').textContent).toBe('Requests (0)');
    expect(list.textContent).toContain('Nothing yet.');
    overlay.unmount();
  });

  test('Clear on the Events tab empties the events and updates every count', async () => {
    const client = makeClient(() => json({}, { age: '60', 'x-session-fp': 'abcdef0123456789' }));
    const overlay = mountOverlay(client, { open: true });
    await client.get(`${page}/api/me`);
    buttonNamed('Events').click();
    expect(shadow().querySelector('.ls')!.textContent).toContain('session:start');
    buttonNamed('Clear').click();
    expect(shadow().querySelector('.ls')!.textContent).toBe('Nothing yet.');
    expect(buttonNamed('Events').textContent).toBe('Events (0)');
    expect(buttonNamed('Diagnostics').textContent).toBe('Diagnostics (0)');
    expect(buttonNamed('Requests').textContent).toBe('Requests (0)');
    overlay.unmount();
  });

  test('findings that arrive while collapsed rebuild nothing, and show once expanded', async () => {
    const client = makeClient(() => json({}, { age: '60' }));
    const overlay = mountOverlay(client, { open: true });
    buttonNamed('Diagnostics').click();
    buttonNamed('▾').click();
    const list = shadow().querySelector('.ls')!;
    const renders = vi.spyOn(list, 'replaceChildren');
    await client.get(`${page}/api/me`);
    await client.get(`${page}/api/other`);
    expect(renders).not.toHaveBeenCalled();
    buttonNamed('▴').click();
    expect(buttonNamed('Diagnostics').textContent).toBe('Diagnostics (2)');
    expect(list.textContent).toContain('A response came from a cache');
    overlay.unmount();
  });
});

test('formatDuration: the time a request took, or has been running', () => {
  vi.spyOn(Date, 'now').mockReturnValue(10_000);
  expect(formatDuration({ createdAt: 1000, endedAt: 1085 })).toBe('85 ms');
  expect(formatDuration({ createdAt: 8800, endedAt: undefined })).toBe('1.2 s');
});
