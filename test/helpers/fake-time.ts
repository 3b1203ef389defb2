import { vi } from 'vitest';
import { within } from './timing.js';

// Fake time for the unit tests that are about time (keepalive, expiry warning, write-lock steal): the client's and
// the mock PHP server's timers and Date run on it, so counts are exact and a loaded machine cannot reorder them.
// setImmediate, process.nextTick and promises stay real: msw and happy-dom's fetch answer while fake time stands
// still. Do not use vi.waitFor with fake time: it moves the fake clock on every check; use `until`.

/** What is faked: the timers and Date. */
export const fakedClocks = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] as const;

/** Starts fake time (call `vi.useRealTimers()` in afterEach). */
export const useFakeTime = (): void => {
  vi.useFakeTimers({ toFake: [...fakedClocks] });
};

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Lets the work already under way finish (promise chains, requests through msw) without moving fake time (or
 * with real timers, without waiting for any). */
export const settle = async (): Promise<void> => {
  for (let round = 0; round < 10; round++) {
    if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(0);
    await turn();
  }
};

/** Moves fake time forward by `ms`, firing every timer due on the way in order, then settles. */
export const advance = async (ms: number): Promise<void> => {
  await vi.advanceTimersByTimeAsync(ms);
  await settle();
};

/**
 * Runs real event-loop turns, without moving fake time, until `check` stops throwing (for what arrives over real
 * I/O, such as a BroadcastChannel message); rethrows its last error after `realMs` of real time. With real timers
 * it checks on every turn, where vi.waitFor checks every 50 ms: for a window that closes on its own.
 */
export const until = async (check: () => void, realMs = within(5000)): Promise<void> => {
  const end = performance.now() + realMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (performance.now() > end) throw error;
    }
    if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(0);
    await turn();
  }
};

/**
 * Awaits `promise` without moving fake time: fires the timers due now and runs real event-loop turns until it
 * settles. Fails after `realMs` of real time, when the promise waits for fake time to move (`advance` first).
 */
export const finish = async <T>(promise: Promise<T>, realMs = within(5000)): Promise<T> => {
  let settled = false;
  const mark = () => {
    settled = true;
  };
  promise.then(mark, mark);
  await until(() => {
    if (!settled) throw new Error(`still pending at fake time ${Date.now()}: it waits for a timer`);
  }, realMs);
  return promise;
};
