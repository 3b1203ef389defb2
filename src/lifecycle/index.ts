// session-fetch/lifecycle: what watches the session over time, a feature an app passes in `features` (the
// script tag: SessionFetch.lifecycle).
import type { LifecycleOptions } from '../core/feature-options.js';
import type { SessionFeature } from '../core/session-feature.js';
import { normalizeLifecycle } from './lifecycle-options.js';
import { startLifecycle } from './start-lifecycle.js';

export type { HeartbeatOptions, LifecycleOptions } from '../core/feature-options.js';

/**
 * Watches the session over time: `session:expiring` `expiryWarning` ms before the known expiry, a check with the
 * server when the time is up (`verifyUrl`, else the heartbeat's URL; without either the client declares the
 * expiry itself), the keepalive (`heartbeat`, opt-in, sent by one tab for all while the user is active), and a
 * re-check after a sleep or a return from the back/forward cache that holds queued work until the server has
 * answered. Without this feature the client learns of an expiry from the app's own requests. The options are
 * checked here: a bad one throws a SessionOptionsError naming it (`lifecycle.heartbeat.interval`).
 *
 * @param options see LifecycleOptions. @default {} (warning 60 s before, no keepalive, wake threshold 60 s)
 * @example
 * ```ts
 * import { createSessionClient } from 'session-fetch';
 * import { lifecycle } from 'session-fetch/lifecycle';
 * const api = createSessionClient({
 *   features: [lifecycle({ heartbeat: '/keepalive.php', expiryWarning: 60_000 })],
 * });
 * api.on('session:expiring', ({ remainingMs }) => showStillThereDialog(remainingMs));
 * ```
 */
export const lifecycle: (options?: LifecycleOptions) => SessionFeature =
  /* @__PURE__ */ Object.defineProperty(
    (options?: LifecycleOptions): SessionFeature => {
      const normalized = normalizeLifecycle(options);
      return { name: 'lifecycle', setup: (host) => startLifecycle(host, normalized) };
    },
    // Named here: a minifier renames the function, and `features: [lifecycle]` (not called) is refused quoting it.
    'name',
    { value: 'lifecycle' },
  );
