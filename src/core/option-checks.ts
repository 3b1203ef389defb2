import { SessionOptionsError } from '../errors/SessionOptionsError.js';

// A few combinators for validating options. Hand-written rather than zod/mini: the script-tag build has a size
// budget, and zod/mini took 7 KB (gzip) of it for checking one object of known shape.
//
// The names of createSessionClient()'s options and the features passed are checked in every build
// (option-names.ts). The checks of each value run in development and are left out of production builds: a check
// is called as `if (process.env.NODE_ENV !== 'production') check(...)`, which bundlers turn into `if (false)` and
// drop with the code only it uses. The ESM build loaded in a browser without a bundler has no `process`: reading
// it throws a ReferenceError, which `withoutProcess` recognises, and the values go unchecked there as in
// production. The script-tag build keeps them (tsup.config.ts).

/** Checks a value at a path; throws a SessionOptionsError naming the path when it is wrong. */
export type Check = (value: unknown, path: string) => void;

/** A value as an error message quotes it: JSON, cut at 60 characters. */
export const describe = (value: unknown): string => {
  if (typeof value === 'function') return 'a function';
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return String(value);
  }
};

/** Whether `error` is the ReferenceError of reading `process.env` where there is no `process` (see above). */
export const withoutProcess = (error: unknown): boolean =>
  typeof process === 'undefined' && error instanceof ReferenceError;

/**
 * What `pick` returns in development; undefined in production builds and where there is no `process`. Call it as
 * `development(() => (process.env.NODE_ENV !== 'production' ? checks() : undefined))`: the bundler folds the
 * condition where it is written and drops `checks` with it, which it could not through a function of ours.
 */
export const development = <T>(pick: () => T | undefined): T | undefined => {
  try {
    return pick();
  } catch (error) {
    if (!withoutProcess(error)) throw error;
    return undefined;
  }
};

export const fail = (path: string, must: string, value: unknown): never => {
  throw new SessionOptionsError(path || 'options', `${must} (got ${describe(value)})`);
};

const is =
  (test: (value: unknown) => boolean, must: string): Check =>
  (value, path) => {
    if (!test(value)) fail(path, must, value);
  };

const maxTimer = 2_147_483_647;

/** Milliseconds from `min`. */
export const ms = (min = 0): Check =>
  is(
    (value) => typeof value === 'number' && value >= min && value <= maxTimer,
    `must be a number of milliseconds from ${min} to ${maxTimer}`,
  );

/** A whole number in a range. */
export const whole = (min: number, max: number, what: string): Check =>
  is(
    (value) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
    `must be ${what}: a whole number from ${min} to ${max}`,
  );

// Functions rather than is(...) at the top level: a module-level call would keep the checks in production bundles.
export const bool: Check = (value, path) =>
  is((v) => typeof v === 'boolean', 'must be true or false')(value, path);
export const fn: Check = (value, path) =>
  is((v) => typeof v === 'function', 'must be a function')(value, path);
export const matches = (pattern: RegExp, must: string): Check =>
  is((value) => typeof value === 'string' && pattern.test(value), must);
export const oneOf = (values: readonly unknown[], must: string): Check =>
  is((value) => values.includes(value), must);

/** Each element of an array. */
export const arrayOf =
  (element: Check, must: string): Check =>
  (value, path) => {
    if (!Array.isArray(value)) return fail(path, must, value);
    for (const [index, item] of value.entries()) element(item, `${path}.${index}`);
  };

/** Edit distance (insertions, deletions, substitutions), ignoring case: how far a typo is from a name. */
const distance = (a: string, b: string): number => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let row = Array.from({ length: y.length + 1 }, (_, index) => index);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[y.length]!;
};

/** The known name closest to `key`, when it is close enough to be a typo of it (a third of its letters at most). */
export const closest = (key: string, known: Iterable<string>): string | undefined => {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(key.length / 3)) + 1;
  for (const name of known) {
    const d = distance(key, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
};

/**
 * An object option whose keys are all those of `shape` (`tabs`, a feature's options): an unknown key is refused
 * with the closest known name. `undefined` values are skipped unless `required`. The top level of
 * createSessionClient()'s options, which also takes ky's and fetch's, is checked by option-names.ts.
 */
export const object =
  (shape: Record<string, Check>, must: string, required: readonly string[] = []): Check =>
  (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(path, must, value);
    for (const key of required) {
      if ((value as Record<string, unknown>)[key] === undefined)
        throw new SessionOptionsError(`${path}.${key}`, 'is required');
    }
    checkKeys(value, Object.keys(shape), path);
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) shape[key]!(item, `${path}.${key}`);
    }
  };

/**
 * A feature's options (`csrf()`, `lifecycle()`): their names in every build, then their values with `values`, the
 * feature's checks in development (see `development`).
 */
export const checkFeatureOptions = (
  given: unknown,
  path: string,
  keys: readonly string[],
  values: Check | undefined,
): void => {
  if (isObject(given)) checkKeys(given as object, keys, path);
  values?.(given, path);
};

/**
 * Refuses a key of `value` that is not one of `keys`, naming the closest. Cheap enough for every build: a feature's
 * options call it in production too, where a misspelt name would otherwise be ignored in silence.
 */
export const checkKeys = (value: object, keys: readonly string[], path: string): void => {
  for (const key of Object.keys(value)) {
    // A list, not the shape's properties: `toString` is no option.
    if (keys.includes(key)) continue;
    const near = closest(key, keys);
    throw new SessionOptionsError(
      `${path}.${key}`,
      near
        ? `is not an option: did you mean \`${path}.${near}\`?`
        : `is not an option; the options of \`${path}\` are ${keys.join(', ')}`,
    );
  }
};

/** The first check whose `accepts` says the value is its kind decides, so the message fits what was given. */
export const either =
  (branches: Array<[accepts: (value: unknown) => boolean, check: Check]>, must: string): Check =>
  (value, path) => {
    const branch = branches.find(([accepts]) => accepts(value));
    if (!branch) return fail(path, must, value);
    branch[1](value, path);
  };

export const isString = (value: unknown): boolean => typeof value === 'string';
export const isNumber = (value: unknown): boolean => typeof value === 'number';
export const isBoolean = (value: unknown): boolean => typeof value === 'boolean';
export const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null;
