import type { PhpServer } from './options.js';

const LOGIN_PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Log in</title></head>
<body>
<form method="post" action="/api/login"><input name="user" value="alice"><button>Log in</button></form>
</body>
</html>
`;

async function requestUser(request: Request): Promise<string> {
  const text = await request.text();
  if (!text) return 'alice';
  try {
    const body = JSON.parse(text) as { user?: unknown };
    return typeof body.user === 'string' ? body.user : 'alice';
  } catch {
    return new URLSearchParams(text).get('user') ?? 'alice';
  }
}

function duration(value: string | null, fallback: number): number {
  const ms = Number(value ?? fallback);
  return Number.isFinite(ms) && ms >= 0 ? ms : fallback;
}

/**
 * Adds the demo endpoints (the demo app and the client's tests use them):
 * - `GET /api/whoami` read_and_close: `{ user, counter, loggedIn, csrf }`
 * - `POST /api/login` body `{ user }` (JSON or form, default 'alice'): regenerate_id(true), sets user and csrf
 * - `POST /api/logout`: session_destroy() and expires the cookie
 * - `POST /api/counter[?hold=ms]`: `{ counter }` incremented, lock held `hold` ms after the increment
 * - `GET /api/hold?ms=`: writes `holds` and holds the lock `ms` (default 500)
 * - `POST /api/early-close[?ms=]`: writes `earlyCloses`, session_write_close(), then sleeps `ms` (default 500)
 * - `GET /api/private`: 401 `{"message":"Unauthenticated."}` when not logged in, else `{ user, secret }`
 * - `POST /api/laravel`: 419 unless the `X-CSRF-TOKEN` header equals the session's csrf, else `{ ok: true }`
 * - `GET /api/redirecting`: 302 to `/login` when not logged in, else `{ user }`
 * - `GET /login`: an HTML login page
 * - `POST /api/echo`: answers the body it got, with the same Content-Type
 */
export function installDemoRoutes(php: PhpServer): PhpServer {
  php.route('GET', '/api/whoami', async ({ session_start, $_SESSION }) => {
    await session_start({ read_and_close: true });
    const user = $_SESSION.user ?? null;
    return {
      user,
      counter: Number($_SESSION.counter ?? 0),
      loggedIn: user !== null,
      csrf: $_SESSION.csrf ?? null,
    };
  });
  php.route('POST', '/api/login', async ({ session_start, session_regenerate_id, $_SESSION, request }) => {
    const user = await requestUser(request);
    await session_start();
    await session_regenerate_id(true);
    $_SESSION.user = user;
    $_SESSION.csrf = globalThis.crypto.randomUUID();
    return { user, loggedIn: true, csrf: $_SESSION.csrf };
  });
  php.route(
    'POST',
    '/api/logout',
    async ({ session_start, session_destroy, setcookie, session_name, session_get_cookie_params }) => {
      await session_start();
      session_destroy();
      setcookie(session_name(), '', session_get_cookie_params());
      return { loggedIn: false };
    },
  );
  php.route('POST', '/api/counter', async ({ session_start, $_SESSION, sleep, query }) => {
    await session_start();
    $_SESSION.counter = Number($_SESSION.counter ?? 0) + 1;
    await sleep(duration(query.get('hold'), 0));
    return { counter: $_SESSION.counter };
  });
  php.route('GET', '/api/hold', async ({ session_start, $_SESSION, sleep, query }) => {
    await session_start();
    $_SESSION.holds = Number($_SESSION.holds ?? 0) + 1;
    const ms = duration(query.get('ms'), 500);
    await sleep(ms);
    return { held: ms, holds: $_SESSION.holds };
  });
  php.route(
    'POST',
    '/api/early-close',
    async ({ session_start, session_write_close, $_SESSION, sleep, query }) => {
      await session_start();
      $_SESSION.earlyCloses = Number($_SESSION.earlyCloses ?? 0) + 1;
      session_write_close();
      await sleep(duration(query.get('ms'), 500));
      return { earlyCloses: $_SESSION.earlyCloses };
    },
  );
  php.route('GET', '/api/private', async ({ session_start, $_SESSION, unauthorized }) => {
    await session_start({ read_and_close: true });
    if ($_SESSION.user === undefined) return unauthorized();
    return { user: $_SESSION.user, secret: 42 };
  });
  php.route('POST', '/api/laravel', async ({ session_start, $_SESSION, request, csrfMismatch }) => {
    await session_start({ read_and_close: true });
    const token = request.headers.get('X-CSRF-TOKEN');
    if (typeof $_SESSION.csrf !== 'string' || token !== $_SESSION.csrf) return csrfMismatch();
    return { ok: true };
  });
  php.route('GET', '/api/redirecting', async ({ session_start, $_SESSION, redirect }) => {
    await session_start({ read_and_close: true });
    if ($_SESSION.user === undefined) return redirect('/login');
    return { user: $_SESSION.user };
  });
  php.route('GET', '/login', () => LOGIN_PAGE);
  php.route('POST', '/api/echo', async ({ request }) => {
    const type = request.headers.get('Content-Type') ?? 'text/plain';
    return new Response(await request.text(), { headers: { 'Content-Type': type } });
  });
  return php;
}
