// @vitest-environment happy-dom
import * as msw from 'msw/node';
import { afterEach, describe, expect, test, vi } from 'vitest';
import * as zod from 'zod';
import * as csrfEntry from '../../src/csrf/index.js';
import * as sessionFetch from '../../src/index.js';
import * as lifecycleEntry from '../../src/lifecycle/index.js';
import * as overlay from '../../src/overlay/index.js';
import * as testing from '../../src/testing/index.js';
import * as testingMsw from '../../src/testing/msw.js';
import { blockContaining, runBlock, where } from '../helpers/doc-blocks.js';
import { clearCookies } from '../helpers/mock-php.js';

// The README's ts examples that can run, run against the mock backend of session-fetch/testing in happy-dom: what
// their comments say happens is asserted. (readme-examples.test.ts typechecks them all.)
const servers: { close(): void }[] = [];
const clients: sessionFetch.SessionClient[] = [];
const overlays: overlay.OverlayHandle[] = [];

/** A client made by an example or a test, disposed after the test. */
const createSessionClient: typeof sessionFetch.createSessionClient = (options) => {
  const client = sessionFetch.createSessionClient(options);
  clients.push(client);
  return client;
};

/** What the examples import: the package's sources, wrapped where the test must stop what they start. */
const modules = {
  'session-fetch': { ...sessionFetch, createSessionClient },
  'session-fetch/csrf': csrfEntry,
  'session-fetch/lifecycle': lifecycleEntry,
  'session-fetch/testing': testing,
  'session-fetch/testing/msw': testingMsw,
  'session-fetch/overlay': {
    ...overlay,
    mountOverlay: (...args: Parameters<typeof overlay.mountOverlay>) => {
      const handle = overlay.mountOverlay(...args);
      overlays.push(handle);
      return handle;
    },
  },
  zod,
  'msw/node': {
    ...msw,
    setupServer: (...handlers: Parameters<typeof msw.setupServer>) => {
      const server = msw.setupServer(...handlers);
      servers.push(server);
      return server;
    },
  },
};

/** The app of the examples on the mock backend: a login, whoami, save, report and logout under /api. */
const appServer = (options: { expireOnFirstSave?: boolean; csrf?: boolean } = {}) => {
  const php = testing.createPhpServer();
  let saves = 0;
  php.route(
    'POST',
    '/api/login.php',
    async ({ session_start, session_regenerate_id, $_SESSION, request }) => {
      const { user } = (await request.json()) as { user: string };
      await session_start();
      await session_regenerate_id(true);
      $_SESSION.user = user;
      return { user };
    },
  );
  php.route('GET', '/api/whoami.php', async ({ session_start, $_SESSION }) => {
    await session_start({ read_and_close: true });
    return { user: $_SESSION.user ?? null };
  });
  php.route('POST', '/api/save.php', async ({ session_start, $_SESSION, request, unauthorized }) => {
    // The session is garbage-collected while the user types: the first save finds it gone.
    if (options.expireOnFirstSave && saves++ === 0) php.expireAll();
    await session_start();
    if (!$_SESSION.user) return unauthorized();
    // Laravel's check: the session's token in X-CSRF-TOKEN, else 419.
    if (options.csrf && request.headers.get('X-CSRF-TOKEN') !== $_SESSION.csrf)
      return new Response('token mismatch', { status: 419 });
    $_SESSION.draft = await request.json();
    return { saved: true };
  });
  php.route('GET', '/api/csrf.php', async ({ session_start, $_SESSION }) => {
    await session_start();
    $_SESSION.csrf ??= 'token-of-ada';
    return { token: $_SESSION.csrf };
  });
  php.route('POST', '/api/keepalive.php', async ({ session_start }) => {
    await session_start({ read_and_close: true });
    return { ok: true };
  });
  php.route('GET', '/api/report.php', async ({ session_start, $_SESSION }) => {
    await session_start({ read_and_close: true });
    return { user: $_SESSION.user };
  });
  php.route('POST', '/api/logout.php', async ({ session_start, session_destroy }) => {
    await session_start();
    session_destroy();
    return { loggedIn: false };
  });
  const server = msw.setupServer(...testingMsw.toMswHandlers(php, { baseUrl: location.origin }));
  server.listen({ onUnhandledRequest: 'error' });
  servers.push(server);
  return php;
};

