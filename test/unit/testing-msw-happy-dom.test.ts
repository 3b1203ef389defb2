// @vitest-environment happy-dom
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPhpServer, fingerprint, installDemoRoutes } from '../../src/testing/index.js';
import { toMswHandlers } from '../../src/testing/msw.js';
import { clearCookies } from '../helpers/mock-php.js';

const php = installDemoRoutes(createPhpServer());
const phpHttpOnly = installDemoRoutes(createPhpServer({ cookie: { name: 'HOSID', httpOnly: true } }));
const msw = setupServer(
  ...toMswHandlers(php, { baseUrl: 'http://localhost:3000' }),
  ...toMswHandlers(phpHttpOnly, { baseUrl: 'http://localhost:4000' }),
);

beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  clearCookies();
  php.reset();
  phpHttpOnly.reset();
});
afterAll(() => msw.close());

describe('happy-dom fetch against the msw adapter', () => {
  it('runs on http://localhost:3000, the page origin vitest gives happy-dom', () => {
    expect(location.origin).toBe('http://localhost:3000');
  });

  it('shows a non-HttpOnly session cookie in document.cookie and sends it back on the next request', async () => {
    const login = await fetch('/api/login', {
      method: 'POST',
      credentials: 'include',
      body: '{"user":"erin"}',
    });
    expect(login.headers.get('Set-Cookie')).toBeNull();
    const id = /PHPSESSID=([0-9a-v]{32})/.exec(document.cookie)?.[1];
    expect(id).toBeDefined();
    expect(login.headers.get('X-Session-Fp')).toBe(await fingerprint(id!));
    const whoami = await fetch('/api/whoami', { credentials: 'include' });
    expect(await whoami.json()).toMatchObject({ user: 'erin', loggedIn: true });
    expect(php.log.at(-1)?.fp).toBe(await fingerprint(id!));
  });

  it('sends no cookie once the page deleted it from document.cookie, like a browser', async () => {
    await fetch('/api/login', { method: 'POST', credentials: 'include' });
    clearCookies();
    const whoami = await fetch('/api/whoami', { credentials: 'include' });
    expect(await whoami.json()).toMatchObject({ loggedIn: false });
    expect(whoami.headers.get('X-Session-Expired')).toBeNull();
  });

  it('sends no cookie with credentials omit', async () => {
    await fetch('/api/login', { method: 'POST', credentials: 'include' });
    const whoami = await fetch('/api/whoami', { credentials: 'omit' });
    expect(await whoami.json()).toMatchObject({ loggedIn: false });
  });

  it('keeps an HttpOnly cookie out of document.cookie but still sends it back', async () => {
    await fetch('http://localhost:4000/api/login', { method: 'POST', credentials: 'include' });
    expect(document.cookie).not.toContain('HOSID');
    const whoami = await fetch('http://localhost:4000/api/whoami', { credentials: 'include' });
    expect(await whoami.json()).toMatchObject({ loggedIn: true });
  });
});

describe('the cookie jar fetch in happy-dom', () => {
  it('keeps the session although happy-dom Responses drop Set-Cookie and Requests drop Cookie', async () => {
    await php.fetch('/api/login', { method: 'POST', body: '{"user":"fay"}' });
    expect(php.fetch.jar.get('PHPSESSID')).toMatch(/^[0-9a-v]{32}$/);
    const redirected = await php.fetch('/api/redirecting');
    expect(await redirected.json()).toEqual({ user: 'fay' });
    expect(document.cookie).toBe('');
  });
});
