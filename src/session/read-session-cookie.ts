import { fingerprintOf } from './fingerprint.js';

/** The raw value of a readable cookie, or undefined (HttpOnly, absent, or no document). */
export const readCookie = (name: string): string | undefined => {
  const cookies = globalThis.document?.cookie;
  if (!cookies) return undefined;
  for (const part of cookies.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      const value = part.slice(index + 1).trim();
      return value === '' || value === 'deleted' ? undefined : value;
    }
  }
  return undefined;
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