/** A login the client does not see (the dialog's own form), as the user who typed the draft. */
const plainLogin = () =>
  fetch('/api/login.php', { method: 'POST', credentials: 'include', body: JSON.stringify({ user: 'ada' }) });

afterEach(() => {
  for (const handle of overlays.splice(0)) handle.unmount();
  for (const client of clients.splice(0)) client.dispose();
  for (const server of servers.splice(0)) server.close();
  clearCookies();
  history.replaceState(null, '', '/');
});

describe('the quick start', () => {
  const block = blockContaining('showSavedLocallyNotice()');
  const app = (loginAgain: boolean) => ({
    showLoginDialog: vi.fn(async () => loginAgain && (await plainLogin()).ok),
    showSavedLocallyNotice: vi.fn(),
    user: 'ada',
    password: 'secret',
    draft: { text: 'kept across an expiry' },
    console: { log: vi.fn() },
  });

  test(`${where(block)}: a save that meets an expired session is held, replayed after the login, and saved`, async () => {
    const php = appServer({ expireOnFirstSave: true });
    const globals = app(true);
    const { api, me } = (await runBlock(block, modules, globals, ['api', 'me'])) as {
      api: sessionFetch.SessionClient;
      me: unknown;
    };
    expect(me).toEqual({ user: 'ada' });
    expect(globals.showLoginDialog).toHaveBeenCalledOnce();
    expect(globals.showSavedLocallyNotice).not.toHaveBeenCalled();
    expect(php.sessions().map((session) => session.data)).toEqual([
      { user: 'ada', draft: { text: 'kept across an expiry' } },
    ]);
    expect(php.log.map((entry) => `${entry.path} ${entry.status}`)).toEqual([
      '/api/login.php 200',
      '/api/whoami.php 200',
      '/api/save.php 401',
      '/api/login.php 200',
      '/api/save.php 200',
      '/api/report.php 200',
    ]);
    // The subscriber logs the status on every change from then on.
    expect(api.session.status).toBe('active');
    await api.post('logout.php', { endsSession: true });
    expect(globals.console.log).toHaveBeenLastCalledWith('ended');
  });

  test(`${where(block)}: when the user gives up logging in the save rejects with SessionExpiredError, unsent`, async () => {
    const php = appServer({ expireOnFirstSave: true });
    const globals = app(false);
    // The example goes on to report.php, which meets the same dead session: it rejects in turn.
    const run = runBlock(block, modules, globals);
    await expect(run).rejects.toThrow(sessionFetch.SessionExpiredError);
    await expect(run).rejects.toThrow(/report\.php/);
    expect(globals.showSavedLocallyNotice).toHaveBeenCalledOnce();
    expect(php.log.filter((entry) => entry.path === '/api/save.php').map((entry) => entry.status)).toEqual([
      401,
    ]);
    expect(php.sessions().some((session) => 'draft' in session.data)).toBe(false);
  });
});

describe('features you pass in', () => {
  const block = blockContaining("csrf({ refreshUrl: '/api/csrf.php' })");

  test(`${where(block)}: the save carries the token csrf.php handed out, and the client runs both features`, async () => {
    const php = appServer({ csrf: true });
    await plainLogin();
    const globals = { draft: { text: 'kept' }, console: { warn: vi.fn() } };
    const { api } = (await runBlock(block, modules, globals, ['api'])) as { api: sessionFetch.SessionClient };
    clients.push(api);
    expect(api.options.features).toEqual(['csrf', 'lifecycle']);
    expect(php.log.map((entry) => `${entry.path} ${entry.status}`)).toEqual([
      '/api/login.php 200',
      '/api/csrf.php 200',
      '/api/save.php 200',
    ]);
    expect(php.sessions().map((session) => session.data)).toEqual([
      { user: 'ada', csrf: 'token-of-ada', draft: { text: 'kept' } },
    ]);
    // The mock's sessions live 24 minutes: no warning yet.
    expect(globals.console.warn).not.toHaveBeenCalled();
  });
});

