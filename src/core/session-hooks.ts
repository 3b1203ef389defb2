import type { BeforeRequestHook } from 'ky';
import { stateOf } from './request-state.js';
import type { SessionRuntime } from './session-runtime.js';

let cacheBustCounter = Date.now();

/** Adds the session request headers: no-cache, Accept, X-Requested-With, and the cache-busting parameter. */
export const createBeforeRequestHook =
  (
    runtime: SessionRuntime,
    request: { noCache: boolean; cacheBust: boolean; accept: string | false },
  ): BeforeRequestHook =>
  ({ request: outgoing, options }) => {
    const state = stateOf(options.context);
    if (!state) return;
    const { headers } = outgoing;
    if (request.accept && !headers.has('accept')) headers.set('accept', request.accept);
    const { origin } = state;
    if (request.noCache && origin?.noCacheHeaders) {
      if (!headers.has('cache-control')) headers.set('cache-control', 'no-cache');
      if (!headers.has('pragma')) headers.set('pragma', 'no-cache');
      // Frameworks use it to answer 401 instead of redirecting to the login page (Laravel's $request->ajax()).
      if (!headers.has('x-requested-with')) headers.set('x-requested-with', 'XMLHttpRequest');
    }
    if (request.cacheBust && (outgoing.method === 'GET' || outgoing.method === 'HEAD')) {
      const url = new URL(outgoing.url);
      url.searchParams.set('_', String(cacheBustCounter++));
      return new Request(url, outgoing);
    }
    // Session requests get their CSRF token in the transport, after their turn; 'none' requests get it here.
    if (runtime.csrf && origin && state.record.mode === 'none')
      return runtime.csrf.stamp(outgoing).then(() => undefined);
  };
