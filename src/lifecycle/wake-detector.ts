import { unrefTimer } from '../utils/unref-timer.js';

/**
 * Calls `onWake` when the page comes back from the back/forward cache (`pageshow` with `persisted`) or, while
 * `watching()` says so (a session is active), when the device woke from sleep: a timer tick that fired more than
 * `threshold` ms later than scheduled. `onTick` runs on every tick. Call `update()` when `watching()` may have
 * changed.
 */
export const watchForWake = (
  threshold: number,
  watching: () => boolean,
  onWake: () => void,
  onTick: () => void = () => {},
): { update: () => void; stop: () => void } => {
  const every = Math.min(30_000, Math.max(1000, Math.floor(threshold / 2)));
  let last = Date.now();
  let timer: ReturnType<typeof setInterval> | undefined;
  const tick = () => {
    const now = Date.now();
    const late = now - last - every;
    last = now;
    onTick();
    if (late > threshold) onWake();
  };
  const update = () => {
    if (watching() && timer === undefined) {
      last = Date.now();
      timer = unrefTimer(setInterval(tick, every));
    } else if (!watching() && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  const win = globalThis.window as Window | undefined;
  const onShow = (event: Event) => {
    last = Date.now();
    if ((event as PageTransitionEvent).persisted) onWake();
  };
  win?.addEventListener?.('pageshow', onShow);
  update();
  return {
    update,
    stop: () => {
      clearInterval(timer);
      timer = undefined;
      win?.removeEventListener?.('pageshow', onShow);
    },
  };
};
