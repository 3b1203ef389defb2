import { vi } from 'vitest';
import { within } from './timing.js';

// Fake time for the unit tests that are about time (keepalive, expiry warning, write-lock steal): the client's and
// the mock PHP server's timers and Date run on it, so counts are exact and a loaded machine cannot reorder them.
// setImmediate, process.nextTick and promises stay real: msw and happy-dom's fetch answer while fake time stands
// still, over a number of real event-loop turns that grows with the machine's load. So:
// - assert what a timer does (a request sent, an event) right after `advance`;
// - wait for what an answer changes (a status, an expiry time) with `until`, which does not move fake time;
// - anchor exact boundaries on a time the client set (`advanceTo(expiresAt - 1)`), not on the time a step ended.
// Do not use vi.waitFor with fake time: it moves the fake clock on every check.

/** What is faked: the timers and Date; with `performance`, also the mock's lock waits (performance.now()). */
export const fakedClocks = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] as const;

/** Starts fake time (call `vi.useRealTimers()` in afterEach). */
export const useFakeTime = (options: { performance?: boolean } = {}): void => {
  vi.useFakeTimers({ toFake: [...fakedClocks, ...(options.performance ? (['performance'] as const) : [])] });
};

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Fires the timers due now. Synchronously: an async tick lets real I/O run in the middle of it, and a 0 ms timer
 * set then is put 1 ms later by the fake clock, out of reach of a tick that does not move time.
 */
const fireDue = () => {
  if (vi.isFakeTimers()) vi.advanceTimersByTime(0);
};

/** Lets the work already under way go on (promise chains, requests through msw) without moving fake time (or
 * with real timers, without waiting for any). For checks that nothing happened; `until` waits for a change. */
export const settle = async (): Promise<void> => {
  for (let round = 0; round < 10; round++) {
    fireDue();
    await turn();
  }
};

/** Moves fake time forward by `ms`, firing every timer due on the way in order, then settles. */
export const advance = async (ms: number): Promise<void> => {
  await vi.advanceTimersByTimeAsync(ms);
  await settle();
};

/** Moves fake time forward to `time` (ms since the epoch), as `advance`. */
export const advanceTo = (time: number): Promise<void> => advance(Math.max(0, time - Date.now()));

/**
 * Runs real event-loop turns, firing the timers due now, until `check` stops throwing (for what arrives over real
 * I/O: an answer's body, a BroadcastChannel message); rethrows its last error after `realMs` of real time. With
 * real timers it checks on every turn, where vi.waitFor checks every 50 ms: for a window that closes on its own.
 *
 * A 0 ms timer that the fake clock put 1 ms ahead (see fireDue) would stall it: after 100 turns with timers
 * pending it moves fake time by 1 ms, which is why exact boundaries are anchored on times the client set.
 */
export const until = async (check: () => void, realMs = within(5000)): Promise<void> => {
  const end = performance.now() + realMs;
  for (let turns = 1; ; turns++) {
    try {
      check();
      return;
    } catch (error) {
      if (performance.now() > end) throw error;
    }
    fireDue();
    if (turns % 100 === 0 && vi.isFakeTimers() && vi.getTimerCount() > 0)
      await vi.advanceTimersByTimeAsync(1);
    await turn();
  }
};

const settledFlag = (promise: Promise<unknown>) => {
  const state = { settled: false };
  const mark = () => {
    state.settled = true;
  };
  promise.then(mark, mark);
  return state;
};

/**
 * Awaits `promise` without moving fake time (but for `until`'s 1 ms nudge): for a step that needs no timer, such
 * as a login before the part that counts. Fails after `realMs` when it waits for a timer (`play` it instead).
 */
export const finish = async <T>(promise: Promise<T>, realMs = within(5000)): Promise<T> => {
  const state = settledFlag(promise);
  await until(() => {
    if (!state.settled) throw new Error(`still pending at fake time ${Date.now()}: it waits for a timer`);
  }, realMs);
  return promise;
};

/**
 * Awaits `promise` while fake time runs, timer by timer (each step lets real I/O catch up first): for a scenario
 * made of timed steps (locks held, polls, hand-off delays) whose order, not its speed, is under test. What travels
 * over real I/O meanwhile may land later in fake time on a busy machine, so use it only where that cannot change
 * the outcome; to count timers against a request, wait for the request to arrive (`until`) and then advance.
 * Fails when `limitMs` of fake time pass first.
 */
export const play = async <T>(promise: Promise<T>, limitMs = 60_000): Promise<T> => {
  const state = settledFlag(promise);
  const end = Date.now() + limitMs;
  while (!state.settled) {
    await settle();
    if (state.settled) break;
    if (Date.now() > end) throw new Error(`still pending after ${limitMs} ms of fake time`);
    if (vi.getTimerCount() > 0) await vi.advanceTimersToNextTimerAsync();
  }
  return promise;
};
