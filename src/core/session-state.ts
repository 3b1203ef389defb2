/** Where the client learns the session id's fingerprint from. */
export type IdSource =
  /** The server's `X-Session-Fp` header (works with HttpOnly cookies). */
  | 'protocol'
  /** A session cookie readable from document.cookie (PHP's default cookie is not HttpOnly). */
  | 'cookie'
  /** Neither: only expiry by status, redirect or HTML is detected. */
  | 'none';

/**
 * What the client knows about the server session. Immutable: a change produces a new object, so it can be used
 * directly as a `useSyncExternalStore` snapshot.
 */
export type SessionState = {
  /**
   * `'expired'`: the server refused the session (requests are held for `onExpired`). `'ended'`: a logout
   * (`endsSession`, the server's `X-Session-End`, or a deleted session cookie): nothing is held, and the next
   * requests run `onExpired` only if the server refuses them.
   */
  readonly status: 'unknown' | 'active' | 'expired' | 'ended';
  /** First 16 hex chars of sha256(session id). Never the id itself. `null` until an id is seen. */
  readonly fingerprint: string | null;
  /** When the current status (or session) began, ms since the epoch. */
  readonly since: number;
  /** How many times the id was rotated within this session. */
  readonly rotations: number;
  /** When the session will expire if nothing touches it (from `X-Session-Ttl` or `sessionLifetime`), or null. */
  readonly expiresAt: number | null;
  readonly source: IdSource;
};

export const initialSessionState = (now: number): SessionState =>
  Object.freeze({
    status: 'unknown',
    fingerprint: null,
    since: now,
    rotations: 0,
    expiresAt: null,
    source: 'none',
  });