describe('typed responses with zod', () => {
  const block = blockContaining('.json(UserSchema)');
  const run = async (api: sessionFetch.SessionClient) => {
    const globals = { api, console: { log: vi.fn(), warn: vi.fn() } };
    await runBlock(block, modules, globals);
    return globals.console;
  };

  test(`${where(block)}: an answer of the schema's shape comes back parsed`, async () => {
    appServer();
    const api = createSessionClient({ prefix: '/api' });
    await api.post('login.php', { json: { user: 'ada' }, rotatesSession: true });
    const console = await run(api);
    expect(console.log).toHaveBeenCalledWith('hello ada');
    expect(console.warn).not.toHaveBeenCalled();
  });

  test(`${where(block)}: { user: null } rejects with SchemaValidationError naming the path, the session untouched`, async () => {
    appServer();
    const api = createSessionClient({ prefix: '/api' });
    const console = await run(api);
    expect(console.log).not.toHaveBeenCalled();
    expect(console.warn).toHaveBeenCalledOnce();
    expect(console.warn.mock.calls[0]![0]).toEqual([expect.objectContaining({ path: ['user'] })]);
    expect(api.session.status).toBe('active');
  });
});

describe('logout is not an expiry', () => {
  const block = blockContaining('showLoggedOutPage()');

  test(`${where(block)}: a logout marked endsSession fires session:end, not session:expire`, async () => {
    appServer();
    const api = createSessionClient({ prefix: '/api' });
    await api.post('login.php', { json: { user: 'ada' }, rotatesSession: true });
    const globals = { api, showLoggedOutPage: vi.fn(), console: { info: vi.fn() } };
    await runBlock(block, modules, globals);
    expect(globals.showLoggedOutPage).toHaveBeenCalledOnce();
    expect(globals.console.info).not.toHaveBeenCalled();
    expect(api.session.status).toBe('ended');
  });
});

describe('the debug overlay', () => {
  const block = blockContaining("from 'session-fetch/overlay'");
  const overlayHost = () => document.querySelector<HTMLElement>('session-fetch-overlay');

  test(`${where(block)}: mountOverlay(api) is hidden until ?session-debug`, async () => {
    const api = createSessionClient();
    await runBlock(block, modules, { api });
    expect(overlayHost()?.hidden).toBe(true);
    for (const handle of overlays.splice(0)) handle.unmount();
    history.replaceState(null, '', '/?session-debug');
    await runBlock(block, modules, { api });
    expect(overlayHost()?.hidden).toBe(false);
  });
});

describe('testing your app', () => {
  const block = blockContaining('setupServer(...toMswHandlers(php');

  test(`${where(block)}: the mock server serves the demo routes and the app's own, with PHP's session`, async () => {
    const { php } = (await runBlock(block, modules, {}, ['php'])) as { php: testing.PhpServer };
    expect(php.options.lockWaitTimeoutMs).toBe(1000);
    const api = createSessionClient({ prefix: '/api' });
    await api.post('login', { json: { user: 'ada' }, rotatesSession: true });
    const saved = await api.post('save', { body: 'my draft' });
    expect(await saved.json()).toEqual({ saved: true });
    expect(saved.headers.get('X-Session-Fp')).toBe(api.session.fingerprint);
    expect(await api.get('whoami').json()).toMatchObject({ user: 'ada', loggedIn: true });
    expect(php.sessions()).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ draft: 'my draft' }) }),
    ]);
  });
});
