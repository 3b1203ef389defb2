import type { ResponsePromise } from 'ky';
import type { SessionRequestOptions } from '../core/options.js';
import { stampSessionHeaders } from '../core/stamp-session-headers.js';
import { detectExpiry } from '../session/detect-expiry.js';
import { parseFingerprintHeader } from '../session/fingerprint.js';
import { sessionTtlMs } from '../session/response-headers.js';
import type { LifecycleHost } from './lifecycle-host.js';

const checkHeaders = { noCache: true, cacheBust: false, accept: 'application/json' } as const;

export type Send = (url: string, options: SessionRequestOptions) => ResponsePromise;

/**
 * Asks the server whether the session is still valid, outside the queue (which may be held for this very
 * check): the answer expires the session (`session:expire`) or gives it a new expiry time. A network failure
 * decides nothing.
 */
export const verifySession = async (runtime: LifecycleHost, url: string, method: string): Promise<void> => {
  const { options, store } = runtime;
  // The headers a session request gets, whatever the client's own noCache and accept settings.
  const request = stampSessionHeaders(
    new Request(new URL(url, options.pageOrigin ?? globalThis.location?.href), {
      method,
      credentials: 'include',
      cache: 'no-store',
    }),
    checkHeaders,
    { noCacheHeaders: true },
  );
  let response: Response;
  try {
    await runtime.csrf?.stamp(request);
    response = await runtime.sendOwn(request);
  } catch {
    return;
  }
  const fromHeader = parseFingerprintHeader(response.headers.get(options.protocol.fingerprint));
  if (await detectExpiry(request, response, options)) {
    // The dead session's fingerprint stays; an id the answer names is a replacement, not the user's session.
    store.expire(undefined);
    runtime.expiry.markDead(fromHeader);
    return;
  }
  store.batch(() => {
    if (fromHeader) store.observeId(fromHeader, 'protocol', undefined, false);
    store.touch(sessionTtlMs(response.headers, options));
  });
};
