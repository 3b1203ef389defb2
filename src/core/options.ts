import type { Options as KyOptions } from 'ky';
import type {
  AdaptiveConcurrency,
  LockRetryOptions,
  ProtocolHeaders,
  TabsOptions,
} from './feature-options.js';
import type { ExpiredContext, ExpiryDecision } from './on-expired.js';
import type { SessionMode } from './request-options.js';
import type { SessionFeature } from './session-feature.js';

// The option types of every layer, in one place for the files that read options.
export type * from './feature-options.js';
export type * from './normalized-options.js';
export type * from './on-expired.js';
export type * from './request-options.js';
export type { SessionFeature } from './session-feature.js';

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
   * Writes spaced against a lock that polls do not wait it: none of ours waits in the lock there.
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
   * What the client does beyond the session itself, each imported on its own so that an app bundles only what it
   * passes: `csrf()` from `session-fetch/csrf` (CSRF tokens), `lifecycle()` from `session-fetch/lifecycle` (the
   * expiry warning and check, the keepalive, the re-check after sleep or the back/forward cache). On a script
   * tag: `SessionFetch.csrf()`, `SessionFetch.lifecycle()`. Each at most once; session-wide, so `extend()`
   * cannot change them.
   * @default [] (no CSRF token is sent; the session is checked only by the requests the app makes)
   * @example features: [csrf({ refreshUrl: '/csrf.php' }), lifecycle({ heartbeat: '/keepalive.php' })]
   */
  features?: SessionFeature[];
  /** @deprecated a feature now: `import { csrf } from 'session-fetch/csrf'`, then `features: [csrf({ ... })]`. */
  csrf?: never;
  /** @deprecated an option of the lifecycle feature now: `features: [lifecycle({ expiryWarning })]`. */
  expiryWarning?: never;
  /** @deprecated an option of the lifecycle feature now: `features: [lifecycle({ verifyUrl })]`. */
  verifyUrl?: never;
  /** @deprecated an option of the lifecycle feature now: `features: [lifecycle({ heartbeat })]`. */
  heartbeat?: never;
  /** @deprecated an option of the lifecycle feature now: `features: [lifecycle({ wakeThreshold })]`. */
  wakeThreshold?: never;
  /**
   * Cross-tab sync, leader election and write lock (see TabsOptions); `false` for per-tab behaviour.
   * @default true in a page (document present) using the page's fetch; false elsewhere (node, workers) and with
   * a `fetch` option (its cookies need not be the browser's: pass `tabs: true` when they are)
   */
  tabs?: boolean | TabsOptions;
};

/** All options of `createSessionClient()`. */
export type SessionClientOptions = KyOptions & SessionOptions;
