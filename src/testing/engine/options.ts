import type { Clock, ControllableClock } from './clock.js';
import type { ResolvedCookieOptions, SessionCookieOptions } from './cookies.js';
import type { CorsOptions } from './cors.js';
import type { PhpFaults } from './faults.js';
import type { RouteScript } from './router.js';

export interface PhpServerOptions {
  /** The session cookie (Debian's php.ini: `PHPSESSID=<id>; path=/`, not HttpOnly, no SameSite). @default {} */
  cookie?: SessionCookieOptions;
  /**
   * `session.use_strict_mode`: an unknown id is replaced by a new one. Off by default, like PHP (and Debian's
   * php.ini): an unknown id is then adopted as a new, empty session. (Changed: it used to default to on; pass
   * `strictMode: true` where a test relies on it.) @default false
   */
  strictMode?: boolean;
  /**
   * How long session_start() waits for the session lock. `null` waits forever, like the files
   * handler's flock(): a waiter is woken the moment the lock is released (one of several at random). A
   * number polls every 1-5 ms and gives up after that many ms, like phpredis' lock wait. @default null
   */
  lockWaitTimeoutMs?: number | null;
  /** `session.gc_maxlifetime` in ms: a session not written for longer is gone. @default 1_440_000 */
  gcMaxLifetimeMs?: number;
  /** The clock of session ages. `server.clock.advance(ms)` moves it forward. @default real time */
  clock?: Clock;
  /**
   * Speak docs/protocol.md as php/session-fetch.php does, deciding when the script is done: X-Session-Fp of the
   * final id, -Expired, -End (a destroyed session; the cookie is expired), -Ttl, -Lock-Wait; an AJAX request that
   * came with a dead id and did not log in (regenerate) gets no session cookie and its replacement session is
   * dropped; a session with data from a script without the protocol is adopted; a lock timeout is answered 423 +
   * `Retry-After: 1` + `X-Session-Lock: timeout` without running the script. With `false` none of it, plain PHP:
   * a lock timeout lets the script run without the lock and drops its session write, like phpredis 5.
   * @default true
   */
  protocol?: boolean;
  /** Delay before each request is handled, in ms. @default 0 */
  latencyMs?: number | (() => number);
  /** Cross-origin answers for these page origins. @default undefined (no CORS headers) */
  cors?: CorsOptions;
  /** Faults applied to every request; see PhpFaults. @default {} */
  faults?: PhpFaults;
  /** The origin `server.fetch` resolves relative URLs against. @default 'http://localhost:3000' */
  baseUrl?: string;
  /** Log entries kept (oldest dropped first). @default 10_000 */
  logLimit?: number;
}

/** One handled request. */
export interface PhpLogEntry {
  /** 1, 2, 3... in the order requests arrived. */
  seq: number;
  method: string;
  path: string;
  /** Fingerprint of the first session id the request used, or null when it used none. */
  fp: string | null;
  /** Fingerprint of session_id() when the script ended (differs after regenerate; null after destroy). */
  fpAfter: string | null;
  /** Whether the route script ran. */
  executed: boolean;
  /** Whether session_start() gave up waiting for the lock. */
  lockTimeout: boolean;
  lockWaitMs: number;
  /** Clock times (`server.clock.now()`). */
  startedAt: number;
  endedAt: number;
  status: number;
  /** True when the cachedResponse fault replayed a stored response (the script did not run). */
  replayed?: boolean;
  /** The request body, for methods that have one. */
  bodyText?: string;
}

export interface SessionInfo {
  id: string;
  fp: string;
  data: Record<string, unknown>;
}

export interface ResolvedPhpServerOptions {
  cookie: ResolvedCookieOptions;
  strictMode: boolean;
  lockWaitTimeoutMs: number | null;
  gcMaxLifetimeMs: number;
  protocol: boolean;
  cors: CorsOptions | undefined;
  baseUrl: string;
}

export interface PhpServer {
  /** The engine: a plain fetch handler, free of msw. */
  handle(request: Request): Promise<Response>;
  /** Adds a route (`'*'` for any method; `:name` path segments). Returns the server. */
  route(method: string, path: string, script: RouteScript): PhpServer;
  /** A fetch function calling `handle` directly, with its own in-memory cookie jar. */
  readonly fetch: import('./cookie-jar-fetch.js').CookieJarFetch;
  readonly clock: ControllableClock;
  /** Faults applied to every request; mutable. */
  faults: PhpFaults;
  /** One entry per handled request, oldest first (bounded by `logLimit`). */
  readonly log: readonly PhpLogEntry[];
  readonly options: ResolvedPhpServerOptions;
  /** The live sessions. */
  sessions(): SessionInfo[];
  /** Seeds a session (e.g. a logged-in user), as the helper keeps it, and returns its id; send it as the cookie. */
  createSession(data?: Record<string, unknown>): Promise<SessionInfo>;
  /** Drops every session, as if they all outlived gc_maxlifetime. */
  expireAll(): void;
  /** Drops sessions, log, cached responses and `fetch`'s cookies; keeps routes and options. */
  reset(): void;
}
