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
  /** Ends the running episode with 'resume' (another tab resumed the shared session). */
  #resumeElsewhere: (() => void) | undefined;

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
    const controller = new AbortController();
    const elsewhere = new Promise<ExpiryOutcome>((resolve) => {
      this.#resumeElsewhere = () => {
        controller.abort(new DOMException('The session was resumed in another tab', 'AbortError'));
        resolve({ decision: 'resume' });
      };
    });
    const handled = (async (): Promise<ExpiryOutcome> => {
      try {
        const decision = await onExpired({ session: this.store.state, waiting, signal: controller.signal });
        if (decision === 'resume' || decision === 'give-up') return { decision };
        return {
          decision: 'give-up',
          cause: new TypeError(`onExpired must resolve to 'resume' or 'give-up', got ${String(decision)}`),
        };
      } catch (cause) {
        return { decision: 'give-up', cause };
      }
    })();
    this.#episode = Promise.race([handled, elsewhere]).then((outcome) => {
      this.#episode = undefined;
      this.#resumeElsewhere = undefined;
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

  /**
   * Another tab resumed the shared session (a re-login there): a running `onExpired` is told through its
   * `context.signal` and its decision no longer waited for; held requests are sent.
   */
  resumedElsewhere(): void {
    if (this.#resumeElsewhere) {
      this.#resumeElsewhere();
      return;
    }
    if (this.store.state.status === 'expired') this.store.resume();
    this.queue().pump();
  }
}
