/**
 * What the client measured for one 'write' attempt. In the ground layer because the write queue's limit reads it
 * and the tabs pass it to each other (`TabMessage` 'write-sample').
 */
export type WriteSample = {
  /** From send to answer, ms. */
  latencyMs: number;
  /** Writes of this client at the server when it was sent, itself included. */
  inFlight: number;
  /** The server's report of its wait for the session lock (`X-Session-Lock-Wait`), when it sends one. */
  lockWaitMs: number | undefined;
  /** Time since the previous write's answer, when this one was already at the server then (about one hold). */
  gapMs?: number | undefined;
  /** The URL without its query: each script holds the lock its own time. */
  endpoint?: string | undefined;
  /**
   * Against a lock that polls: the spacing in force when it was sent (see ConcurrencyLimit.spacingMs), when
   * another write of ours was at the server then (so that the spacing, not an answer, let it go).
   */
  spacedMs?: number | undefined;
  /**
   * The writer's spacing trial after this answer (see WriteSpacing), for the other tabs: their writes wait for the
   * same lock.
   */
  spacing?: SpacingTrial | undefined;
  /**
   * When the answer came, ms since the epoch at sub-millisecond precision (`performance.timeOrigin +
   * performance.now()`): the tabs share that clock, so another tab measures the hold from this answer itself, not
   * from when the sample reached it over the channel.
   */
  answeredAt?: number | undefined;
  /**
   * The writer's limit after this answer, for the other tabs: the limit counts every tab's writes, so the tabs
   * keep one, each moving it with its own answers.
   */
  limit?: number | undefined;
};

/** Where a spacing trial stands: the spacing, the edge a write came too early at, the next step down (ms). */
export type SpacingTrial = { ms: number; edge: number | undefined; step: number };
