import type { SpacingTrial } from '../core/write-sample.js';

/** A write that came back this much slower than the no-queue latency waited at the server. */
const waitMs = 5;
const waitShare = 0.1;
/** How much later than a hold the writes go at first. */
const marginMs = 3;
const marginShare = 0.03;
/** How much the spacing grows after a write that came too early, ms. */
const backoffMs = 3;
/**
 * A write sent this much longer than the spacing after the one before it that still waited did not come too
 * early: the lock was held by something else (another tab's write not yet heard of, another device, a stall).
 */
const lateShare = 1.25;
/** The most the spacing goes down by at once before a write came too early, ms (the step doubles up to it). */
const maxStepMs = 2;
/** Once a write has come too early, the spacing stays this far above where it did, ms... */
const edgeMarginMs = 2;
/** ...and that edge creeps down this much per write that did not (the hold may have become shorter), ms. */
const edgeCreepMs = 0.25;

/** What a write's answer tells the spacing. */
export type SpacedAnswer = {
  latencyMs: number;
  /** The no-queue latency known so far. */
  noQueueMs: number;
  /** The spacing it was sent with, or the time since the write before it when that was longer or shorter. */
  spacedMs: number | undefined;
};

/**
 * The time between two sends against a lock that polls, for one endpoint. A write that reaches PHP while the
 * lock is held waits for the handler's next try (phpredis sleeps lock_wait_time between two), up to a whole
 * poll, where one that comes just after the lock freed takes it at once: so each write goes a hold or a little
 * more after the one before it, and none waits at the server. The hold is known only roughly there (a gap
 * between two answers includes part of a poll), so the spacing is found by trial: down by a growing step after
 * each write that did not wait, until one came too early and waited for a poll; from then on a little above
 * where that happened.
 *
 * The answer comes a round trip after the send, when other writes went with a spacing already moved: a wait
 * moves the spacing only if the write was sent with the spacing now in force (or one a little longer), a write
 * that did not wait only if the spacing held it back (one sent sooner may have overtaken the write before it:
 * PHP hands its lock out in no order). A write that waited behind one that waited itself says nothing of the
 * spacing (the lock was freed late); it only makes the next send wait out what it waited, which puts the
 * schedule back in step.
 */
export class WriteSpacing {
  /** ms between two sends; undefined until the lock is seen to poll. */
  ms: number | undefined;
  #step = 1;
  #edge: number | undefined;
  #lastWaited = false;

  /** The lock polls: writes are spaced from now on, starting a little above `holdMs`. */
  start(holdMs: number): void {
    this.ms ??= holdMs + marginMs + marginShare * holdMs;
  }

  /** A write's answer: moves the spacing; returns how much later than its spacing the next write should go. */
  answered({ latencyMs, noQueueMs, spacedMs }: SpacedAnswer): number {
    const waited = latencyMs - noQueueMs > Math.max(waitMs, waitShare * noQueueMs);
    const afterWait = this.#lastWaited;
    this.#lastWaited = waited;
    const spacing = this.ms;
    if (spacing === undefined) return 0;
    if (spacedMs !== undefined) {
      if (waited) this.#tooEarly(spacedMs, spacing, afterWait);
      else this.#inTime(spacedMs, spacing);
    }
    // Never as long as a round trip: one at a time would be as fast, and no write would be spaced. Also after a
    // write not held back by the spacing: above the round trip, every write goes only once the one before it is
    // answered, none is held back, and the trial could never bring it down.
    this.ms = Math.max(1, Math.min(noQueueMs - 1, this.ms!));
    // No more than a spacing: a longer wait was for writes of another tab or device, not a schedule out of step.
    return waited ? Math.min(latencyMs - noQueueMs, this.ms!) : 0;
  }

  /** Where the trial stands, for the other tabs; undefined until the lock is seen to poll. */
  get trial(): SpacingTrial | undefined {
    return this.ms === undefined ? undefined : { ms: this.ms, edge: this.#edge, step: this.#step };
  }

  /** Another tab's trial, after its answer: the tabs' writes wait for one lock, so they share one spacing. */
  adopt(trial: SpacingTrial): void {
    this.ms = trial.ms;
    this.#edge = trial.edge;
    this.#step = trial.step;
  }

  /** A lock timeout: writes piled up at the server. */
  lockTimeout(): void {
    if (this.ms !== undefined) this.ms *= 2;
  }

  #tooEarly(spacedMs: number, spacing: number, afterWait: boolean): void {
    if (spacedMs < spacing - 0.5 || spacedMs > lateShare * spacing + backoffMs || afterWait) return;
    this.ms = spacedMs + backoffMs;
    this.#edge = spacedMs;
  }

  #inTime(spacedMs: number, spacing: number): void {
    // Only a write the spacing held back shows that it is enough: one sent sooner may have overtaken the one
    // before it (PHP hands its lock out in no order), one sent later had more time.
    if (Math.abs(spacedMs - spacing) > 0.5) return;
    if (this.#edge === undefined) {
      this.ms = spacedMs - this.#step;
      this.#step = Math.min(2 * this.#step, maxStepMs, spacedMs / 8);
      return;
    }
    this.#edge -= edgeCreepMs;
    this.ms = Math.max(this.#edge + edgeMarginMs, spacedMs - 1);
  }
}
