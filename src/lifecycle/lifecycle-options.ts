import type { HeartbeatOptions, LifecycleOptions } from '../core/feature-options.js';
import {
  type Check,
  checkFeatureOptions,
  development,
  either,
  isObject,
  isString,
  ms,
  object,
  oneOf,
} from '../core/option-checks.js';
import { url } from '../core/value-checks.js';

/** The lifecycle's options with every default filled. */
export type NormalizedLifecycle = {
  readonly expiryWarning: number;
  readonly verifyUrl: string | undefined;
  readonly heartbeat: Readonly<Required<HeartbeatOptions>> | undefined;
  readonly wakeThreshold: number;
};

const lifecycleKeys = ['expiryWarning', 'verifyUrl', 'heartbeat', 'wakeThreshold'];

// Built when called, so that a production build, which never calls it, drops it.
const checkLifecycleOptions = (): Check =>
  object(
    {
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
    },
    `must be { ${lifecycleKeys.join(', ')} }`,
  );

/**
 * Checks `lifecycle()`'s options and fills the defaults: a SessionOptionsError names a misspelt option in every
 * build, the first bad value in development.
 */
export const normalizeLifecycle = (given: LifecycleOptions = {}): NormalizedLifecycle => {
  checkFeatureOptions(
    given,
    'lifecycle',
    lifecycleKeys,
    development(() => (process.env.NODE_ENV !== 'production' ? checkLifecycleOptions() : undefined)),
  );
  const { heartbeat } = given;
  const keepalive = typeof heartbeat === 'string' ? { url: heartbeat } : heartbeat;
  return {
    expiryWarning: given.expiryWarning ?? 60_000,
    verifyUrl: given.verifyUrl,
    heartbeat: keepalive && {
      url: keepalive.url,
      method: keepalive.method ?? 'POST',
      interval: keepalive.interval ?? 300_000,
      idleTimeout: keepalive.idleTimeout ?? 1_800_000,
    },
    wakeThreshold: given.wakeThreshold ?? 60_000,
  };
};
