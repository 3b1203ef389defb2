import type { SessionMode } from './request-options.js';
import type { SessionState } from './session-state.js';

/** What the client knows about one request; a snapshot is handed to events. */
export type RequestInfo = {
  /** Increasing number, unique per client family. */
  readonly id: number;
  readonly method: string;
  readonly url: string;
  readonly mode: SessionMode;
  /** True when the request went to a non-allowed origin: no cookies, no session machinery. */
  readonly foreign: boolean;
  readonly rotatesSession: boolean;
  readonly priority: number;
  /** When the request was made, ms since the epoch. */
  readonly createdAt: number;
  /** Total ms spent waiting in the browser's queue (all attempts). */
  readonly queuedMs: number;
  /** Attempts handed to fetch. */
  readonly attempts: number;
  /** Lock-timeout answers that were retried. */
  readonly lockRetries: number;
  /** The last lock wait the server reported, ms. */
  readonly lockWaitMs: number | undefined;
  /** Sent again after the session was resumed, or after a pre-rotation id came back expired. */
  readonly replayed: boolean;
  /** Held because the session had expired. */
  readonly held: boolean;
  readonly status: number | undefined;
  readonly endedAt: number | undefined;
  /** 'ok', the error's name, or undefined while running. */
  readonly outcome: string | undefined;
};

/** The mutable record behind RequestInfo. */
export type RequestRecord = { -readonly [Key in keyof RequestInfo]: RequestInfo[Key] };

export const snapshot = (record: RequestRecord): RequestInfo => ({ ...record });

/**
 * What the client made of a response: `'ok'` (accepted and delivered), `'lock-timeout'` (sent again after a
 * wait), `'expired'` (held for `onExpired`), `'stale-expired'` (sent with an id from before a rotation: sent again),
 * `'csrf'` (the token was refused: sent again with a fresh one).
 */
export type ResponseVerdict = 'ok' | 'lock-timeout' | 'expired' | 'stale-expired' | 'csrf';

/** The part every request event shares: the request as it is now, and the session (the runtime's store). */
export const requestEvent = (
  runtime: { readonly store: { readonly state: SessionState } },
  record: RequestRecord,
) => ({
  request: snapshot(record),
  session: runtime.store.state,
});
