// session-fetch/csrf: CSRF tokens, a feature an app passes in `features` (the script tag: SessionFetch.csrf).
import type { CsrfOptions } from '../core/feature-options.js';
import type { SessionFeature } from '../core/session-feature.js';
import { normalizeCsrf } from './csrf-options.js';
import { wireCsrf } from './wire-csrf.js';

export type { CsrfOptions } from '../core/feature-options.js';

/**
 * CSRF tokens (Laravel, Symfony, Sanctum style), read from the meta tag `csrf-token`, the cookie `XSRF-TOKEN` or
 * a response header, and sent on unsafe methods to the page's origin and the allowed `origins` only. A refused
 * token (419) is refreshed once for every waiting request (`refreshUrl`) and the request sent again; after a
 * rotation the old token is dropped. Tokens are shared with the other tabs. The options are checked here: a bad
 * one throws a SessionOptionsError naming it (`csrf.header`).
 *
 * @param options where the token comes from and where it goes; see CsrfOptions. @default {} (the meta tag
 * `csrf-token`, else the cookie `XSRF-TOKEN`; no refresh URL)
 * @example
 * ```ts
 * import { createSessionClient } from 'session-fetch';
 * import { csrf } from 'session-fetch/csrf';
 * const api = createSessionClient({ features: [csrf({ refreshUrl: '/sanctum/csrf-cookie' })] });
 * ```
 */
export const csrf: (options?: CsrfOptions) => SessionFeature = /* @__PURE__ */ Object.defineProperty(
  (options?: CsrfOptions): SessionFeature => {
    const normalized = normalizeCsrf(options);
    return { name: 'csrf', setup: (host) => void wireCsrf(host, normalized) };
  },
  // Named here: a minifier renames the function, and `features: [csrf]` (not called) is refused quoting its name.
  'name',
  { value: 'csrf' },
);
