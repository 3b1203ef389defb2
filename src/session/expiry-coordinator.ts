import type { NormalizedSessionOptions } from '../core/options.js';
import { SessionExpiredError } from '../errors/SessionExpiredError.js';
import type { Gate, QueueTicket, RequestQueue } from '../queue/request-queue.js';
import { callOnExpired } from './call-on-expired.js';
import { type ExpiryArbiter, type ExpiryOutcome, localArbiter } from './expiry-arbiter.js';
import type { SessionStore } from './session-store.js';

export type { ExpiryOutcome } from './expiry-arbiter.js';

/** An attempt of a session request on the wire, as the drain sees it (the transport's RequestState). */
export type Attempt = { readonly sentEpoch: number; readonly deadline: { interrupt(reason: unknown): void } };

/** The reason an attempt is aborted with when the drain stops it: the transport holds it for a replay. */
export const drainedByExpiry = new DOMException(
  'Stopped: it was sent with the expired session id and is sent again after the login',
  'AbortError',
);

/**
 * How long the answers to requests sent with the dead id are waited for before onExpired starts. Past it they are
 * aborted (and replayed after the decision): the login prompt must not wait for a long report.
 */
const drainTimeoutMs = 750;

type Episode = {
  /** The session epoch once the expiry was seen: attempts sent before it carried the dead id. */
  readonly epoch: number;
  drained: boolean;
  /** Some request waits for the decision (an expiry with nothing waiting prompts nobody). */
  needed: boolean;
  /** A request of this tab waits for it (not only another tab's): this tab met the expiry, its prompt goes first. */
  own: boolean;
  deciding: boolean;
  /** This tab runs onExpired now: requests made from `laneFrom` on are sent one at a time. */
  handlingHere: boolean;
  laneFrom: number;
  handler: AbortController | undefined;
  drainTimer: ReturnType<typeof setTimeout> | undefined;
  /** Aborted when the episode ends: the arbiter stops waiting for a tab to decide. */
  readonly controller: AbortController;
  readonly outcome: Promise<ExpiryOutcome>;
  readonly settle: (outcome: ExpiryOutcome) => void;
};

/**
 * Handles an expiry as one episode, however many requests meet it and however the user logs in:
 * - drain: from the first expired answer, new requests are held, and the answers of requests still on the wire with
 *   the dead id are waited for (or the requests aborted after a short bound), so that no late Set-Cookie of theirs
 *   lands after the login;
 * - decide: the app's `onExpired` runs once (in one tab, through the arbiter); the requests the page makes
 *   meanwhile are sent one at a time, so a login of any kind goes through, and an answer showing a new session
 *   ends the episode as 'resume' would;
 * - replay or reject: held requests are sent in order after 'resume', or reject after 'give-up'.
 */
export class ExpiryCoordinator {
  #episode: Episode | undefined;
  /** The last decision, and the epoch of its episode: requests sent until then are covered by it. */
  #last: { outcome: ExpiryOutcome; epoch: number } | undefined;
  readonly #inFlight = new Set<Attempt>();
  /**
   * Fingerprints that belong to the expiry being handled: the dead session's, and the empty sessions a strict-mode
   * server handed out in place of it. Seeing one of them is no login.
   */
  readonly #dead = new Set<string>();
  /** Set by the tabs' services to share one decision between the tabs of the session. */
  arbiter: ExpiryArbiter = localArbiter;

