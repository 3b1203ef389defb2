import type { ExpiryDecision, NormalizedSessionOptions } from '../core/options.js';
import { SessionExpiredError } from '../errors/SessionExpiredError.js';
import type { RequestQueue } from '../queue/request-queue.js';
import type { SessionStore } from './session-store.js';

export type ExpiryOutcome = { decision: ExpiryDecision; cause?: unknown };

/**
 * Runs the app's `onExpired` once per expiry, however many requests wait for it (single flight), and holds new
 * session requests from the moment the expiry is seen until the app has decided.
 */
export class ExpiryCoordinator {
  #episode: Promise<ExpiryOutcome> | undefined;
  /** The last decision, and the epoch it was asked in: requests sent before then are covered by it. */
  #last: { outcome: ExpiryOutcome; epoch: number } | undefined;

  constructor(
    private readonly store: SessionStore,
    private readonly queue: () => RequestQueue,
    private readonly onExpired: NormalizedSessionOptions['onExpired'],
  ) {}

  get hasHandler(): boolean {
    return this.onExpired !== undefined;
  }

  /** Whether session requests must wait: an expiry is being handled, or seen and not yet handled. */
  get holding(): boolean {
    return (
      this.onExpired !== undefined && (this.#episode !== undefined || this.store.state.status === 'expired')
    );
  }

  /**
   * Starts the app's handler unless it is already running, and resolves with its decision. A request sent before
   * the last decision was asked for (it was in flight during that expiry and came back late) gets that decision
   * instead of a second call to the handler.
   */
  decide(waiting: number, sentEpoch: number = Number.POSITIVE_INFINITY): Promise<ExpiryOutcome> {
    if (this.#episode) return this.#episode;
    if (this.#last && sentEpoch < this.#last.epoch) return Promise.resolve(this.#last.outcome);
    const onExpired = this.onExpired;
    if (!onExpired) return Promise.resolve({ decision: 'give-up' });
    const epoch = this.store.epoch;
    this.#episode = (async (): Promise<ExpiryOutcome> => {
      try {
        const decision = await onExpired({ session: this.store.state, waiting });
        if (decision === 'resume' || decision === 'give-up') return { decision };
        return {
          decision: 'give-up',
          cause: new TypeError(`onExpired must resolve to 'resume' or 'give-up', got ${String(decision)}`),
        };
      } catch (cause) {
        return { decision: 'give-up', cause };
      }
    })().then((outcome) => {
      this.#episode = undefined;
      this.#last = { outcome, epoch };
      if (outcome.decision === 'resume') {
        this.store.resume();
        this.queue().pump();
      } else {
        this.store.giveUp();
        this.queue().rejectHeld(
          (ticket) => new SessionExpiredError(ticket.label, 'gave-up', { cause: outcome.cause }),
        );
      }
      return outcome;
    });
    return this.#episode;
  }
}
