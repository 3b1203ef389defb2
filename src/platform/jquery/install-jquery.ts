import { createSessionClient } from '../../client/create-session-client.js';
import type { SessionClientOptions } from '../../core/options.js';
import type { SessionClient } from '../../core/session-client.js';
import { shouldHandle } from './should-handle.js';
import { createTransport } from './transport.js';
import type { JQueryStaticLike } from './types.js';

/** What installJQuery() returns. */
export type JQueryAdapter = {
  /** The session client the jQuery requests go through (the one given, or the one created from the options). */
  readonly client: SessionClient;
  /** Hands every request back to jQuery's own transports. Idempotent. */
  uninstall(): void;
};

const isClient = (value: unknown): value is SessionClient =>
  typeof (value as SessionClient | undefined)?.request === 'function' &&
  typeof (value as SessionClient | undefined)?.extend === 'function';

/**
 * Makes a page's existing `$.ajax`, `$.get`, `$.post` and `$.getJSON` calls session-aware without rewriting
 * them: requests to the page's origin and the client's allowed origins go through the session client
 * (credentials, no-cache, session tracking, expiry hold-and-replay, lock-timeout retries), and jQuery's own
 * callbacks and Deferred methods fire once, with the final result. Other requests stay on jQuery's XHR.
 *
 * Per request, jQuery settings may add `sessionMode: 'write' | 'read' | 'none'`, `rotatesSession: true`
 * (login), `endsSession: true` (logout), `sessionPriority` and `sessionFetch: false` (leave this one to jQuery's
 * XHR). A request that
 * finally fails completes as a jQuery error: 401 for an expired session, 423 for a lock timeout, 0 otherwise,
 * with the error as `errorThrown` and as `jqXHR.sessionError`.
 *
 * jQuery has no API to remove a transport, so `uninstall()` switches the registered transport off: from then on
 * it declines every request and jQuery behaves exactly as before.
 *
 * @example
 * ```js
 * SessionFetch.jquery($, { onExpired: async () => (await showLogin()) ? 'resume' : 'give-up' });
 * $.getJSON('/api/me', (me) => render(me)); // unchanged legacy code
 * ```
 */
export const installJQuery = (
  $: JQueryStaticLike,
  clientOrOptions?: SessionClient | SessionClientOptions,
): JQueryAdapter => {
  if (typeof $?.ajaxTransport !== 'function') {
    throw new TypeError('installJQuery($): $ must be jQuery (3 or 4), with $.ajaxTransport');
  }
  const client = isClient(clientOrOptions) ? clientOrOptions : createSessionClient(clientOrOptions);
  const defaultXhr = $.ajaxSettings.xhr;
  let installed = true;
  // '+*': ahead of jQuery's XHR transport for every data type that has no transport of its own.
  $.ajaxTransport('+*', (settings, _originalSettings, jqXHR) => {
    if (!installed) return undefined;
    const url = shouldHandle(client, settings, defaultXhr);
    return url ? createTransport(client, settings, url, jqXHR) : undefined;
  });
  return {
    client,
    uninstall: () => {
      installed = false;
    },
  };
};
