import { describe, expect, test, vi } from 'vitest';
import { createConcurrencyLimit, type WriteSample } from '../../src/queue/concurrency-limit.js';
import { RequestQueue } from '../../src/queue/request-queue.js';
import { WriteSpacing } from '../../src/queue/write-spacing.js';
import { shareWriteSamples } from '../../src/tabs/shared-write-samples.js';
import { TabChannel } from '../../src/tabs/tab-channel.js';
import { queueTicket as ticket } from '../helpers/queue-ticket.js';
import { spacedLimit } from '../helpers/spaced-limit.js';

// Against a lock that polls (phpredis tries every lock_wait_time), a waiter takes the freed lock a part of a
// poll late, where a write that reaches PHP just after it freed takes it at once: the writes are spaced.

const adaptive = { initial: 2, min: 1, max: 8, lockWaitThreshold: 10 };

/** Pipelined answers 20 ms holds apart, each hand-over `handOvers[i]` ms late (a round trip of 40 ms). */
const pipelined = (handOvers: number[]): WriteSample[] => [
  { latencyMs: 61, inFlight: 1, lockWaitMs: undefined },
  ...handOvers.map((handOver) => ({
    latencyMs: 80,
    inFlight: 2,
    lockWaitMs: undefined,
    gapMs: 20 + handOver,
  })),
];

const measured = (samples: WriteSample[], limit = createConcurrencyLimit(adaptive)) => {
  for (const sample of samples) limit.onResponse(sample);
  return limit;
};

describe('writes against a lock that polls', () => {
  test('are spaced about a hold apart when hand-overs vary by part of a poll, not when the lock blocks', () => {
    const polling = measured(pipelined([14, 3, 12, 9, 15]));
    expect(polling.spacingMs).toBeGreaterThanOrEqual(20);
    expect(polling.spacingMs).toBeLessThan(27);
    // Enough writes in flight to send one every spacing while each goes there and back.
    expect(polling.current).toBe(3);
    expect(measured(pipelined([1, 1, 2, 1, 1])).spacingMs).toBeUndefined();
    expect(measured(pipelined([10, 10, 10, 10, 10])).spacingMs).toBeUndefined();
  });

  test("share one spacing across tabs: another tab's answer carries its trial", () => {
    const a = measured(pipelined([14, 3, 12, 9, 15]));
    const b = createConcurrencyLimit(adaptive);
    const first = a.spacingMs!;
    // Tab A's write, held back by the spacing, came back without a wait: A's spacing goes down, and B learns it.
    const sample: WriteSample = { latencyMs: 61, inFlight: 2, lockWaitMs: undefined, spacedMs: first };
    a.onResponse(sample);
    expect(a.spacingMs).toBeLessThan(first);
    b.learn!(sample);
    expect(b.spacingMs).toBe(a.spacingMs);
  });
});

describe('the spacing, found by trial', () => {
  const answered = (spacing: WriteSpacing, spacedMs: number, waitedMs = 0) =>
    spacing.answered({ latencyMs: 41 + waitedMs, noQueueMs: 41, spacedMs });

  test('goes down by a growing step while writes sent with it do not wait', () => {
    const spacing = new WriteSpacing();
    spacing.start(30);
    const steps: number[] = [];
    for (let index = 0; index < 4; index++) {
      const before = spacing.ms!;
      answered(spacing, before);
      steps.push(before - spacing.ms!);
    }
    expect(steps).toEqual([1, 2, 2, 2]);
  });

  test('goes back above where a write came too early, stays a little above it, and creeps down', () => {
    const spacing = new WriteSpacing();
    spacing.start(30);
    while (spacing.ms! > 24) answered(spacing, spacing.ms!);
    const early = spacing.ms!;
    expect(answered(spacing, early, 15)).toBe(15);
    expect(spacing.ms).toBe(early + 3);
    answered(spacing, spacing.ms!);
    answered(spacing, spacing.ms!);
    answered(spacing, spacing.ms!);
    expect(spacing.ms).toBeGreaterThan(early + 1);
    expect(spacing.ms).toBeLessThanOrEqual(early + 2);
  });

  test('is not moved by writes sent with an older spacing, nor by a wait behind a write that waited', () => {
    const spacing = new WriteSpacing();
    spacing.start(30);
    const at = spacing.ms!;
    // A write sent 40 ms after the one before it (an answer let it go) shows nothing of a spacing of 30.
    answered(spacing, at + 10);
    expect(spacing.ms).toBe(at);
    // A wait of a write sent closer than the spacing in force was already answered for.
    answered(spacing, at - 5, 15);
    expect(spacing.ms).toBe(at);
    // The next write waited too: the one before it freed the lock late.
    expect(answered(spacing, at, 12)).toBe(12);
    expect(spacing.ms).toBe(at);
  });

  test('never reaches a round trip, and doubles on a lock timeout', () => {
    const spacing = new WriteSpacing();
    spacing.start(60);
    answered(spacing, spacing.ms!);
    expect(spacing.ms).toBeLessThan(41);
    const before = spacing.ms!;
    spacing.lockTimeout();
    expect(spacing.ms).toBe(2 * before);
  });

  test('comes under a round trip on an answer even when no write was held back by it', () => {
    // Started above the round trip (a hold of 250 ms, answers 255 ms after their send), each write goes only
    // once the one before it is answered: none is held back, and the trial alone would never move.
    const spacing = new WriteSpacing();
    spacing.start(250);
    expect(spacing.ms).toBeGreaterThan(255);
    spacing.answered({ latencyMs: 255, noQueueMs: 255, spacedMs: undefined });
    expect(spacing.ms).toBeLessThan(255);
  });
});

