const now = () => performance.now();

/**
 * The queue's side of the spacing against a lock that polls (see WriteSpacing): the next write goes no sooner
 * than the spacing after the one before it, while that one is at the server.
 */
export class SpacingGate {
  #lastSentAt = 0;
  /** Added to the spacing before the next write (see pause()). */
  #extra = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** @param onReady called when a write held by the spacing may go */
  constructor(private readonly onReady: () => void) {}

  /** Whether a write must wait for the spacing now (`spacing` undefined: writes are not spaced). */
  holds(spacing: number | undefined): boolean {
    if (spacing === undefined) return false;
    const wait = this.#lastSentAt + spacing + this.#extra - now();
    if (wait <= 0) return false;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.onReady();
    }, wait);
    return true;
  }

  /**
   * A write goes now. Returns, when another write was at the server (`follows`), how long after that one it went:
   * the spacing when that held it back (its timer fires a little late), else the time that passed.
   */
  sent(spacing: number | undefined, follows: boolean): number | undefined {
    const at = now();
    const interval = at - this.#lastSentAt;
    this.#lastSentAt = at;
    this.#extra = 0;
    if (spacing === undefined || !follows) return undefined;
    return Math.abs(interval - spacing) <= Math.max(2, 0.1 * spacing) ? spacing : interval;
  }

  /** The next write goes `ms` later than the spacing says (a write waited at the server: see WriteSpacing). */
  pause(ms: number): void {
    this.#extra += ms;
  }
}
