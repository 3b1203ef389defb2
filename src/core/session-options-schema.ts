import {
  arrayOf,
  bool,
  type Check,
  either,
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
import type { sessionOptionKeys } from './option-keys.js';
import { headerName, httpStatuses, originString, token } from './value-checks.js';

/**
 * The checks of the values of createSessionClient()'s and extend()'s session options, by option; the names of
 * the options and the features passed are checked in every build (option-names.ts). Development only: built
 * when called, a module with no top-level calls is dropped whole by a production build that never calls it.
 */
export const sessionValueChecks = (): ReadonlyMap<string, Check> => {
  const limit = whole(1, 64, 'a limit');
  return new Map(
    Object.entries({
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
      expiredStatuses: httpStatuses,
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
    } satisfies Record<Exclude<(typeof sessionOptionKeys)[number], 'features'>, Check>),
  );
};