describe('the queue with spaced writes', () => {
  const spaced = (spacingMs: number) => spacedLimit(spacingMs, 4);

  /**
   * Runs `body` with the queues of tabs A and B told of each other's sends and samples over their channel, sending
   * through the tabs' write lock, a minute after the page started: a tab that never heard of the other's write
   * would then wait nothing.
   */
  const asTabs = async (a: RequestQueue, b: RequestQueue, body: () => Promise<void>) => {
    const channels = [new TabChannel('spacing-test'), new TabChannel('spacing-test')];
    const stops = [shareWriteSamples(channels[0]!, a), shareWriteSamples(channels[1]!, b)];
    vi.useFakeTimers({ toFake: ['performance'] });
    vi.advanceTimersByTime(60_000);
    try {
      for (const queue of [a, b]) queue.writesWaitForTabs();
      await body();
    } finally {
      vi.useRealTimers();
      for (const stop of stops) stop();
      for (const channel of channels) channel.close();
    }
  };

  test('sends each write a spacing after the one before it while that one is at the server, and at once when none is', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
    try {
      const queue = new RequestQueue(spaced(50), () => 'open');
      const signal = new AbortController().signal;
      const went: number[] = [];
      const releases: Array<() => void> = [];
      for (let index = 0; index < 3; index++) {
        void Promise.resolve(queue.acquire(ticket(), signal)).then((release) => {
          went.push(index);
          releases.push(release);
        });
      }
      await vi.advanceTimersByTimeAsync(0);
      expect(went).toEqual([0]);
      await vi.advanceTimersByTimeAsync(49);
      expect(went).toEqual([0]);
      await vi.advanceTimersByTimeAsync(2);
      expect(went).toEqual([0, 1]);
      await vi.advanceTimersByTimeAsync(50);
      expect(went).toEqual([0, 1, 2]);
      for (const release of releases) release();
      // Nothing of ours at the server: the lock is free, the next write goes at once.
      expect(typeof queue.acquire(ticket(), signal)).toBe('function');
    } finally {
      vi.useRealTimers();
    }
  });

  test("spaces a tab's write after another tab's last write while that one is at the server", async () => {
    // Two tabs' queues, each sending through the tabs' write lock, told of each other's sends over the channel (a
    // spacing far longer than the message takes).
    const [a, b] = [0, 1].map(() => new RequestQueue(spaced(5000), () => 'open')) as [
      RequestQueue,
      RequestQueue,
    ];
    await asTabs(a, b, async () => {
      const signal = new AbortController().signal;
      const write = ticket();
      expect(typeof a.acquire(write, signal)).toBe('function');
      expect(a.spacingWaitMs()).toBe(0);
      a.sending(write.seq);
      // Tab B holds the write lock next, and sees tab A's write at the server.
      b.foreignWrites(1);
      await vi.waitFor(() => expect(b.spacingWaitMs()).toBeGreaterThan(0));
      expect(b.spacingWaitMs()).toBeLessThanOrEqual(5000);
      // B's next write has its turn at once (none of B's is at the server) but goes the spacing after A's.
      expect(typeof b.acquire(ticket(), signal)).toBe('function');
      expect(b.spacingWaitMs()).toBeGreaterThan(0);
      // Once A's write is answered, nothing is at the server: the lock is free, no wait.
      b.foreignWrites(0);
      expect(b.spacingWaitMs()).toBe(0);
    });
  });

  test("spaces a tab's write after another tab's even when that tab has not yet seen the lock poll", async () => {
    // Tab A still paces its writes (its answers have not shown the polls yet); tab B, told by other answers,
    // spaces them. Not knowing when A's write went, B sent at once into a place A's write was about to take,
    // and overtook it at PHP's lock.
    const a = new RequestQueue(createConcurrencyLimit(adaptive), () => 'open');
    const b = new RequestQueue(spaced(5000), () => 'open');
    await asTabs(a, b, async () => {
      const signal = new AbortController().signal;
      const write = ticket();
      expect(typeof a.acquire(write, signal)).toBe('function');
      a.sending(write.seq);
      b.foreignWrites(1);
      await vi.waitFor(() => expect(b.spacingWaitMs()).toBeGreaterThan(0));
      expect(b.spacingWaitMs()).toBeLessThanOrEqual(5000);
    });
  });
});
