import { afterEach, describe, expect, test, vi } from 'vitest';
import { Deadline } from '../../src/utils/deadline.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const started: Deadline[] = [];
const deadline = (ms: number) => {
  const made = new Deadline(ms, () => new Error(`${ms} ms are up`));
  started.push(made);
  return made;
};

afterEach(() => {
  vi.useRealTimers();
  for (const made of started.splice(0)) made.dispose();
});

describe('a request deadline', () => {
  test('aborts its signal with the reason when its time runs out, and says it expired', async () => {
    const late = deadline(20);
    await vi.waitFor(() => expect(late.signal.aborted).toBe(true));
    expect(late.expired).toBe(true);
    expect(late.signal.reason).toEqual(new Error('20 ms are up'));
  });

  test('a short deadline started after a long one still ends first', async () => {
    const long = deadline(60_000);
    const short = deadline(20);
    await vi.waitFor(() => expect(short.signal.aborted).toBe(true));
    expect(long.signal.aborted).toBe(false);
    expect(long.remaining).toBeGreaterThan(59_000);
  });

  test('does not run while paused, and resumes with the time it had left', async () => {
    const held = deadline(40);
    held.pause();
    const left = held.remaining;
    await sleep(80);
    expect(held.signal.aborted).toBe(false);
    expect(held.remaining).toBe(left);
    held.resume();
    await vi.waitFor(() => expect(held.signal.aborted).toBe(true));
  });

  test('never fires once disposed, and cannot be resumed', async () => {
    const settled = deadline(20);
    settled.dispose();
    settled.resume();
    await sleep(60);
    expect(settled.signal.aborted).toBe(false);
  });

  test('aborts when the signal it follows aborts, without counting as expired', () => {
    const caller = new AbortController();
    const followed = deadline(60_000);
    const signal = followed.follow(caller.signal);
    caller.abort(new Error('user left'));
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toEqual(new Error('user left'));
    expect(followed.expired).toBe(false);
  });

  test('still fires after timers were faked and restored while another deadline waited', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'], now: 0 });
    // Set on the fake clock, the shared timer is lost when the real timers come back.
    deadline(100);
    vi.useRealTimers();
    const later = deadline(20);
    await vi.waitFor(() => expect(later.signal.aborted).toBe(true));
  });
});
