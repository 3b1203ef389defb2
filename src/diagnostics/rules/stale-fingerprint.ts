import type { RequestInfo } from '../../core/request-info.js';
import type { Rule } from '../types.js';
import { label } from '../util.js';

const fix =
  "Call session_fetch_regenerate() instead of session_regenerate_id() (it sends X-Session-Fp for the new id), or send the header yourself after regenerating: header('X-Session-Fp: ' . session_fetch_fingerprint(session_id())).";

/**
 * A response that names, in X-Session-Fp, the id its request was sent with while its own Set-Cookie handed out a
 * new one: the script called session_regenerate_id() after the header was sent (without the helper's
 * session_fetch_regenerate()), so the login's answer carries the old, dead fingerprint and the rotation shows up
 * on the next request. Seen from the readable cookie after the response or, with an HttpOnly cookie, from the
 * next response naming a new id right after a login (a request marked rotatesSession) that named the old one.
 */
export const staleFingerprint: Rule = (context) => {
  /** Per request: the fingerprint it was sent with (the cookie's when readable, else the client's). */
  const sentWith = new Map<number, string>();
  const inFlight = new Set<number>();
  /** The readable cookie's fingerprint as last seen, to tell which response changed it. */
  let lastCookie: string | undefined;
  /** An HttpOnly login answered with the id it was sent with: the next response tells whether it rotated. */
  let login: { request: RequestInfo; fingerprint: string } | undefined;

  const report = (request: RequestInfo, seen: string, send: Parameters<ReturnType<Rule>>[1]) =>
    send({
      id: 'stale-fingerprint',
      severity: 'warning',
      title: 'The session id was regenerated after X-Session-Fp was sent',
      detail: `${label(request, context)} answered with ${context.fingerprintHeader} naming the id it was sent with while ${seen}: the script called session_regenerate_id() after the header went out, so this answer carries the old, dead fingerprint and the rotation shows up on the next request.`,
      fix,
      requestId: request.id,
    });

  return (observation, send) => {
    if (observation.type === 'start') {
      const { request, session, cookie } = observation;
      const fingerprint = cookie ?? session.fingerprint;
      if (cookie) lastCookie = cookie;
      if (sentWith.size > 1000) sentWith.clear();
      if (fingerprint) sentWith.set(request.id, fingerprint);
      inFlight.add(request.id);
      return;
    }
    if (observation.type === 'end') {
      inFlight.delete(observation.request.id);
      sentWith.delete(observation.request.id);
      return;
    }
    if (observation.type !== 'response') return;
    const { request, headers, cookie, status } = observation;
    inFlight.delete(request.id);
    const cookieBefore = lastCookie;
    lastCookie = cookie;
    const header = headers[context.fingerprintHeader]?.trim().toLowerCase();
    const expired = headers[context.expiredHeader] === '1' || context.expiredStatuses.has(status);
    const previousLogin = login;
    login = undefined;
    if (!header || expired || status === 423) return;
    if (previousLogin && !request.rotatesSession && header !== previousLogin.fingerprint) {
      report(previousLogin.request, 'the next response named a new id', send);
      return;
    }
    if (header !== sentWith.get(request.id)) return;
    if (cookie) {
      // The cookie must have changed with this very answer: not before it (another answer set it), nor with
      // another request in flight that may have set it (a login is always alone).
      if (cookie !== header && cookie !== cookieBefore && (request.rotatesSession || inFlight.size === 0)) {
        report(request, 'the session cookie it set names a new one', send);
      }
    } else if (request.rotatesSession) login = { request, fingerprint: header };
  };
};
