import type { Input, Options as KyOptions } from 'ky';
import type { SessionRequestOptions } from '../core/options.js';
import type { ClientConfig } from './client-config.js';

/**
 * The ky options of a request to a session origin. Each key costs ky a step of its per-request merge, so only
 * what differs from ky's defaults is added. (Object.assign rather than a spread followed by more keys, which V8
 * runs on a slow path.)
 */
export const sessionOptions = (
  config: ClientConfig,
  options: KyOptions,
  fetch: KyOptions['fetch'],
  method: string,
): KyOptions => {
  const result: KyOptions = Object.assign({}, options, {
    credentials: 'include' as const,
    // The client bounds the whole request with its deadline; ky's per-attempt timeout would cut lock waits short.
    timeout: false as const,
    fetch,
  });
  if (config.request.noCache) result.cache = 'no-store';
  // Lock retries and replays happen inside the transport; ky's own retry rules stay as the app set them, except
  // that a method ky would never retry gets limit 0, which spares ky cloning the request body for nothing.
  if (!kyRetries(method, options.retry ?? config.kyOptions.retry)) result.retry = 0;
  return result;
};

/** See RequestState.callerCanAbort: ky's signal aborts only for these (its per-attempt timeout is off here). */
export const callerCanAbort = (input: Input, options: KyOptions, defaults: KyOptions): boolean =>
  input instanceof Request ||
  Boolean(options.signal || defaults.signal || options.hooks || defaults.hooks) ||
  typeof (options.totalTimeout ?? defaults.totalTimeout) === 'number';

/** The options ky should see. Most calls carry none of the session's own, and are passed on as they are. */
export const withoutSessionKeys = (options: SessionRequestOptions): KyOptions => {
  if (
    !('session' in options) &&
    !('rotatesSession' in options) &&
    !('endsSession' in options) &&
    !('queuePriority' in options)
  )
    return options;
  const { session, rotatesSession, endsSession, queuePriority, ...rest } = options;
  return rest;
};

const kyRetryMethods = new Set(['GET', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'QUERY']);

/** Whether ky's retry could ever retry this method (its default list, or the app's). */
const kyRetries = (method: string, retry: KyOptions['retry']): boolean => {
  const methods = typeof retry === 'object' ? retry.methods : undefined;
  return methods ? methods.some((name) => name.toUpperCase() === method) : kyRetryMethods.has(method);
};
