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

const url = z.string('must be a URL string').check(
  z.refine((value) => {
    try {
      return value.trim() !== '' && Boolean(new URL(value, 'http://localhost'));
    } catch {
      return false;
    }
  }, 'must be a URL (absolute, or relative to the page origin)'),
);
const nameOrOff = (what: string) =>
  z.union([z.string().check(z.regex(token)), z.literal(false)], `must be ${what} or false`);
const methodList = z.array(
  z.string('must be an HTTP method').check(z.regex(token, 'must be an HTTP method')),
  'must be an array of HTTP methods',
);

const csrfSchema = z.union(
  [
    bool,
    z.strictObject({
      meta: z.optional(nameOrOff('a meta name')),
      cookie: z.optional(nameOrOff('a cookie name')),
      responseHeader: z.optional(nameOrOff('a header name')),
      header: z.optional(headerName),
      refreshUrl: z.optional(url),
      safeMethods: z.optional(methodList),
      statuses: z.optional(z.array(whole(100, 599, 'an HTTP status'), 'must be an array of HTTP statuses')),
    }),
  ],
  'must be true, false or { meta, cookie, responseHeader, header, refreshUrl, safeMethods, statuses }',
);

const heartbeatSchema = z.union(
  [
    url,
    z.strictObject({
      url,
      method: z.optional(z.enum(['POST', 'GET', 'PUT', 'PATCH'], "must be 'POST', 'GET', 'PUT' or 'PATCH'")),
      interval: z.optional(ms().check(z.gte(1000, 'must be at least 1000 ms'))),
      idleTimeout: z.optional(ms()),
    }),
  ],
  'must be a URL string or { url, method, interval, idleTimeout }',
);

const tabsSchema = z.union(
  [
    bool,
    z.strictObject({
      sync: z.optional(bool),
      writeLock: z.optional(bool),
      writeLockTimeout: z.optional(ms()),
      name: z.optional(z.string('must be a string').check(z.minLength(1, 'must not be empty'))),
    }),
  ],
  'must be true, false or { sync, writeLock, writeLockTimeout, name }',
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
  csrf: z.optional(csrfSchema),
  expiryWarning: z.optional(ms()),
  verifyUrl: z.optional(url),
  heartbeat: z.optional(heartbeatSchema),
  wakeThreshold: z.optional(ms().check(z.gte(1000, 'must be at least 1000 ms'))),
  tabs: z.optional(tabsSchema),
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

type Issue = z.core.$ZodIssue;

/** For a value that is one of a union's objects but has a bad field, the field's issue names it better. */
const nested = (issue: Issue): Issue => {
  if (issue.code !== 'invalid_union') return issue;
  const inner = issue.errors.map((branch) => branch[0]).find((first) => first && first.path.length > 0);
  return inner ? { ...inner, path: [...issue.path, ...inner.path] } : issue;
};

/** Validates the session options; throws one SessionOptionsError naming the first bad option. */
export const validateSessionOptions = (input: unknown): SessionOptions => {
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    throw new SessionOptionsError('options', `must be an object, got ${describe(input)}`);
  }
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data as SessionOptions;
  const issue = nested(result.error.issues[0]!);
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
    csrf: normalizeCsrf(raw.csrf),
    expiryWarning: raw.expiryWarning ?? 60_000,
    verifyUrl: raw.verifyUrl,
    heartbeat: normalizeHeartbeat(raw.heartbeat),
    wakeThreshold: raw.wakeThreshold ?? 60_000,
    tabs: normalizeTabs(raw.tabs, page, raw.cookieName ?? 'PHPSESSID'),
  };
};

const normalizeCsrf = (csrf: SessionOptions['csrf']): NormalizedSessionOptions['csrf'] => {
  if (!csrf) return undefined;
  const given = csrf === true ? {} : csrf;
  return {
    meta: given.meta ?? 'csrf-token',
    cookie: given.cookie ?? 'XSRF-TOKEN',
    responseHeader: given.responseHeader ?? false,
    header: given.header,
    refreshUrl: given.refreshUrl,
    safeMethods: new Set(
      (given.safeMethods ?? ['GET', 'HEAD', 'OPTIONS', 'TRACE']).map((m) => m.toUpperCase()),
    ),
    statuses: new Set(given.statuses ?? [419]),
  };
};

const normalizeHeartbeat = (
  heartbeat: SessionOptions['heartbeat'],
): NormalizedSessionOptions['heartbeat'] => {
  if (heartbeat === undefined) return undefined;
  const given = typeof heartbeat === 'string' ? { url: heartbeat } : heartbeat;
  return {
    url: given.url,
    method: given.method ?? 'POST',
    interval: given.interval ?? 300_000,
    idleTimeout: given.idleTimeout ?? 1_800_000,
  };
};

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
