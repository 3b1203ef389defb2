import { SessionOptionsError } from '../errors/SessionOptionsError.js';
import {
  arrayOf,
  bool,
  type Check,
  describe,
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
import { headerName, originString, token } from './value-checks.js';

/** An option that became a feature: the message says what to import and pass instead. */
const moved =
  (feature: 'csrf' | 'lifecycle', option?: string): Check =>
  (value, path) => {
    const call = option
      ? `${feature}({ ${option}: ${describe(value)} })`
      : `${feature}(${value === true ? '' : describe(value)})`;
    throw new SessionOptionsError(
      path,
      `${option ? `is an option of the ${feature} feature` : 'is a feature'} now: import { ${feature} } from 'session-fetch/${feature}' (SessionFetch.${feature} on a script tag) and pass features: [${call}]`,
    );
  };

const feature: Check = (value, path) => {
  const given = value as { name?: unknown; setup?: unknown } | null;
  if (typeof value === 'function')
    fail(path, `must be a feature: call the function, as in features: [${value.name || 'csrf'}()]`, value);
  if (!isObject(value) || typeof given?.name !== 'string' || typeof given.setup !== 'function')
    fail(
      path,
      "must be a feature such as csrf() from 'session-fetch/csrf' or lifecycle() from 'session-fetch/lifecycle'",
      value,
    );
};

/** The features passed in: each a feature, each name once. */
const features: Check = (value, path) => {
  arrayOf(feature, 'must be an array of features, such as [csrf(), lifecycle()]')(value, path);
  const seen = new Set<string>();
  for (const [index, { name }] of (value as Array<{ name: string }>).entries()) {
    if (seen.has(name))
      throw new SessionOptionsError(
        `${path}.${index}`,
        `is a second feature named '${name}': pass each feature once`,
      );
    seen.add(name);
  }
};

/**
 * The check of the options of createSessionClient() and extend(): the session's, checked here, and ky's and
 * fetch's, passed to ky. Any other key is refused, so a typo (`onExpire`) is not handed to fetch in silence.
 * Built when called: a module with no top-level calls is dropped whole by a production build that never calls it.
 */
export const sessionOptionsSchema = (): Check => {
  const statuses = arrayOf(whole(100, 599, 'an HTTP status'), 'must be an array of HTTP statuses');
  const limit = whole(1, 64, 'a limit');
  return object(
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
      tabs: either(
        [
          [isBoolean, bool],
          [
            isObject,
            object(
              {
                sync: bool,
                writeLock: bool,
                writeLockTimeout: ms(),
                name: matches(/./, 'must not be empty'),
              },
              'must be an object',
            ),
          ],
        ],
        'must be true, false or { sync, writeLock, writeLockTimeout, name }',
      ),
      features,
      csrf: moved('csrf'),
      expiryWarning: moved('lifecycle', 'expiryWarning'),
      verifyUrl: moved('lifecycle', 'verifyUrl'),
      heartbeat: moved('lifecycle', 'heartbeat'),
      wakeThreshold: moved('lifecycle', 'wakeThreshold'),
    },
    'must be an object',
    [],
    new Set<string>([...kyOptionKeys, ...fetchOptionKeys]),
  );
};
