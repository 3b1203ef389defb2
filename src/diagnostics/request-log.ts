import type { SessionClient } from '../core/create-session-client.js';
import type { RequestInfo } from '../core/request-info.js';
import { redactUrl } from './util.js';

/** A request as the log keeps it: the client's RequestInfo (URL redacted) and what its response said. */
export type LoggedRequest = RequestInfo & {
  /** The server's profiler page (Symfony's `X-Debug-Token-Link`), only when it is an http(s) URL. */
  readonly profileUrl?: string;
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
    const update = ({ request }: { request: RequestInfo }) => this.record(request);
    const off = [
      client.on('request:queued', update),
      client.on('request:start', update),
      client.on('request:end', update),
      client.on('request:response', ({ request, response }) =>
        this.record(request, safeHttpUrl(response.headers.get('x-debug-token-link'))),
      ),
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

  /** Adds or updates a request. */
  record(request: RequestInfo, profileUrl?: string): void {
    const previous = this.#entries.get(request.id);
    const link = profileUrl ?? previous?.profileUrl;
    const entry: LoggedRequest = Object.freeze({
      ...request,
      url: redactUrl(request.url, [this.#cookieName]),
      ...(link ? { profileUrl: link } : {}),
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
