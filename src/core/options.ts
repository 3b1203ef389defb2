import type { Options as KyOptions } from 'ky';
import type {
  AdaptiveConcurrency,
  CsrfOptions,
  HeartbeatOptions,
  LockRetryOptions,
  ProtocolHeaders,
  TabsOptions,
} from './feature-options.js';
import type { SessionState } from './session-state.js';

/** How a request uses the PHP session. */
export type SessionMode =
  /** The script calls session_start() and keeps the lock until it ends (PHP's default). Limited in flight. */
  | 'write'
  /** The script reads and closes at once (`read_and_close`, or session_write_close() first thing). Not limited. */
  | 'read'
  /** The script does not touch the session. Never queued or held; cookies and no-cache headers still apply. */
  | 'none';

/** An origin that may receive the session cookie, with its own settings. */
export type AllowedOrigin = {
  /** `'https://api.example.com'`: scheme, host and port, no path. */
  origin: string;
  /**
   * Send `Cache-Control: no-cache`, `Pragma: no-cache` and `X-Requested-With`. Cross-origin, these headers make
   * the browser send a CORS preflight before every request; turn them off to avoid it (`cache: 'no-store'` and
   * `cacheBust` still apply).
   * @default true for the page's own origin, false for other origins
   */
  noCacheHeaders?: boolean;
};

/** What `onExpired` decides. */
export type ExpiryDecision = 'resume' | 'give-up';

/** What `onExpired` receives. */
export type ExpiredContext = {
  /** The session state at the moment of expiry. */
  session: SessionState;
  /** How many requests are waiting for the decision (held or come back expired), as of when it is read. */
  readonly waiting: number;
  /**
   * Aborted when this tab is no longer the one to ask: the session was resumed or given up in another tab, or the
   * user switched to another tab of the app, which shows the login instead. The value this handler resolves is
   * then ignored. Close the login dialog on it: `context.signal.addEventListener('abort', closeDialog)`.
   */
  signal: AbortSignal;
};

// The feature option types are part of the options' public surface.
export type * from './feature-options.js';

/** The session options of `createSessionClient()`. Every other key is a ky option, passed to ky. */
export type SessionOptions = {
  /**
   * Origins besides the page's own that receive the session cookie and the session machinery.
   * Any other origin gets `credentials: 'omit'` and plain ky behaviour.
   * @default []
   * @example ['https://api.example.com', { origin: 'https://legacy.example.com', noCacheHeaders: true }]
   */
  origins?: Array<string | AllowedOrigin>;
  /** The page's origin. @default location.origin */
  pageOrigin?: string;
  /** The session cookie's name, read from document.cookie when it is not HttpOnly. @default 'PHPSESSID' */
  cookieName?: string;
  /** Names of the protocol headers. @default see ProtocolHeaders */
  protocol?: Partial<ProtocolHeaders>;
  /** Statuses that mean the session has expired. @default [401, 419, 440] */
  expiredStatuses?: number[];
  /**
   * A response redirected to a URL that matches this has been sent to the login page: the session expired.
   * @default /\/(login|signin|sign-in|auth)\b|wp-login\.php/i
   */
  loginUrl?: RegExp | ((url: URL) => boolean);
  /** An extra expiry test (e.g. WordPress's `0`), given the response headers and status. @default undefined */
  isExpired?: (response: Response) => boolean;
  /**
   * Called once per expiry, however many requests and tabs are waiting: in one tab of the session, one the user
   * can see. It starts once the requests sent with the dead id are back (or, past 750 ms, aborted to be sent
   * again). Resolve `'resume'` after logging in again (held requests are then sent, and those that came back
   * expired replayed, in order) or `'give-up'` (they all reject with SessionExpiredError).
   *
   * Log in any way: through the client (marked `rotatesSession` or not), jQuery's `$.post` with the adapter, a
   * fetch routed by installFetch, a plain fetch or a form the client never sees. The requests the page makes while
   * this runs are sent one at a time; an answer that shows a new session ends the expiry for every tab at once (the
   * value resolved here is then ignored). A request to `loginUrl` refused by the server (a wrong password) comes
   * back to the app instead of waiting for the decision.
   * @default undefined (expired requests reject with SessionExpiredError)
   * @example onExpired: async () => (await showLoginDialog()) ? 'resume' : 'give-up'
   */
  // Typed as async only: TypeScript widens `async () => 'resume'` to Promise<string> against `D | Promise<D>`.
  // A plain value works at run time too.
  onExpired?: (context: ExpiredContext) => Promise<ExpiryDecision>;
  /**
   * How many 'write' requests may be in flight: `'adaptive'` (chosen from measured latency, see
   * AdaptiveConcurrency), a fixed number, or adaptive settings. Only 'write' requests count.
   * @default 'adaptive'
   * @example concurrency: 1 // strict order of writes at the server
   */
  concurrency?: 'adaptive' | number | Partial<AdaptiveConcurrency>;
  /**
   * When a 'write' ends while another is still in flight, wait this many ms before sending the next one. The one
   * in flight is waiting for PHP's session lock, and lock handlers poll for it (phpredis every 20 ms by default),
   * so a request arriving the instant the lock frees would take it first and could starve the waiter into a
   * lock timeout. The delay is hidden behind the waiter's own lock hold. Each freed slot waits on its own, and
   * the measured round trip (which already separates the new request from the freed lock) is taken off it.
   * @default 30
   */
  lockHandoffDelay?: number;
  /**
   * Lock-timeout retries (423, a 503 with `X-Session-Lock: timeout`). A request that met the timeout while
   * another write of this client held the lock goes again as soon as that write answers; otherwise after
   * `Retry-After` (bounded by maxRetryAfter) plus jittered backoff.
   * @default { limit: 5, baseDelay: 100, maxDelay: 3000, maxRetryAfter: 10000 }
   * @example lockRetry: { limit: 3 }
   */
  lockRetry?: Partial<LockRetryOptions>;
  /**
   * Total time in ms a session request may take: queued, waiting for the lock, retried. Time held while
   * `onExpired` runs does not count. Replaces ky's per-attempt `timeout` for session requests.
   * @default 60000
   */
  deadline?: number;
  /** Add `Cache-Control`/`Pragma: no-cache` and `cache: 'no-store'` to session requests. @default true */
  noCache?: boolean;
  /** Add a jQuery-style `_=<counter>` parameter to session GET/HEAD requests, for proxies that ignore headers. @default false */
  cacheBust?: boolean;
  /** The Accept header when the request sets none. `false` sends none. @default 'application/json' */
  accept?: string | false;
  /** Session lifetime in ms (gc_maxlifetime), counted from the last session response, when the server sends no TTL. @default undefined */
  sessionLifetime?: number;
  /** The mode of a request that does not say. @default 'write' */
  defaultMode?: SessionMode;
  /**
   * CSRF tokens: `true` for the defaults (meta `csrf-token`, cookie `XSRF-TOKEN`), an object to configure them.
   * @default false (no token is added; 419 counts as expiry as listed in `expiredStatuses`)
   * @example csrf: { refreshUrl: '/sanctum/csrf-cookie', header: 'X-XSRF-TOKEN', meta: false }
   */
  csrf?: boolean | CsrfOptions;
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
  /**
   * Cross-tab sync, leader election and write lock (see TabsOptions); `false` for per-tab behaviour.
   * @default true in a page (document present) using the page's fetch; false elsewhere (node, workers) and with
   * a `fetch` option (its cookies need not be the browser's: pass `tabs: true` when they are)
   */
  tabs?: boolean | TabsOptions;
};

