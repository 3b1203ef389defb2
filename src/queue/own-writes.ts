import { epochMs, localMs } from '../utils/tabs-clock.js';
import type { WriteSample } from './limit-types.js';

type Sent = {
  at: number;
  /** See WriteSample.spacedMs. */
  spacedMs?: number | undefined;
  /** Sent to the server; false while it waits for the tabs' write lock after its queue turn. */
  atServer: boolean;
  inFlight: number;
  endedBefore: number;
  foreignEndedBefore: number;
};

const now = () => performance.now();

/**
 * This client's writes at the server: when each was sent and how many were in flight then (for the limit's
 * samples), and whether a lock timeout met by one of them was caused by another of ours (which then answers
 * soon, so the request goes again right after it instead of after Retry-After). The other tabs' writes to the
 * session still in flight (told by the tabs' write lock) count as ours: they hold the same PHP lock.
 */
export class OwnWrites {
  readonly #sent = new Map<number, Sent>();
  /** Writes of #sent at the server. */
  #atServer = 0;
  /** Writes answered so far. */
  #ended = 0;
  #onEnd: Array<() => void> = [];
  #lastAnswerAt = Number.NEGATIVE_INFINITY;
  /** The other tabs' writes at the server, and how many of them were answered so far. */
  #foreign = 0;
  #foreignEnded = 0;
  /** Lock timeouts met while another write of ours was at the server (seq → true), until read. */
  readonly #causedByUs = new Set<number>();

  /** The writes of every tab of the session at the server: this client's and the other tabs'. */
  get allTabs(): number {
    return this.#atServer + this.#foreign;
  }

  /** The other tabs' writes at the server. */
  get foreign(): number {
    return this.#foreign;
  }

  /** The other tabs' writes at the server are now `count` (the tabs' write lock sees them start and end). */
  setForeign(count: number): void {
    const ended = this.#foreign - count;
    this.#foreign = count;
    if (ended <= 0) return;
    this.#foreignEnded += ended;
    // The hold's measure takes the answer's time from the tab's sample (foreignAnswered); the Web Lock tells it late.
    this.#wake();
  }

  /**
   * Another tab's write was answered at `at` (ms since the epoch; its sample came over the tabs' channel): the
   * next answer of ours that was at the server meanwhile waited behind it, so the hold is the time since this one,
   * not since our last. The channel's delay varies by a few ms: taken as the answer's time, it made the hand-overs
   * of a lock that hands over at once look as uneven as a poll's.
   */
  foreignAnswered(at?: number): void {
    const time = now();
    const local = Number.isFinite(at) ? Math.min(time, localMs(at!)) : time;
    this.#lastAnswerAt = Math.max(this.#lastAnswerAt, local);
  }

  /** The write `seq` has its queue turn but waits for the tabs' write lock before it is sent. */
  turn(seq: number): void {
    this.#sent.set(seq, { at: now(), atServer: false, inFlight: 0, endedBefore: 0, foreignEndedBefore: 0 });
  }

  /** The write `seq` goes to the server now (again, for a write that waited for the tabs' write lock). */
  sent(seq: number, spacedMs?: number): void {
    const known = this.#sent.get(seq);
    if (!known?.atServer) this.#atServer++;
    this.#sent.set(seq, {
      at: now(),
      spacedMs,
      atServer: true,
      inFlight: this.#atServer + this.#foreign,
      endedBefore: this.#ended,
      foreignEndedBefore: this.#foreignEnded,
    });
  }

  /** The write `seq`, known by its turn, goes to the server now. */
  sending(seq: number, spacedMs?: number): void {
    if (this.#sent.has(seq)) this.sent(seq, spacedMs);
  }

  /**
   * The sample of the write `seq`, answered now (`ran`: not a lock timeout); undefined when it is not a write of
   * ours in flight.
   */
  sample(seq: number, lockWaitMs: number | undefined, ran: boolean): WriteSample | undefined {
    const sent = this.#sent.get(seq);
    if (!sent?.atServer) return undefined;
    const time = now();
    // Sent before the previous answer came: it was at the server while that one held the lock, so the time
    // between the two answers is about one hold.
    const gapMs = ran && sent.at < this.#lastAnswerAt ? time - this.#lastAnswerAt : undefined;
    if (ran) this.#lastAnswerAt = time;
    const { spacedMs, inFlight } = sent;
    const answeredAt = epochMs(time);
    return { latencyMs: time - sent.at, inFlight, lockWaitMs, gapMs, spacedMs, answeredAt };
  }

  /** The write `seq` met a lock timeout: remembers whether another write of ours held the lock meanwhile. */
  lockTimeout(seq: number): void {
    const sent = this.#sent.get(seq);
    if (!sent?.atServer) return;
    const ours = this.#atServer > 1 || this.#ended > sent.endedBefore;
    const tabs = this.#foreign > 0 || this.#foreignEnded > sent.foreignEndedBefore;
    if (ours || tabs) this.#causedByUs.add(seq);
  }

  /** Whether the last lock timeout of `seq` was caused by another write of ours (read once). */
  takeCausedByUs(seq: number): boolean {
    return this.#causedByUs.delete(seq);
  }

  /** The write `seq` was answered (or failed): its turn ends. */
  ended(seq: number): void {
    const sent = this.#sent.get(seq);
    if (!sent) return;
    this.#sent.delete(seq);
    if (!sent.atServer) return;
    this.#atServer--;
    this.#ended++;
    this.#wake();
  }

  #wake(): void {
    const waiting = this.#onEnd;
    if (waiting.length === 0) return;
    this.#onEnd = [];
    for (const resolve of waiting) resolve();
  }

  /** Resolves when the next write of ours (or of another tab) is answered, at once when none is in flight. */
  nextEnd(signal: AbortSignal): Promise<void> {
    if (this.allTabs === 0) return Promise.resolve();
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#onEnd = this.#onEnd.filter((entry) => entry !== done);
        reject(signal.reason);
      };
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#onEnd.push(done);
    });
  }
}
