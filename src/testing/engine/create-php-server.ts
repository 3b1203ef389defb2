import { createControllableClock, sleep } from './clock.js';
import { createCookieJarFetch } from './cookie-jar-fetch.js';
import { parseCookieHeader, resolveCookieOptions } from './cookies.js';
import { applyCors, preflightResponse } from './cors.js';
import { cacheKey, ResponseCache, requestFaults } from './faults.js';
import { fingerprint, knownFingerprint } from './fingerprint.js';
import type { PhpLogEntry, PhpServer, PhpServerOptions, ResolvedPhpServerOptions } from './options.js';
import { createPhp } from './php-script.js';
import { LockTimeoutAbort, PhpSession } from './php-session.js';
import { decideProtocol, isAjaxRequest, type ProtocolVerdict } from './protocol-decision.js';
import { withHeaders } from './response-headers.js';
import { Router } from './router.js';
import { jsonResponse, lockTimeoutResponse, type ScriptOutput, scriptResponse } from './script-response.js';
import { SessionLocks } from './session-lock.js';
import { SessionStore } from './session-store.js';

/** A PHP-style session server. Add routes with `route()`; call it with `handle(request)` or `fetch`. */
export function createPhpServer(options: PhpServerOptions = {}): PhpServer {
  const clock = createControllableClock(options.clock);
  const resolved: ResolvedPhpServerOptions = {
    cookie: resolveCookieOptions(options.cookie),
    strictMode: options.strictMode ?? false,
    lockWaitTimeoutMs: options.lockWaitTimeoutMs ?? null,
    gcMaxLifetimeMs: options.gcMaxLifetimeMs ?? 1_440_000,
    protocol: options.protocol ?? true,
    cors: options.cors,
    baseUrl: options.baseUrl ?? 'http://localhost:3000',
  };
  const logLimit = options.logLimit ?? 10_000;
  const store = new SessionStore(clock, resolved.gcMaxLifetimeMs);
  const locks = new SessionLocks();
  const router = new Router();
  const cache = new ResponseCache();
  const log: PhpLogEntry[] = [];
  let seq = 0;

  /** Answers the request: preflight, cache replay (`entry.replayed`), 404, or the route's script. */
  async function run(request: Request, entry: PhpLogEntry): Promise<Response> {
    const url = new URL(request.url);
    const preflight = preflightResponse(request, resolved.cors);
    if (preflight) return preflight;
    const faults = requestFaults(request, url, server.faults);
    const cached = faults.cachedResponse ? cache.replay(cacheKey(request.method, url)) : null;
    if (cached) {
      entry.replayed = true;
      return cached;
    }
    const match = router.match(request.method, url.pathname);
    if (!match) return jsonResponse({ message: 'Not Found' }, 404);
    const outputFirst = faults.warningBeforeBody;
    const cookies = parseCookieHeader(request.headers.get('Cookie'));
    const headersSent = () => outputFirst;
    const output: ScriptOutput = { status: 200, headers: new Headers(), cookies: [] };
    const session = new PhpSession(
      { store, locks, ...resolved },
      cookies.get(resolved.cookie.name),
      headersSent,
      output.cookies,
      isAjaxRequest(request),
    );
    const php = createPhp(request, match.params, cookies, session, resolved.cookie, headersSent, output);
    let result: unknown;
    let verdict: ProtocolVerdict | null = null;
    try {
      entry.executed = true;
      result = await match.script(php);
      // The headers go out: the helper decides with the final session, before it is written.
      if (session.protocol && !outputFirst)
        verdict = decideProtocol(session, output.cookies, resolved.cookie);
    } catch (error) {
      if (!(error instanceof LockTimeoutAbort)) throw error;
      entry.executed = false;
      return lockTimeoutResponse(session);
    } finally {
      session.finish();
      entry.lockTimeout = session.lockTimeout;
      entry.lockWaitMs = session.lockWaitMs;
      entry.fp = session.usedIds[0] ? knownFingerprint(session.usedIds[0]) : null;
      entry.fpAfter = session.id ? knownFingerprint(session.id) : null;
    }
    const response = await scriptResponse(result, output, session, store, verdict, outputFirst);
    return faults.cachedResponse ? withHeaders(response, (headers) => headers.set('Age', '120')) : response;
  }

  async function handle(request: Request): Promise<Response> {
    const latency = typeof options.latencyMs === 'function' ? options.latencyMs() : (options.latencyMs ?? 0);
    if (latency > 0) await sleep(latency);
    const url = new URL(request.url);
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const entry: PhpLogEntry = {
      seq: ++seq,
      method: request.method,
      path: url.pathname,
      fp: null,
      fpAfter: null,
      executed: false,
      lockTimeout: false,
      lockWaitMs: 0,
      startedAt: clock.now(),
      endedAt: 0,
      status: 0,
      ...(hasBody ? { bodyText: await request.clone().text() } : {}),
    };
    log.push(entry);
    if (log.length > logLimit) log.splice(0, log.length - logLimit);
    let response: Response;
    try {
      response = await run(request, entry);
    } catch (error) {
      const html = `<br />\n<b>Fatal error</b>:  ${String(error)}`;
      response = new Response(html, { status: 500, headers: { 'Content-Type': 'text/html; charset=UTF-8' } });
    }
    const faults = requestFaults(request, url, server.faults);
    response = await withHeaders(response, (headers) => {
      if (!entry.replayed) headers.set('Date', new Date(clock.now()).toUTCString());
      applyCors(request, headers, resolved.cors);
      if (faults.dropSetCookie) headers.delete('Set-Cookie');
    });
    if (!entry.replayed && entry.executed) await cache.remember(cacheKey(request.method, url), response);
    entry.status = response.status;
    entry.endedAt = clock.now();
    return response;
  }

  const server: PhpServer = {
    handle,
    route(method, path, script) {
      router.add(method, path, script);
      return server;
    },
    fetch: undefined as never,
    clock,
    faults: { ...options.faults },
    log,
    options: resolved,
    sessions: () =>
      store.list().map((record) => ({
        id: record.id,
        fp: knownFingerprint(record.id) ?? '',
        data: JSON.parse(record.data) as Record<string, unknown>,
      })),
    async createSession(data = {}) {
      const id = store.createId();
      // As the helper would have kept it: marked, so an empty seeded session is a session too.
      store.writeById(id, JSON.stringify(data), true);
      return { id, fp: await fingerprint(id), data };
    },
    expireAll: () => store.clear(),
    reset() {
      store.clear();
      cache.clear();
      log.length = 0;
      seq = 0;
      server.fetch.jar.clear();
    },
  };
  Object.defineProperty(server, 'fetch', {
    value: createCookieJarFetch(server, { baseUrl: resolved.baseUrl }),
  });
  return server;
}
