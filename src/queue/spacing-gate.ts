import { epochMs, localMs } from '../utils/tabs-clock.js';

const now = () => performance.now();

/**
 * The queue's side of the spacing against a lock that polls (see WriteSpacing): the next write goes no sooner
 * than the spacing after the one before it, while that one is at the server: this tab's, or another tab's (told
 * over the tabs' channel), since the tabs' writes wait for the same PHP lock.
 */
export class SpacingGate {
  #lastSentAt = 0;
  /** Added to the spacing before the next write (see pause()). */
  #extra = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Told when a write goes (ms since the epoch): the tabs pass it on to the session's other tabs. */
  onSent: ((at: number) => void) | undefined;

  /** @param onReady called when a write held by the spacing may go */
  constructor(private readonly onReady: () => void) {}

  /** How long the next write still waits for the spacing, ms (`spacing` undefined: writes are not spaced). */
  waitMs(spacing: number | undefined): number {
    return spacing === undefined ? 0 : Math.max(0, this.#lastSentAt + spacing + this.#extra - now());
  }

  /** Whether a write waits for the spacing now (holds() said so, and its time has not come). */
  get waiting(): boolean {
    return this.#timer !== undefined;
  }

  /** Whether a write must wait for the spacing now; if so, onReady is called when it may go. */
  holds(spacing: number | undefined): boolean {
    const wait = this.waitMs(spacing);
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
    // Told even while this tab does not space: another tab may already, and must space after this write too.
    this.onSent?.(epochMs(at));
    if (spacing === undefined || !follows) return undefined;
    return Math.abs(interval - spacing) <= Math.max(2, 0.1 * spacing) ? spacing : interval;
  }

  /** Another tab sent a write at `at` (ms since the epoch): the next one is spaced after it too. */
  foreignSent(at: number): void {
    this.#lastSentAt = Math.max(this.#lastSentAt, localMs(at));
  }

  /** The next write goes `ms` later than the spacing says (a write waited at the server: see WriteSpacing). */
  pause(ms: number): void {
    this.#extra += ms;
  }
}
