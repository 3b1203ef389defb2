import type { RequestInfo, ResponseVerdict } from './request-info.js';
import type { SessionState } from './session-state.js';

/** Events about the session. */
export type SessionEvent = {
  session: SessionState;
  previous: SessionState;
  /** The request whose response showed the change, when there was one. */
  request: RequestInfo | undefined;
};

/** Events about one request. */
export type RequestEvent = {
  request: RequestInfo;
  session: SessionState;
};

/** Sent when the server keeps handing out a new session id: the session is not being resumed. */
export type NotResumedEvent = {
  session: SessionState;
  /** The request whose response brought the last new id, when there was one. */
  request: RequestInfo | undefined;
  /** How many responses in a row carried a new id. */
  newIdsInARow: number;
  /** What is wrong and how to fix it, in one sentence. */
  message: string;
};

/** Every event the client emits, by name. Each listener receives one state object. */
export type SessionFetchEvents = {
  /** A first session id was seen (or a new session after expiry). */
  'session:start': SessionEvent;
  /** The id changed and the session is still valid (session_regenerate_id). */
  'session:rotate': SessionEvent;
  /** The server no longer accepts the session. */
  'session:expire': SessionEvent;
  /** A logout ended the session (`endsSession`, `X-Session-End`, or the session cookie deleted): not an expiry. */
  'session:end': SessionEvent;
  /** `onExpired` resolved 'resume': held requests are being sent. */
  'session:resume': SessionEvent;
  /** `onExpired` resolved 'give-up' (or threw): held requests reject. */
  'session:give-up': SessionEvent;
  'session:not-resumed': NotResumedEvent;
  /**
   * The session will expire in `remainingMs` unless something touches it (`expiryWarning` before the time known
   * from `X-Session-Ttl` or `sessionLifetime`): time to warn the user.
   */
  'session:expiring': { session: SessionState; expiresAt: number; remainingMs: number };
  /** This tab became (or stopped being) the one that runs the keepalive for every tab of the origin. */
  'tabs:leader': { leader: boolean; session: SessionState };
  /** The server reported the request waited for the session lock longer than `lockWaitThreshold`. */
  'lock:wait': RequestEvent & { lockWaitMs: number };
  /**
   * The server answered with a lock timeout; the request will be sent again after `delayMs`, or, when
   * `afterOwnWrite` (another write of this client held the lock), as soon as that write answers.
   */
  'lock:retry': RequestEvent & { delayMs: number; attempt: number; afterOwnWrite: boolean };
  /** The request waits in the browser (queue limit, rotation barrier, or expiry hold). */
  'request:queued': RequestEvent;
  /** An attempt of the request was handed to fetch. */
  'request:start': RequestEvent;
  /**
   * A response arrived (one per attempt), with what the client made of it: `verdict` says whether it was
   * accepted or will be retried (lock timeout, refused CSRF token, stale id) or held (expired). `response` is a
   * clone the listener may read; it is only made when somebody listens (the debug overlay and diagnostics do).
   */
  'request:response': RequestEvent & { response: Response; verdict: ResponseVerdict };
  /** The request settled: `request.outcome` is 'ok' or the error's name, and `error` the error. */
  'request:end': RequestEvent & { error: unknown };
};

export type SessionFetchEventName = keyof SessionFetchEvents;

/** What follows `session:` in the names of the events that carry a SessionEvent: 'start', 'rotate', ... */
export type SessionEventKind = {
  [Name in SessionFetchEventName]: SessionFetchEvents[Name] extends SessionEvent
    ? Name extends `session:${infer Kind}`
      ? Kind
      : never
    : never;
}[SessionFetchEventName];

/** Every SessionEvent kind, in lifecycle order: listen to `session:${kind}` for each. */
export const sessionEventKinds = [
  'start',
  'rotate',
  'expire',
  'end',
  'resume',
  'give-up',
] as const satisfies readonly SessionEventKind[];

// The other direction: a SessionEvent added to SessionFetchEvents and missing above fails to compile here.
true satisfies SessionEventKind extends (typeof sessionEventKinds)[number] ? true : false;

export type Listener<Name extends SessionFetchEventName> = (event: SessionFetchEvents[Name]) => void;

/** A small typed emitter. A throwing listener is reported and does not break the client. */
export class Emitter {
  readonly #listeners = new Map<string, Set<(event: never) => void>>();

  on<Name extends SessionFetchEventName>(name: Name, listener: Listener<Name>): () => void {
    let set = this.#listeners.get(name);
    if (!set) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener as (event: never) => void);
    return () => {
      set.delete(listener as (event: never) => void);
    };
  }

  /** Whether anybody listens: lets the hot path skip building event objects. */
  has(name: SessionFetchEventName): boolean {
    return (this.#listeners.get(name)?.size ?? 0) > 0;
  }

  emit<Name extends SessionFetchEventName>(name: Name, event: SessionFetchEvents[Name]): void {
    const set = this.#listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Name>)(event);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
