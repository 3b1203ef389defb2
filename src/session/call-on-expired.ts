import type { ExpiredContext, NormalizedSessionOptions } from '../core/options.js';
import type { ExpiryOutcome } from './expiry-arbiter.js';

/** Calls the app's `onExpired`; a throw, or anything but 'resume' or 'give-up', gives up (with the cause). */
export const callOnExpired = async (
  onExpired: NormalizedSessionOptions['onExpired'],
  context: ExpiredContext,
): Promise<ExpiryOutcome> => {
  if (!onExpired) return { decision: 'give-up' };
  try {
    const decision = await onExpired(context);
    if (decision === 'resume' || decision === 'give-up') return { decision };
    return {
      decision: 'give-up',
      cause: new TypeError(`onExpired must resolve to 'resume' or 'give-up', got ${String(decision)}`),
    };
  } catch (cause) {
    return { decision: 'give-up', cause };
  }
};
