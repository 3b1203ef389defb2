import { SessionOptionsError } from '../errors/SessionOptionsError.js';
import { development, fail } from './option-checks.js';
import { checkOptionNames } from './option-names.js';
import type { NormalizedSessionOptions, SessionOptions } from './options.js';
import { sessionValueChecks } from './session-options-schema.js';

/** `concurrency.lockWaitThreshold`'s default, ms: a lock wait the helper reports below it is noise. */
export const defaultLockWaitThreshold = 10;

/**
 * Validates the session options; throws one SessionOptionsError naming the first bad option. The names and the
 * features are checked in every build; the values in development only (see option-checks.ts).
 */
export const validateSessionOptions = (input: unknown): SessionOptions => {
  if (input === undefined) return {};
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return fail('options', 'must be an object', input);
  checkOptionNames(
    input,
    development(() => (process.env.NODE_ENV !== 'production' ? sessionValueChecks() : undefined)),
  );
  return input as SessionOptions;
};

const defaultLoginUrl = /\/(login|signin|sign-in|auth)\b|wp-login\.php/i;

/** Fills every session option with its default. */
export const normalizeSessionOptions = (
  raw: SessionOptions,
  pageOrigin = globalThis.location?.origin,
): NormalizedSessionOptions => {
  const origins = new Map<string, { noCacheHeaders: boolean }>();
  for (const entry of raw.origins ?? []) {
    const { origin, noCacheHeaders = false } = typeof entry === 'string' ? { origin: entry } : entry;
    origins.set(new URL(origin).origin, { noCacheHeaders });
  }
  const page = raw.pageOrigin ?? (pageOrigin && pageOrigin !== 'null' ? pageOrigin : undefined);
  if (page && !origins.has(page)) origins.set(page, { noCacheHeaders: true });

  const loginUrl = raw.loginUrl ?? defaultLoginUrl;
  const concurrency = raw.concurrency ?? 'adaptive';
  const adaptive = typeof concurrency === 'object' ? concurrency : {};
  const normalizedConcurrency: NormalizedSessionOptions['concurrency'] =
    typeof concurrency === 'number'
      ? { fixed: concurrency }
      : {
          initial: adaptive.initial ?? 2,
          min: adaptive.min ?? 1,
          max: adaptive.max ?? 8,
          lockWaitThreshold: adaptive.lockWaitThreshold ?? defaultLockWaitThreshold,
        };
  if ('min' in normalizedConcurrency && normalizedConcurrency.min > normalizedConcurrency.max) {
    throw new SessionOptionsError(
      'concurrency.min',
      `must not be above concurrency.max (${normalizedConcurrency.max})`,
    );
  }

  return {
    origins,
    pageOrigin: page,
    cookieName: raw.cookieName ?? 'PHPSESSID',
    protocol: {
      fingerprint: raw.protocol?.fingerprint ?? 'X-Session-Fp',
      expired: raw.protocol?.expired ?? 'X-Session-Expired',
      ended: raw.protocol?.ended ?? 'X-Session-End',
      lock: raw.protocol?.lock ?? 'X-Session-Lock',
      ttl: raw.protocol?.ttl ?? 'X-Session-Ttl',
      lockWait: raw.protocol?.lockWait ?? 'X-Session-Lock-Wait',
    },
    expiredStatuses: new Set(raw.expiredStatuses ?? [401, 419, 440]),
    loginUrl: loginUrl instanceof RegExp ? (url) => loginUrl.test(url.pathname) : loginUrl,
    isExpired: raw.isExpired,
    onExpired: raw.onExpired,
    concurrency: normalizedConcurrency,
    ...normalizeRequestSettings(raw),
    lockHandoffDelay: raw.lockHandoffDelay ?? 30,
    sessionLifetime: raw.sessionLifetime,
    tabs: normalizeTabs(raw.tabs, page, raw.cookieName ?? 'PHPSESSID'),
  };
};

/** The settings a client applies per request, with their defaults: the ones extend() may change. */
export const normalizeRequestSettings = (
  raw: SessionOptions,
): Pick<
  NormalizedSessionOptions,
  'lockRetry' | 'deadline' | 'noCache' | 'cacheBust' | 'accept' | 'defaultMode'
> => ({
  lockRetry: {
    limit: raw.lockRetry?.limit ?? 5,
    baseDelay: raw.lockRetry?.baseDelay ?? 100,
    maxDelay: raw.lockRetry?.maxDelay ?? 3000,
    maxRetryAfter: raw.lockRetry?.maxRetryAfter ?? 10_000,
  },
  deadline: raw.deadline ?? 60_000,
  noCache: raw.noCache ?? true,
  cacheBust: raw.cacheBust ?? false,
  accept: raw.accept ?? 'application/json',
  defaultMode: raw.defaultMode ?? 'write',
});

const normalizeTabs = (
  tabs: SessionOptions['tabs'],
  page: string | undefined,
  cookieName: string,
): NormalizedSessionOptions['tabs'] => {
  const inPage = typeof document !== 'undefined' && typeof window !== 'undefined';
  if (tabs === false || (tabs === undefined && !inPage)) return undefined;
  const given = typeof tabs === 'object' ? tabs : {};
  return {
    sync: given.sync ?? true,
    writeLock: given.writeLock ?? true,
    writeLockTimeout: given.writeLockTimeout ?? 10_000,
    name: given.name ?? `session-fetch:${page ?? 'null'}:${cookieName}`,
  };
};
