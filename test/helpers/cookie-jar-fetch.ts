/**
 * A `fetch` for node that keeps cookies like a browser would for one site: it stores `Set-Cookie` per name (from
 * `response.headers.getSetCookie()`), deletes on `Max-Age<=0` or an `expires` in the past, and sends `Cookie` on
 * requests to the jar's origins. Redirects are followed by hand (`redirect: 'manual'` underneath) so the cookies
 * of every hop are stored; the final Response reports `redirected` and `url` like a browser's.
 */

export type StoredCookie = {
  name: string;
  value: string;
  httpOnly: boolean;
  path: string;
  sameSite: string | undefined;
  expiresAt: number | undefined;
  /** The raw Set-Cookie line that stored it. */
  raw: string;
};

type FetchInput = string | URL | Request;

export type CookieJarFetch = ((input: FetchInput, init?: RequestInit) => Promise<Response>) & {
  jar: CookieJar;
};

export class CookieJar {
  readonly cookies = new Map<string, StoredCookie>();
  /** Every Set-Cookie line received, in order. */
  readonly received: string[] = [];

  constructor(readonly origins: string[] = []) {}

  /** Stores the cookies of one response. */
  store(setCookies: string[], now = Date.now()): void {
    for (const line of setCookies) {
      this.received.push(line);
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let expiresAt: number | undefined;
      let maxAge: number | undefined;
      let httpOnly = false;
      let path = '/';
      let sameSite: string | undefined;
      for (const attribute of attributes) {
        const [key = '', ...rest] = attribute.split('=');
        const attrValue = rest.join('=').trim();
        switch (key.trim().toLowerCase()) {
          case 'expires': {
            const at = Date.parse(attrValue);
            if (!Number.isNaN(at)) expiresAt = at;
            break;
          }
          case 'max-age':
            maxAge = Number.parseInt(attrValue, 10);
            break;
          case 'httponly':
            httpOnly = true;
            break;
          case 'path':
            path = attrValue || '/';
            break;
          case 'samesite':
            sameSite = attrValue;
            break;
        }
      }
      // Max-Age wins over Expires (RFC 6265 5.3).
      if (maxAge !== undefined && Number.isFinite(maxAge)) expiresAt = now + maxAge * 1000;
      if (expiresAt !== undefined && expiresAt <= now) {
        this.cookies.delete(name);
        continue;
      }
      this.cookies.set(name, { name, value, httpOnly, path, sameSite, expiresAt, raw: line });
    }
  }

  #live(now = Date.now()): StoredCookie[] {
    for (const [name, cookie] of this.cookies) {
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= now) this.cookies.delete(name);
    }
    return [...this.cookies.values()];
  }

  /** The Cookie request header, or undefined when the jar is empty. */
  header(): string | undefined {
    const live = this.#live();
    return live.length ? live.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  /** What `document.cookie` would show: the cookies that are not HttpOnly. */
  documentCookie(): string {
    return this.#live()
      .filter((c) => !c.httpOnly)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  get(name: string): string | undefined {
    return this.#live().find((c) => c.name === name)?.value;
  }

  set(name: string, value: string): void {
    this.cookies.set(name, {
      name,
      value,
      httpOnly: false,
      path: '/',
      sameSite: undefined,
      expiresAt: undefined,
      raw: '',
    });
  }

  delete(name: string): void {
    this.cookies.delete(name);
  }

  /** Whether requests to this URL carry the jar's cookies. */
  appliesTo(url: string): boolean {
    return this.origins.length === 0 || this.origins.includes(new URL(url).origin);
  }
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * A cookie-keeping fetch for `origins` (all origins when empty). `base` is the underlying fetch (default
 * globalThis.fetch), e.g. one that adds latency.
 */
export const createCookieJarFetch = (
  origins: string | string[] = [],
  base: (input: Request) => Promise<Response> = (request) => globalThis.fetch(request),
): CookieJarFetch => {
  const jar = new CookieJar(typeof origins === 'string' ? [origins] : origins);
  const jarFetch = async (input: FetchInput, init?: RequestInit): Promise<Response> => {
    let request = new Request(input, init);
    const follow = (init?.redirect ?? request.redirect) === 'follow';
    // Keep the body for a 307/308 hop.
    const body =
      request.method === 'GET' || request.method === 'HEAD' || request.body === null
        ? undefined
        : await request.arrayBuffer();
    let url = request.url;
    let method = request.method;
    let redirected = false;
    for (let hop = 0; ; hop++) {
      const headers = new Headers(request.headers);
      const cookie = jar.appliesTo(url) ? jar.header() : undefined;
      if (cookie) headers.set('cookie', cookie);
      else headers.delete('cookie');
      const sent = new Request(url, {
        method,
        headers,
        body: method === 'GET' || method === 'HEAD' ? undefined : body,
        redirect: 'manual',
        signal: request.signal,
        cache: request.cache === 'only-if-cached' ? 'default' : request.cache,
      });
      const response = await base(sent);
      if (jar.appliesTo(url)) jar.store(response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (!follow || !redirectStatuses.has(response.status) || !location || hop >= 20) {
        if (redirected) {
          Object.defineProperty(response, 'redirected', { value: true });
          Object.defineProperty(response, 'url', { value: url });
        }
        return response;
      }
      await response.body?.cancel();
      url = new URL(location, url).href;
      redirected = true;
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = 'GET';
        headers.delete('content-type');
        request = new Request(url, { method, headers, signal: request.signal });
      }
    }
  };
  return Object.assign(jarFetch, { jar });
};

/**
 * Makes `document.cookie` (read by the client for the readable-cookie source) show the jar's non-HttpOnly
 * cookies. Returns the function that removes it again.
 */
export const installDocumentCookie = (jar: CookieJar): (() => void) => {
  const previous = Object.getOwnPropertyDescriptor(globalThis, 'document');
  Object.defineProperty(globalThis, 'document', {
    configurable: true,
    value: {
      get cookie() {
        return jar.documentCookie();
      },
    },
  });
  return () => {
    if (previous) Object.defineProperty(globalThis, 'document', previous);
    else delete (globalThis as { document?: unknown }).document;
  };
};
