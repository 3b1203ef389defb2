// The tabs of a browser share the wall clock, but each page's performance.now() counts from its own start: times
// passed between tabs go as ms since the epoch (sub-millisecond), and each tab reads them on its own clock.

/** A `performance.now()` time of this page as ms since the epoch. */
export const epochMs = (local: number): number => performance.timeOrigin + local;

/** Ms since the epoch (another tab's time) on this page's `performance.now()` clock. */
export const localMs = (epoch: number): number => epoch - performance.timeOrigin;
