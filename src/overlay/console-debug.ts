import type { SessionClient } from '../core/session-client.js';
import { requestLogOf } from '../diagnostics/request-log.js';
import { formatDuration, formatMs } from './format.js';
import { outcomeOf, storyOf } from './request-story.js';

/**
 * Prints the session and the recent requests as console tables (from the RequestLog attached to the client by
 * the overlay or `attachRequestLog`). Exposed as `SessionFetch.debug()` in the script-tag build.
 */
export const debug = (client: SessionClient, limit = 50): void => {
  const { fingerprint, status, since, rotations, expiresAt, source } = client.session;
  console.table({
    fingerprint,
    status,
    since: new Date(since).toISOString(),
    rotations,
    expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
    source,
    ...client.stats,
  });
  const log = requestLogOf(client);
  if (!log) {
    console.info(
      "session-fetch: no request log on this client; call attachRequestLog(client) (or mountOverlay(client)) from 'session-fetch/overlay' first.",
    );
    return;
  }
  console.table(
    log
      .entries()
      .slice(0, limit)
      .map((request) => ({
        id: request.id,
        method: request.method,
        url: request.url,
        status: request.status ?? '',
        outcome: outcomeOf(request).text,
        mode: request.mode,
        queued: formatMs(request.queuedMs),
        lockWait: request.lockWaitMs === undefined ? '' : formatMs(request.lockWaitMs),
        lockRetries: request.lockRetries,
        time: formatDuration(request),
        attempts: request.tries.length,
        story: storyOf(request),
      })),
  );
};
