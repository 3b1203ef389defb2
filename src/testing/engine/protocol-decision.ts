import { formatSetCookie, type ResolvedCookieOptions } from './cookies.js';
import { knownFingerprint } from './fingerprint.js';
import type { PhpSession } from './php-session.js';

/** What the protocol headers say about the session a script ended with. */
export interface ProtocolVerdict {
  /** X-Session-Fp, or null for none. */
  fp: string | null;
  expired: boolean;
  /** X-Session-End: the script destroyed the session (a logout). */
  end: boolean;
  /** Send X-Session-Ttl for `id`. */
  ttlId: string | null;
}

/**
 * Whether a request looks like fetch/XHR rather than a page load, as php/session-fetch.php decides it:
 * `X-Requested-With: XMLHttpRequest`, `Sec-Fetch-Dest: empty`, or an `Accept` that names JSON and not HTML.
 */
export function isAjaxRequest(request: Request): boolean {
  if (request.headers.get('X-Requested-With')?.toLowerCase() === 'xmlhttprequest') return true;
  if (request.headers.get('Sec-Fetch-Dest')?.toLowerCase() === 'empty') return true;
  const accept = request.headers.get('Accept')?.toLowerCase() ?? '';
  return accept.includes('json') && !accept.includes('html');
}

const DELETION = /=deleted;|=;|max-age=0|expires=thu, 01[ -]jan[ -]1970/i;

/**
 * php/session-fetch.php's header callback, run when the script is done and before its session is written: it
 * decides from the final session what to send, and drops or marks that session (docs/protocol.md, "When the
 * server decides"). Returns null when the script started no session.
 */
export function decideProtocol(
  session: PhpSession,
  cookies: string[],
  cookie: ResolvedCookieOptions,
): ProtocolVerdict | null {
  if (session.usedIds.length === 0 || session.startId === '') return null;
  const prefix = `${cookie.name}=`;
  const deleting = () => cookies.some((line) => line.startsWith(prefix) && DELETION.test(line));
  const { id } = session;
  if (id === '') {
    // Destroyed and none started: a logout. Expire the cookie unless the script did.
    if (!deleting()) {
      session.removeCookie();
      cookies.push(formatSetCookie(cookie.name, '', cookie));
    }
    return { fp: null, expired: false, end: true, ttlId: null };
  }
  // The script expired the cookie, then started a session again: send the session's id.
  if (deleting()) session.sendCookie(id);

  const loggedIn = id !== session.startId || (session.login && Object.keys(session.data ?? {}).length > 0);
  const expired = session.expired && !loggedIn;
  if (expired && session.ajax) {
    // Never hand out the replacement session: a late answer would overwrite the cookie of a login made meanwhile.
    if (session.active) session.destroy();
    session.removeCookie();
    return { fp: null, expired: true, end: false, ttlId: null };
  }
  if (session.active) session.marked = true;
  return { fp: knownFingerprint(id), expired, end: false, ttlId: id };
}
