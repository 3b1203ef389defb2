import type { NormalizedSessionOptions } from './options.js';

let warned = false;

/**
 * Without a page origin (node, a worker without `location`) and no allowed origin, no request can carry the session
 * cookie and nothing is tracked: say so once, with the fix, instead of a client that quietly does nothing.
 */
export const warnWithoutOrigin = (options: NormalizedSessionOptions): void => {
  if (warned || options.origins.size > 0) return;
  warned = true;
  console.warn(
    'session-fetch: this client has no page origin (there is no location.origin here and no pageOrigin option), ' +
      'so every request goes out without the session cookie and the session is not tracked. Pass the origin of ' +
      "the PHP app: createSessionClient({ pageOrigin: 'http://localhost:3000' }).",
  );
};
