import type { RequestInfo, ResponseVerdict } from '../core/request-info.js';
import type { SessionClient } from '../core/session-client.js';
import { redactUrl } from './util.js';

/** One attempt of a request: when it was sent, and what came back and what the client made of it. */
export type LoggedAttempt = {
  /** When it was handed to fetch, ms since the epoch. */
  readonly at: number;
  /** The answer's status; none when the attempt got no answer (network error, aborted, stopped by an expiry). */
  readonly status?: number;
  /** What the client made of the answer: accepted, or sent again after a lock timeout, an expiry... */
  readonly verdict?: ResponseVerdict;
  /** How long the answer took, ms. */
  readonly ms?: number;
  /** The lock wait the server reported for this attempt, ms. */
  readonly lockWaitMs?: number;
  /** After a lock timeout: the wait before the next attempt, ms. */
  readonly retryInMs?: number;
};

/** A request as the log keeps it: the client's RequestInfo (URL redacted) and what its responses said. */
export type LoggedRequest = RequestInfo & {
  /** The server's profiler page (Symfony's `X-Debug-Token-Link`), only when it is an http(s) URL. */
  readonly profileUrl?: string;
  /** Every attempt, in order: the answer that came back expired, each lock timeout, the replay. */
  readonly tries: readonly LoggedAttempt[];
  /** Waiting in the browser right now (queue limit, rotation barrier, expiry hold), not sent. */
  readonly waiting: boolean;
  /** Why a SessionExpiredError was thrown: 'gave-up', 'no-handler' or 'replayed-once'. */
  readonly reason?: string;
};

export type RequestLogOptions = {
  /** Requests kept; the oldest are dropped first. @default 200 */
  capacity?: number;
  /**
   * The session cookie's name, redacted from URLs.
   * @default the client's with attachRequestLog, else 'PHPSESSID'
   */
  cookieName?: string;
};

/** What an event changes in a logged request. */
type Change = {
  edit?: (tries: LoggedAttempt[], last: LoggedAttempt | undefined) => void;
  profileUrl?: string | undefined;
  reason?: string;
  waiting?: boolean;
};

/** Called with the request that changed (undefined on clear) and the ids dropped from the log. */
export type RequestLogListener = (entry: LoggedRequest | undefined, dropped: readonly number[]) => void;

