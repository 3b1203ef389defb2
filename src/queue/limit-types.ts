// What the queue and a write limit exchange, in a file of its own so that the limits and the queue import it
// without importing each other.

/** What the client measured for one 'write' attempt. */
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
};

/** How many 'write' requests may be in flight. */
export interface ConcurrencyLimit {
  readonly current: number;
  /** The round trip to the server as far as measured (the no-queue latency less a hold), ms. */
  readonly roundTripMs?: number | undefined;
  /** The shortest time a write has held the session lock, as far as measured (between pipelined answers), ms. */
  readonly holdMs?: number | undefined;
  /** A write's answer (not a lock timeout). */
  onResponse(sample: WriteSample): void;
  /** A lock timeout: the write waited for the lock as long as the server allows, and did not run. */
  onLockTimeout(sample: WriteSample): void;
  /** Another tab's write answered: what it measured of the shared lock, without moving this tab's limit. */
  learn?(sample: WriteSample): void;
}
