/**
 * How early a paced write should reach PHP before its turn: room for the jitter of the round trip, the hold and
 * the timers. Less than a phpredis lock's 20 ms poll at 100 ms holds: arriving a poll or more early gains nothing,
 * the waiter takes the lock at its next poll after it frees either way.
 */
const paceMarginMs = 10;
const paceMarginShare = 0.15;

/**
 * How long a place freed while another write is at the server waits before taking the next write. A write
 * sent at once would reach PHP a round trip after the lock passed to the next writer, and wait there for the
 * holds of the writes ahead of it: it waits here instead, to reach PHP shortly before its turn, so that it
 * keeps a worker blocked only that long. At least the hand-off delay less the round trip (a request arriving
 * the moment the lock frees would take it before a waiter that polls); nothing before the hold is measured.
 *
 * @param ahead writes of this browser (every tab) at the server now
 */
export const pacedWaitMs = ({
  handoffDelay,
  roundTripMs,
  holdMs,
  ahead,
}: {
  handoffDelay: number;
  roundTripMs: number;
  holdMs: number | undefined;
  ahead: number;
}): number => {
  const handoff = handoffWaitMs(handoffDelay, roundTripMs);
  if (holdMs === undefined || ahead === 0) return handoff;
  const turnIn = ahead * holdMs - roundTripMs;
  return Math.max(handoff, turnIn - Math.max(paceMarginMs, paceMarginShare * holdMs));
};

/** The least a freed place waits: the hand-off delay less the round trip the next write takes to reach PHP. */
export const handoffWaitMs = (handoffDelay: number, roundTripMs: number): number =>
  Math.max(0, handoffDelay - roundTripMs);
