import { SessionOptionsError } from '../errors/SessionOptionsError.js';
import { arrayOf, type Check, closest, describe, fail, isObject } from './option-checks.js';
import { fetchOptionKeys, kyOptionKeys, sessionOptionKeys } from './option-keys.js';

// The checks of createSessionClient()'s and extend()'s options that run in every build, production included: a
// misspelt name, an option that moved to a feature or a wrong `features` list would otherwise be ignored in
// silence (`onExpire` handed to fetch, `csrf: true` sending no token). Each option's value is checked in
// development only (session-options-schema.ts, see option-checks.ts).

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

/** The options checked whatever the build: `features`, and those that moved to a feature. */
const alwaysChecked = new Map<string, Check>([
  ['features', features],
  ['csrf', moved('csrf')],
  ['expiryWarning', moved('lifecycle', 'expiryWarning')],
  ['verifyUrl', moved('lifecycle', 'verifyUrl')],
  ['heartbeat', moved('lifecycle', 'heartbeat')],
  ['wakeThreshold', moved('lifecycle', 'wakeThreshold')],
]);

/** Every name a key is compared with: the session's options, those that moved, ky's and fetch's. */
const knownNames: readonly string[] = [
  ...sessionOptionKeys,
  ...alwaysChecked.keys(),
  ...kyOptionKeys,
  ...fetchOptionKeys,
];

/**
 * Checks the options of createSessionClient() or extend() key by key, in the order given: a key that is neither a
 * session option nor one of ky's or fetch's is refused with the closest known name, an option that moved to a
 * feature with what to pass instead, and `features` must be a list of features, each name once. `values` checks
 * the value of each session option (development builds pass them, production builds leave them out).
 */
export const checkOptionNames = (input: object, values?: ReadonlyMap<string, Check>): void => {
  for (const [key, value] of Object.entries(input)) {
    const check = alwaysChecked.get(key) ?? values?.get(key);
    if (check) {
      if (value !== undefined) check(value, key);
    } else if (!knownNames.includes(key)) {
      const near = closest(key, knownNames);
      throw new SessionOptionsError(
        key,
        near
          ? `is not an option: did you mean \`${near}\`?`
          : 'is not an option of session-fetch, ky or fetch (docs/api.md lists them)',
      );
    }
  }
};
