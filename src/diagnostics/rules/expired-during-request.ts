import type { Rule } from '../types.js';
import { label } from '../util.js';

/** Requests that ran at least this long, ms, count as long. */
export const longRequestMs = 5000;

/** The session expired while a long request ran: the request started with a live session and ended without it. */
export const expiredDuringRequest: Rule = (context) => {
  const started = new Map<number, number>();
  const done = new Set<number>();
  return (observation, report) => {
    if (observation.type === 'start') {
      if (observation.session.status === 'active' && !started.has(observation.request.id)) {
        if (started.size > 1000) started.clear();
        started.set(observation.request.id, observation.at);
      }
      return;
    }
    const expired =
      (observation.type === 'session' && observation.name === 'expire') ||
      (observation.type === 'end' && observation.session.status === 'expired');
    const request = expired && 'request' in observation ? observation.request : undefined;
    if (!request) return;
    const since = started.get(request.id);
    if (observation.type === 'end') started.delete(request.id);
    if (since === undefined || observation.at - since < longRequestMs || done.has(request.id)) return;
    done.add(request.id);
    if (done.size > 1000) done.clear();
    report({
      id: 'expired-during-long-request',
      severity: 'warning',
      title: 'The session expired during a long request',
      detail: `${label(request, context)} started while the session was active, ran ${Math.round((observation.at - since) / 1000)} s and ended with the session expired.`,
      fix: 'Raise session.gc_maxlifetime above the longest request, or keep the session alive with light requests while long work runs.',
      requestId: request.id,
    });
  };
};
