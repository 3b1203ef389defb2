// @vitest-environment happy-dom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { watchDiagnostics } from '../../src/diagnostics/index.js';
import { createSessionClient } from '../../src/index.js';
import { fingerprint } from '../helpers/sleep-and-fingerprint.js';

// A login written the usual PHP way by a server that sends X-Session-Fp itself: the header goes out, then
// session_regenerate_id(true) hands out a new id in Set-Cookie, so the answer names the old, dead id.

const page = 'http://localhost:3000';
const json = (headers: Record<string, string>) =>
  new Response('{}', { headers: { 'content-type': 'application/json', ...headers } });

/** A server with sessions `old` then `new`: `login` rotates, `stale` decides which id its header names. */
const server = (options: { stale: boolean; readableCookie: boolean }) => {
  let id = 'old-session-id';
  const setCookie = (value: string) => {
    // biome-ignore lint/suspicious/noDocumentCookie: plays the server setting a readable PHP session cookie
    if (options.readableCookie) document.cookie = `PHPSESSID=${value}; path=/`;
  };
  return async (input: RequestInfo | URL) => {
    const request = input as Request;
    setCookie(id);
    let header = fingerprint(id);
    if (request.url.endsWith('/login.php')) {
      id = 'new-session-id';
      setCookie(id);
      if (!options.stale) header = fingerprint(id);
    }
    return json({ 'x-session-fp': header });
  };
};

const setup = (handler: (input: RequestInfo | URL) => Promise<Response>) => {
  const client = createSessionClient({ pageOrigin: page, retry: 0, fetch: handler });
  const diagnostics = watchDiagnostics(client, { pageOrigin: page });
  const ids = () => diagnostics.findings().map((finding) => finding.id);
  return { client, diagnostics, ids };
};

const session = async (client: ReturnType<typeof setup>['client']) => {
  await client.get(`${page}/whoami.php`);
  await client.post(`${page}/login.php`, { rotatesSession: true });
  await client.get(`${page}/whoami.php`);
};

afterEach(() => {
  // biome-ignore lint/suspicious/noDocumentCookie: removes the cookie a test set
  document.cookie = 'PHPSESSID=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
});

describe('a fingerprint left stale by session_regenerate_id()', () => {
  test("a login answered with the old fingerprint while its cookie names the new id is flagged on the login, with the helper's function as the fix", async () => {
    const { client, diagnostics, ids } = setup(server({ stale: true, readableCookie: true }));
    await session(client);
    await vi.waitFor(() => expect(ids()).toContain('stale-fingerprint'));
    const finding = diagnostics.findings().find((item) => item.id === 'stale-fingerprint')!;
    expect(finding.severity).toBe('warning');
    expect(finding.detail).toContain('POST http://localhost:3000/login.php');
    expect(finding.detail).toContain('session cookie it set names a new one');
    expect(finding.fix).toContain('session_fetch_regenerate()');
    expect(finding.requestId).toBe(2);
  });

  test('with an HttpOnly cookie, the next response naming a new id gives the login away', async () => {
    const { client, diagnostics, ids } = setup(server({ stale: true, readableCookie: false }));
    await session(client);
    expect(ids()).toEqual(['stale-fingerprint']);
    expect(diagnostics.findings()[0]!.detail).toContain('the next response named a new id');
    expect(diagnostics.findings()[0]!.requestId).toBe(2);
  });

  test('a login that sends the new fingerprint (session_fetch_regenerate) is not flagged', async () => {
    for (const readableCookie of [true, false]) {
      const { client, ids } = setup(server({ stale: false, readableCookie }));
      await session(client);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(ids()).toEqual([]);
    }
  });

  test('a request answered while another is in flight is not blamed for the cookie the other set', async () => {
    // The login rotates while a slow read with the old id is still running; the read's answer names the old id.
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { client, ids } = setup(async (input) => {
      const request = input as Request;
      if (request.url.endsWith('/slow.php')) {
        await slow;
        return json({ 'x-session-fp': fingerprint('old-session-id') });
      }
      // biome-ignore lint/suspicious/noDocumentCookie: plays the server setting a readable PHP session cookie
      document.cookie = 'PHPSESSID=new-session-id; path=/';
      return json({ 'x-session-fp': fingerprint('new-session-id') });
    });
    // biome-ignore lint/suspicious/noDocumentCookie: the session the page starts with
    document.cookie = 'PHPSESSID=old-session-id; path=/';
    const read = client.get(`${page}/slow.php`, { session: 'read' });
    const other = client.get(`${page}/other.php`, { session: 'read' });
    await other;
    release();
    await read;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ids()).not.toContain('stale-fingerprint');
  });
});

describe('the id source switching between header and cookie', () => {
  test('answers with and without X-Session-Fp on one session are reported', async () => {
    // biome-ignore lint/suspicious/noDocumentCookie: a readable PHP session cookie
    document.cookie = 'PHPSESSID=the-session-id; path=/';
    const fp = fingerprint('the-session-id');
    const { client, diagnostics, ids } = setup(async (input) =>
      (input as Request).url.includes('helper') ? json({ 'x-session-fp': fp }) : json({}),
    );
    await client.get(`${page}/helper.php`);
    await client.get(`${page}/plain.php`);
    await client.get(`${page}/helper.php`);
    await vi.waitFor(() => expect(ids()).toEqual(['id-source-flip']));
    const [finding] = diagnostics.findings();
    expect(finding!.count).toBe(2);
    expect(finding!.detail).toContain('GET http://localhost:3000/helper.php');
    expect(finding!.fix).toContain('session_fetch_start()');
  });

  test('a server that always sends the header stays quiet', async () => {
    // biome-ignore lint/suspicious/noDocumentCookie: a readable PHP session cookie
    document.cookie = 'PHPSESSID=the-session-id; path=/';
    const { client, ids } = setup(async () => json({ 'x-session-fp': fingerprint('the-session-id') }));
    for (let count = 0; count < 4; count++) await client.get(`${page}/helper.php`);
    expect(ids()).toEqual([]);
  });
});
