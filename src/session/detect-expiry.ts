import type { NormalizedSessionOptions } from '../core/options.js';

/** Why a response means the session has expired, or undefined. */
export type ExpirySignal = 'marker' | 'status' | 'login-redirect' | 'html-for-json' | 'custom';

const htmlDocument = /^\s*(?:<!doctype html|<html[\s>])/i;

const wantsJsonOnly = (accept: string | null): boolean =>
  accept !== null && /json/i.test(accept) && !/html|\*\/\*/i.test(accept);

/**
 * Reads the signs of an expired session off a response: the protocol's marker, an expiry status, a redirect that
 * ended on the login page, or an HTML document served where only JSON was accepted (a login page in place of the
 * API's answer). A PHP warning in front of JSON is not a document and does not count. The answer is a promise only
 * when the body has to be read to tell.
 */
export const detectExpiry = (
  request: Request,
  response: Response,
  options: NormalizedSessionOptions,
  /** A login's answer: the marker only says the id it carried was dead, which is what a login replaces. */
  ignoreMarker = false,
): ExpirySignal | undefined | Promise<ExpirySignal | undefined> => {
  if (!ignoreMarker && response.headers.get(options.protocol.expired) === '1') return 'marker';
  if (options.expiredStatuses.has(response.status)) return 'status';
  if (response.redirected && response.url && options.loginUrl(new URL(response.url))) return 'login-redirect';
  if (options.isExpired?.(response)) return 'custom';
  if (
    response.ok &&
    /text\/html/i.test(response.headers.get('content-type') ?? '') &&
    wantsJsonOnly(request.headers.get('accept'))
  ) {
    return response
      .clone()
      .text()
      .then(
        (text) => (htmlDocument.test(text) ? 'html-for-json' : undefined),
        () => undefined,
      );
  }
  return undefined;
};
