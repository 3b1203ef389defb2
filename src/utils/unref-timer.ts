/** Lets node exit while the timer is pending (a page has no such notion; there it does nothing). */
export const unrefTimer = <T>(timer: T): T => {
  (timer as { unref?: () => void } | undefined)?.unref?.();
  return timer;
};
