import { describeRequest, SessionFetchError } from './SessionFetchError.js';

/** Why a request was rejected as expired. */
export type SessionExpiredReason =
  /** No `onExpired` handler is configured, so nothing can resume the session. */
  | 'no-handler'
  /** `onExpired` resolved to `'give-up'` (or threw: see `cause`). */
  | 'gave-up'
  /** The request came back expired again after it had already been replayed once. */
  | 'replayed-once';

/**
 * The server no longer accepts the session, and it was not resumed for this request. The request did not act on
 * the user's session: it was held unsent while the session was expired, or the server refused it (401, 419, 440,
 * a redirect to the login page), or the server ran the script against a new, empty session and said so with
 * `X-Session-Expired: 1` (docs/protocol.md). In that last case the script did run, so sending the request again
 * after a new login is safe only where the endpoint refuses a session without a user, as one that needs a login
 * should. `response` is the answer that said so (none for a request held unsent).
 *
 * @example
 * ```ts
 * try { await client.post('/api/save', { json }) }
 * catch (error) { if (isSessionExpiredError(error)) showLoginPage() }
 * ```
 */
export class SessionExpiredError extends SessionFetchError {
  override name = 'SessionExpiredError';
  readonly reason: SessionExpiredReason;

  /** The response that said the session had expired, when the request got one (not for requests held unsent). */
  readonly response: Response | undefined;

  constructor(
    request: { method: string; url: string },
    reason: SessionExpiredReason,
    options?: ErrorOptions & { response?: Response },
  ) {
    super(`${describeRequest(request)}: ${explain(reason)}`, request, options);
    this.reason = reason;
    this.response = options?.response;
  }
}

const explain = (reason: SessionExpiredReason): string => {
  switch (reason) {
    case 'no-handler':
      return 'the session has expired. Pass an onExpired handler to createSessionClient() to log in again and replay the request.';
    case 'gave-up':
      return 'the session has expired and onExpired gave up, so the request was not sent again. Log in and retry it.';
    case 'replayed-once':
      return 'the session was still expired after the request was replayed once. Check that onExpired really logs in (its login request should be marked rotatesSession: true).';
  }
};
