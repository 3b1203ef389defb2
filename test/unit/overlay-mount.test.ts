// @vitest-environment happy-dom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createSessionClient, type SessionClient, type SessionClientOptions } from '../../src/index.js';
import { debug } from '../../src/overlay/console-debug.js';
import { attachRequestLog, detachRequestLog, mountOverlay } from '../../src/overlay/index.js';

const page = 'http://localhost:3000';
const json = (body: unknown, headers: Record<string, string> = {}, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

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

/** A client that counts the listeners attached to it through on() and subscribe(). */
const counted = (client: SessionClient) => {
  let active = 0;
  const wrap =
    (attach: (...args: never[]) => () => void) =>
    (...args: never[]) => {
      active++;
      const off = attach(...args);
      return () => {
        active--;
        off();
      };
    };
  const proxy = new Proxy(client, {
    get(target, key) {
      if (key === 'on') return wrap(target.on.bind(target) as never);
      if (key === 'subscribe') return wrap(target.subscribe.bind(target) as never);
      return Reflect.get(target, key);
    },
  });
  return { proxy, active: () => active };
};

const hostOf = () => document.querySelector('session-fetch-overlay') as HTMLElement | null;
const shadow = () => hostOf()!.shadowRoot!;
const press = (init: KeyboardEventInit) => window.dispatchEvent(new KeyboardEvent('keydown', init));
const ctrlShiftS = { key: 'S', code: 'KeyS', ctrlKey: true, shiftKey: true };
const buttonNamed = (label: string) =>
  [...shadow().querySelectorAll('button')].find((node) => node.textContent?.startsWith(label))!;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  localStorage.clear();
  document.body.replaceChildren();
  history.replaceState(null, '', '/');
  // biome-ignore lint/suspicious/noDocumentCookie: plays the server setting a readable PHP session cookie
  document.cookie = 'PHPSESSID=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
});

describe('showing and hiding', () => {
  test('it is mounted hidden unless asked for', () => {
    const overlay = mountOverlay(makeClient());
    expect(hostOf()).not.toBeNull();
    expect(hostOf()!.hidden).toBe(true);
    overlay.unmount();
  });

  test('?session-debug in the URL shows it', () => {
    history.replaceState(null, '', '/app?session-debug');
    const overlay = mountOverlay(makeClient());
    expect(hostOf()!.hidden).toBe(false);
    overlay.unmount();
  });

  test("localStorage['session-fetch:debug'] = '1' shows it", () => {
    localStorage.setItem('session-fetch:debug', '1');
    const overlay = mountOverlay(makeClient());
    expect(hostOf()!.hidden).toBe(false);
    overlay.unmount();
  });

  test('open: true shows it and open: false keeps it hidden whatever the URL says', () => {
    const first = mountOverlay(makeClient(), { open: true });
    expect(hostOf()!.hidden).toBe(false);
    first.unmount();
    history.replaceState(null, '', '/?session-debug');
    const second = mountOverlay(makeClient(), { open: false });
    expect(hostOf()!.hidden).toBe(true);
    second.unmount();
  });

  test('Ctrl+Shift+S toggles it, other keys do not', () => {
    const overlay = mountOverlay(makeClient());
    press({ key: 's', code: 'KeyS', ctrlKey: true });
    expect(hostOf()!.hidden).toBe(true);
    press(ctrlShiftS);
    expect(hostOf()!.hidden).toBe(false);
    press(ctrlShiftS);
    expect(hostOf()!.hidden).toBe(true);
    overlay.unmount();
  });

  test('the shortcut can be changed or turned off', () => {
    const overlay = mountOverlay(makeClient(), { shortcut: 'Alt+D' });
    press(ctrlShiftS);
    expect(hostOf()!.hidden).toBe(true);
    press({ key: 'd', code: 'KeyD', altKey: true });
    expect(hostOf()!.hidden).toBe(false);
    overlay.hide();
    overlay.unmount();
    const none = mountOverlay(makeClient(), { shortcut: false });
    press(ctrlShiftS);
    expect(hostOf()!.hidden).toBe(true);
    none.unmount();
  });

  test('being shown by the URL is not remembered, being opened by the user is', () => {
    history.replaceState(null, '', '/?session-debug');
    mountOverlay(makeClient()).unmount();
    history.replaceState(null, '', '/');
    const overlay = mountOverlay(makeClient());
    expect(hostOf()!.hidden).toBe(true);
    overlay.show();
    overlay.unmount();
    const again = mountOverlay(makeClient());
    expect(hostOf()!.hidden).toBe(false);
    again.unmount();
  });

  test('the open and collapsed state persists across mounts', () => {
    const first = mountOverlay(makeClient());
    press(ctrlShiftS);
    buttonNamed('▾').click();
    expect(shadow().querySelector('.p')!.classList.contains('c')).toBe(true);
    first.unmount();
    const second = mountOverlay(makeClient());
    expect(hostOf()!.hidden).toBe(false);
    expect(shadow().querySelector('.p')!.classList.contains('c')).toBe(true);
    second.hide();
    second.unmount();
    const third = mountOverlay(makeClient());
    expect(hostOf()!.hidden).toBe(true);
    third.unmount();
  });

  test('a second definition of the element (another copy of the library) is tolerated', () => {
    const first = mountOverlay(makeClient(), { open: true });
    const second = mountOverlay(makeClient(), { open: true });
    expect(document.querySelectorAll('session-fetch-overlay')).toHaveLength(2);
    first.unmount();
    second.unmount();
  });
});

