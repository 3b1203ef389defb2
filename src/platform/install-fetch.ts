import type { SessionMode } from '../core/options.js';
import { isOwnRequest } from '../core/own-request.js';
import type { SessionClient } from '../core/session-client.js';
import { resolveRequestUrl } from '../utils/resolve-url.js';

type Fetch = typeof globalThis.fetch;

/** Options of installFetch(). */
export type InstallFetchOptions = {
  /** The object whose `fetch` is replaced. @default globalThis */
  target?: { fetch: Fetch };
  /** The fetch the client sends routed requests with. @default the target's fetch before installFetch() */
  fetch?: Fetch;
};

/** What installFetch() returns. */
export type InstalledFetch = {
  /** The client routed requests go through: `client.extend({ fetch: original })`, sharing its session. */
  readonly client: SessionClient;
  /** Puts the original fetch back (only if nobody replaced it since). Idempotent. */
  uninstall(): void;
};

/** `init` extensions a page may pass to the replaced fetch. */
export type SessionRequestInit = RequestInit & { session?: SessionMode; rotatesSession?: boolean };

/** Assigns `fetch`, also where it is a non-writable but configurable property (as msw's interceptor leaves it). */
const setFetch = (target: { fetch: Fetch }, value: Fetch): void => {
  const descriptor = Object.getOwnPropertyDescriptor(target, 'fetch');
  if (descriptor && 'value' in descriptor && !descriptor.writable && descriptor.configurable) {
    Object.defineProperty(target, 'fetch', { ...descriptor, value });
  } else {
    target.fetch = value;
  }
};

/**
 * Opt-in and reversible: routes the page's global `fetch` through the session client, for legacy code that calls
 * fetch directly. Requests to the page's origin and the client's allowed origins get the session machinery and
 * resolve to a plain Response (HTTP errors are not thrown; expiry and lock timeouts that were not resolved
 * reject with SessionExpiredError / SessionLockTimeoutError). Everything else reaches the original fetch
 * untouched: other origins, `credentials: 'omit'`, and calls made by session clients themselves.
 *
 * The client calls `globalThis.fetch` when it sends; after installFetch() that is this wrapper, so routed
 * requests go through `client.extend({ fetch: original })` (returned as `client`; it shares the session) or
 * they would recurse forever. Calls made by session clients themselves (the app's own `client.get()`, which
 * reach fetch the way ky calls it: a Request plus an init with no standard request field) are recognised and
 * passed straight to the original, so they are not queued twice on the same session.
 *
 * @example
 * ```js
 * const api = SessionFetch.createSessionClient({ onExpired });
 * const { uninstall } = SessionFetch.installFetch(api);
 * await fetch('/api/save', { method: 'POST', body }); // now held and replayed on expiry, lock-retried
 * ```
 */
export const installFetch = (client: SessionClient, options: InstallFetchOptions = {}): InstalledFetch => {
  const target = options.target ?? globalThis;
  const original = target.fetch;
  if (typeof original !== 'function')
    throw new TypeError('installFetch(): the target has no fetch to replace');
  const passThrough: Fetch = (input, init) => original.call(target, input, init);
  const routed = client.extend({ fetch: options.fetch ?? passThrough });

  const sessionFetch = async (input: RequestInfo | URL, init?: SessionRequestInit): Promise<Response> => {
    // No prefix or baseUrl: fetch resolves against the document. Anything else fetch stringifies, so do we.
    const url = resolveRequestUrl(
      input instanceof Request || input instanceof URL ? input : String(input),
      {},
    );
    const credentials = init?.credentials ?? (input instanceof Request ? input.credentials : undefined);
    if (!url || !client.options.origins.has(url.origin) || credentials === 'omit' || isOwnRequest(init)) {
      return passThrough(input, init);
    }
    const request = new Request(input, init);
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    return routed.request(new URL(request.url), {
      method: request.method,
      headers: request.headers,
      // Buffered, so a lock-timeout retry or an expiry replay can send it again.
      body: hasBody ? await request.arrayBuffer() : undefined,
      signal: init?.signal ?? (input instanceof Request ? input.signal : undefined),
      cache: init?.cache,
      redirect: request.redirect,
      referrerPolicy: request.referrerPolicy || undefined,
      keepalive: request.keepalive || undefined,
      integrity: request.integrity || undefined,
      session: init?.session,
      rotatesSession: init?.rotatesSession,
      // fetch has no timeout and resolves on HTTP errors; session requests are bounded by the client's deadline.
      throwHttpErrors: false,
      timeout: false,
    });
  };

  setFetch(target, sessionFetch as Fetch);
  let installed = true;
  return {
    client: routed,
    uninstall: () => {
      if (!installed) return;
      installed = false;
      if (target.fetch === (sessionFetch as Fetch)) setFetch(target, original);
    },
  };
};