  constructor(
    private readonly store: SessionStore,
    private readonly queue: () => RequestQueue,
    private readonly onExpired: NormalizedSessionOptions['onExpired'],
    /** The sequence number of the newest request made so far. */
    private readonly lastSeq: () => number,
  ) {
    store.subscribe(() => {
      if (store.state.status === 'expired' && !this.#episode && onExpired) this.#begin();
    });
  }

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
   * How the session lets this request go now. Once the wire is drained, a login or logout (`rotatesSession`,
   * `endsSession`) goes alone in any tab, and so do the requests the page makes while this tab runs onExpired;
   * everything else waits for the decision.
   */
  gate(ticket: QueueTicket): Gate {
    const episode = this.#episode;
    if (!episode) return this.holding ? 'hold' : 'open';
    if (!episode.drained) return 'hold';
    if (ticket.bypassHold || (episode.handlingHere && ticket.seq > episode.laneFrom)) return 'lane';
    return 'hold';
  }

  /**
   * Whether an expired answer to a request sent in `sentEpoch` is already decided: it was sent before the last
   * decision (here or in another tab) and comes back late. It is replayed (or rejected) by that decision, and is
   * no new expiry.
   */
  decided(sentEpoch: number): boolean {
    return !this.#episode && this.#last !== undefined && sentEpoch <= this.#last.epoch;
  }

  /** Whether an answer to a request sent in `sentEpoch` belongs to the dead session of the running episode. */
  covers(sentEpoch: number): boolean {
    return this.#episode !== undefined && sentEpoch < this.#episode.epoch;
  }

  /** A fingerprint that came with the expiry (the dead id, or its strict-mode replacement). */
  markDead(fingerprint: string | null | undefined): void {
    if (fingerprint && this.#episode) this.#dead.add(fingerprint);
  }

  /** Whether the fingerprint came with the expiry being handled, so that showing it means no login. */
  isDead(fingerprint: string): boolean {
    return this.#episode !== undefined && this.#dead.has(fingerprint);
  }

  /** An attempt went on the wire. */
  track(attempt: Attempt): void {
    this.#inFlight.add(attempt);
    if (this.#inFlight.size === 1) this.arbiter.busy(true);
  }

  /** The attempt's answer (or error) is in. */
  untrack(attempt: Attempt): void {
    if (!this.#inFlight.delete(attempt)) return;
    if (this.#inFlight.size === 0) this.arbiter.busy(false);
    if (this.#episode && !this.#episode.drained) this.#checkDrained(this.#episode);
  }

  /**
   * A request is held for the decision (queued while holding): onExpired may start once the wire is drained.
   * `elsewhere`: the request is another tab's.
   */
  need(elsewhere = false): void {
    if (!this.holding) return;
    const episode = this.#episode ?? this.#begin();
    episode.needed = true;
    if (!elsewhere) episode.own = true;
    this.#kick(episode);
  }

  /**
   * The decision for a request that came back expired (or was stopped by the drain). A request sent before the
   * last decision was made gets that decision instead of a second call to the handler.
   */
  decide(sentEpoch: number): Promise<ExpiryOutcome> {
    const last = this.#last;
    if (last && this.decided(sentEpoch)) return Promise.resolve(last.outcome);
    const episode = this.#episode ?? this.#begin();
    episode.needed = true;
    episode.own = true;
    this.#kick(episode);
    return episode.outcome;
  }

  /** A response to a request sent during the episode showed a live session (a login): the expiry is over. */
  resumedByResponse(): void {
    if (this.#episode) this.#finish(this.#episode, { decision: 'resume' });
  }

  /**
   * Another tab decided (a re-login there, or its handler's decision): a handler running here is told through its
   * `context.signal`, and held requests are sent (or rejected).
   */
  decidedElsewhere(outcome: ExpiryOutcome): void {
    const episode = this.#episode;
    if (episode) {
      episode.handler?.abort(
        new DOMException(`The session expiry was decided in another tab (${outcome.decision})`, 'AbortError'),
      );
      this.#finish(episode, outcome);
      return;
    }
    // This tab had not seen the expiry yet, but may have requests out with the dead id: another tab's login is
    // their decision too (a replay when they come back expired), not a reason to prompt again.
    this.#last = { outcome, epoch: this.store.epoch };
    if (outcome.decision === 'resume' && this.store.state.status === 'expired') this.store.resume();
    else this.store.nextEpoch();
    this.queue().pump();
  }

  #begin(): Episode {
    let settle!: (outcome: ExpiryOutcome) => void;
    const outcome = new Promise<ExpiryOutcome>((resolve) => {
      settle = resolve;
    });
    const episode: Episode = {
      epoch: this.store.epoch,
      drained: false,
      needed: this.queue().heldCount() > 0,
      own: this.queue().heldCount() > 0,
      deciding: false,
      handlingHere: false,
      laneFrom: 0,
      handler: undefined,
      drainTimer: undefined,
      controller: new AbortController(),
      outcome,
      settle,
    };
    this.#episode = episode;
    this.#dead.clear();
    this.markDead(this.store.state.fingerprint);
    this.#checkDrained(episode);
    if (!episode.drained) {
      episode.drainTimer = setTimeout(() => this.#interruptStragglers(episode), drainTimeoutMs);
    }
    return episode;
  }

  #checkDrained(episode: Episode): void {
    for (const attempt of this.#inFlight) if (attempt.sentEpoch < episode.epoch) return;
    episode.drained = true;
    clearTimeout(episode.drainTimer);
    this.#kick(episode);
  }

  /** Aborts what still carries the dead id: an aborted fetch's answer (and its Set-Cookie) never lands. */
  #interruptStragglers(episode: Episode): void {
    if (this.#episode !== episode || episode.drained) return;
    for (const attempt of [...this.#inFlight]) {
      if (attempt.sentEpoch >= episode.epoch) continue;
      this.#inFlight.delete(attempt);
      attempt.deadline.interrupt(drainedByExpiry);
    }
    if (this.#inFlight.size === 0) this.arbiter.busy(false);
    this.#checkDrained(episode);
  }

  #kick(episode: Episode): void {
    if (this.#episode !== episode || !episode.drained || !episode.needed || episode.deciding) return;
    episode.deciding = true;
    this.arbiter
      .decide((signal) => this.#run(episode, signal), episode.controller.signal, episode.own)
      .then(
        (outcome) => this.#finish(episode, outcome),
        (cause: unknown) => this.#finish(episode, { decision: 'give-up', cause }),
      );
  }

  /** Runs onExpired in this tab; the page's requests meanwhile go one at a time. */
  async #run(episode: Episode, signal: AbortSignal): Promise<ExpiryOutcome> {
    if (this.#episode !== episode) return episode.outcome;
    const handler = new AbortController();
    const queue = this.queue();
    const stop = () => {
      handler.abort(signal.reason);
      if (episode.handler === handler) episode.handlingHere = false;
    };
    signal.addEventListener('abort', stop, { once: true });
    episode.handler = handler;
    episode.handlingHere = true;
    episode.laneFrom = this.lastSeq();
    queue.pump();
    try {
      return await callOnExpired(this.onExpired, {
        session: this.store.state,
        // Read when the app looks: requests still come back expired while the handler starts.
        get waiting() {
          return queue.heldCount();
        },
        signal: handler.signal,
      });
    } finally {
      signal.removeEventListener('abort', stop);
      if (episode.handler === handler) episode.handlingHere = false;
    }
  }

  #finish(episode: Episode, outcome: ExpiryOutcome): void {
    if (this.#episode !== episode) return;
    this.#episode = undefined;
    clearTimeout(episode.drainTimer);
    episode.controller.abort();
    this.#last = { outcome, epoch: this.store.epoch };
    const queue = this.queue();
    if (outcome.decision === 'resume') this.store.resume();
    else {
      this.store.giveUp();
      queue.rejectHeld(
        (ticket) => new SessionExpiredError(ticket.label, 'gave-up', { cause: outcome.cause }),
      );
    }
    episode.settle(outcome);
    queue.pump();
  }
}
