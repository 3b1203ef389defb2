// @vitest-environment node
import { once } from 'node:events';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPhpServer, installDemoRoutes, toNodeListener } from '../../src/testing/index.js';
import { toMswHandlers } from '../../src/testing/msw.js';

describe('toNodeListener', () => {
  const php = installDemoRoutes(createPhpServer());
  php.route('GET', '/two-cookies', async ({ session_start, setcookie }) => {
    await session_start();
    setcookie('theme', 'dark');
    return { ok: true };
  });
  let http: Server;
  let origin: string;
  beforeAll(async () => {
    http = createServer(toNodeListener(php)).listen(0, '127.0.0.1');
    await once(http, 'listening');
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => http.close(() => resolve())));

  it('serves the engine over real HTTP with every Set-Cookie as its own header', async () => {
    const headers = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
      get(`${origin}/two-cookies`, (res) => {
        res.resume();
        resolve(res.headers);
      }).on('error', reject);
    });
    expect(headers['set-cookie']).toHaveLength(2);
    expect(headers['set-cookie']?.[1]).toBe('theme=dark; path=/');
    expect(headers['x-session-fp']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('passes the request body, the Host and the Cookie to the script', async () => {
    const login = await fetch(`${origin}/api/login`, { method: 'POST', body: '{"user":"carol"}' });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const whoami = await fetch(`${origin}/api/whoami`, { headers: { Cookie: cookie } });
    expect(await whoami.json()).toMatchObject({ user: 'carol', loggedIn: true });
    expect(php.log.at(-1)?.path).toBe('/api/whoami');
  });
});

describe('toMswHandlers in Node', () => {
  const php = installDemoRoutes(createPhpServer());
  const msw = setupServer(...toMswHandlers(php, { baseUrl: 'http://api.test' }));
  beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => msw.resetHandlers());
  afterAll(() => msw.close());

  it('answers through the engine and keeps the session with the cookie msw stores', async () => {
    const login = await fetch('http://api.test/api/login', { method: 'POST', body: '{"user":"dave"}' });
    expect(login.headers.get('X-Session-Fp')).toMatch(/^[0-9a-f]{16}$/);
    const whoami = await fetch('http://api.test/api/whoami');
    expect(await whoami.json()).toMatchObject({ user: 'dave', loggedIn: true });
    expect(php.log.at(-1)?.fp).toBe(login.headers.get('X-Session-Fp'));
  });
});
