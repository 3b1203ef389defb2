import { PHP_WARNING } from './faults.js';
import type { PhpSession } from './php-session.js';
import type { ProtocolVerdict } from './protocol-decision.js';
import { createResponse } from './response-headers.js';
import type { SessionStore } from './session-store.js';

/** What the script set, read by the server when it builds the response. */
export interface ScriptOutput {
  status: number;
  headers: Headers;
  cookies: string[];
}

const HTML = 'text/html; charset=UTF-8';

/** The headers session_start() sends with `session.cache_limiter = nocache` (PHP's default). */
const NOCACHE_HEADERS: [string, string][] = [
  ['Expires', 'Thu, 19 Nov 1981 08:52:00 GMT'],
  ['Cache-Control', 'no-store, no-cache, must-revalidate'],
  ['Pragma', 'no-cache'],
];

/** What a script's return value means: a Response as is, a string as HTML, undefined as no output, else JSON. */
async function resultBody(result: unknown): Promise<{ body: string | ArrayBuffer; type: string | null }> {
  if (result instanceof Response) return { body: await result.arrayBuffer(), type: null };
  if (result === undefined) return { body: '', type: HTML };
  if (typeof result === 'string') return { body: result, type: HTML };
  return { body: JSON.stringify(result), type: 'application/json' };
}

/** The protocol's headers for a script's final session (see decideProtocol). */
export function protocolHeaders(
  verdict: ProtocolVerdict | null,
  session: PhpSession,
  store: SessionStore,
): [string, string][] {
  if (!verdict) return [];
  const headers: [string, string][] = [];
  if (verdict.fp) headers.push(['X-Session-Fp', verdict.fp]);
  if (verdict.expired) headers.push(['X-Session-Expired', '1']);
  if (verdict.end) headers.push(['X-Session-End', '1']);
  const ttl = verdict.ttlId ? store.ttlSeconds(verdict.ttlId) : null;
  if (ttl !== null) headers.push(['X-Session-Ttl', String(ttl)]);
  headers.push(['X-Session-Lock-Wait', String(session.lockWaitMs)]);
  return headers;
}

/**
 * The response PHP sends for a script run. With `outputFirst` (a warning printed before anything)
 * no header the script or the session set is sent: 200 text/html, the warning, then the body.
 */
export async function scriptResponse(
  result: unknown,
  output: ScriptOutput,
  session: PhpSession,
  store: SessionStore,
  verdict: ProtocolVerdict | null,
  outputFirst: boolean,
): Promise<Response> {
  const { body, type } = await resultBody(result);
  if (outputFirst) {
    const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
    return createResponse(PHP_WARNING + text, 200, new Headers({ 'Content-Type': HTML }));
  }
  const headers = new Headers();
  if (session.usedIds.length > 0) for (const [name, value] of NOCACHE_HEADERS) headers.set(name, value);
  for (const cookie of output.cookies) headers.append('Set-Cookie', cookie);
  for (const [name, value] of output.headers) headers.set(name, value);
  let status = output.status;
  if (result instanceof Response) {
    status = result.status;
    for (const [name, value] of result.headers) {
      if (name.toLowerCase() !== 'set-cookie') headers.set(name, value);
    }
    for (const cookie of result.headers.getSetCookie()) headers.append('Set-Cookie', cookie);
  }
  if (type && !headers.has('Content-Type')) headers.set('Content-Type', type);
  for (const [name, value] of protocolHeaders(verdict, session, store)) headers.set(name, value);
  return createResponse(body, status, headers);
}

export function jsonResponse(data: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/**
 * The protocol's answer when session_start() gave up on the lock: the script did not run, and nothing about the
 * session is sent (no cookie, no fingerprint), as php/session-fetch.php answers it.
 */
export function lockTimeoutResponse(session: PhpSession): Response {
  return jsonResponse({ message: 'Session lock timeout' }, 423, {
    'Retry-After': '1',
    'X-Session-Lock': 'timeout',
    'X-Session-Lock-Wait': String(session.lockWaitMs),
    'Cache-Control': 'no-store',
  });
}
