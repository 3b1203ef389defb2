/**
 * Parses a `Retry-After` value: delay seconds or an HTTP-date. Returns milliseconds from now, clamped to
 * [0, max], or undefined for a missing or malformed value (which then falls back to backoff).
 */
export const parseRetryAfter = (value: string | null, max: number, now = Date.now()): number | undefined => {
  if (value === null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Math.min(max, Number(text) * 1000);
  // Only a date with a weekday and GMT is an HTTP-date; Date.parse alone accepts far too much ("1", "-5").
  if (!/^[A-Za-z]{3},? .*GMT$/.test(text) && !/^[A-Za-z]{6,9}, .*GMT$/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(max, Math.max(0, at - now));
};
