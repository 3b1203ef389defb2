import { arrayOf, type Check, either, fail, isString, matches, whole } from './option-checks.js';

// Checks of the kinds of value several options take (header names, URLs, origins), for the client's options and
// the features' own. No top-level calls, so that a production build drops what it never calls.

/** An HTTP token: a header, cookie or method name. */
export const token = /^[!#$%&'*+.^`|~\w-]+$/;
export const headerName: Check = (value, path) => matches(token, 'must be an HTTP header name')(value, path);
const validUrl = (value: string, base?: string): URL | undefined => {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
};
export const originString: Check = (value, path) => {
  if (typeof value !== 'string' || validUrl(value)?.origin !== value.replace(/\/$/, '')) {
    fail(path, 'must be an origin like https://api.example.com (scheme, host and port, no path)', value);
  }
};
export const url: Check = (value, path) => {
  if (typeof value !== 'string' || value.trim() === '' || !validUrl(value, 'http://localhost')) {
    fail(path, 'must be a URL (absolute, or relative to the page origin)', value);
  }
};
/** A name, or `false` for none. */
export const nameOrOff = (what: string) =>
  either(
    [
      [isString, matches(token, `must be ${what} or false`)],
      [(value) => value === false, () => {}],
    ],
    `must be ${what} or false`,
  );
/** A list of HTTP statuses (`expiredStatuses`, the CSRF feature's `statuses`). */
export const httpStatuses: Check = (value, path) =>
  arrayOf(whole(100, 599, 'an HTTP status'), 'must be an array of HTTP statuses')(value, path);