/** Per-request options: ky's, plus how the request uses the session. */
export type SessionRequestOptions = KyOptions & {
  /** How this request uses the session. @default the client's defaultMode ('write') */
  session?: SessionMode;
  /**
   * This request rotates the session id (login, privilege change): it waits for the session requests in flight,
   * runs alone, and the ones after it wait until it completes, so no request of this tab meets the new id with the
   * old one. A refusal (401) is a failed login for the app, never an expiry. While a session is expired it is let
   * through in any tab, even outside `onExpired`.
   * @default false
   */
  rotatesSession?: boolean;
  /**
   * This request ends the session (logout): it runs alone like `rotatesSession`, and on success the session is
   * marked `'ended'` here and in every other tab (`session:end`): a logout is not an expiry, so nothing is held and
   * `onExpired` runs only if a later request is refused by the server.
   * @default false
   */
  endsSession?: boolean;
  /**
   * Place in the browser's queue: higher goes first, FIFO within a priority. (Not `priority`, which is fetch's
   * own network hint and passes through to fetch.)
   * @default 0
   */
  queuePriority?: number;
};

/** All options of `createSessionClient()`. */
export type SessionClientOptions = KyOptions & SessionOptions;

/** Options after normalisation: every field filled. */
export type NormalizedSessionOptions = {
  origins: ReadonlyMap<string, { noCacheHeaders: boolean }>;
  pageOrigin: string | undefined;
  cookieName: string;
  protocol: Readonly<ProtocolHeaders>;
  expiredStatuses: ReadonlySet<number>;
  loginUrl: (url: URL) => boolean;
  isExpired: ((response: Response) => boolean) | undefined;
  onExpired: SessionOptions['onExpired'];
  concurrency: { fixed: number } | Readonly<AdaptiveConcurrency>;
  lockRetry: Readonly<LockRetryOptions>;
  lockHandoffDelay: number;
  deadline: number;
  noCache: boolean;
  cacheBust: boolean;
  accept: string | false;
  sessionLifetime: number | undefined;
  defaultMode: SessionMode;
  csrf: NormalizedCsrf | undefined;
  expiryWarning: number;
  verifyUrl: string | undefined;
  heartbeat: Readonly<Required<HeartbeatOptions>> | undefined;
  wakeThreshold: number;
  tabs: NormalizedTabs | undefined;
};

export type NormalizedCsrf = {
  readonly meta: string | false;
  readonly cookie: string | false;
  readonly responseHeader: string | false;
  readonly header: string | undefined;
  readonly refreshUrl: string | undefined;
  readonly safeMethods: ReadonlySet<string>;
  readonly statuses: ReadonlySet<number>;
};

export type NormalizedTabs = {
  readonly sync: boolean;
  readonly writeLock: boolean;
  readonly writeLockTimeout: number;
  readonly name: string;
};
