import type { Rule } from '../types.js';
import { label } from '../util.js';

const names = { protocol: 'the X-Session-Fp header', cookie: 'the readable cookie' };

/**
 * The client's "Id source" switching between the protocol header and the readable cookie within one live
 * session: some answers name the session in X-Session-Fp and others do not (scripts without the helper), or the
 * header names another id than the cookie (a regenerated id reported late).
 */
export const idSourceFlip: Rule = (context) => {
  let last: 'protocol' | 'cookie' | undefined;
  return (observation, report) => {
    if (observation.type !== 'response') return;
    const { session, request } = observation;
    if (session.status !== 'active' || session.source === 'none') {
      last = undefined;
      return;
    }
    const before = last;
    last = session.source;
    if (!before || before === session.source) return;
    report({
      id: 'id-source-flip',
      severity: 'info',
      title: 'The session id is read from the header, then the cookie, in turn',
      detail: `After ${label(request, context)} the client took the session id from ${names[session.source]}, where it had used ${names[before]}: some answers carry ${context.fingerprintHeader} and others do not, or the header names another id than the cookie (an id regenerated after the header was sent).`,
      fix: 'Start the session with session_fetch_start() in every script (it sends X-Session-Fp), and regenerate ids with session_fetch_regenerate().',
      requestId: request.id,
    });
  };
};
