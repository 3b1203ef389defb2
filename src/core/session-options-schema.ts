import {
  arrayOf,
  bool,
  type Check,
  either,
  fail,
  fn,
  isBoolean,
  isNumber,
  isObject,
  isString,
  matches,
  ms,
  object,
  oneOf,
  whole,
} from './option-checks.js';
import { fetchOptionKeys, kyOptionKeys } from './option-keys.js';

const token = /^[!#$%&'*+.^`|~\w-]+$/;
const headerName = matches(token, 'must be an HTTP header name');
const validUrl = (value: string, base?: string): URL | undefined => {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
};
const originString: Check = (value, path) => {
  if (typeof value !== 'string' || validUrl(value)?.origin !== value.replace(/\/$/, '')) {
    fail(path, 'must be an origin like https://api.example.com (scheme, host and port, no path)', value);
  }
};
const url: Check = (value, path) => {
  if (typeof value !== 'string' || value.trim() === '' || !validUrl(value, 'http://localhost')) {
    fail(path, 'must be a URL (absolute, or relative to the page origin)', value);
  }
};
const nameOrOff = (what: string) =>
  either(
    [
      [isString, matches(token, `must be ${what} or false`)],
      [(value) => value === false, () => {}],
    ],
    `must be ${what} or false`,
  );
const statuses = arrayOf(whole(100, 599, 'an HTTP status'), 'must be an array of HTTP statuses');
const limit = whole(1, 64, 'a limit');

/**
 * The options of createSessionClient() and extend(): the session's, checked here, and ky's and fetch's, passed to
 * ky. Any other key is refused, so a typo (`onExpire`) is not handed to fetch in silence.
 */
export const sessionOptionsSchema = object(
  {
    origins: arrayOf(
      either(
        [
          [isString, originString],
          [
            isObject,
            object({ origin: originString, noCacheHeaders: bool }, 'must be { origin, noCacheHeaders }'),
          ],
        ],
        'must be an origin string or { origin, noCacheHeaders }',
      ),
      'must be an array of origins',
    ),
    pageOrigin: originString,
    cookieName: matches(token, 'must be a cookie name'),
    protocol: object(
      {
        fingerprint: headerName,
        expired: headerName,
        ended: headerName,
        lock: headerName,
        ttl: headerName,
        lockWait: headerName,
      },
      'must be an object of header names',
    ),
    expiredStatuses: statuses,
    loginUrl: either(
      [
        [(value) => value instanceof RegExp, () => {}],
        [() => true, fn],
      ],
      'must be a RegExp or a function',
    ),
    isExpired: fn,
    onExpired: fn,
    concurrency: either(
      [
        [isString, oneOf(['adaptive'], "must be 'adaptive', a whole number from 1 to 64, or an object")],
        [isNumber, whole(1, 64, 'a fixed limit')],
        [
          isObject,
          object({ initial: limit, min: limit, max: limit, lockWaitThreshold: ms() }, 'must be an object'),
        ],
      ],
      "must be 'adaptive', a whole number from 1 to 64, or { initial, min, max, lockWaitThreshold }",
    ),
    lockRetry: object(
      { limit: whole(0, 1000, 'a retry count'), baseDelay: ms(), maxDelay: ms(), maxRetryAfter: ms() },
      'must be an object { limit, baseDelay, maxDelay, maxRetryAfter }',
    ),
    lockHandoffDelay: ms(),
    deadline: ms(1),
    noCache: bool,
    cacheBust: bool,
    accept: either(
      [
        [isString, () => {}],
        [(value) => value === false, () => {}],
      ],
      'must be a media type string or false',
    ),
    sessionLifetime: ms(),
    defaultMode: oneOf(['write', 'read', 'none'], "must be 'write', 'read' or 'none'"),
    csrf: either(
      [
        [isBoolean, bool],
        [
          isObject,
          object(
            {
              meta: nameOrOff('a meta name'),
              cookie: nameOrOff('a cookie name'),
              responseHeader: nameOrOff('a header name'),
              header: headerName,
              refreshUrl: url,
              safeMethods: arrayOf(
                matches(token, 'must be an HTTP method'),
                'must be an array of HTTP methods',
              ),
              statuses,
            },
            'must be an object',
          ),
        ],
      ],
      'must be true, false or { meta, cookie, responseHeader, header, refreshUrl, safeMethods, statuses }',
    ),
    expiryWarning: ms(),
    verifyUrl: url,
    heartbeat: either(
      [
        [isString, url],
        [
          isObject,
          object(
            {
              url,
              method: oneOf(['POST', 'GET', 'PUT', 'PATCH'], "must be 'POST', 'GET', 'PUT' or 'PATCH'"),
              interval: ms(1000),
              idleTimeout: ms(),
            },
            'must be an object',
            ['url'],
          ),
        ],
      ],
      'must be a URL string or { url, method, interval, idleTimeout }',
    ),
    wakeThreshold: ms(1000),
    tabs: either(
      [
        [isBoolean, bool],
        [
          isObject,
          object(
            { sync: bool, writeLock: bool, writeLockTimeout: ms(), name: matches(/./, 'must not be empty') },
            'must be an object',
          ),
        ],
      ],
      'must be true, false or { sync, writeLock, writeLockTimeout, name }',
    ),
  },
  'must be an object',
  [],
  new Set<string>([...kyOptionKeys, ...fetchOptionKeys]),
);
