import type { FeatureHost } from '../core/session-feature.js';
import { stampSessionHeaders } from '../core/stamp-session-headers.js';
import { detectExpiry } from '../session/detect-expiry.js';
import { parseFingerprintHeader } from '../session/fingerprint.js';
import { sessionTtlMs } from '../session/response-headers.js';

const checkHeaders = { noCache: true, cacheBust: false, accept: 'application/json' } as const;

/**
 * Asks the server whether the session is still valid, outside the queue (which may be held for this very
 * check): the answer expires the session (`session:expire`) or gives it a new expiry time. A network failure
 * decides nothing.
 */
export const verifySession = async (host: FeatureHost, url: string, method: string): Promise<void> => {
  const { options, store } = host;
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
    await host.tokens?.stamp(request);
    response = await host.sendOwn(request);
  } catch {
    return;
  }
  const fromHeader = parseFingerprintHeader(response.headers.get(options.protocol.fingerprint));
  if (await detectExpiry(request, response, options)) {
    // The dead session's fingerprint stays; an id the answer names is a replacement, not the user's session.
    store.expire(undefined);
    host.expiry.markDead(fromHeader);
    return;
  }
  store.batch(() => {
    if (fromHeader) store.observeId(fromHeader, 'protocol', undefined, false);
    store.touch(sessionTtlMs(response.headers, options));
  });
};
