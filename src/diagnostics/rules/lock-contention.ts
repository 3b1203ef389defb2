import type { Rule } from '../types.js';
import { endpointOf } from '../util.js';

/** Lock waits that count as long, ms. */
export const longLockWaitMs = 500;

/** Requests waiting for PHP's session lock: a script keeps the session open (and locked) for too long. */
export const lockContention: Rule = (context) => {
  const seen = new Map<string, { waits: number; retries: number; maxWaitMs: number }>();
  const waited = new Set<number>();
  return (observation, report) => {
    let waitMs = 0;
    let retry = false;
    if (observation.type === 'lock-wait') {
      waitMs = observation.lockWaitMs;
      if (waited.size > 1000) waited.clear();
      waited.add(observation.request.id);
    } else if (observation.type === 'lock-retry') retry = true;
    else if (observation.type === 'end' && (observation.request.lockWaitMs ?? 0) >= longLockWaitMs) {
      // Counted already when lock:wait reported it (the client emits it with adaptive concurrency only).
      if (waited.delete(observation.request.id)) return;
      waitMs = observation.request.lockWaitMs ?? 0;
    } else return;
    if (!retry && waitMs < longLockWaitMs) return;
    const { request } = observation;
    const endpoint = endpointOf(request.url);
    const entry = seen.get(endpoint) ?? { waits: 0, retries: 0, maxWaitMs: 0 };
    seen.set(endpoint, entry);
    if (retry) entry.retries++;
    else entry.waits++;
    entry.maxWaitMs = Math.max(entry.maxWaitMs, waitMs);
    const parts = [
      entry.waits ? `waited up to ${Math.round(entry.maxWaitMs)} ms for the session lock` : '',
      entry.retries ? `met ${entry.retries} lock timeout${entry.retries > 1 ? 's' : ''} (retried)` : '',
    ].filter(Boolean);
    report({
      id: 'lock-contention',
      key: endpoint,
      severity: retry ? 'warning' : 'info',
      title: 'Requests wait for the session lock',
      detail: `${request.method} ${context.show(endpoint)} ${parts.join(' and ')}: another request kept the PHP session open (and locked) meanwhile.`,
      fix: "Call session_write_close() as soon as a script is done with the session (or start it with read_and_close), and mark read-only requests session: 'read'.",
      requestId: request.id,
    });
  };
};
