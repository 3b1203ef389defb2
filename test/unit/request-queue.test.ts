import { describe, expect, test, vi } from 'vitest';
import { createConcurrencyLimit, type WriteSample } from '../../src/queue/concurrency-limit.js';
import { CoolingPlaces } from '../../src/queue/cooling-places.js';
import { type QueueTicket, RequestQueue } from '../../src/queue/request-queue.js';
import { queueTicket as ticket } from '../helpers/queue-ticket.js';

/** A turn as the tests read it: whether it was granted at once, and the promise of its release function. */
const take = (queue: RequestQueue, item: QueueTicket, signal: AbortSignal) => {
  const granted = queue.acquire(item, signal);
  return { immediate: typeof granted === 'function', turn: Promise.resolve(granted) };
};

/** Two writes that go at once, and a third that waits for a place: `started` says whether it went. */
const pairThenOne = (queue: RequestQueue, signal: AbortSignal) => {
  const first = take(queue, ticket(), signal);
  const second = take(queue, ticket(), signal);
  let went = false;
  void take(queue, ticket(), signal).turn.then(() => {
    went = true;
  });
  return { first, second, started: () => went };
};

describe('request queue', () => {
  test('writes beyond the limit wait and start in FIFO order as slots free', async () => {
    const queue = new RequestQueue(createConcurrencyLimit({ fixed: 1 }), () => 'open');
    const signal = new AbortController().signal;
    const started: number[] = [];
    const tickets = [ticket(), ticket(), ticket()];
    const turns = tickets.map((item) =>
      take(queue, item, signal).turn.then((release) => {
        started.push(item.seq);
        return release;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([tickets[0]!.seq]);
    (await turns[0]!)();
    (await turns[1]!)();
    (await turns[2]!)();
    expect(started).toEqual(tickets.map((item) => item.seq));
  });

  test('after a write ends while another waits for the lock, the next write waits the hand-off delay', async () => {
    const queue = new RequestQueue(createConcurrencyLimit({ fixed: 2 }), () => 'open', 40);
    const signal = new AbortController().signal;
    const holder = take(queue, ticket(), signal);
    take(queue, ticket(), signal);
    const next = take(queue, ticket(), signal);
    let startedAt = 0;
    void next.turn.then(() => {
      startedAt = Date.now();
    });
    const releasedAt = Date.now();
    (await holder.turn)();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(startedAt).toBe(0);
    await next.turn;
    expect(startedAt - releasedAt).toBeGreaterThanOrEqual(39);
  });

  test('a place waiting the hand-off delay takes the next write at once when the last write in flight answers', async () => {
    vi.useFakeTimers();
    try {
      const limit = { current: 2, onResponse: () => undefined, onLockTimeout() {} };
      const queue = new RequestQueue(limit, () => 'open', 40);
      const signal = new AbortController().signal;
      const { first, second, started } = pairThenOne(queue, signal);
      (await first.turn)();
      await vi.advanceTimersByTimeAsync(10);
      expect(started()).toBe(false);
      // The pair showed that one write at a time pays (a lock that polls), and the second write answers: nothing
      // of ours waits for the lock any more, so the delay that kept the lock for it has no one to keep it for.
      limit.current = 1;
      (await second.turn)();
      await vi.advanceTimersByTimeAsync(0);
      expect(started()).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  test('with no other write in flight the next write goes at once', async () => {
    const queue = new RequestQueue(createConcurrencyLimit({ fixed: 1 }), () => 'open', 1000);
    const signal = new AbortController().signal;
    const holder = take(queue, ticket(), signal);
    const next = take(queue, ticket(), signal);
    (await holder.turn)();
    let started = false;
    void next.turn.then(() => {
      started = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(started).toBe(true);
  });

  test('once the hold is known, a place freed while a write holds the lock waits to reach PHP just before its turn', async () => {
    vi.useFakeTimers();
    try {
      // 100 ms holds over a 50 ms round trip: the write holding the lock ends 100 ms after the freed place's
      // answer left PHP; sent at once, the next write would reach PHP 50 ms early. It waits 35 ms, so as to
      // reach PHP 15% of a hold before its turn.
      const limit = {
        current: 2,
        roundTripMs: 50,
        holdMs: 100,
        onResponse: () => undefined,
        onLockTimeout() {},
      };
      const queue = new RequestQueue(limit, () => 'open', 30);
      const signal = new AbortController().signal;
      const { first, started } = pairThenOne(queue, signal);
      (await first.turn)();
      await vi.advanceTimersByTimeAsync(30);
      expect(started()).toBe(false);
      await vi.advanceTimersByTimeAsync(10);
      expect(started()).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  test('the pace follows the writes ahead at the server, and falls back to the hand-off delay before the hold is known', async () => {
    const signal = new AbortController().signal;
    const paced = new RequestQueue(
      { current: 4, roundTripMs: 50, holdMs: 100, onResponse: () => undefined, onLockTimeout() {} },
      () => 'open',
      30,
    );
    for (let index = 0; index < 3; index++) await take(paced, ticket(), signal).turn;
    // Three writes ahead: their holds (300 ms) less the round trip, less the margin.
    expect(paced.handoffWaitMs()).toBe(235);
    paced.foreignWrites(1);
    expect(paced.handoffWaitMs()).toBe(335);
    const unknown = new RequestQueue(
      { current: 4, roundTripMs: 10, onResponse: () => undefined, onLockTimeout() {} },
      () => 'open',
      30,
    );
    await take(unknown, ticket(), signal).turn;
    expect(unknown.handoffWaitMs()).toBe(20);
  });

  test('higher priority goes first, FIFO within a priority', async () => {
    const queue = new RequestQueue(createConcurrencyLimit({ fixed: 1 }), () => 'open');
    const signal = new AbortController().signal;
    const first = take(queue, ticket(), signal);
    const order: string[] = [];
    const low1 = ticket();
    const low2 = ticket();
    const high = ticket({ priority: 5 });
    for (const [name, item] of [
      ['low1', low1],
      ['low2', low2],
      ['high', high],
    ] as const) {
      void take(queue, item, signal).turn.then((release) => {
        order.push(name);
        release();
      });
    }
    (await first.turn)();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(order).toEqual(['high', 'low1', 'low2']);
  });

  test('reads do not count against the limit but keep their place behind a waiting write', async () => {
    const queue = new RequestQueue(createConcurrencyLimit({ fixed: 1 }), () => 'open');
    const signal = new AbortController().signal;
    const write = take(queue, ticket(), signal);
    expect(write.immediate).toBe(true);
    const read = take(queue, ticket({ mode: 'read' }), signal);
    expect(read.immediate).toBe(true);
    const waitingWrite = take(queue, ticket(), signal);
    const readBehind = take(queue, ticket({ mode: 'read' }), signal);
    expect(waitingWrite.immediate).toBe(false);
    expect(readBehind.immediate).toBe(false);
    expect(queue.size).toBe(2);
    (await write.turn)();
    await waitingWrite.turn;
    await readBehind.turn;
    expect(queue.size).toBe(0);
  });

  test('a barrier waits for the requests in flight and runs alone', async () => {
    const queue = new RequestQueue(createConcurrencyLimit({ fixed: 4 }), () => 'open');
    const signal = new AbortController().signal;
    const inFlight = take(queue, ticket(), signal);
    const barrier = take(queue, ticket({ barrier: true }), signal);
    const after = take(queue, ticket({ mode: 'read' }), signal);
    expect(barrier.immediate).toBe(false);
    let barrierStarted = false;
    let afterStarted = false;
    void barrier.turn.then(() => (barrierStarted = true));
    void after.turn.then(() => (afterStarted = true));
    await Promise.resolve();
    expect(barrierStarted).toBe(false);
    (await inFlight.turn)();
    const releaseBarrier = await barrier.turn;
    expect(afterStarted).toBe(false);
    releaseBarrier();
    await after.turn;
    expect(afterStarted).toBe(true);
  });

  test('an aborted ticket leaves the queue without ever starting', async () => {
    const queue = new RequestQueue(createConcurrencyLimit({ fixed: 1 }), () => 'open');
    const first = take(queue, ticket(), new AbortController().signal);
    const controller = new AbortController();
    const aborted = take(queue, ticket(), controller.signal);
    controller.abort(new Error('user aborted'));
    await expect(aborted.turn).rejects.toThrow('user aborted');
    expect(queue.size).toBe(0);
    (await first.turn)();
    expect(queue.inFlight).toBe(0);
  });

  test('held tickets wait while the session is held, and lane tickets behind them go one at a time', async () => {
    let held = true;
    const gate = (item: QueueTicket) =>
      !held ? 'open' : item.bypassHold || item.seq > 10_000 ? 'lane' : 'hold';
    const queue = new RequestQueue(createConcurrencyLimit({ fixed: 2 }), gate);
    const signal = new AbortController().signal;
    const heldTicket = take(queue, ticket(), signal);
    const login = take(queue, ticket({ barrier: true, bypassHold: true }), signal);
    const laneA = take(queue, ticket({ seq: 10_001 }), signal);
    const laneB = take(queue, ticket({ seq: 10_002, mode: 'read' }), signal);
    expect(heldTicket.immediate).toBe(false);
    const order: string[] = [];
    void laneA.turn.then((release) => {
      order.push('a');
      release();
    });
    void laneB.turn.then((release) => {
      order.push('b');
      release();
    });
    const releaseLogin = await login.turn;
    await Promise.resolve();
    // The lane is one at a time: nothing else starts while the login is in flight, even a read.
    expect(order).toEqual([]);
    releaseLogin();
    await vi.waitFor(() => expect(order).toEqual(['a', 'b']));
    expect(queue.size).toBe(1);
    held = false;
    queue.pump();
    await heldTicket.turn;
    expect(queue.size).toBe(0);
  });

  test('a request made while onExpired ran still goes alone when the session resumes before its turn', async () => {
    let held = true;
    const gate = (item: QueueTicket) =>
      !held ? 'open' : item.bypassHold || item.seq > 20_000 ? 'lane' : 'hold';
    const queue = new RequestQueue(createConcurrencyLimit({ fixed: 4 }), gate);
    const signal = new AbortController().signal;
    const heldRead = take(queue, ticket({ mode: 'read' }), signal);
    const otherLogin = take(queue, ticket({ barrier: true, bypassHold: true }), signal);
    // The page's own login, not marked rotatesSession, made in onExpired while the other login is in flight.
    const pageLogin = take(queue, ticket({ seq: 20_001 }), signal);
    const releaseOther = await otherLogin.turn;
    // The other login resumes the session: the gate opens for everyone.
    held = false;
    releaseOther();
    const releaseRead = await heldRead.turn;
    let pageLoginStarted = false;
    void pageLogin.turn.then(() => {
      pageLoginStarted = true;
    });
    await Promise.resolve();
    // Beside the read, its regenerate would leave the read with a dead id.
    expect(pageLoginStarted).toBe(false);
    releaseRead();
    const releasePage = await pageLogin.turn;
    // And nothing starts beside it either.
    const later = take(queue, ticket({ mode: 'read' }), signal);
    expect(later.immediate).toBe(false);
    releasePage();
    await later.turn;
  });

  test('rejectHeld rejects every held ticket with the given error', async () => {
    const queue = new RequestQueue(createConcurrencyLimit({ fixed: 2 }), () => 'hold');
    const signal = new AbortController().signal;
    const a = take(queue, ticket(), signal);
    const b = take(queue, ticket({ mode: 'read' }), signal);
    queue.rejectHeld((item) => new Error(`gave up ${item.label.method}`));
    await expect(a.turn).rejects.toThrow('gave up POST');
    await expect(b.turn).rejects.toThrow('gave up POST');
  });
});

describe('places waiting after a write ended', () => {
  test('a shorter wait that began later ends on time, not behind a longer one', async () => {
    vi.useFakeTimers();
    try {
      const ready: number[] = [];
      const places = new CoolingPlaces(() => ready.push(places.count));
      places.add(30);
      await vi.advanceTimersByTimeAsync(2);
      places.add(5);
      expect(places.count).toBe(2);
      await vi.advanceTimersByTimeAsync(6);
      // The 5 ms place is free at 7-8 ms; the 30 ms one still waits.
      expect(ready).toEqual([1]);
      expect(places.count).toBe(1);
      await vi.advanceTimersByTimeAsync(30);
      expect(ready).toEqual([1, 0]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("the queue's write samples", () => {
  test("a write answered after another tab's measures its hold from that tab's answer, not from this tab's last", async () => {
    // Two tabs take turns at the lock: between two answers of this tab, another tab's write held it. The time
    // since this tab's last answer is two holds; read as one, it looks like a lock slow to hand over.
    const samples: WriteSample[] = [];
    const limit = {
      current: 2,
      onResponse: (sample: WriteSample) => {
        samples.push(sample);
        return undefined;
      },
      onLockTimeout() {},
    };
    const queue = new RequestQueue(limit, () => 'open');
    const signal = new AbortController().signal;
    const clock = vi.spyOn(performance, 'now');
    try {
      clock.mockReturnValue(1000);
      const first = ticket();
      const second = ticket();
      const releaseFirst = await take(queue, first, signal).turn;
      const releaseSecond = await take(queue, second, signal).turn;
      clock.mockReturnValue(1020);
      queue.onAnswer(first, undefined);
      releaseFirst();
      // The other tab's write, at the server meanwhile, is answered 20 ms later (its sample comes over the channel).
      clock.mockReturnValue(1040);
      queue.learn({ latencyMs: 40, inFlight: 2, lockWaitMs: undefined, gapMs: 20 });
      clock.mockReturnValue(1060);
      queue.onAnswer(second, undefined);
      releaseSecond();
      expect(samples.map((sample) => sample.gapMs)).toEqual([undefined, 20]);
    } finally {
      clock.mockRestore();
    }
  });
});
