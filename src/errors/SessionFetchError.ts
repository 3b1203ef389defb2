/**
 * The base class of every error session-fetch throws itself. ky's own errors (`HTTPError`, `TimeoutError`,
 * `NetworkError`, `SchemaValidationError`) pass through unchanged.
 */
export class SessionFetchError extends Error {
  override name = 'SessionFetchError';
  /** The request's method, upper case (`'POST'`), or `''` where no request is involved. */
  readonly method: string;
  /** The request's absolute URL, or `''` where no request is involved. */
  readonly url: string;

  constructor(message: string, request?: { method: string; url: string }, options?: ErrorOptions) {
    super(message, options);
    this.method = request?.method ?? '';
    this.url = request?.url ?? '';
  }
}

export const describeRequest = (request: { method: string; url: string }): string =>
  `${request.method} ${request.url}`;
