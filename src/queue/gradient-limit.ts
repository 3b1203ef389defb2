import type { AdaptiveConcurrency } from '../core/options.js';
import { type EndpointMeasures, MeasuresByEndpoint } from './endpoint-measures.js';
import type { ConcurrencyLimit, WriteSample } from './limit-types.js';
import { handoffWaitMs } from './pacing.js';

/** The share of the lock-wait timeout the last writer in line may wait. */
const timeoutShare = 0.5;
/** Latency within this share above the no-queue latency is noise, not a wait. */
const tolerance = 0.05;
/** How fast the limit follows a lower target (it follows a higher one at once: that target is bounded). */
const smoothing = 0.25;
/**
 * While serial, one pair of writes is pipelined after this many answers to see whether that now pays. Rarely: a
 * round trip grown past the measured hand-over ends the serial mode by itself (see #updateMode), so the pair only
 * looks for a lock that now passes faster, and each one costs a poll of a polling lock.
 */
const probeEvery = 100;
/**
 * Hand-overs to a waiter this much slower than the fastest show a lock that polls: its waiter takes it a part of
 * a poll after it frees, where a lock that blocks wakes its waiter at once.
 */
const pollSpreadMs = 5;
const pollSpreadShare = 0.06;
const bunchedShare = 0.6;

/**
 * The write limit, chosen from what the client measures, as TCP Vegas and the Gradient limits of Netflix's
 * concurrency-limits do. Against one PHP session every write serialises on the lock: writes in flight beyond
 * what covers the round trip only wait in the lock. A sample's latency against the no-queue latency tells how
 * many writes waited: `target = inFlight x noQueue / latency + 1` keeps one writer waiting behind the holder, so
 * the lock is never idle and nobody waits longer than about one hold. That is 2 on a LAN, more when the round
 * trip is long against the hold (`noQueue / hold + 1` writes, which the limit jumps to as soon as it knows the
 * hold). The no-queue latency is the server's own (latency less `X-Session-Lock-Wait`) when it reports its
 * lock wait, else the latency of recent writes sent with nothing of ours in flight; both are kept per endpoint
 * (the URL without its query), since each script holds the lock its own time. The hold is the typical (median)
 * recent time between two pipelined answers; the shortest one, a low estimate, paces the writes (see
 * RequestQueue.handoffWaitMs).
 *
 * Pipelining pays only if the lock passes from one writer to the next faster than a round trip: lock handlers
 * that poll (phpredis every lock_wait_time) leave the lock idle meanwhile. When the typical pipelined hand-over
 * is no faster than a serial round trip, the limit is 1, and a pair is pipelined now and then to check again.
 *
 * A lock that polls (phpredis) also makes a waiter lose part of a poll at every hand-over: against it the writes
 * are spaced instead, each sent about a hold after the one before it (of any tab), to reach PHP just after that
 * one freed the lock (see WriteSpacing; the tabs share the trial with their samples); the limit is then what that
 * spacing needs over a round trip.
 *
 * Whatever the target, the last writer in line must not come near the lock-wait timeout: (limit - 1) x hold
 * stays under half of it, the timeout learnt from lock timeouts (the server's lock-wait report on the 423, else
 * how long the 423 took less the round trip). A lock timeout halves the limit.
 */
export class GradientLimit implements ConcurrencyLimit {
  #limit: number;
  readonly #byEndpoint = new MeasuresByEndpoint();
  /** The measures of the endpoint answered last: the writes going on now. */
  #last: EndpointMeasures;
  #lockTimeoutMs: number | undefined;
  /** Answers left before the next pipelined probe while serial; 0 while probing. */
  #untilProbe = probeEvery;
  /** One write at a time pays (see #updateMode). */
  #serial = false;

  constructor(
    readonly options: AdaptiveConcurrency,
    /** The queue's hand-off delay: a place freed while writes are at the server waits it, less the round trip. */
    readonly handoffDelay = 0,
  ) {
    this.#limit = Math.min(options.max, Math.max(options.min, options.initial));
    this.#last = this.#byEndpoint.get('');
  }