describe('unmount', () => {
  test('it removes the element, the keyboard listener and every client listener', async () => {
    const add = vi.spyOn(window, 'addEventListener');
    const remove = vi.spyOn(window, 'removeEventListener');
    const { proxy, active } = counted(makeClient());
    const overlay = mountOverlay(proxy, { open: true });
    expect(active()).toBeGreaterThan(0);
    await proxy.get(`${page}/api/me`);
    overlay.unmount();
    expect(active()).toBe(0);
    expect(hostOf()).toBeNull();
    const added = add.mock.calls.filter(([type]) => type === 'keydown').map(([, listener]) => listener);
    const removed = remove.mock.calls.filter(([type]) => type === 'keydown').map(([, listener]) => listener);
    expect(added).toHaveLength(1);
    expect(removed).toEqual(added);
  });

  test('the 1 s timer runs only while shown, and is cleared on hide and unmount', () => {
    vi.useFakeTimers();
    const overlay = mountOverlay(makeClient());
    expect(vi.getTimerCount()).toBe(0);
    overlay.show();
    expect(vi.getTimerCount()).toBe(1);
    overlay.hide();
    expect(vi.getTimerCount()).toBe(0);
    overlay.show();
    overlay.unmount();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('what it shows', () => {
  test('requests appear newest first with status, mode and a safe profiler link', async () => {
    const client = makeClient((request) =>
      json(
        {},
        request.url.endsWith('/a')
          ? { 'x-debug-token-link': 'http://localhost:3000/_profiler/abc123' }
          : { 'x-debug-token-link': 'javascript:alert(1)' },
      ),
    );
    const overlay = mountOverlay(client, { open: true });
    await client.get(`${page}/api/a`);
    await client.post(`${page}/api/b`, { session: 'read' });
    const rows = [...shadow().querySelectorAll('.r:not(.hr)')].map((row) => row.textContent);
    expect(rows[0]).toContain('POST');
    expect(rows[0]).toContain('/api/b');
    expect(rows[0]).toContain('read');
    expect(rows[1]).toContain('/api/a');
    const links = [...shadow().querySelectorAll('a')];
    expect(links).toHaveLength(1);
    expect(links[0]!.href).toBe('http://localhost:3000/_profiler/abc123');
    expect(links[0]!.rel).toBe('noopener noreferrer');
    overlay.unmount();
  });

  test('the request list is a ring buffer capped at N', async () => {
    const client = makeClient();
    const overlay = mountOverlay(client, { open: true, capacity: 5 });
    for (let index = 0; index < 8; index++) await client.get(`${page}/api/item/${index}`);
    const rows = [...shadow().querySelectorAll('.r:not(.hr)')];
    expect(rows).toHaveLength(5);
    expect(rows[0]!.textContent).toContain('/api/item/7');
    expect(rows[4]!.textContent).toContain('/api/item/3');
    expect(JSON.parse(overlay.exportJson()).requests).toHaveLength(5);
    overlay.unmount();
  });

  test('the session shows its fingerprint, a counting age and a countdown to expiry', async () => {
    vi.useFakeTimers({ now: new Date('2025-04-01T10:00:00Z') });
    const client = makeClient(() =>
      json({}, { 'x-session-fp': 'abcdef0123456789', 'x-session-ttl': '1440' }),
    );
    const overlay = mountOverlay(client, { open: true });
    await client.get(`${page}/api/me`);
    const text = () => shadow().querySelector('.ss')!.textContent;
    expect(text()).toContain('abcdef0123456789');
    expect(text()).toContain('in 24m 00s');
    expect(text()).toContain('protocol header');
    vi.advanceTimersByTime(61_000);
    expect(text()).toContain('in 22m 59s');
    expect(text()).toContain('1m 01s');
    overlay.unmount();
  });

  test('events list session changes, lock retries and simulated faults', async () => {
    let lock = true;
    const client = makeClient(() => {
      if (lock) {
        lock = false;
        return new Response('', {
          status: 423,
          headers: { 'x-session-lock': 'timeout', 'retry-after': '0' },
        });
      }
      return json({}, { 'x-session-fp': 'abcdef0123456789' });
    });
    const overlay = mountOverlay(client, { open: true });
    await client.get(`${page}/api/me`);
    buttonNamed('Events').click();
    buttonNamed('expire').click();
    await expect(client.get(`${page}/api/me`)).rejects.toThrow();
    const text = shadow().querySelector('.ls')!.textContent;
    expect(text).toContain('lock:retry');
    expect(text).toContain('session:start');
    expect(text).toContain('simulate');
    expect(text).toContain('session:expire');
    overlay.unmount();
  });

  test('findings appear with their fix', async () => {
    const client = makeClient(() => json({}, { age: '60' }));
    const overlay = mountOverlay(client, { open: true });
    await client.get(`${page}/api/me`);
    buttonNamed('Diagnostics').click();
    const text = shadow().querySelector('.ls')!.textContent;
    expect(text).toContain('A response came from a cache');
    expect(text).toContain('Fix: ');
    expect(buttonNamed('Diagnostics').textContent).toBe('Diagnostics (1)');
    buttonNamed('Clear').click();
    expect(buttonNamed('Diagnostics').textContent).toBe('Diagnostics (0)');
    expect(JSON.parse(overlay.exportJson()).requests).toEqual([]);
    overlay.unmount();
  });
});

describe('safety', () => {
  const hostile = '<img src=x onerror=alert(1)>';

  test('hostile values in a URL, a header and a body are shown as text and create no element', async () => {
    const client = makeClient(
      (request) =>
        request.url.includes('warn')
          ? new Response(
              `<br />\n<b>Warning</b>:  Bad &lt;img src=x onerror=alert(1)&gt; in <b>/var/www/a.php</b> on line <b>3</b><br />\n{"a":1}`,
              { headers: { 'content-type': 'text/html' } },
            )
          : json({ html: hostile }, { 'x-debug-token-link': hostile, 'x-session-fp': 'abcdef0123456789' }),
      { origins: ['https://api.example.com'] },
    );
    const overlay = mountOverlay(client, { open: true });
    await client.get(`${page}/api/${hostile}`);
    await client.get(`${page}/api/warn`, { headers: { accept: '*/*' } });
    await client.get(`https://api.example.com/x?q=${hostile}`);
    const all = () => [...shadow().querySelectorAll('*')].map((node) => node.tagName.toLowerCase());
    expect(all()).not.toContain('img');
    expect(shadow().querySelectorAll('a')).toHaveLength(0);
    expect(shadow().textContent).toContain('/api/%3Cimg%20src=x%20onerror=alert(1)%3E');
    buttonNamed('Diagnostics').click();
    await vi.waitFor(() => expect(buttonNamed('Diagnostics').textContent).not.toBe('Diagnostics (0)'));
    buttonNamed('Diagnostics').click();
    expect(shadow().textContent).toContain(`Bad ${hostile} in /var/www/a.php`);
    expect(all()).not.toContain('img');
    expect(all()).not.toContain('script');
    expect(shadow().querySelectorAll('a')).toHaveLength(0);
    overlay.unmount();
  });

  test('the export and the panel never contain the raw session id', async () => {
    const raw = 'rawsecretsessionid0123456789';
    const client = makeClient((request) => {
      // biome-ignore lint/suspicious/noDocumentCookie: plays the server setting a readable PHP session cookie
      document.cookie = `PHPSESSID=${raw}; path=/`;
      return json({ ok: true }, request.url.includes('ttl') ? { 'x-session-ttl': '600' } : {});
    });
    const overlay = mountOverlay(client, { open: true });
    await client.get(`${page}/api/me`);
    await client.get(`${page}/api/ttl?PHPSESSID=${raw}`);
    expect(document.cookie).toContain(raw);
    expect(client.session.source).toBe('cookie');
    const exported = overlay.exportJson();
    const data = JSON.parse(exported);
    expect(data.requests).toHaveLength(2);
    expect(data.session.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(exported).not.toContain(raw);
    expect(shadow().textContent).not.toContain(raw);
    expect(shadow().textContent).toContain(data.session.fingerprint);
    for (const tab of ['Events', 'Diagnostics']) {
      buttonNamed(tab).click();
      expect(shadow().textContent).not.toContain(raw);
    }
    overlay.unmount();
  });

  test("a client's own cookie name is redacted from the export and the panel too", async () => {
    const raw = 'rawsecretsessionid0123456789';
    history.replaceState(null, '', `/app?SID=${raw}`);
    const client = makeClient(() => json({ ok: true }, { 'x-session-fp': 'abcdef0123456789', age: '5' }), {
      cookieName: 'SID',
    });
    const overlay = mountOverlay(client, { open: true });
    await client.get(`${page}/api/me?SID=${raw}`);
    const exported = overlay.exportJson();
    expect(JSON.parse(exported).requests).toHaveLength(1);
    expect(JSON.parse(exported).findings).toHaveLength(1);
    expect(exported).toContain('SID=[redacted]');
    expect(exported).not.toContain(raw);
    for (const tab of ['Requests', 'Events', 'Diagnostics']) {
      buttonNamed(tab).click();
      expect(shadow().textContent).not.toContain(raw);
    }
    overlay.unmount();
  });

  test('Export JSON downloads the log through a Blob URL', async () => {
    const create = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:http://localhost:3000/x');
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const client = makeClient();
    const overlay = mountOverlay(client, { open: true });
    await client.get(`${page}/api/me`);
    buttonNamed('Export JSON').click();
    expect(create).toHaveBeenCalledOnce();
    const blob = create.mock.calls[0]![0] as Blob;
    expect(JSON.parse(await blob.text()).requests[0].url).toBe(`${page}/api/me`);
    expect(click).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(revoke).toHaveBeenCalledWith('blob:http://localhost:3000/x'));
    overlay.unmount();
  });
});

describe('debug()', () => {
  test('it prints the session and the recent requests from the attached log', async () => {
    const table = vi.spyOn(console, 'table').mockImplementation(() => undefined);
    const client = makeClient();
    attachRequestLog(client);
    await client.get(`${page}/api/me`);
    debug(client);
    expect(table).toHaveBeenCalledTimes(2);
    expect(table.mock.calls[0]![0]).toMatchObject({ fingerprint: 'abcdef0123456789', status: 'active' });
    expect(table.mock.calls[1]![0]).toMatchObject([{ method: 'GET', url: `${page}/api/me`, status: 200 }]);
    detachRequestLog(client);
  });

  test('without a log it says how to attach one', () => {
    vi.spyOn(console, 'table').mockImplementation(() => undefined);
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    debug(makeClient());
    expect(info.mock.calls[0]![0]).toMatch(/attachRequestLog\(client\)/);
  });
});
