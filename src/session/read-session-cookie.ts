import { cookieValue } from '../utils/cookie-value.js';
import { fingerprintOf } from './fingerprint.js';

/** The value of a readable session cookie, or undefined (HttpOnly, absent, deleted, or no document). */
const readCookie = (name: string): string | undefined => {
  const value = cookieValue(name);
  return value === '' || value === 'deleted' ? undefined : value;
};

/**
 * Fingerprints of the readable session cookie, computed only when the cookie changes. The raw id never leaves
 * this closure. The answer is a promise only while a new cookie's fingerprint is being computed, so the common
 * case (the cookie did not change) costs a response no extra turn of the event loop.
 */
export const createCookieFingerprinter = (name: string) => {
  let lastRaw: string | undefined;
  let last: string | undefined | Promise<string | undefined>;
  let seen = false;
  const fingerprint = (): string | undefined | Promise<string | undefined> => {
    const raw = readCookie(name);
    if (raw !== lastRaw) {
      lastRaw = raw;
      seen ||= raw !== undefined;
      if (raw === undefined) last = undefined;
      else {
        const pending: Promise<string | undefined> = fingerprintOf(raw).then((value) => {
          if (last === pending) last = value;
          return value;
        });
        last = pending;
      }
    }
    return last;
  };
  /** Whether the cookie was ever readable: then its absence means it was deleted, not that it is HttpOnly. */
  fingerprint.wasReadable = () => seen;
  return fingerprint;
};
