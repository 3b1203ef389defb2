import type { Rule } from '../types.js';
import { label } from '../util.js';

const threshold = 3;
const fix =
  'Call session_start() in every script that uses the session, and make sure the browser sends the cookie (same origin, or an allowed origin with CORS credentials).';

/** A new session id on several responses in a row: the server is not resuming the session. */
export const sessionNotResumed: Rule = (context) => {
  const seen = new Set<string>();
  let inARow = 0;
  let reported = false;
  const see = (fingerprint: string, expected: boolean) => {
    if (seen.has(fingerprint)) {
      inARow = 0;
      reported = false;
    } else if (seen.size > 0 && !expected) inARow++;
    if (seen.size > 500) seen.clear();
    seen.add(fingerprint);
  };
  return (observation, report) => {
    let where = '';
    if (observation.type === 'response') {
      const fingerprint = observation.headers[context.fingerprintHeader];
      if (!fingerprint) return;
      see(fingerprint.trim().toLowerCase(), observation.request.rotatesSession);
      where = label(observation.request, context);
    } else if (
      observation.type === 'session' &&
      observation.session.source === 'cookie' &&
      (observation.name === 'start' || observation.name === 'rotate') &&
      observation.session.fingerprint
    ) {
      see(observation.session.fingerprint, observation.request?.rotatesSession ?? false);
      if (observation.request) where = label(observation.request, context);
    } else if (observation.type === 'not-resumed') {
      if (observation.request) where = label(observation.request, context);
    } else return;
    const fromEvent = observation.type === 'not-resumed';
    if (reported || (!fromEvent && inARow < threshold)) return;
    reported = true;
    report({
      id: 'session-not-resumed',
      severity: 'error',
      title: 'The session is not resumed',
      detail: fromEvent
        ? `${observation.newIdsInARow} responses in a row carried a new session id${where ? ` (last: ${where})` : ''}. ${observation.message}`
        : `${inARow} responses in a row carried a new session id (last: ${where}): the server starts a new session every time.`,
      fix,
      ...('request' in observation && observation.request ? { requestId: observation.request.id } : {}),
    });
  };
};
