let cacheBustCounter = Date.now();

/** What the client adds to each request to a session origin. */
export type HeaderSettings = {
  readonly noCache: boolean;
  readonly cacheBust: boolean;
  readonly accept: string | false;
};

/**
 * Adds the session request headers (no-cache, Accept, X-Requested-With) and the cache-busting parameter, leaving
 * any header the app set alone. Done where the request is sent rather than in a ky hook: a hook costs ky a merge
 * and a normalised-options copy per request, and it runs again for each attempt here anyway. Returns the request
 * to send (a new one only when the URL gets the cache-busting parameter).
 */
export const stampSessionHeaders = (
  request: Request,
  settings: HeaderSettings,
  origin: { readonly noCacheHeaders: boolean },
): Request => {
  const { headers } = request;
  if (settings.accept && !headers.has('accept')) headers.set('accept', settings.accept);
  if (settings.noCache && origin.noCacheHeaders) {
    if (!headers.has('cache-control')) headers.set('cache-control', 'no-cache');
    if (!headers.has('pragma')) headers.set('pragma', 'no-cache');
    // Frameworks use it to answer 401 instead of redirecting to the login page (Laravel's $request->ajax()).
    if (!headers.has('x-requested-with')) headers.set('x-requested-with', 'XMLHttpRequest');
  }
  if (settings.cacheBust && (request.method === 'GET' || request.method === 'HEAD')) {
    const url = new URL(request.url);
    url.searchParams.set('_', String(cacheBustCounter++));
    return new Request(url, request);
  }
  return request;
};