/** An absolute http(s) URL, or undefined: never a javascript: or data: URL. */
export const safeHttpUrl = (value: string | null | undefined): string | undefined => {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The last N requests of a client, by id, kept up to date by its events. Standalone (no DOM): the overlay, the
 * console's `debug()` and benchmarks use it.
 */
export class RequestLog {
  readonly capacity: number;
  readonly #cookieName: string;
  readonly #entries = new Map<number, LoggedRequest>();
  readonly #listeners = new Set<RequestLogListener>();
  readonly #detach = new Set<() => void>();

  constructor(options: RequestLogOptions = {}) {
    this.capacity = Math.max(1, Math.floor(options.capacity ?? 200));
    this.#cookieName = options.cookieName ?? 'PHPSESSID';
  }

  /** Listens to the client's request events; returns the function that stops it. */
  attach(client: SessionClient): () => void {
    const off = [
      client.on('request:queued', ({ request }) => this.#change(request, { waiting: true })),
      client.on('request:start', ({ request }) =>
        this.#change(request, {
          waiting: false,
          // Requests outside the session machinery start once, with no attempt counted.
          edit: (tries) => {
            tries[Math.min(tries.length, Math.max(1, request.attempts) - 1)] = { at: Date.now() };
          },
        }),
      ),
      client.on('request:response', ({ request, response, verdict }) =>
        this.#change(request, {
          profileUrl: safeHttpUrl(response.headers.get('x-debug-token-link')),
          edit: (tries, last) => {
            if (!last) return;
            tries[tries.length - 1] = {
              ...last,
              status: response.status,
              verdict,
              ms: Date.now() - last.at,
              ...(request.lockWaitMs === undefined ? {} : { lockWaitMs: request.lockWaitMs }),
            };
          },
        }),
      ),
      client.on('lock:retry', ({ request, delayMs }) =>
        this.#change(request, {
          edit: (tries, last) => {
            if (last) tries[tries.length - 1] = { ...last, retryInMs: delayMs };
          },
        }),
      ),
      client.on('request:end', ({ request, error }) => {
        const reason = (error as { reason?: unknown } | undefined)?.reason;
        this.#change(request, typeof reason === 'string' ? { reason } : {});
      }),
    ];
    const detach = () => {
      this.#detach.delete(detach);
      for (const unsubscribe of off) unsubscribe();
    };
    this.#detach.add(detach);
    return detach;
  }

  /** Stops listening to every client it was attached to. */
  detach(): void {
    for (const detach of [...this.#detach]) detach();
  }

  /** Adds or updates a request (its attempts so far are kept). */
  record(request: RequestInfo, profileUrl?: string): void {
    this.#change(request, profileUrl ? { profileUrl } : {});
  }

  /** Updates a request; `edit` changes a copy of its attempts (the last one is passed along). */
  #change(request: RequestInfo, change: Change): void {
    const previous = this.#entries.get(request.id);
    const link = change.profileUrl ?? previous?.profileUrl;
    const tries = [...(previous?.tries ?? [])];
    change.edit?.(tries, tries[tries.length - 1]);
    const reason = change.reason ?? previous?.reason;
    const entry: LoggedRequest = Object.freeze({
      ...request,
      url: redactUrl(request.url, [this.#cookieName]),
      ...(link ? { profileUrl: link } : {}),
      tries: Object.freeze(tries),
      waiting: request.endedAt === undefined && (change.waiting ?? previous?.waiting ?? false),
      ...(reason ? { reason } : {}),
    });
    this.#entries.set(request.id, entry);
    const dropped: number[] = [];
    for (const id of this.#entries.keys()) {
      if (this.#entries.size <= this.capacity) break;
      this.#entries.delete(id);
      dropped.push(id);
    }
    this.#notify(entry, dropped);
  }

  get(id: number): LoggedRequest | undefined {
    return this.#entries.get(id);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The requests, newest first. */
  entries(): LoggedRequest[] {
    return [...this.#entries.values()].reverse();
  }

  clear(): void {
    const dropped = [...this.#entries.keys()];
    this.#entries.clear();
    this.#notify(undefined, dropped);
  }

  onChange(listener: RequestLogListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #notify(entry: LoggedRequest | undefined, dropped: readonly number[]): void {
    for (const listener of [...this.#listeners]) listener(entry, dropped);
  }
}

// Shared through the global object so that two copies of the library (a bundle and the script-tag build) agree.
const registryKey = Symbol.for('session-fetch:request-logs');
const registry = (): WeakMap<object, RequestLog> => {
  const global = globalThis as { [registryKey]?: WeakMap<object, RequestLog> };
  global[registryKey] ??= new WeakMap();
  return global[registryKey];
};

/** The RequestLog attached to this client, if any. */
export const requestLogOf = (client: SessionClient): RequestLog | undefined => registry().get(client);

/**
 * Attaches a RequestLog to the client (or returns the one already attached), so the overlay and `debug()` can
 * show its requests.
 */
export const attachRequestLog = (client: SessionClient, options?: RequestLogOptions): RequestLog => {
  let log = requestLogOf(client);
  if (!log) {
    log = new RequestLog({ ...options, cookieName: options?.cookieName ?? client.options.cookieName });
    log.attach(client);
    registry().set(client, log);
  }
  return log;
};

/** Detaches the client's RequestLog, if any, and forgets it. */
export const detachRequestLog = (client: SessionClient): void => {
  requestLogOf(client)?.detach();
  registry().delete(client);
};
