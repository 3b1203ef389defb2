/** Cross-origin answers, as docs/protocol.md asks of a server. */
export interface CorsOptions {
  /** Page origins allowed to call with credentials, compared exactly (`https://app.example`). */
  origins: string[];
  /** Request headers a preflight allows, besides the protocol's defaults. @default [] */
  allowHeaders?: string[];
}

const DEFAULT_ALLOW_HEADERS = [
  'Cache-Control',
  'Pragma',
  'Content-Type',
  'X-Requested-With',
  'X-CSRF-TOKEN',
  'X-XSRF-TOKEN',
  'X-Php-Fault',
];
const EXPOSE_HEADERS =
  'X-Session-Fp, X-Session-Expired, X-Session-End, X-Session-Lock, X-Session-Ttl, X-Session-Lock-Wait, Retry-After';

/** Adds the CORS headers for an allowed `Origin`; always adds `Vary: Origin`. */
export function applyCors(request: Request, headers: Headers, cors: CorsOptions | undefined): void {
  if (!cors) return;
  headers.append('Vary', 'Origin');
  const origin = request.headers.get('Origin');
  if (!origin || !cors.origins.includes(origin)) return;
  headers.set('Access-Control-Allow-Origin', origin);
  headers.set('Access-Control-Allow-Credentials', 'true');
  headers.set('Access-Control-Expose-Headers', EXPOSE_HEADERS);
}

/** The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`), or null for other requests. */
export function preflightResponse(request: Request, cors: CorsOptions | undefined): Response | null {
  if (!cors || request.method !== 'OPTIONS' || !request.headers.has('Access-Control-Request-Method'))
    return null;
  const headers = new Headers();
  applyCors(request, headers, cors);
  if (headers.has('Access-Control-Allow-Origin')) {
    headers.set('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
    headers.set(
      'Access-Control-Allow-Headers',
      [...DEFAULT_ALLOW_HEADERS, ...(cors.allowHeaders ?? [])].join(', '),
    );
    headers.set('Access-Control-Max-Age', '600');
  }
  return new Response(null, { status: 204, headers });
}
