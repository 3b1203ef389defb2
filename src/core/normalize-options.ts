import * as z from 'zod/mini';
import { SessionOptionsError } from '../errors/SessionOptionsError.js';
import type { NormalizedSessionOptions, SessionOptions } from './options.js';

const fn = z.custom<(...args: never[]) => unknown>(
  (value) => typeof value === 'function',
  'must be a function',
);
const ms = (what = 'a number of milliseconds') =>
  z
    .number(`must be ${what}`)
    .check(z.gte(0, `must be ${what}, 0 or more`), z.lte(2_147_483_647, 'must be at most 2147483647 ms'));
const whole = (min: number, max: number, what: string) =>
  z
    .int(`must be ${what}: a whole number from ${min} to ${max}`)
    .check(
      z.gte(min, `must be ${what}: a whole number from ${min} to ${max}`),
      z.lte(max, `must be ${what}: a whole number from ${min} to ${max}`),
    );
const bool = z.boolean('must be true or false');
const token = /^[!#$%&'*+.^`|~\w-]+$/;
const headerName = z.string('must be a header name').check(z.regex(token, 'must be an HTTP header name'));
const originString = z.string('must be an origin string').check(
  z.refine((value) => {
    try {
      return new URL(value).origin === value.replace(/\/$/, '');
    } catch {
      return false;
    }
  }, 'must be an origin like https://api.example.com (scheme, host and port, no path)'),
);

const schema = z.looseObject({
  origins: z.optional(
    z.array(
      z.union(
        [originString, z.strictObject({ origin: originString, noCacheHeaders: z.optional(bool) })],
        'must be an origin string or { origin, noCacheHeaders }',
      ),
      'must be an array of origins',
    ),
  ),
  pageOrigin: z.optional(originString),
  cookieName: z.optional(z.string('must be a cookie name').check(z.regex(token, 'must be a cookie name'))),
  protocol: z.optional(
    z.strictObject(
      {
        fingerprint: z.optional(headerName),
        expired: z.optional(headerName),
        lock: z.optional(headerName),
        ttl: z.optional(headerName),
        lockWait: z.optional(headerName),
      },
      'must be an object of header names',
    ),
  ),
  expiredStatuses: z.optional(
    z.array(whole(100, 599, 'an HTTP status'), 'must be an array of HTTP statuses'),
  ),
  loginUrl: z.optional(
    z.union([z.instanceof(RegExp), fn], 'must be a RegExp or a function (url: URL) => boolean'),
  ),
  isExpired: z.optional(fn),
  onExpired: z.optional(fn),
  concurrency: z.optional(
    z.union(
      [
        z.literal('adaptive'),
        whole(1, 64, 'a fixed limit'),
        z.strictObject({
          initial: z.optional(whole(1, 64, 'a limit')),
          min: z.optional(whole(1, 64, 'a limit')),
          max: z.optional(whole(1, 64, 'a limit')),
          lockWaitThreshold: z.optional(ms()),
        }),
      ],
      "must be 'adaptive', a whole number from 1 to 64, or { initial, min, max, lockWaitThreshold }",
    ),
  ),
  lockRetry: z.optional(
    z.strictObject(
      {
        limit: z.optional(whole(0, 1000, 'a retry count')),
        baseDelay: z.optional(ms()),
        maxDelay: z.optional(ms()),
        maxRetryAfter: z.optional(ms()),
      },
      'must be an object { limit, baseDelay, maxDelay, maxRetryAfter }',
    ),
  ),
  lockHandoffDelay: z.optional(ms()),
  deadline: z.optional(ms().check(z.gt(0, 'must be a number of milliseconds above 0'))),
  noCache: z.optional(bool),
  cacheBust: z.optional(bool),
  accept: z.optional(z.union([z.string(), z.literal(false)], 'must be a media type string or false')),
  sessionLifetime: z.optional(ms()),
  defaultMode: z.optional(z.enum(['write', 'read', 'none'], "must be 'write', 'read' or 'none'")),
});

const describe = (value: unknown): string => {
  if (typeof value === 'function') return 'a function';
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return String(value);
  }
};

const pick = (input: unknown, path: ReadonlyArray<PropertyKey>): unknown =>
  path.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown> | undefined)?.[key], input);

/** Validates the session options; throws one SessionOptionsError naming the first bad option. */
export const validateSessionOptions = (input: unknown): SessionOptions => {
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    throw new SessionOptionsError('options', `must be an object, got ${describe(input)}`);
  }
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data as SessionOptions;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String).join('.') || 'options';
  const key =
    issue.code === 'unrecognized_keys' ? `${path === 'options' ? '' : `${path}.`}${issue.keys[0]}` : path;
  const message =
    issue.code === 'unrecognized_keys'
      ? 'is not an option'
      : `${issue.message} (got ${describe(pick(input, issue.path))})`;
  throw new SessionOptionsError(key, message);
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
          max: adaptive.max ?? 4,
          lockWaitThreshold: adaptive.lockWaitThreshold ?? 10,
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
      lock: raw.protocol?.lock ?? 'X-Session-Lock',
      ttl: raw.protocol?.ttl ?? 'X-Session-Ttl',
      lockWait: raw.protocol?.lockWait ?? 'X-Session-Lock-Wait',
    },
    expiredStatuses: new Set(raw.expiredStatuses ?? [401, 419, 440]),
    loginUrl: loginUrl instanceof RegExp ? (url) => loginUrl.test(url.pathname) : loginUrl,
    isExpired: raw.isExpired,
    onExpired: raw.onExpired,
    concurrency: normalizedConcurrency,
    lockRetry: {
      limit: raw.lockRetry?.limit ?? 5,
      baseDelay: raw.lockRetry?.baseDelay ?? 100,
      maxDelay: raw.lockRetry?.maxDelay ?? 3000,
      maxRetryAfter: raw.lockRetry?.maxRetryAfter ?? 10_000,
    },
    lockHandoffDelay: raw.lockHandoffDelay ?? 30,
    deadline: raw.deadline ?? 60_000,
    noCache: raw.noCache ?? true,
    cacheBust: raw.cacheBust ?? false,
    accept: raw.accept ?? 'application/json',
    sessionLifetime: raw.sessionLifetime,
    defaultMode: raw.defaultMode ?? 'write',
  };
};
