import type { ExpiryDecision } from '../core/options.js';

export type ExpiryOutcome = { decision: ExpiryDecision; cause?: unknown };

/**
 * Runs `onExpired` in this tab: resolves with its outcome. `signal` aborts when this tab must stop handling (the
 * prompt moved to another tab, or another tab decided).
 */
export type RunHandler = (signal: AbortSignal) => Promise<ExpiryOutcome>;

/**
 * How the tabs of one session agree on a single `onExpired` call for an expiry. The default is this tab alone;
 * the cross-tab arbiter (src/tabs) elects one tab, preferring a visible one, and shares its decision.
 */
export interface ExpiryArbiter {
  /**
   * The decision on the current expiry: made here by `run` when this tab is chosen, or by another tab. `episode`
   * aborts when the expiry ended some other way (a login seen in a response): then stop waiting. `own`: a request
   * of this tab met the expiry or waits for it (the user was acting here), not only another tab's.
   */
  decide(run: RunHandler, episode: AbortSignal, own: boolean): Promise<ExpiryOutcome>;
  /** A request of this tab is on the wire (true) or none is any more (false): the cross-tab drain waits for it. */
  busy(busy: boolean): void;
}

/** One tab on its own: it runs its handler itself, and there is nobody to tell. */
export const localArbiter: ExpiryArbiter = {
  decide: (run) => run(new AbortController().signal),
  busy: () => {},
};
