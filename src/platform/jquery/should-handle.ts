import type { SessionClient } from '../../core/session-client.js';
import { resolveRequestUrl } from '../../utils/resolve-url.js';
import type { JQueryAjaxSettings } from './types.js';

/**
 * Whether the session client takes this jQuery request, or leaves it to jQuery's own XMLHttpRequest transport.
 * Left to jQuery: requests to origins the client does not send cookies to, synchronous requests (fetch cannot
 * block), script and JSONP requests (jQuery runs them through its script transport), requests with a
 * username/password (XHR's basic auth), requests that bring their own `xhr` factory (upload progress and the
 * like need a real XHR), cross-origin requests with `xhrFields.withCredentials: false` (the page asked for no
 * cookies), and requests marked `sessionFetch: false`.
 */
export const shouldHandle = (client: SessionClient, settings: JQueryAjaxSettings, defaultXhr: unknown) => {
  if (settings.sessionFetch === false || !settings.async) return undefined;
  if (settings.dataTypes.includes('script') || settings.dataTypes.includes('jsonp')) return undefined;
  if (settings.username || settings.password) return undefined;
  if (settings.xhr && settings.xhr !== defaultXhr) return undefined;
  // Resolved against the document, as jQuery's XHR would; no prefix or baseUrl of the client applies.
  const url = resolveRequestUrl(settings.url, {});
  if (!url || !/^https?:/.test(url.href)) return undefined;
  if (!client.options.origins.has(url.origin)) return undefined;
  if (settings.crossDomain && settings.xhrFields?.withCredentials === false) return undefined;
  // A URL, not a string: the client's prefix and baseUrl apply to strings only.
  return new URL(url.href);
};
