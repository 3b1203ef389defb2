import type { SessionClient } from '../../core/session-client.js';
import { failureArgs, headersString, readResponses, toBody } from './response.js';
import type { JQueryAjaxSettings, JQueryCompleteCallback, JQueryTransport } from './types.js';

/**
 * A jQuery transport that sends one request through the session client. It completes exactly once with the
 * final result (after lock retries and expiry replays), and jQuery then converts the data type and fires
 * success/error/complete and the Deferred callbacks itself. `abort()` (jqXHR.abort(), jQuery's `timeout`)
 * aborts the client request: a request still queued is never sent.
 */
export const createTransport = (
  client: SessionClient,
  settings: JQueryAjaxSettings,
  url: URL,
  jqXHR: Record<string, unknown>,
): JQueryTransport => {
  const controller = new AbortController();
  let settled = false;
  let complete: JQueryCompleteCallback | undefined;

  const finish: JQueryCompleteCallback = (...args) => {
    if (settled || !complete) return;
    settled = true;
    try {
      complete(...args);
    } catch (error) {
      // A throwing success/error callback surfaces as an uncaught error, as it would from XHR's onload.
      setTimeout(() => {
        throw error;
      });
    }
  };
  const fail = (error: unknown) => {
    if (controller.signal.aborted) return;
    jqXHR.sessionError = error;
    finish(...failureArgs(error));
  };

  return {
    send(requestHeaders, done) {
      complete = done;
      const headers = new Headers();
      for (const [name, value] of Object.entries(requestHeaders)) headers.set(name, value);
      // As jQuery's XHR transport: only for same-origin requests (cross-origin it would force a preflight).
      if (!settings.crossDomain && !headers.has('x-requested-with')) {
        headers.set('x-requested-with', 'XMLHttpRequest');
      }
      try {
        client
          .request(url, {
            method: settings.type,
            headers,
            body: settings.hasContent ? toBody(settings.data) : undefined,
            session: settings.sessionMode,
            rotatesSession: settings.rotatesSession,
            endsSession: settings.endsSession,
            queuePriority: settings.sessionPriority,
            signal: controller.signal,
            // jQuery decides success by status, and legacy code expects one request per call: no ky retries
            // (lock-timeout retries and expiry replays still happen) and no ky timeout (jQuery has `timeout`).
            throwHttpErrors: false,
            retry: 0,
            timeout: false,
          })
          .then(async (response) => {
            const responses = await readResponses(response, settings);
            finish(response.status, response.statusText, responses, headersString(response.headers));
          })
          .catch(fail);
      } catch (error) {
        // An invalid sessionMode or priority throws synchronously.
        fail(error);
      }
    },
    abort() {
      settled = true;
      controller.abort();
    },
  };
};
