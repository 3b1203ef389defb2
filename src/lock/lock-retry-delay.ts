import type { LockRetryOptions } from '../core/options.js';
import { parseRetryAfter } from './retry-after.js';

/**
 * The wait before lock retry number `attempt` (1-based): the server's Retry-After when it sent a usable one,
 * else exponential backoff with full jitter (a random delay between 0 and the step), so that requests that timed
 * out together do not come back together.
 */
export const lockRetryDelay = (
  attempt: number,
  retryAfter: string | null,
  options: LockRetryOptions,
  random: () => number = Math.random,
): number => {
  const fromServer = parseRetryAfter(retryAfter, options.maxRetryAfter);
  if (fromServer !== undefined) return fromServer;
  const step = Math.min(options.maxDelay, options.baseDelay * 2 ** (attempt - 1));
  return Math.round(random() * step);
};
