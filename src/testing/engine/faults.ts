/**
 * Faults a real PHP deployment produces. Switch them on for every request with the `faults` option
 * (or by mutating `server.faults`), or for one request with the `X-Php-Fault` request header or the
 * `_fault` query parameter, both a comma-separated list of fault names: `?_fault=dropSetCookie`.
 */
export interface PhpFaults {
  /**
   * A PHP warning is printed before anything else (display_errors on). Output has started, so PHP
   * can send no header any more: the response is `200 text/html` with the warning before the body,
   * session_start() fails ("headers already sent", PHP >= 7.2: no session, no Set-Cookie), and
   * header(), status codes and redirects of the script are lost. @default false
   */
  warningBeforeBody?: boolean;
  /** Every Set-Cookie header is removed from the response (a proxy or CDN stripping it). @default false */
  dropSetCookie?: boolean;
  /**
   * A cache in front of PHP answers: the previous response to the same method and URL is replayed
   * (status, headers except Set-Cookie, body, its Date) with `Age: 120`, and the script does not run.
   * With no previous response the script runs and the response gets `Age: 120`. @default false
   */
  cachedResponse?: boolean;
}

export type FaultName = keyof PhpFaults;
export const FAULT_HEADER = 'X-Php-Fault';
export const FAULT_QUERY = '_fault';
export const FAULT_NAMES: readonly FaultName[] = ['warningBeforeBody', 'dropSetCookie', 'cachedResponse'];

export const PHP_WARNING =
  '<br />\n<b>Warning</b>:  Undefined variable $x in <b>/var/www/api.php</b> on line <b>3</b><br />\n';

/** The faults that apply to one request: the server's plus the ones the request asks for. */
export function requestFaults(request: Request, url: URL, serverFaults: PhpFaults): Required<PhpFaults> {
  const asked = new Set(
    [request.headers.get(FAULT_HEADER) ?? '', ...url.searchParams.getAll(FAULT_QUERY)]
      .flatMap((list) => list.split(','))
      .map((name) => name.trim()),
  );
  const resolved = {} as Required<PhpFaults>;
  for (const name of FAULT_NAMES) resolved[name] = Boolean(serverFaults[name]) || asked.has(name);
  return resolved;
}

/** The cache key of a request: method and URL without the `_fault` parameter. */
export function cacheKey(method: string, url: URL): string {
  const copy = new URL(url);
  copy.searchParams.delete(FAULT_QUERY);
  return `${method} ${copy.pathname}${copy.search}`;
}

interface CachedResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: ArrayBuffer;
}

/** The last response per cache key, for `cachedResponse` (at most `limit` keys). */
export class ResponseCache {
  private readonly entries = new Map<string, CachedResponse>();

  constructor(private readonly limit = 500) {}

  async remember(key: string, response: Response): Promise<void> {
    const headers = [...response.headers].filter(([name]) => name.toLowerCase() !== 'set-cookie');
    const entry = {
      status: response.status,
      statusText: response.statusText,
      headers,
      body: await response.clone().arrayBuffer(),
    };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The stored response with `Age: 120`, or null when nothing is stored for `key`. */
  replay(key: string): Response | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    const headers = new Headers(entry.headers);
    headers.set('Age', '120');
    const body = entry.status === 204 || entry.status === 304 ? null : entry.body.slice(0);
    return new Response(body, { status: entry.status, statusText: entry.statusText, headers });
  }

  clear(): void {
    this.entries.clear();
  }
}
