import type { Options as KyOptions } from 'ky';
import type { SessionState } from '../session/session-state.js';

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
  /** How many requests are waiting for the decision (held or come back expired). */
  waiting: number;
};

/** The names of the protocol headers (docs/protocol.md). */
export type ProtocolHeaders = {
  /** @default 'X-Session-Fp' */
  fingerprint: string;
  /** @default 'X-Session-Expired' */
  expired: string;
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

/** The in-flight limit for 'write' requests: additive increase, multiplicative decrease. */
export type AdaptiveConcurrency = {
  /** @default 2 */
  initial: number;
  /** @default 1 */
  min: number;
  /** @default 4 */
  max: number;
  /** A lock wait (from `X-Session-Lock-Wait`) longer than this, in ms, counts as contention. @default 10 */
  lockWaitThreshold: number;
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
   * Called once when the session expires, however many requests are waiting. Resolve `'resume'` after logging in
   * again (held requests are then sent, and those that came back expired replayed, in order) or `'give-up'` (they
   * all reject with SessionExpiredError). Requests made from here must not wait for themselves: mark the login
   * request `rotatesSession: true`, or use `session: 'none'`.
   * @default undefined (expired requests reject with SessionExpiredError)
   * @example onExpired: async () => (await showLoginDialog()) ? 'resume' : 'give-up'
   */
  onExpired?: (context: ExpiredContext) => ExpiryDecision | Promise<ExpiryDecision>;
  /** `'adaptive'`, a fixed number of 'write' requests in flight, or adaptive settings. @default 'adaptive' */
  concurrency?: 'adaptive' | number | Partial<AdaptiveConcurrency>;
  /**
   * When a 'write' ends while another is still in flight, wait this many ms before sending the next one. The one
   * in flight is waiting for PHP's session lock, and lock handlers poll for it (phpredis every 20 ms by default),
   * so a request arriving the instant the lock frees would take it first and could starve the waiter into a
   * lock timeout. The delay is hidden behind the waiter's own lock hold.
   * @default 30
   */
  lockHandoffDelay?: number;
  /** Lock-timeout retries. @default { limit: 5, baseDelay: 100, maxDelay: 3000, maxRetryAfter: 10000 } */
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
};

/** Per-request options: ky's, plus how the request uses the session. */
export type SessionRequestOptions = KyOptions & {
  /** How this request uses the session. @default the client's defaultMode ('write') */
  session?: SessionMode;
  /**
   * This request rotates the session id (login, privilege change): it waits for the session requests in flight,
   * runs alone, and the ones after it wait until it completes. It is also let through while the session is held
   * for expiry, so `onExpired` can log in.
   * @default false
   */
  rotatesSession?: boolean;
  /** Higher goes first; FIFO within a priority. @default 0 */
  priority?: number;
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
};

/** The keys that belong to the session shared by a client and every client extended from it. */
export const sessionWideKeys = [
  'origins',
  'pageOrigin',
  'cookieName',
  'protocol',
  'expiredStatuses',
  'loginUrl',
  'isExpired',
  'onExpired',
  'concurrency',
  'lockHandoffDelay',
  'sessionLifetime',
] as const;

export const sessionOptionKeys = [
  ...sessionWideKeys,
  'lockRetry',
  'deadline',
  'noCache',
  'cacheBust',
  'accept',
  'defaultMode',
] as const satisfies ReadonlyArray<keyof SessionOptions>;
