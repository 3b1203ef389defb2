import type { ResponsePromise } from 'ky';
import type { SessionRequestOptions } from '../core/options.js';
import { markOwn } from '../core/own-request.js';
import type { SessionRuntime } from '../core/session-runtime.js';
import { detectExpiry } from '../session/detect-expiry.js';
import { parseFingerprintHeader } from '../session/fingerprint.js';

export type Send = (url: string, options: SessionRequestOptions) => ResponsePromise;

/**
 * Asks the server whether the session is still valid, outside the queue (which may be held for this very
 * check): the answer expires the session (`session:expire`) or gives it a new expiry time. A network failure
 * decides nothing.
 */
export const verifySession = async (runtime: SessionRuntime, url: string, method: string): Promise<void> => {
  const { options, store } = runtime;
  const request = new Request(new URL(url, options.pageOrigin ?? globalThis.location?.href), {
    method,
    credentials: 'include',
    cache: 'no-store',
    headers: {
      accept: 'application/json',
      'cache-control': 'no-cache',
      pragma: 'no-cache',
      'x-requested-with': 'XMLHttpRequest',
    },
  });
  let response: Response;
  try {
    await runtime.csrf?.stamp(request);
    response = await (runtime.fetch ?? globalThis.fetch)(request, markOwn());
  } catch {
    return;
  }
  const fromHeader = parseFingerprintHeader(response.headers.get(options.protocol.fingerprint));
  if (await detectExpiry(request, response, options)) {
    store.expire(undefined, fromHeader);
    return;
  }
  const ttl = Number.parseFloat(response.headers.get(options.protocol.ttl) ?? '');
  store.batch(() => {
    if (fromHeader) store.observeId(fromHeader, 'protocol', undefined, false);
    store.touch(Number.isFinite(ttl) && ttl >= 0 ? ttl * 1000 : options.sessionLifetime);
  });
};
