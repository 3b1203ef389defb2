import { defaultLockWaitThreshold as lockWaitThreshold } from '../core/normalize-options.js';
import type { NormalizedSessionOptions } from '../core/options.js';
import { GradientLimit } from './gradient-limit.js';
import type { ConcurrencyLimit } from './limit-types.js';

export type { ConcurrencyLimit, WriteSample } from './limit-types.js';

/**
 * The write limit the options ask for. A fixed limit is the adaptive one held at its count: it measures the round
 * trip and the hold all the same, so that its freed places are paced and wait only the hand-off delay less the
 * round trip, not the whole delay.
 *
 * @param handoffDelay the queue's hand-off delay (`lockHandoffDelay`), which the adaptive limit plans for
 */
export const createConcurrencyLimit = (
  concurrency: NormalizedSessionOptions['concurrency'],
  handoffDelay = 0,
): ConcurrencyLimit =>
  'fixed' in concurrency
    ? new GradientLimit(
        { initial: concurrency.fixed, min: concurrency.fixed, max: concurrency.fixed, lockWaitThreshold },
        handoffDelay,
      )
    : new GradientLimit(concurrency, handoffDelay);
