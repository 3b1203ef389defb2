import { sleep } from './clock.js';
import { formatSetCookie, type ResolvedCookieOptions } from './cookies.js';
import type { PhpSession } from './php-session.js';
import { jsonResponse, type ScriptOutput } from './script-response.js';

export interface SetCookieOptions {
  path?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: 'Lax' | 'Strict' | 'None';
}

/** session_start()'s options. `ajax` and `login` are php/session-fetch.php's (they matter with `protocol: true`). */
export interface PhpStartOptions {
  /** PHP's read_and_close: read the session and release the lock at once. @default false */
  read_and_close?: boolean;
  /**
   * Treat the request as AJAX (true) or as a page load (false). @default undefined: detected from
   * `X-Requested-With: XMLHttpRequest`, `Sec-Fetch-Dest: empty`, or an `Accept` naming JSON and not HTML
   */
  ajax?: boolean;
  /**
   * This script logs users in without session_regenerate_id(): a session it writes to is kept even when the
   * request came with a dead id. Without it only a regenerated id counts as a login. @default false
   */
  login?: boolean;
  /**
   * Whether this script speaks the protocol (like calling session_fetch_start() rather than plain
   * session_start()); a script without it is, say, a login page that does not use the helper. Read at the first
   * session_start() of the request. @default the server's `protocol`
   */
  protocol?: boolean;
}

/**
 * The per-request object handed to a route script. Every function works destructured.
 * `$_SESSION` is a live view of the session data: destructuring it before session_start() is safe,
 * and reading or writing it before any session_start() throws instead of losing the write.
 * Writes after session_write_close() are not saved, as in PHP.
 */
export interface Php {
  readonly request: Request;
  readonly url: URL;
  /** `:name` segments of the route. */
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  readonly $_COOKIE: Readonly<Record<string, string>>;
  readonly $_SESSION: Record<string, unknown>;
  session_start(options?: PhpStartOptions): Promise<boolean>;
  session_write_close(): boolean;
  session_abort(): boolean;
  session_regenerate_id(deleteOldSession?: boolean): Promise<boolean>;
  session_destroy(): boolean;
  session_unset(): void;
  session_id(): string;
  /** PHP_SESSION_NONE (1) or PHP_SESSION_ACTIVE (2). */
  session_status(): 1 | 2;
  session_name(): string;
  session_get_cookie_params(): ResolvedCookieOptions;
  /** `header('Location: /x')`; ignored once output started. */
  header(line: string, replace?: boolean): void;
  headers_sent(): boolean;
  http_response_code(code?: number): number;
  /** Same as http_response_code(code). */
  status(code: number): void;
  /** PHP's setcookie(); an empty value deletes the cookie. */
  setcookie(name: string, value: string, options?: SetCookieOptions): boolean;
  /** Waits `ms` milliseconds of real time; a started session keeps its lock meanwhile. */
  sleep(ms: number): Promise<void>;
  /** A JSON response; the status defaults to the current http_response_code(). */
  json(data: unknown, status?: number): Response;
  /** 401 `{"message":"Unauthenticated."}` (Laravel). */
  unauthorized(): Response;
  /** 419 `{"message":"CSRF token mismatch."}` (Laravel). */
  csrfMismatch(): Response;
  redirect(location: string, status?: number): Response;
}

export function createPhp(
  request: Request,
  params: Record<string, string>,
  cookies: Map<string, string>,
  session: PhpSession,
  cookieOptions: ResolvedCookieOptions,
  headersSent: () => boolean,
  output: ScriptOutput,
): Php {
  const url = new URL(request.url);
  const current = () => {
    if (!session.data) throw new Error('$_SESSION used before session_start(): call session_start() first');
    return session.data;
  };
  const $_SESSION = new Proxy({} as Record<string, unknown>, {
    get: (_t, key) => Reflect.get(current(), key),
    set: (_t, key, value) => Reflect.set(current(), key, value),
    has: (_t, key) => Reflect.has(current(), key),
    deleteProperty: (_t, key) => Reflect.deleteProperty(current(), key),
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_t, key) => Reflect.getOwnPropertyDescriptor(current(), key),
    defineProperty: (_t, key, descriptor) => Reflect.defineProperty(current(), key, descriptor),
  });
  const setStatus = (code: number) => {
    if (!headersSent()) output.status = code;
  };
  const json = (data: unknown, status = output.status) => jsonResponse(data, status);
  const php: Php = {
    request,
    url,
    params,
    query: url.searchParams,
    $_COOKIE: Object.fromEntries(cookies),
    $_SESSION,
    session_start: (options) =>
      session.start({
        readAndClose: options?.read_and_close === true,
        ajax: options?.ajax,
        login: options?.login,
        protocol: options?.protocol,
      }),
    session_write_close: () => session.writeClose(),
    session_abort: () => session.abort(),
    session_regenerate_id: (deleteOld = false) => session.regenerateId(deleteOld),
    session_destroy: () => session.destroy(),
    session_unset: () => {
      if (session.active && session.data)
        for (const key of Object.keys(session.data)) delete session.data[key];
    },
    session_id: () => session.id,
    session_status: () => (session.active ? 2 : 1),
    session_name: () => cookieOptions.name,
    session_get_cookie_params: () => ({ ...cookieOptions }),
    header: (line, replace = true) => {
      const colon = line.indexOf(':');
      if (headersSent() || colon < 1) return;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (replace) output.headers.set(name, value);
      else output.headers.append(name, value);
      if (name.toLowerCase() === 'location' && output.status < 300) setStatus(302);
    },
    headers_sent: headersSent,
    http_response_code: (code) => {
      const previous = output.status;
      if (code !== undefined) setStatus(code);
      return previous;
    },
    status: setStatus,
    setcookie: (name, value, options = {}) => {
      if (headersSent()) return false;
      output.cookies.push(
        formatSetCookie(name, value, { path: '/', secure: false, httpOnly: false, ...options }),
      );
      return true;
    },
    sleep,
    json,
    unauthorized: () => json({ message: 'Unauthenticated.' }, 401),
    csrfMismatch: () => json({ message: 'CSRF token mismatch.' }, 419),
    redirect: (location, status = 302) => new Response(null, { status, headers: { Location: location } }),
  };
  return php;
}
