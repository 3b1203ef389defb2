// @vitest-environment happy-dom
import { createRequire } from 'node:module';
import { setupServer } from 'msw/node';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { SessionClient } from '../../src/index.js';
import * as overlay from '../../src/overlay/index.js';
import * as scriptTagGlobal from '../../src/platform/global.js';
import { createPhpServer } from '../../src/testing/index.js';
import { toMswHandlers } from '../../src/testing/msw.js';
import { blockContaining, type DocBlock, scriptsOf, where } from '../helpers/doc-blocks.js';
import { clearCookies } from '../helpers/mock-php.js';

// The README's script-tag examples, run in happy-dom as a page would run them: SessionFetch is what the script-tag
// builds define (src/platform/global.ts, plus the overlay script's names), $ is jQuery 3, and the server is the
// mock backend with the example's PHP scripts.
const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: jQuery has no types in this package
const $: any = require('jquery3');

const cleanups: (() => void)[] = [];
const clientsOf = (adapter: { client: SessionClient; uninstall(): void }) => {
  cleanups.push(() => {
    adapter.uninstall();
    adapter.client.dispose();
  });
  return adapter;
};
const SessionFetch = {
  ...scriptTagGlobal,
  createSessionClient: (...args: Parameters<typeof scriptTagGlobal.createSessionClient>) => {
    const client = scriptTagGlobal.createSessionClient(...args);
    cleanups.push(() => client.dispose());
    return client;
  },
  jquery: (...args: Parameters<typeof scriptTagGlobal.jquery>) => clientsOf(scriptTagGlobal.jquery(...args)),
  mountOverlay: (...args: Parameters<typeof overlay.mountOverlay>) => {
    const handle = overlay.mountOverlay(...args);
    cleanups.push(() => handle.unmount());
    return handle;
  },
  debug: overlay.debug,
};

/** The X-CSRF-TOKEN of each request to save.php. */
const csrfTokens: Array<string | null> = [];

/** The example's PHP scripts, at the page's origin: login (password "secret"), whoami, save, report, logout. */
const startApp = (options: { expiredFirstSave?: boolean } = {}) => {
  csrfTokens.length = 0;
  const php = createPhpServer();
  let saves = 0;
  php.route('POST', '/login.php', async ({ session_start, session_regenerate_id, $_SESSION, request }) => {
    const form = new URLSearchParams(await request.text());
    await session_start();
    if (form.has('password') && form.get('password') !== 'secret')
      return new Response('wrong', { status: 403 });
    await session_regenerate_id(true);
    $_SESSION.user = form.get('user');
    return { user: $_SESSION.user };
  });
  php.route('GET', '/whoami.php', async ({ session_start, $_SESSION }) => {
    await session_start({ read_and_close: true });
    return { user: $_SESSION.user ?? null };
  });
  php.route('POST', '/save.php', async ({ session_start, $_SESSION, request, unauthorized }) => {
    csrfTokens.push(request.headers.get('X-CSRF-TOKEN'));
    if (options.expiredFirstSave && saves++ === 0) php.expireAll();
    await session_start();
    if (options.expiredFirstSave && !$_SESSION.user) return unauthorized();
    $_SESSION.text = new URLSearchParams(await request.text()).get('text');
    return { saved: true };
  });
  php.route('GET', '/report.php', async ({ session_start }) => {
    await session_start({ read_and_close: true });
    return { report: [] };
  });
  php.route('POST', '/logout.php', async ({ session_start, session_destroy }) => {
    await session_start();
    session_destroy();
    return { loggedIn: false };
  });
  const server = setupServer(...toMswHandlers(php, { baseUrl: location.origin }));
  server.listen({ onUnhandledRequest: 'error' });
  cleanups.push(() => server.close());
  return php;
};

