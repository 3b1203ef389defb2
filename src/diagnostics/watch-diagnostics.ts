import { sessionEventKinds } from '../core/events.js';
import type { SessionClient } from '../core/session-client.js';
import { createCookieFingerprinter } from '../session/read-session-cookie.js';
import { createDiagnostics, type DiagnosticsOptions } from './engine.js';
import type { Finding, HeaderMap, Observation } from './types.js';

/** How much of a body is read to look for PHP messages. */
const bodyLimit = 4096;

/** What `watchDiagnostics` returns. */
export type DiagnosticsWatcher = {
  /** The findings so far, oldest first; repeats are counted in `count`. */
  findings(): Finding[];
  clear(): void;
  /** Stops listening to the client. */
  stop(): void;
};

const headersOf = (response: Response): HeaderMap => {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return headers;
};

/** The first `limit` bytes of a body as text; the rest is not read. */
const readStart = async (response: Response, limit: number): Promise<string> => {
  const reader = response.body?.getReader();
  if (!reader) return (await response.text()).slice(0, limit);
  const bytes = new Uint8Array(limit);
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      const part = value.subarray(0, limit - size);
      bytes.set(part, size);
      size += part.length;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(bytes.subarray(0, size));
};

/** Bodies worth a look: text that may carry a PHP message (not images, not downloads). */
const readable = /json|html|text\/plain|javascript/i;

/**
 * Watches a client's events and reports what looks wrong with the server or the setup: sessions not resumed, PHP
 * output before headers, CORS and SameSite trouble, cached responses, lock contention, expiry during long requests,
 * a fingerprint left stale by session_regenerate_id(), an id source that switches between header and cookie.
 *
 * @example
 * ```ts
 * const diagnostics = watchDiagnostics(client, { onFinding: (finding) => console.warn(finding.title, finding.fix) });
 * ```
 */
export const watchDiagnostics = (
  client: SessionClient,
  options: DiagnosticsOptions = {},
): DiagnosticsWatcher => {
  // What the options leave out is the client's own setup: its header names, cookie name, login pages...
  const core = createDiagnostics(options, client.options);
  const cookieFingerprint = createCookieFingerprinter(options.cookieName ?? client.options.cookieName);
  let stopped = false;
  // Observations keep their order: one waiting for a new cookie's fingerprint holds back the ones after it.
  let backlog: Promise<void> | undefined;
  let waiting = 0;
  const post = (build: (cookie: string | undefined) => Observation, withCookie = false) => {
    if (stopped) return;
    const cookie = withCookie ? cookieFingerprint() : undefined;
    if (waiting === 0 && !(cookie instanceof Promise)) return core.observe(build(cookie));
    waiting++;
    const previous = backlog;
    backlog = (async () => {
      await previous;
      const value = await cookie;
      if (!stopped) core.observe(build(value));
    })()
      .catch(() => undefined)
      .finally(() => {
        waiting--;
      });
  };
  const observe = (observation: Observation) => post(() => observation);
  const now = Date.now;
  const off = [
    client.on('request:start', ({ request, session }) => {
      const at = now();
      post((cookie) => ({ type: 'start', at, request, session, ...(cookie ? { cookie } : {}) }), true);
    }),
    client.on('request:response', ({ request, session, response }) => {
      const headers = headersOf(response);
      const at = now();
      post(
        (cookie) => ({
          type: 'response',
          at,
          request,
          session,
          status: response.status,
          url: response.url,
          redirected: response.redirected,
          headers,
          ...(cookie ? { cookie } : {}),
        }),
        true,
      );
      const type = headers['content-type'] ?? '';
      if (type && !readable.test(type)) return;
      let copy: Response;
      try {
        // Our own copy: the event's clone is shared, and reading it would lock it for the other listeners.
        copy = response.clone();
      } catch {
        return;
      }
      readStart(copy, bodyLimit).then(
        (text) => {
          if (!/^\s*[[{]/.test(text) && text.trim())
            observe({ type: 'body', at: now(), request, headers, text });
        },
        () => undefined,
      );
    }),
    client.on('request:end', ({ request, session, error }) => {
      const response = (error as { response?: unknown } | undefined)?.response;
      observe({
        type: 'end',
        at: now(),
        request,
        session,
        ...(error instanceof Error ? { error: error.name } : error === undefined ? {} : { error: 'Error' }),
        ...(response instanceof Response
          ? { responseUrl: response.url, redirected: response.redirected }
          : {}),
      });
    }),
    client.on('lock:wait', ({ request, lockWaitMs }) =>
      observe({ type: 'lock-wait', at: now(), request, lockWaitMs }),
    ),
    client.on('lock:retry', ({ request, attempt, delayMs }) =>
      observe({ type: 'lock-retry', at: now(), request, attempt, delayMs }),
    ),
    client.on('session:not-resumed', ({ session, request, newIdsInARow, message }) =>
      observe({ type: 'not-resumed', at: now(), session, request, newIdsInARow, message }),
    ),
    ...sessionEventKinds.map((name) =>
      client.on(`session:${name}`, ({ session, previous, request }) =>
        observe({ type: 'session', at: now(), name, session, previous, request }),
      ),
    ),
  ];
  return {
    findings: core.findings,
    clear: core.clear,
    stop() {
      stopped = true;
      for (const unsubscribe of off) unsubscribe();
    },
  };
};
