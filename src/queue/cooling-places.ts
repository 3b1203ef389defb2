/**
 * Places freed by a write's end that wait a while before they take the next write (the hand-off delay, the
 * pacing): each waits on its own, so answers closer together than the wait do not hold back the others.
 * `onReady` is called as each wait ends, to start what may start now.
 */
export class CoolingPlaces {
  /** When each waiting place may take a write again, in the order they were freed. */
  readonly #until: number[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly onReady: () => void) {}

  /** The places still waiting now. */
  get count(): number {
    if (this.#until.length > 0) this.#dropEnded();
    return this.#until.length;
  }

  /** A freed place waits `ms` before it may take a write. */
  add(ms: number): void {
    this.#until.push(Date.now() + ms);
    this.#arm();
  }

  /** Every place may take a write now: nothing of ours is at the server, so no waiter of ours needs the time. */
  clear(): void {
    this.#until.length = 0;
    clearTimeout(this.#timer);
    this.#timer = undefined;
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
