import type { WriteSample } from './concurrency-limit.js';

type Sent = { at: number; inFlight: number; endedBefore: number };

const now = () => performance.now();

/**
 * This client's writes at the server: when each was sent and how many were in flight then (for the limit's
 * samples), and whether a lock timeout met by one of them was caused by another of ours (which then answers
 * soon, so the request goes again right after it instead of after Retry-After).
 */
export class OwnWrites {
  readonly #sent = new Map<number, Sent>();
  /** Writes answered so far. */
  #ended = 0;
  #onEnd: Array<() => void> = [];
  #lastAnswerAt = Number.NEGATIVE_INFINITY;
  /** Lock timeouts met while another write of ours was at the server (seq → true), until read. */
  readonly #causedByUs = new Set<number>();

  get inFlight(): number {
    return this.#sent.size;
  }

  /** The write `seq` goes to the server now (again, when it first had to wait for the tabs' write lock). */
  sent(seq: number): void {
    const known = this.#sent.has(seq);
    this.#sent.set(seq, { at: now(), inFlight: this.#sent.size + (known ? 0 : 1), endedBefore: this.#ended });
  }

  /**
   * The sample of the write `seq`, answered now (`ran`: not a lock timeout); undefined when it is not a write of
   * ours in flight.
   */
  sample(seq: number, lockWaitMs: number | undefined, ran: boolean): WriteSample | undefined {
    const sent = this.#sent.get(seq);
    if (!sent) return undefined;
    const time = now();
    // Sent before the previous answer came: it was at the server while that one held the lock, so the time
    // between the two answers is about one hold.
    const gapMs = ran && sent.at < this.#lastAnswerAt ? time - this.#lastAnswerAt : undefined;
    if (ran) this.#lastAnswerAt = time;
    return { latencyMs: time - sent.at, inFlight: sent.inFlight, lockWaitMs, gapMs };
  }

  /** The write `seq` met a lock timeout: remembers whether another write of ours held the lock meanwhile. */
  lockTimeout(seq: number): void {
    const sent = this.#sent.get(seq);
    if (sent && (this.#sent.size > 1 || this.#ended > sent.endedBefore)) this.#causedByUs.add(seq);
  }

  /** Whether the last lock timeout of `seq` was caused by another write of ours (read once). */
  takeCausedByUs(seq: number): boolean {
    return this.#causedByUs.delete(seq);
  }

  /** The write `seq` was answered (or failed): its turn ends. */
  ended(seq: number): void {
    if (!this.#sent.delete(seq)) return;
    this.#ended++;
    const waiting = this.#onEnd;
    if (waiting.length === 0) return;
    this.#onEnd = [];
    for (const resolve of waiting) resolve();
  }

  /** Resolves when the next write of ours is answered, at once when none is in flight. */
  nextEnd(signal: AbortSignal): Promise<void> {
    if (this.#sent.size === 0) return Promise.resolve();
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
