import type { NormalizedSessionOptions } from '../core/options.js';
import { GradientLimit } from './gradient-limit.js';
import type { ConcurrencyLimit } from './limit-types.js';

export type { ConcurrencyLimit, WriteSample } from './limit-types.js';

class FixedLimit implements ConcurrencyLimit {
  constructor(readonly current: number) {}
  onResponse(): void {}
  onLockTimeout(): void {}
}

/** @param handoffDelay the queue's hand-off delay (`lockHandoffDelay`), which the adaptive limit plans for */
export const createConcurrencyLimit = (
  concurrency: NormalizedSessionOptions['concurrency'],
  handoffDelay = 0,
): ConcurrencyLimit =>
  'fixed' in concurrency ? new FixedLimit(concurrency.fixed) : new GradientLimit(concurrency, handoffDelay);
