import type { LockRetryOptions } from '../core/options.js';
import { parseRetryAfter } from './retry-after.js';

/**
 * The wait before lock retry number `attempt` (1-based): exponential backoff with full jitter (a random delay
 * between 0 and the step), so that requests that timed out together do not come back together; when the server
 * sent a usable Retry-After, the jitter is added on top of it, never taken off.
 */
export const lockRetryDelay = (
  attempt: number,
  retryAfter: string | null,
  options: LockRetryOptions,
  random: () => number = Math.random,
): number => {
  const fromServer = parseRetryAfter(retryAfter, options.maxRetryAfter) ?? 0;
  const step = Math.min(options.maxDelay, options.baseDelay * 2 ** (attempt - 1));
  return fromServer + Math.round(random() * step);
};
