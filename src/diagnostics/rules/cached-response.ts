import type { Rule } from '../types.js';
import { endpointOf, label } from '../util.js';

/** A response that came from a cache (browser, proxy, CDN) instead of the script: stale session data. */
export const cachedResponse: Rule = (context) => {
  const dates = new Map<string, { date: string; at: number }>();
  return (observation, report) => {
    if (observation.type !== 'response') return;
    const { headers, request, status, at } = observation;
    const date = headers.date;
    const previous = dates.get(request.url);
    let why: string | undefined;
    if (headers.age !== undefined) why = `carried an Age header (${headers.age.slice(0, 20)} s)`;
    else if (status === 304) why = 'answered 304 Not Modified';
    else if (date && previous?.date === date && at - previous.at > 1000) {
      why = `carried the same Date header (${date.slice(0, 40)}) as a response ${Math.round((at - previous.at) / 1000)} s earlier`;
    }
    if (date) {
      if (dates.size >= 500) dates.clear();
      if (previous?.date !== date) dates.set(request.url, { date, at });
    }
    if (!why) return;
    report({
      id: 'cached-response',
      key: endpointOf(request.url),
      severity: 'warning',
      title: 'A response came from a cache',
      detail: `${label(request, context)} ${why}: it was served from a cache, not by the script, so its session data may be stale.`,
      fix: "Send Cache-Control: no-store from scripts that use the session, and keep the client's noCache option on.",
      requestId: request.id,
    });
  };
};