/** Puts the block's markup (but its scripts) in the page and runs its inline scripts with the app's names. */
const runPage = async (block: DocBlock, app: Record<string, unknown> = {}) => {
  document.body.innerHTML = block.text.replace(/<script[\s\S]*?<\/script>/g, '');
  const globals = { SessionFetch, $, ...app };
  for (const { code } of scriptsOf(block.text).inline)
    new Function(...Object.keys(globals), code)(...Object.values(globals));
};

const until = (check: () => boolean) => vi.waitFor(() => expect(check()).toBe(true), { timeout: 5000 });

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  document.body.replaceChildren();
  clearCookies();
});

describe('the script-tag examples', () => {
  test(`${where(blockContaining("api.get('/whoami.php')"))}: the script tag's client gets whoami.php`, async () => {
    startApp();
    const console = { log: vi.fn() };
    await runPage(blockContaining("api.get('/whoami.php')"), { console });
    await until(() => console.log.mock.calls.length > 0);
    expect(console.log).toHaveBeenCalledWith({ user: null });
  });

  const features = blockContaining('SessionFetch.csrf(), SessionFetch.lifecycle(');
  test(`${where(features)}: the page's features: the save carries the meta tag's token`, async () => {
    const php = startApp();
    await runPage(features);
    await until(() => php.log.length > 0);
    expect(php.log.map((entry) => `${entry.path} ${entry.status}`)).toEqual(['/save.php 200']);
    expect(csrfTokens).toEqual(['token-of-this-session']);
  });

  const jquery = blockContaining('SessionFetch.jquery($, { onExpired');
  test(`${where(jquery)}: the jQuery page's calls go through the session client, the logout ends the session`, async () => {
    const php = startApp();
    const console = { log: vi.fn() };
    await runPage(jquery, { console, showLoginDialog: vi.fn(async () => false) });
    await until(() => php.log.length === 4);
    await until(() => console.log.mock.calls.length > 0);
    expect(php.log.map((entry) => `${entry.path} ${entry.status}`)).toEqual([
      '/save.php 200',
      '/login.php 200',
      '/report.php 200',
      '/logout.php 200',
    ]);
    expect(console.log).toHaveBeenCalledWith({ saved: true });
    expect(document.querySelector('session-fetch-overlay')).not.toBeNull();
    expect(php.sessions()).toEqual([]); // destroyed by the logout
  });

  const dialog = blockContaining('<form id="login" hidden>');
  test(`${where(dialog)}: the login form shows on an expiry, logs in with $.post, and the held save is replayed`, async () => {
    const php = startApp({ expiredFirstSave: true });
    await runPage(dialog);
    const saved = vi.fn();
    $.post('/save.php', { text: 'kept' }, saved);
    const form = () => document.querySelector<HTMLFormElement>('#login')!;
    await until(() => !form().hidden);
    $('#login [name=user]').val('ada');
    $('#login [name=password]').val('wrong');
    $('#login').trigger('submit');
    await until(() => $('#login [name=password]').val() === '');
    expect(form().hidden).toBe(false);
    $('#login [name=password]').val('secret');
    $('#login').trigger('submit');
    await until(() => saved.mock.calls.length > 0);
    expect(saved).toHaveBeenCalledWith({ saved: true }, expect.anything(), expect.anything());
    expect(form().hidden).toBe(true);
    expect(php.sessions().map((session) => session.data)).toEqual([{ user: 'ada', text: 'kept' }]);
  });

  test(`${where(dialog)}: Cancel gives up: the held save fails, not sent again`, async () => {
    const php = startApp({ expiredFirstSave: true });
    await runPage(dialog);
    const failed = vi.fn();
    $.post('/save.php', { text: 'kept' }).fail(failed);
    await until(() => !document.querySelector<HTMLFormElement>('#login')!.hidden);
    $('#login [name=cancel]').trigger('click');
    await until(() => failed.mock.calls.length > 0);
    expect(document.querySelector<HTMLFormElement>('#login')!.hidden).toBe(true);
    expect(php.log.filter((entry) => entry.path === '/save.php')).toHaveLength(1);
  });
});
