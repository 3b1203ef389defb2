import ky, { type Input, type Options as KyOptions } from 'ky';
import {
  normalizeRequestSettings,
  normalizeSessionOptions,
  validateSessionOptions,
} from '../core/normalize-options.js';
import { sessionOptionKeys, sessionWideKeys } from '../core/option-keys.js';
import type { SessionClientOptions, SessionOptions, SessionRequestOptions } from '../core/options.js';
import type { SessionClient } from '../core/session-client.js';
import { warnWithoutOrigin } from '../core/warn-no-origin.js';
import { SessionOptionsError } from '../errors/SessionOptionsError.js';
import { UnexpectedBodyError } from '../errors/UnexpectedBodyError.js';
import type { ClientConfig } from './client-config.js';
import { sendRequest } from './send-request.js';
import { SessionRuntime } from './session-runtime.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head';

const splitOptions = (options: SessionClientOptions): { session: SessionOptions; ky: KyOptions } => {
  const session: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    ((sessionOptionKeys as readonly string[]).includes(key) ? session : rest)[key] = value;
  }
  return { session: session as SessionOptions, ky: rest as KyOptions };
};

/**
 * Creates a session-aware client on ky: cookies only to the page's origin and allowed origins, no caching,
 * session id tracking, expiry hold-and-replay, and a queue that keeps requests from piling up on PHP's session lock.
 * CSRF tokens and the lifecycle (expiry warning, keepalive, wake checks) are features the app imports and passes
 * in `features`, so that an app that does not use them does not bundle them.
 *
 * @example
 * ```ts
 * const api = createSessionClient({
 *   prefix: '/api',
 *   onExpired: async () => ((await showLoginDialog()) ? 'resume' : 'give-up'),
 * });
 * const user = await api.get('me').json();
 * await api.post('login', { json: credentials, rotatesSession: true });
 *
 * // With CSRF tokens and a keepalive:
 * import { csrf } from 'session-fetch/csrf';
 * import { lifecycle } from 'session-fetch/lifecycle';
 * const app = createSessionClient({
 *   features: [csrf({ refreshUrl: '/csrf.php' }), lifecycle({ heartbeat: '/keepalive.php' })],
 * });
 * ```
 */
export const createSessionClient = (options: SessionClientOptions = {}): SessionClient => {
  const raw = validateSessionOptions(options);
  const { session, ky: kyOptions } = splitOptions(raw as SessionClientOptions);
  // Tabs share the browser's cookie jar; a client with its own fetch (a mock, a node cookie jar) may not.
  const sessionWide = session.tabs === undefined && kyOptions.fetch ? { ...session, tabs: false } : session;
  const normalized = normalizeSessionOptions(sessionWide);
  warnWithoutOrigin(normalized);
  const runtime = new SessionRuntime(normalized, kyOptions.fetch as typeof fetch);
  const client = buildClient(runtime, session, kyOptions);
  runtime.setUp(session.features ?? [], (url, options) => client.request(url, options));
  return client;
};

const buildClient = (runtime: SessionRuntime, raw: SessionOptions, kyOptions: KyOptions): SessionClient => {
  // The session's settings are the runtime's; only these can differ between a client and its extensions.
  const request = normalizeRequestSettings(raw);
  // The app's fetch is called by the session transport (or passed per request for other origins): left out of
  // the instance, it is not merged into every request only to be replaced.
  const { fetch: _appFetch, ...instanceOptions } = kyOptions;
  const instance = ky.create({ parseJson: parseJsonClearly, ...instanceOptions });
  const config: ClientConfig = { runtime, ky: instance, kyOptions, request };
  const send = (method: Method) => (input: Input, options?: SessionRequestOptions) =>
    sendRequest(config, input, options ? Object.assign({}, options, { method }) : { method });
  const { store, emitter, queue } = runtime;

  return {
    request: (input, options) => sendRequest(config, input, options ?? {}),
    get: send('get'),
    post: send('post'),
    put: send('put'),
    patch: send('patch'),
    delete: send('delete'),
    head: send('head'),
    get session() {
      return store.state;
    },
    getSnapshot: () => store.state,
    subscribe: (listener) => store.subscribe(listener),
    on: (name, listener) => emitter.on(name, listener),
    simulate: (fault) => {
      if (fault !== 'expire' && fault !== 'rotate' && fault !== 'lock-timeout') {
        throw new SessionOptionsError(
          'fault',
          `must be 'expire', 'rotate' or 'lock-timeout' (got ${String(fault)})`,
        );
      }
      runtime.faults.push(fault);
    },
    options: Object.freeze({
      pageOrigin: runtime.options.pageOrigin,
      origins: runtime.options.origins,
      protocol: runtime.options.protocol,
      cookieName: runtime.options.cookieName,
      expiredStatuses: runtime.options.expiredStatuses,
      loginUrl: runtime.options.loginUrl,
      deadline: request.deadline,
      features: runtime.features,
    }),
    get stats() {
      return { queued: queue.size, inFlight: queue.inFlight, limit: queue.limit.current };
    },
    extend: (options) => {
      const validated = validateSessionOptions(options);
      for (const key of sessionWideKeys) {
        if (key in validated) {
          throw new SessionOptionsError(
            key,
            'belongs to the session shared by a client and the clients extended from it, so extend() cannot change it; create a separate client with createSessionClient() instead',
          );
        }
      }
      const split = splitOptions(validated as SessionClientOptions);
      return buildClient(
        runtime,
        { ...raw, ...split.session, lockRetry: { ...raw.lockRetry, ...split.session.lockRetry } },
        mergeKyOptions(kyOptions, split.ky),
      );
    },
    dispose: () => runtime.dispose(),
  };
};

const parseJsonClearly = (text: string, { request }: { request: Request }): unknown => {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new UnexpectedBodyError(request, text, { cause });
  }
};

/**
 * The ky options of an extended client: ky's own merge, as ky.extend() does it (a header set to undefined is
 * removed, searchParams and hooks add up, context merges shallowly, signals combine), read back from the
 * instance ky builds. Runs once per extend(), never per request.
 */
const mergeKyOptions = (parent: KyOptions, child: KyOptions): KyOptions => {
  let merged: KyOptions = {};
  ky.create(parent)
    .extend(child)
    .extend((defaults) => {
      merged = defaults;
      return {};
    });
  return merged;
};
