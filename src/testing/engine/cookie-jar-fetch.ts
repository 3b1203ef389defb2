/** An in-memory cookie jar for one origin: what a browser keeps for the page. */
export class CookieJar {
  private readonly cookies = new Map<
    string,
    { name: string; value: string; path: string; httpOnly: boolean }
  >();

  /** The value of cookie `name` (any path), HttpOnly or not. */
  get(name: string): string | undefined {
    for (const cookie of this.cookies.values()) if (cookie.name === name) return cookie.value;
    return undefined;
  }

  set(name: string, value: string, path = '/'): void {
    this.cookies.set(`${name};${path}`, { name, value, path, httpOnly: false });
  }

  delete(name: string): void {
    for (const [key, cookie] of this.cookies) if (cookie.name === name) this.cookies.delete(key);
  }

  clear(): void {
    this.cookies.clear();
  }

  /** What `document.cookie` would show: the cookies that are not HttpOnly. */
  documentCookie(): string {
    return [...this.cookies.values()]
      .filter((cookie) => !cookie.httpOnly)
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  /** The `Cookie` header for a request to `pathname`, or '' when no cookie applies. */
  header(pathname: string): string {
    return [...this.cookies.values()]
      .filter((cookie) => pathname === cookie.path || pathname.startsWith(cookie.path.replace(/\/?$/, '/')))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  /** Stores one `Set-Cookie` value; a past `expires` or `Max-Age<=0` deletes the cookie. */
  store(setCookie: string, now = Date.now()): void {
    const [pair = '', ...attributes] = setCookie.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    if (eq < 1) return;
    const name = pair.slice(0, eq);
    let path = '/';
    let httpOnly = false;
    let expired = false;
    for (const attribute of attributes) {
      const [key = '', value = ''] = attribute.split(/=(.*)/s);
      const lower = key.trim().toLowerCase();
      if (lower === 'path' && value.startsWith('/')) path = value;
      else if (lower === 'httponly') httpOnly = true;
      else if (lower === 'max-age') expired ||= Number(value) <= 0;
      else if (lower === 'expires') expired ||= Date.parse(value) <= now;
    }
    const key = `${name};${path}`;
    if (expired) this.cookies.delete(key);
    else this.cookies.set(key, { name, value: pair.slice(eq + 1), path, httpOnly });
  }
}

export type FetchFunction = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
export type CookieJarFetch = FetchFunction & { readonly jar: CookieJar };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * A fetch function that calls `server.handle` directly, keeping cookies in its own jar like one
 * browser profile: sends them unless `credentials: 'omit'`, stores every Set-Cookie, and follows
 * redirects like fetch (`response.redirected` and `response.url` are set). Relative URLs resolve
 * against `baseUrl` (default `http://localhost:3000`). Call it again for a second, separate browser.
 */
export function createCookieJarFetch(
  server: { handle(request: Request): Promise<Response> },
  options: { baseUrl?: string } = {},
): CookieJarFetch {
  const jar = new CookieJar();
  const baseUrl = options.baseUrl ?? 'http://localhost:3000';
  const jarFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const first = new Request(typeof input === 'string' ? new URL(input, baseUrl) : input, init);
    const credentials = init?.credentials ?? first.credentials;
    let method = first.method;
    let body = method === 'GET' || method === 'HEAD' ? null : await first.arrayBuffer();
    let url = new URL(first.url);
    let redirected = false;
    for (let hops = 0; ; hops++) {
      const request = new Request(url, { method, headers: first.headers, body, signal: first.signal });
      const cookie = credentials === 'omit' ? '' : jar.header(url.pathname);
      if (cookie) request.headers.set('Cookie', cookie);
      else request.headers.delete('Cookie');
      const response = await server.handle(request);
      if (credentials !== 'omit')
        for (const setCookie of response.headers.getSetCookie()) jar.store(setCookie);
      const location = response.headers.get('Location');
      const mode = init?.redirect ?? first.redirect;
      if (!REDIRECTS.has(response.status) || !location || mode === 'manual') {
        Object.defineProperty(response, 'url', { value: url.href });
        Object.defineProperty(response, 'redirected', { value: redirected });
        return response;
      }
      if (mode === 'error' || hops >= 20) throw new TypeError(`fetch failed: redirect to ${location}`);
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = null;
      }
      url = new URL(location, url);
      redirected = true;
    }
  };
  return Object.assign(jarFetch, { jar });
}
