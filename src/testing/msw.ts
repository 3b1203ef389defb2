// session-fetch/testing/msw: the msw adapter of the engine, its own entry so that only its users need msw.
import { HttpResponse, http } from 'msw';
import { parseCookieHeader } from './engine/cookies.js';
import type { PhpServer } from './engine/options.js';

/** msw's forwarded stored cookies carry `Path=`, `Expires=`...: attributes, not cookies. */
const ATTRIBUTES = new Set([
  'path',
  'domain',
  'expires',
  'max-age',
  'secure',
  'httponly',
  'samesite',
  'priority',
]);

/**
 * The Cookie header a browser would have sent. msw appends to the request the page's cookies
 * (`document.cookie`) and those of its own cookie store (a jar that outlives `document.cookie`
 * changes, with attributes, ", "-joined, once per handler it tries), which PHP would misread.
 * This keeps the first `name=value` per name; sends nothing for `credentials: 'omit'`; and where
 * there is a `document`, sends only what `document.cookie` holds (with its value), plus the cookies
 * named in `httpOnlyNames`, which the page cannot see, like a browser.
 */
export function cleanCookieHeader(request: Request, httpOnlyNames: ReadonlySet<string> = new Set()): string {
  if (request.credentials === 'omit') return '';
  const cookies = new Map<string, string>();
  for (const part of (request.headers.get('Cookie') ?? '').split(/;|, /)) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    if (eq < 1 || cookies.has(name) || ATTRIBUTES.has(name.toLowerCase())) continue;
    cookies.set(name, part.slice(eq + 1).trim());
  }
  if (typeof document !== 'undefined' && typeof document.cookie === 'string') {
    const sameOrigin = typeof location !== 'undefined' && new URL(request.url).origin === location.origin;
    if (request.credentials !== 'include' && !sameOrigin) return '';
    const visible = parseCookieHeader(document.cookie);
    for (const name of cookies.keys())
      if (!visible.has(name) && !httpOnlyNames.has(name)) cookies.delete(name);
    for (const [name, value] of visible) cookies.set(name, value);
  }
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}

/**
 * msw handlers serving `server` under `baseUrl` (e.g. `http://localhost:3000`). The answer is an
 * msw `HttpResponse`, so msw writes its Set-Cookie into `document.cookie` (happy-dom, jsdom) and
 * into its own cookie store; the next request gets them back through `cleanCookieHeader`. The
 * answer to a request aborted meanwhile is dropped, cookies and all, as a browser drops it.
 */
export function toMswHandlers(server: Pick<PhpServer, 'handle' | 'options'>, options: { baseUrl: string }) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const { cookie } = server.options;
  const httpOnlyNames = new Set(cookie.httpOnly ? [cookie.name] : []);
  return [
    http.all(`${base}/*`, async ({ request }) => {
      const header = cleanCookieHeader(request, httpOnlyNames);
      if (header) request.headers.set('Cookie', header);
      else request.headers.delete('Cookie');
      const response = await server.handle(request);
      // A browser drops the answer of an aborted fetch, Set-Cookie included; msw would still store its cookies.
      if (request.signal?.aborted) return HttpResponse.error();
      const body = response.body === null ? null : await response.arrayBuffer();
      return new HttpResponse(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    }),
  ];
}
