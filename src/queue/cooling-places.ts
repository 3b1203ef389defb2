/**
 * Places freed by a write's end that wait a while before they take the next write (the hand-off delay, the
 * pacing): each waits on its own, so answers closer together than the wait do not hold back the others.
 * `onReady` is called as each wait ends, to start what may start now.
 */
export class CoolingPlaces {
  /** When each waiting place may take a write again, earliest first. */
  readonly #until: number[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly onReady: () => void) {}

  /** The places still waiting now (those whose wait ended leave at the next timer). */
  get count(): number {
    const time = Date.now();
    let waiting = 0;
    for (const until of this.#until) if (until > time) waiting++;
    return waiting;
  }

  /** When each place still waiting may take a write again (ms, `Date.now()` time), earliest first. */
  get until(): number[] {
    const time = Date.now();
    return this.#until.filter((until) => until > time);
  }

  /** A freed place waits `ms` before it may take a write (until `until`, when given: a time another tab chose). */
  add(ms: number, until = Date.now() + ms): void {
    // Kept in order of their end (waits differ), so that the timer follows the first to end.
    let index = this.#until.length;
    while (index > 0 && this.#until[index - 1]! > until) index--;
    this.#until.splice(index, 0, until);
    if (index === 0) this.#rearm();
    else this.#arm();
  }

  /** Every place may take a write now: nothing of ours is at the server, so no waiter of ours needs the time. */
  clear(): void {
    this.#until.length = 0;
    this.#rearm();
  }

  #rearm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#arm();
  }

  #arm(): void {
    const next = this.#until[0];
    if (this.#timer !== undefined || next === undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#dropEnded();
        this.onReady();
        this.#arm();
      },
      Math.max(0, next - Date.now()) + 1,
    );
  }

  #dropEnded(): void {
    const time = Date.now();
    while (this.#until.length > 0 && this.#until[0]! <= time) this.#until.shift();
  }
}