  get #noQueue() {
    return this.#last.noQueue;
  }

  get #gaps() {
    return this.#last.gaps;
  }

  get current(): number {
    const { min } = this.options;
    if (this.#serial) return this.#untilProbe > 0 ? min : Math.max(min, Math.min(2, this.options.max));
    const spacing = this.spacingMs;
    if (spacing !== undefined) {
      // Enough writes to send one every spacing while each goes there and back (at least 2: one at the
      // server, the next on its way).
      const cycle = this.#noQueue.min ?? spacing;
      return Math.max(min, Math.min(this.#cap(), Math.max(2, Math.ceil(cycle / spacing))));
    }
    const limit = Math.max(min, Math.min(this.#cap(), Math.floor(this.#limit)));
    // One no-queue latency may be a cold first request (a new connection, a TLS handshake): the limit goes past 2
    // on it only once a second write has come back as fast (2 keep the lock busy meanwhile, and show it).
    return limit > 2 && this.#last.confirmations < 2 ? Math.max(min, 2) : limit;
  }

  /** The no-queue latency less one hold: what a write spends on the way there and back. */
  get roundTripMs(): number | undefined {
    const noQueue = this.#noQueue.min;
    const hold = this.#gaps.min;
    return noQueue === undefined || hold === undefined ? undefined : Math.max(0, noQueue - hold);
  }

  /** The shortest time between two pipelined answers: a hold the lock's writers take at least. */
  get holdMs(): number | undefined {
    return this.#gaps.min;
  }

  get spacingMs(): number | undefined {
    return this.#serial ? undefined : this.#last.spacing.ms;
  }

  /**
   * Whether the lock polls: hand-overs to a waiter that was at the server when the lock freed take more or less
   * long from one to the next (the rest of a poll), where a lock that blocks hands over in the same short time.
   */
  #polls(): boolean {
    const gaps = this.#gaps;
    if (gaps.count < 3) return false;
    const typical = gaps.lowerMedian!;
    // A gap far shorter than a hold is two answers that came together (the one before was held up on its way).
    const fastest = gaps.lowest(bunchedShare * typical)!;
    return typical - fastest > Math.max(pollSpreadMs, pollSpreadShare * fastest);
  }

  /**
   * Whether one write at a time is as fast as a pipeline: the lock's typical hand-over is no faster than a
   * round trip. Near the line (a round trip of a millisecond or two against a lock that blocks, or one that polls
   * every few ms) both cost the same, and the measures flip from one side to the other: the mode changes only
   * when the other side is better by more than the tolerance. While serial, the no-queue latency is still
   * measured on every write and the last hand-over is kept, so a round trip that grows past it ends the mode.
   */
  #updateMode(): void {
    const noQueue = this.#noQueue.min;
    // Of two gaps the lower: one answer stalled at the server (a slow disk, a busy worker) looks like a slow
    // hand-over, and the serial mode, checked again only every probeEvery answers, would outlast the burst. A
    // first gap longer than two no-queue latencies is more likely such a stall than a poll: it waits for a second.
    const hold = this.#gaps.lowerMedian;
    if (noQueue === undefined || hold === undefined) return;
    if (!this.#serial && this.#gaps.count < 2 && hold > 2 * noQueue) return;
    const band = tolerance * noQueue;
    if (this.#serial ? hold < noQueue - band : hold > noQueue + band) this.#serial = !this.#serial;
  }

  /** The highest limit whose last writer waits less than half the lock-wait timeout. */
  #cap(): number {
    const { max } = this.options;
    const hold = this.#gaps.median ?? this.#noQueue.min;
    if (this.#lockTimeoutMs === undefined || !hold) return max;
    return Math.min(max, 1 + Math.floor((timeoutShare * this.#lockTimeoutMs) / hold));
  }

  /**
   * Another tab's write to the session, answered: its measures (the no-queue latency, the hold) are this tab's
   * too, since both tabs' writes wait for the same lock, and so is the limit that tab's answer left.
   */
  learn(sample: WriteSample): void {
    this.#measure(sample);
    if (sample.spacing) this.#last.spacing.adopt(sample.spacing);
    // The limit counts every tab's writes: the tabs keep one, as TCP connections to one host may share one
    // window (RFC 9040). Kept apart, a tab whose turn comes sent at its stale limit (2 where the other had
    // learnt 4), and the lock idled at each hand-over between the tabs.
    if (Number.isFinite(sample.limit)) this.#limit = this.#clamp(sample.limit!);
  }

  #clamp(limit: number): number {
    return Math.max(this.options.min, Math.min(this.options.max, limit));
  }

  /**
   * Once the hold is known: the writes that cover the round trip (noQueue / hold), plus the one waiting, and at
   * most twice `inFlight` (a cold first measure must not send the limit far). A place's cycle is the round trip
   * plus what it waits once freed (the queue's hand-off delay less the round trip: about as long as a hold when
   * the round trip is a hold or so). At least the holder and one waiting: a round trip as short as the lock's
   * hand-over is the serial mode's.
   */
  #model(inFlight: number): number | undefined {
    const hold = this.#gaps.median;
    const roundTrip = this.#noQueue.min;
    if (!hold || roundTrip === undefined) return undefined;
    const freedWait = handoffWaitMs(this.handoffDelay, this.roundTripMs ?? 0);
    return Math.max(2, Math.min(2 * inFlight, (roundTrip + freedWait) / hold + 1));
  }

  /** Keeps what a write's answer shows of the round trip and the hold, and the mode they call for. */
  #measure(sample: WriteSample): { noQueue: number; lowered: boolean; latencyMs: number } {
    // Timers are coarse (and a fast server answers within one tick): no time below a millisecond.
    const latencyMs = Math.max(1, sample.latencyMs);
    const { inFlight, lockWaitMs } = sample;
    this.#last = this.#byEndpoint.get(sample.endpoint ?? '');
    const gapMs = sample.gapMs === undefined ? undefined : Math.max(1, sample.gapMs);
    // This write's no-queue latency, and the recent minimum: the round trip the model plans for (one answer the
    // server or the machine was slow to give, a stall outside the lock, says nothing about the next one).
    let noQueue: number;
    let lowered = false;
    if (lockWaitMs !== undefined) {
      // The server's report is exact, and per endpoint.
      noQueue = Math.max(1, latencyMs - (lockWaitMs > this.options.lockWaitThreshold ? lockWaitMs : 0));
      this.#noQueue.push(noQueue);
      this.#last.confirmations++;
    } else {
      const known = this.#noQueue.min;
      if (inFlight === 1 || known === undefined || latencyMs < known) this.#noQueue.push(latencyMs);
      noQueue = this.#noQueue.min ?? latencyMs;
      // A write as fast as the no-queue latency confirms it, sent alone or in a pipeline (it did not wait).
      if (inFlight === 1 || latencyMs <= noQueue * (1 + tolerance) + 1) this.#last.confirmations++;
      // A write that came back faster shows the first no-queue latency was a cold request, not noise.
      lowered = known !== undefined && noQueue < known;
    }
    // A spaced write's gap is the spacing, not a hold.
    if (gapMs !== undefined && sample.spacedMs === undefined) {
      this.#gaps.push(gapMs);
      this.#untilProbe = probeEvery;
    } else if (this.#untilProbe > 0 && this.#serial) {
      this.#untilProbe--;
    }
    this.#updateMode();
    // Once the lock is seen to poll, the endpoint's writes are spaced for good: no need to look again.
    if (this.#last.spacing.ms === undefined && this.#polls()) this.#last.spacing.start(this.#gaps.min!);
    return { noQueue, lowered, latencyMs };
  }

  onResponse(sample: WriteSample): number {
    const { noQueue, lowered, latencyMs } = this.#measure(sample);
    const pause = this.#last.spacing.answered({ latencyMs, noQueueMs: noQueue, spacedMs: sample.spacedMs });
    // Passed on with the sample: the other tabs space their writes from the same trial.
    sample.spacing = this.#last.spacing.trial;
    const { inFlight } = sample;
    // The no-queue latency is a minimum: a write that did not wait still comes back a little later.
    const latency = Math.max(noQueue, latencyMs - tolerance * noQueue);
    let target = (inFlight * noQueue) / latency + 1;
    const hold = this.#gaps.median;
    // Once the hold is known, the round trip needs noQueue / hold writes, plus the one waiting: that, at once,
    // rather than one more per answer, and no more on a write that came back early (PHP hands the lock out in
    // no particular order, so one write of a pair may not wait at all). Writes that waited longer than one
    // writer should still bring it down.
    const model = this.#model(inFlight);
    if (hold && model !== undefined) {
      target = latency - noQueue > 1.5 * hold ? Math.min(target, model) : model;
    } else {
      // Until a pipelined pair has shown the hold, a write that came back early proves nothing.
      target = Math.min(target, 2);
    }
    const follow = target > this.#limit || lowered;
    this.#limit = follow ? target : this.#limit + smoothing * (target - this.#limit);
    this.#limit = this.#clamp(this.#limit);
    sample.limit = this.#limit;
    return pause;
  }

  onLockTimeout({ latencyMs, lockWaitMs, endpoint }: WriteSample): void {
    this.#last = this.#byEndpoint.get(endpoint ?? '');
    // The 423's own wait is the timeout; without the server's report, its latency less the round trip.
    const waited = lockWaitMs ?? latencyMs - (this.roundTripMs ?? 0);
    if (waited > 0) this.#lockTimeoutMs = Math.max(this.#lockTimeoutMs ?? 0, waited);
    this.#limit = Math.max(this.options.min, Math.min(this.#limit, this.#cap()) / 2);
    this.#last.spacing.lockTimeout();
  }
}
