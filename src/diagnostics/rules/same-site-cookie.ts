import type { Rule } from '../types.js';
import { isCrossSite, label, originOf } from '../util.js';

/**
 * A cross-site allowed origin that answers as a new or expired session while same-site requests keep theirs: the
 * browser did not send the cookie, which is what SameSite=Lax (the default) does on cross-site requests.
 */
export const sameSiteCookie: Rule = (context) => {
  let sameSiteFingerprint: string | undefined;
  return (observation, report) => {
    if (observation.type !== 'response' || observation.request.foreign) return;
    const { request, headers, status } = observation;
    const fingerprint = headers[context.fingerprintHeader]?.trim().toLowerCase();
    if (!isCrossSite(request.url, context)) {
      if (fingerprint) sameSiteFingerprint = fingerprint;
      return;
    }
    if (!sameSiteFingerprint || request.rotatesSession) return;
    const expired = headers[context.expiredHeader] === '1' || context.expiredStatuses.has(status);
    if (!expired && (!fingerprint || fingerprint === sameSiteFingerprint)) return;
    const origin = originOf(request.url);
    report({
      id: 'samesite-cookie-blocked',
      key: origin,
      severity: 'error',
      title: `The session cookie is not sent to ${origin}`,
      detail: `${label(request, context)} is cross-site and was answered ${expired ? 'as an expired session' : 'with a new session'}, while same-site requests keep the session: the browser did not send the cookie.`,
      fix: "Set the session cookie with SameSite=None; Secure (session.cookie_samesite = 'None', session.cookie_secure = 1), served over HTTPS.",
      requestId: request.id,
    });
  };
};
