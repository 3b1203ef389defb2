import { isTimeoutError } from 'ky';
import { isSessionExpiredError, isSessionLockTimeoutError } from '../../errors/type-guards.js';
import type { JQueryAjaxSettings, JQueryCompleteCallback } from './types.js';

type CompleteArgs = Parameters<JQueryCompleteCallback>;

/** Response headers in XMLHttpRequest's getAllResponseHeaders() format, which jQuery parses. */
export const headersString = (headers: Headers | undefined): string =>
  headers ? [...headers].map(([name, value]) => `${name}: ${value}`).join('\r\n') : '';

/** The body as jQuery's XHR transport hands it over: `{ text }`, or `{ binary }` for a non-text responseType. */
export const readResponses = async (
  response: Response,
  settings: JQueryAjaxSettings,
): Promise<{ text?: string; binary?: unknown }> => {
  switch (settings.xhrFields?.responseType) {
    case 'arraybuffer':
      return { binary: await response.arrayBuffer() };
    case 'blob':
      return { binary: await response.blob() };
    default:
      return { text: await response.text() };
  }
};

/**
 * How a request that finally failed completes in jQuery, so `error`/`.fail()` fire once with something a
 * legacy handler understands:
 * - session expired (not resumed): status 401, `errorThrown` the SessionExpiredError, `jqXHR.statusText` its text;
 * - session-lock timeout after every retry: the last status (423 or 503) and its headers, `errorThrown` the
 *   SessionLockTimeoutError;
 * - the client's deadline: status 0, textStatus `'timeout'`, like jQuery's own `timeout` option;
 * - anything else (network error, ...): status 0, textStatus `'error'`, `errorThrown` the error.
 */
export const failureArgs = (error: unknown): CompleteArgs => {
  if (isSessionExpiredError(error)) return [401, error];
  if (isSessionLockTimeoutError(error)) {
    return [error.response?.status ?? 423, error, undefined, headersString(error.response?.headers)];
  }
  if (isTimeoutError(error)) return [0, 'timeout'];
  // jQuery turns -1 into status 0 with textStatus 'error', keeping the error as errorThrown.
  return [-1, error];
};

/** What a request body given to XMLHttpRequest.send() becomes for fetch. */
export const toBody = (data: unknown): BodyInit | undefined => {
  if (data === undefined || data === null) return undefined;
  if (
    typeof data === 'string' ||
    data instanceof Blob ||
    data instanceof FormData ||
    data instanceof URLSearchParams ||
    data instanceof ArrayBuffer ||
    ArrayBuffer.isView(data) ||
    (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream)
  ) {
    return data as BodyInit;
  }
  if (typeof Document !== 'undefined' && data instanceof Document) {
    return new XMLSerializer().serializeToString(data);
  }
  // XMLHttpRequest.send() stringifies anything else.
  return String(data);
};
