import type { Options as KyOptions } from 'ky';

/** How a request uses the PHP session. */
export type SessionMode =
  /** The script calls session_start() and keeps the lock until it ends (PHP's default). Limited in flight. */
  | 'write'
  /** The script reads and closes at once (`read_and_close`, or session_write_close() first thing). Not limited. */
  | 'read'
  /** The script does not touch the session. Never queued or held; cookies and no-cache headers still apply. */
  | 'none';

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
