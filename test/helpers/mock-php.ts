import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createSessionClient, type SessionClient, type SessionClientOptions } from '../../src/index.js';
import {
  createPhpServer,
  installDemoRoutes,
  type PhpServer,
  type PhpServerOptions,
} from '../../src/testing/index.js';
import { toMswHandlers } from '../../src/testing/msw.js';
import { createGates } from './gates.js';

export const pageOrigin = 'http://localhost:3000';

/** Deletes every cookie the page can see, as a page could. */
export const clearCookies = (): void => {
  for (const pair of document.cookie.split('; ').filter(Boolean)) {
    // biome-ignore lint/suspicious/noDocumentCookie: clearing the page's cookies the way a page can
    document.cookie = `${pair.split('=')[0]}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  }
};

/**
 * A mock PHP backend (the demo routes) on the page's origin through msw, reset after each test. Requests go
 * through happy-dom's fetch, so cookies behave as in a browser. `sent` lists every request msw saw.
 */
export const useMockPhp = (options: PhpServerOptions = {}, extra: Record<string, PhpServer> = {}) => {
  const php = installDemoRoutes(createPhpServer({ strictMode: true, ...options }));
  const sent: Request[] = [];
  const server = setupServer(
    ...toMswHandlers(php, { baseUrl: pageOrigin }),
    ...Object.entries(extra).flatMap(([baseUrl, other]) => toMswHandlers(other, { baseUrl })),
  );
  server.events.on('request:start', ({ request }) => {
    sent.push(request.clone());
  });
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    // A client left running would still take part in the next test's tabs (sync, elections).
    for (const made of clients.splice(0)) made.dispose();
    clearCookies();
    php.reset();
    for (const other of Object.values(extra)) other.reset();
    sent.length = 0;
  });
  afterAll(() => server.close());
  return { php, server, sent };
};

const clients: SessionClient[] = [];

/** A client on the mock backend's origin, disposed after the test. */
export const client = (options: SessionClientOptions = {}) => {
  const made = createSessionClient({ pageOrigin, ...options });
  clients.push(made);
  return made;
};

export { sleep } from './sleep-and-fingerprint.js';

/** Logs in as ada on the demo routes, rotating the session id. */
export const login = (session: SessionClient) =>
  session.post('/api/login', { json: { user: 'ada' }, rotatesSession: true });

/** Records every event of a client, in order, by name. */
export const recordEvents = (target: ReturnType<typeof createSessionClient>) => {
  const names = [
    'session:start',
    'session:rotate',
    'session:expire',
    'session:end',
    'session:resume',
    'session:give-up',
    'session:not-resumed',
    'lock:wait',
    'lock:retry',
  ] as const;
  const seen: string[] = [];
  for (const name of names) target.on(name, () => seen.push(name));
  return seen;
};

/**
 * `POST /api/slow-login`: regenerates the id, releases the lock, and answers `answerAfterMs` later (a slow
 * password hash, say): the window in which a request with the old id can reach the server.
 */
export const addSlowLogin = (php: PhpServer, answerAfterMs: number): void => {
  php.route(
    'POST',
    '/api/slow-login',
    async ({ session_start, session_regenerate_id, session_write_close, $_SESSION, sleep: wait }) => {
      await session_start();
      await session_regenerate_id(true);
      $_SESSION.user = 'ada';
      session_write_close();
      await wait(answerAfterMs);
      return { loggedIn: true };
    },
  );
};

/**
 * `POST /api/gated-login`: regenerates the id, writes the user and releases the lock, then waits at a gate before
 * it answers. `arm()` returns that gate: `reached` once the server has the new id, `open()` to send the answer (and
 * its new cookie). The window in which a request with the old id reaches the server stays open as long as the test
 * needs, whatever the machine's load.
 */
export const addGatedLogin = (php: PhpServer) => {
  const gates = createGates('/api/gated-login');
  php.route(
    'POST',
    '/api/gated-login',
    async ({ session_start, session_regenerate_id, session_write_close, $_SESSION }) => {
      await session_start();
      await session_regenerate_id(true);
      $_SESSION.user = 'ada';
      session_write_close();
      await gates.pass();
      return { loggedIn: true };
    },
  );
  return gates;
};

/**
 * `POST /api/notes` (needs a login; appends the body to the session's notes, then answers `answer(notes)`) and
 * `GET /api/notes`: a write whose replays and their order can be checked.
 */
export const addNotes = (
  php: PhpServer,
  answer: (notes: string[]) => unknown = () => ({ saved: true }),
): void => {
  php.route('POST', '/api/notes', async ({ session_start, $_SESSION, request, unauthorized }) => {
    await session_start();
    if (!$_SESSION.user) return unauthorized();
    const notes = [...(($_SESSION.notes as string[] | undefined) ?? []), await request.text()];
    $_SESSION.notes = notes;
    return answer(notes);
  });
  php.route('GET', '/api/notes', async ({ session_start, $_SESSION, unauthorized }) => {
    await session_start({ read_and_close: true });
    if (!$_SESSION.user) return unauthorized();
    return $_SESSION.notes ?? [];
  });
};
