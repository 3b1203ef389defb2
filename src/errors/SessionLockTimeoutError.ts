import { describeRequest, SessionFetchError } from './SessionFetchError.js';

/**
 * The server could not get the session lock for this request, `attempts` times in a row (see `lockRetry.limit`).
 * The server did not run the script, so retrying later is safe.
 *
 * @example
 * ```ts
 * catch (error) { if (isSessionLockTimeoutError(error)) console.log(error.attempts) }
 * ```
 */
export class SessionLockTimeoutError extends SessionFetchError {
  override name = 'SessionLockTimeoutError';
  /** How many times the request was sent (the first attempt and every lock retry). */
  readonly attempts: number;
  /** The last lock-timeout response. */
  readonly response: Response | undefined;

  constructor(request: { method: string; url: string }, attempts: number, response?: Response) {
    super(
      `${describeRequest(request)}: the server reported a session-lock timeout on all ${attempts} attempts. ` +
        'Another request holds the PHP session lock for too long: call session_write_close() as soon as the script has written the session, or raise lockRetry.limit.',
      request,
    );
    this.attempts = attempts;
    this.response = response;
  }
}
