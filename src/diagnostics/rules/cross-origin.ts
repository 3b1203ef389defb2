import type { Rule } from '../types.js';
import { isCrossOrigin, label, originOf } from '../util.js';

/**
 * Cross-origin trouble: a non-allowed origin that wants a session (the cookie is not sent to it), a request the
 * browser blocked (CORS), and an allowed origin whose session headers are not exposed to the page.
 */
export const crossOrigin: Rule = (context) => {
  let sameOriginHasFingerprint = false;
  return (observation, report) => {
    if (observation.type === 'response') {
      const hasFingerprint = context.fingerprintHeader in observation.headers;
      const { request } = observation;
      if (!isCrossOrigin(request.url, context)) {
        sameOriginHasFingerprint ||= hasFingerprint;
        return;
      }
      if (hasFingerprint || !sameOriginHasFingerprint || observation.status === 0) return;
      const origin = originOf(request.url);
      report({
        id: 'headers-not-exposed',
        key: origin,
        severity: 'warning',
        title: `Session headers from ${origin} are not readable`,
        detail: `${label(request, context)} carried no ${context.fingerprintHeader} header while same-origin responses do: the browser hides response headers that CORS does not expose.`,
        fix: `Make ${origin} send Access-Control-Expose-Headers: X-Session-Fp, X-Session-Expired, X-Session-Lock, X-Session-Ttl, X-Session-Lock-Wait, Retry-After.`,
        requestId: request.id,
      });
      return;
    }
    if (observation.type !== 'end') return;
    const { request } = observation;
    if (!isCrossOrigin(request.url, context)) return;
    const origin = originOf(request.url);
    if (observation.error === 'NetworkError' || observation.error === 'TypeError') {
      report({
        id: 'cors-network-error',
        key: origin,
        severity: 'error',
        title: `The browser blocked a request to ${origin}`,
        detail:
          `${label(request, context)} failed without a response; cross-origin, that is usually CORS: ` +
          (request.foreign
            ? 'no Access-Control-Allow-Origin for this page.'
            : `${origin} must answer Access-Control-Allow-Credentials: true and Access-Control-Allow-Origin: ${context.pageOrigin} (not *), and allow the Cache-Control, Pragma and X-Requested-With headers in its preflight.`),
        fix: `Send the CORS headers of docs/protocol.md from ${origin}, preflight (OPTIONS) included.`,
        requestId: request.id,
      });
      return;
    }
    const loginRedirect =
      observation.redirected && observation.responseUrl && context.loginUrl(observation.responseUrl);
    if (!request.foreign || !(loginRedirect || context.expiredStatuses.has(request.status ?? 0))) return;
    report({
      id: 'cross-origin-no-credentials',
      key: origin,
      severity: 'error',
      title: `Cookies are not sent to ${origin}`,
      detail: `${label(request, context)} answered ${loginRedirect ? 'with a redirect to the login page' : request.status}: ${origin} is not in the client's origins, so the request went without cookies (credentials: 'omit').`,
      fix: `Add '${origin}' to the client's origins option (and send the CORS credentials headers from it).`,
      requestId: request.id,
    });
  };
};
