/**
 * The options of one part each (protocol headers, lock retries, concurrency, tabs) and of the features an app
 * passes in (CSRF, the lifecycle and its keepalive).
 */
/** The names of the protocol headers (docs/protocol.md). */
export type ProtocolHeaders = {
  /** @default 'X-Session-Fp' */
  fingerprint: string;
  /** @default 'X-Session-Expired' */
  expired: string;
  /** `1` on a logout's answer: the session ended on purpose. @default 'X-Session-End' */
  ended: string;
  /** @default 'X-Session-Lock' */
  lock: string;
  /** @default 'X-Session-Ttl' */
  ttl: string;
  /** @default 'X-Session-Lock-Wait' */
  lockWait: string;
};

/** Retries of requests the server answered with a session-lock timeout. */
export type LockRetryOptions = {
  /** Retries after the first attempt. @default 5 */
  limit: number;
  /** First backoff step in ms; doubles each retry, with full jitter. @default 100 */
  baseDelay: number;
  /** Upper bound of one backoff step in ms. @default 3000 */
  maxDelay: number;
  /** Upper bound in ms for a server's `Retry-After`. @default 10000 */
  maxRetryAfter: number;
};

/**
 * The in-flight limit for 'write' requests, chosen from latency (TCP Vegas / Gradient style): the no-queue
 * latency against each write's, so that one writer waits behind the lock's holder: 2 on a LAN, more when the
 * round trip is long against the hold, 1 when the lock passes between waiters no faster than a round trip
 * (polling handlers). Capped so the last writer waits under half the lock-wait timeout learnt from 423s;
 * a 423 halves it. Until 0.1 it grew by one per success (additive increase), up to 4.
 * @example concurrency: { initial: 2, min: 1, max: 8, lockWaitThreshold: 10 }
 */
export type AdaptiveConcurrency = {
  /** @default 2 */
  initial: number;
  /** @default 1 */
  min: number;
  /** @default 8 */
  max: number;
  /** A lock wait (from `X-Session-Lock-Wait`) up to this, in ms, counts as none. @default 10 */
  lockWaitThreshold: number;
};

/**
 * CSRF token handling (Laravel, Symfony, Sanctum style): the options of `csrf()` from `session-fetch/csrf`. The
 * token is sent on unsafe methods only, and only to the page's origin and the allowed `origins`: a request to any
 * other origin never carries it (unlike axios before 1.6, CVE-2023-45857).
 * @example csrf({ refreshUrl: '/sanctum/csrf-cookie', header: 'X-XSRF-TOKEN', meta: false })
 */
export type CsrfOptions = {
  /** The `<meta name="...">` whose `content` is the token; `false` reads none. @default 'csrf-token' */
  meta?: string | false;
  /** The cookie that holds the token (URL-decoded, like Laravel's `XSRF-TOKEN`); `false` reads none. @default 'XSRF-TOKEN' */
  cookie?: string | false;
  /** A response header that hands out a new token on any session response; `false` reads none. @default false */
  responseHeader?: string | false;
  /**
   * The request header the token is sent in.
   * @default 'X-XSRF-TOKEN' for a token read from the cookie, 'X-CSRF-TOKEN' otherwise (Laravel's pairs)
   */
  header?: string;
  /**
   * A URL that hands out a fresh token (page origin relative): Sanctum's `/sanctum/csrf-cookie` (sets the cookie)
   * or a JSON endpoint answering `{ token }` (also `csrf`, `csrfToken`, `csrf_token`, `_token`) or the
   * `responseHeader`. Fetched (GET) once for all waiting requests when the token is refused or unknown after a
   * rotation. @default undefined (the token is only re-read from the page)
   */
  refreshUrl?: string;
  /** Methods that never carry the token. @default ['GET', 'HEAD', 'OPTIONS', 'TRACE'] */
  safeMethods?: string[];
  /**
   * Statuses that mean the token was refused. The first such answer refreshes the token and replays the request
   * once; a second counts as expiry when the status is also in `expiredStatuses`. @default [419]
   */
  statuses?: number[];
};

/**
 * The lifecycle feature (`lifecycle()` from `session-fetch/lifecycle`): what watches the session over time.
 * @example lifecycle({ heartbeat: '/keepalive.php', expiryWarning: 60_000 })
 */
export type LifecycleOptions = {
  /**
   * Ms before the session's known expiry (`X-Session-Ttl`, else `sessionLifetime` counted from the last session
   * response) at which `session:expiring` is emitted. When the time is up with no activity, the client checks
   * with `verifyUrl` (else `heartbeat.url`) and emits `session:expire` if the server agrees; without either URL
   * it declares the expiry itself. @default 60000
   */
  expiryWarning?: number;
  /**
   * A URL whose answer tells whether the session is still valid (GET, page origin relative; answer 401 when the
   * user is no longer logged in). Asked when the expiry time is up, after a wake from sleep and after a return
   * from the back/forward cache, before held work is sent. @default heartbeat.url
   */
  verifyUrl?: string;
  /**
   * The keepalive: pings a URL while the user is active so the session does not expire under them. Runs in one
   * tab (the leader) for all tabs. A string is the URL. (Named `heartbeat` because `keepalive` is fetch's own
   * request option, which ky passes through.)
   * @default undefined (off)
   * @example heartbeat: { url: '/keepalive.php', interval: 240_000, idleTimeout: 20 * 60_000 }
   */
  heartbeat?: string | HeartbeatOptions;
  /**
   * A timer that fires this many ms later than scheduled means the device slept: the session is re-checked
   * before queued work is sent (as after a return from the back/forward cache). @default 60000
   */
  wakeThreshold?: number;
};

/** The keepalive: pings that keep the session alive while the user is active (one tab pings for all). */
export type HeartbeatOptions = {
  /** The URL to ping (page origin relative); it should start the session and may answer `204`. */
  url: string;
  /** @default 'POST' (with `cache: 'no-store'`, so no cache answers in the server's place) */
  method?: 'POST' | 'GET' | 'PUT' | 'PATCH';
  /** Ms between pings while the user is active; keep it well below `gc_maxlifetime`. @default 300000 (5 min) */
  interval?: number;
  /** Ms without input (in any visible tab) after which the user is idle and pings stop. @default 1800000 (30 min) */
  idleTimeout?: number;
};

/**
 * Cross-tab behaviour. Every tab of an origin shares one PHP session, one cookie and one session lock, so tabs
 * share the session state over a BroadcastChannel, elect one leader with the Web Locks API (it runs the
 * keepalive), and take turns for 'write' requests through a Web Lock. Where BroadcastChannel or Web Locks are
 * missing (Safari < 15.4, old browsers, workers without them) each tab behaves on its own: no sync, every tab is
 * its own leader, writes are limited per tab only.
 */
export type TabsOptions = {
  /** Share session state (rotation, expiry, resume, logout, TTL, CSRF token) with the other tabs. @default true */
  sync?: boolean;
  /** Let one tab at a time send 'write' requests (a Web Lock held from send until the response). @default true */
  writeLock?: boolean;
  /** Ms to wait for the cross-tab write lock before stealing it (a hung tab never blocks the others). @default 10000 */
  writeLockTimeout?: number;
  /** Channel and lock names' prefix. @default 'session-fetch:<page origin>:<cookieName>' */
  name?: string;
};
