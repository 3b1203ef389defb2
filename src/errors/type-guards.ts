import type { SessionExpiredError } from './SessionExpiredError.js';
import type { SessionFetchError } from './SessionFetchError.js';
import type { SessionLockTimeoutError } from './SessionLockTimeoutError.js';
import type { SessionOptionsError } from './SessionOptionsError.js';
import type { UnexpectedBodyError } from './UnexpectedBodyError.js';

// Matching by name as well as by class keeps the guards working across two copies of the library
// (an npm build and a script-tag build on one page, or a bundler that duplicated the package).
const hasName = (error: unknown, name: string): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;

const sessionErrorNames = new Set([
  'SessionFetchError',
  'SessionExpiredError',
  'SessionLockTimeoutError',
  'SessionOptionsError',
  'UnexpectedBodyError',
]);

/** True for any error thrown by session-fetch itself (not ky's). */
export const isSessionFetchError = (error: unknown): error is SessionFetchError =>
  typeof error === 'object' &&
  error !== null &&
  sessionErrorNames.has((error as { name?: string }).name ?? '');

/** True when the request was rejected because the session expired and was not resumed. */
export const isSessionExpiredError = (error: unknown): error is SessionExpiredError =>
  hasName(error, 'SessionExpiredError');

/** True when the server kept answering with a session-lock timeout. */
export const isSessionLockTimeoutError = (error: unknown): error is SessionLockTimeoutError =>
  hasName(error, 'SessionLockTimeoutError');

/** True when an option was invalid. */
export const isSessionOptionsError = (error: unknown): error is SessionOptionsError =>
  hasName(error, 'SessionOptionsError');

/** True when `.json()` met a body that is not JSON (a PHP warning in front of it, an HTML page). */
export const isUnexpectedBodyError = (error: unknown): error is UnexpectedBodyError =>
  hasName(error, 'UnexpectedBodyError');
