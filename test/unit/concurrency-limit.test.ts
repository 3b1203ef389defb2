import { describe, expect, test } from 'vitest';
import {
  type ConcurrencyLimit,
  createConcurrencyLimit,
  type WriteSample,
} from '../../src/queue/concurrency-limit.js';

// The write limit from what the client measures. The samples follow one PHP session lock: a write sent alone
// takes the round trip plus its hold; one that waited behind others takes that much longer; the time between
// two pipelined answers is one hold plus the lock's hand-over.

const adaptive = { initial: 2, min: 1, max: 8, lockWaitThreshold: 10 };

/** Answers of a steady pipeline of `inFlight` writes (after two writes sent alone: the first, and its check). */
const pipeline = (
  options: { rttMs: number; holdMs: number; handOverMs?: number; inFlight: number; header?: boolean },
  count = 20,
): WriteSample[] => {
  const { rttMs, holdMs, handOverMs = 0, inFlight, header = false } = options;
  const noQueue = rttMs + holdMs + 1;
  const gap = holdMs + handOverMs;
  // In a full pipeline each write waits for the holds of those ahead of it, less the round trip it covers.
  const waited = Math.max(0, (inFlight - 1) * gap - rttMs);
  const first: WriteSample = { latencyMs: noQueue, inFlight: 1, lockWaitMs: header ? 0 : undefined };
  const steady: WriteSample = {
    latencyMs: noQueue + waited,
    inFlight,
    lockWaitMs: header ? waited : undefined,
    gapMs: gap,
  };
  return [first, first, ...Array.from({ length: count }, () => steady)];
};

const settle = (samples: WriteSample[]) => {
  const limit = createConcurrencyLimit(adaptive);
  for (const sample of samples) limit.onResponse(sample);
  return limit;
};

/** Pairs against a lock that hands over 10 ms after a 20 ms hold on a LAN: one write at a time pays. */
const pollingPair = pipeline({ rttMs: 1, holdMs: 20, handOverMs: 10, inFlight: 2 }, 5);

/** `count` writes sent alone and answered in `latencyMs`; the limit after each. */
const answeredAlone = (limit: ConcurrencyLimit, latencyMs: number, count: number): number[] =>
  Array.from({ length: count }, () => {
    limit.onResponse({ latencyMs, inFlight: 1, lockWaitMs: undefined });
    return limit.current;
  });

describe('the adaptive write limit', () => {
  test('settles at 2 on a LAN with 100 ms holds, with and without the lock-wait header', () => {
    for (const header of [true, false]) {
      for (const inFlight of [2, 3, 4]) {
        expect(settle(pipeline({ rttMs: 1, holdMs: 100, inFlight, header })).current, `${inFlight}`).toBe(2);
      }
    }
  });

  test('a write answered within one timer tick (0 ms) still leaves a usable limit', () => {
    const limit = settle([{ latencyMs: 0, inFlight: 1, lockWaitMs: undefined }]);
    expect(limit.current).toBe(2);
  });

  test('goes higher when the round trip is long against the hold', () => {
    const limit = settle(pipeline({ rttMs: 50, holdMs: 20, inFlight: 2 }));
    expect(limit.current).toBe(4);
    expect(limit.roundTripMs).toBe(51);
  });

  test('with a round trip about one hold long, covers the hand-off delay a freed place waits too', () => {
    // 20 ms holds, 4 ms hand-overs, a 20 ms round trip: two writes would cover the round trip alone, but a freed
    // place waits the 30 ms hand-off delay less the round trip before its next write, and the lock would idle.
    const samples = pipeline({ rttMs: 20, holdMs: 20, handOverMs: 4, inFlight: 2 });
    const withDelay = createConcurrencyLimit(adaptive, 30);
    for (const sample of samples) withDelay.onResponse(sample);
    expect(settle(samples).current).toBe(2);
    expect(withDelay.current).toBe(3);
  });

  test('answers that come back unevenly (one gap shorter than a hold) do not raise it on a LAN', () => {
    const limit = settle([
      { latencyMs: 103, inFlight: 1, lockWaitMs: undefined },
      { latencyMs: 103, inFlight: 1, lockWaitMs: undefined },
    ]);
    for (const gapMs of [100, 48, 125, 101, 99, 40, 104]) {
      limit.onResponse({ latencyMs: 180, inFlight: 2, lockWaitMs: undefined, gapMs });
      expect(limit.current).toBe(2);
    }
  });

  test('a slow first write (a cold connection) does not raise the limit past 2 before a second write confirms it', () => {
    // 100 ms holds on a LAN, but the first write took 320 ms (a TLS handshake): it would call for 4.
    const limit = settle([
      { latencyMs: 320, inFlight: 1, lockWaitMs: undefined },
      { latencyMs: 420, inFlight: 2, lockWaitMs: undefined, gapMs: 100 },
    ]);
    expect(limit.current).toBe(2);
    // The next write of the pair finds the lock free and shows the round trip: 2 cover it.
    limit.onResponse({ latencyMs: 102, inFlight: 2, lockWaitMs: undefined });
    expect(limit.current).toBe(2);
    for (let index = 0; index < 5; index++) {
      limit.onResponse({ latencyMs: 200, inFlight: 2, lockWaitMs: undefined, gapMs: 100 });
    }
    expect(limit.current).toBe(2);
  });

  test('a long round trip raises it past 2 once a second write comes back as fast as the first, none sent alone', () => {
    // 50 ms round trip, 20 ms holds: the first pair shows the no-queue latency (75 ms) and the hold (21 ms).
    const limit = settle([
      { latencyMs: 75, inFlight: 2, lockWaitMs: undefined },
      { latencyMs: 96, inFlight: 2, lockWaitMs: undefined, gapMs: 21 },
    ]);
    // The pipeline keeps going at 2 (no write waits alone for the confirmation) ...
    expect(limit.current).toBe(2);
    // ... and a write of it that did not wait confirms the round trip: (75 / 21) + 1 writes cover it.
    limit.onResponse({ latencyMs: 76, inFlight: 2, lockWaitMs: undefined, gapMs: 21 });
    expect(limit.current).toBe(4);
  });

  test("one answer stalled outside the lock (a busy server or machine) does not raise it, with the helper's report", () => {
    // A LAN with 100 ms holds, settled at 2; then one write comes back 240 ms late without having waited for the
    // lock. Taken as the round trip it would call for 4 writes at once, three of them only waiting in the lock.
    const limit = settle(pipeline({ rttMs: 1, holdMs: 100, inFlight: 2, header: true }));
    expect(limit.current).toBe(2);
    limit.onResponse({ latencyMs: 341, inFlight: 2, lockWaitMs: 0, gapMs: 100 });
    expect(limit.current).toBe(2);
    // A round trip that stays long is another matter: it does call for more writes.
    for (let index = 0; index < 5; index++) {
      limit.onResponse({ latencyMs: 341, inFlight: 2, lockWaitMs: 0, gapMs: 100 });
    }
    expect(limit.current).toBeGreaterThan(2);
  });

  test('with answers as far apart as a write alone takes (a LAN, a lock that blocks), it stays at 2 instead of flapping', () => {
    const limit = settle([
      { latencyMs: 103, inFlight: 1, lockWaitMs: undefined },
      { latencyMs: 103, inFlight: 1, lockWaitMs: undefined },
    ]);
    const seen = new Set<number>();
    for (const gapMs of [101, 106, 104, 100, 107, 105, 102, 106, 104, 103]) {
      limit.onResponse({ latencyMs: 130, inFlight: 2, lockWaitMs: undefined, gapMs });
      seen.add(limit.current);
    }
    expect([...seen]).toEqual([2]);
  });

  test('each endpoint keeps its own no-queue latency: a quick script does not make a slow one look serial', () => {
    const limit = settle([
      { latencyMs: 12, inFlight: 1, lockWaitMs: undefined, endpoint: 'http://app/whoami.php' },
      { latencyMs: 103, inFlight: 1, lockWaitMs: undefined, endpoint: 'http://app/write.php' },
      { latencyMs: 103, inFlight: 1, lockWaitMs: undefined, endpoint: 'http://app/write.php' },
    ]);
    for (let index = 0; index < 6; index++) {
      limit.onResponse({
        latencyMs: 130,
        inFlight: 2,
        lockWaitMs: undefined,
        gapMs: 101,
        endpoint: 'http://app/write.php',
      });
    }
    expect(limit.current).toBe(2);
  });

  test('stays serial when the lock passes between waiters no faster than a round trip (a polling handler)', () => {
    const limit = settle(pollingPair);
    expect(limit.current).toBe(1);
    // ...and pipelines a pair now and then (not within the next 50 writes) to check again.
    const seen = answeredAlone(limit, 22, 120);
    expect(seen.slice(0, 50).every((current) => current === 1)).toBe(true);
    expect(seen).toContain(2);
  });

  test('one answer stalled at the server in the first pair does not make it serial for the rest of the burst', () => {
    // 20 ms round trip, 20 ms holds: the first write came back in 43 ms, the second 115 ms later (its worker
    // stalled), which alone looks like a lock that hands over slower than a round trip.
    const limit = settle([
      { latencyMs: 43, inFlight: 2, lockWaitMs: undefined },
      { latencyMs: 158, inFlight: 2, lockWaitMs: undefined, gapMs: 115 },
    ]);
    expect(limit.current).toBe(2);
    // The next pipelined answers show 21 ms hand-overs: it keeps pipelining, past 2 to cover the round trip.
    const seen = Array.from({ length: 6 }, () => {
      limit.onResponse({ latencyMs: 44, inFlight: 2, lockWaitMs: undefined, gapMs: 21 });
      return limit.current;
    });
    expect(seen.every((current) => current >= 2)).toBe(true);
    expect(seen.at(-1)).toBeGreaterThan(2);
  });

  test('leaves the serial mode as soon as the round trip grows past the lock hand-over, without waiting for a check', () => {
    const limit = settle(pollingPair);
    expect(limit.current).toBe(1);
    // The network slows: a write alone now takes 40 ms more, longer than the 30 ms between two pipelined answers.
    expect(answeredAlone(limit, 62, 8).at(-1)).toBeGreaterThanOrEqual(2);
  });

  test("learns the lock and the limit from another tab's answers, and moves that limit with its own", () => {
    // The other tab's writes met a polling lock: this tab starts serial and paced, before any answer of its own.
    const polling = createConcurrencyLimit(adaptive);
    for (const sample of pollingPair) polling.learn?.(sample);
    expect(polling.current).toBe(1);
    expect(polling.holdMs).toBe(30);
    // Tab A pipelined 6 writes over a long round trip. The limit counts every tab's writes: B, told A's answers,
    // knows the hold and the round trip and starts at A's limit, not at 2.
    const a = createConcurrencyLimit(adaptive);
    const b = createConcurrencyLimit(adaptive);
    for (const sample of pipeline({ rttMs: 200, holdMs: 50, inFlight: 6 }, 10)) {
      a.onResponse(sample);
      b.learn?.(sample);
    }
    expect(a.current).toBe(6);
    expect(b.roundTripMs).toBe(201);
    expect(b.current).toBe(6);
    // B's own writes waited for three holders each: B brings the limit down, and A follows.
    const waited = { latencyMs: 400, inFlight: 6, lockWaitMs: undefined, gapMs: 50 };
    for (let i = 0; i < 4; i++) {
      b.onResponse(waited);
      a.learn?.(waited);
    }
    expect(b.current).toBeLessThan(6);
    expect(a.current).toBe(b.current);
  });

  test('a fixed limit keeps its count whatever it measures, and measures the round trip and the hold for the pacing', () => {
    const fixed = createConcurrencyLimit({ fixed: 3 }, 30);
    for (const sample of pipeline({ rttMs: 50, holdMs: 20, inFlight: 3 })) fixed.onResponse(sample);
    expect(fixed.current).toBe(3);
    expect(fixed.roundTripMs).toBe(51);
    expect(fixed.holdMs).toBe(20);
    // Neither a polling lock (the adaptive limit's serial mode) nor a lock timeout moves it.
    const polling = createConcurrencyLimit({ fixed: 3 }, 30);
    for (const sample of pollingPair) polling.onResponse(sample);
    polling.onLockTimeout({ latencyMs: 420, inFlight: 3, lockWaitMs: 400 });
    expect(polling.current).toBe(3);
  });

  test('a lock timeout halves it', () => {
    const limit = settle(pipeline({ rttMs: 50, holdMs: 20, inFlight: 4 }));
    expect(limit.current).toBe(4);
    limit.onLockTimeout({ latencyMs: 2000, inFlight: 4, lockWaitMs: undefined });
    expect(limit.current).toBe(2);
  });

  test('the learnt lock-wait timeout caps it so that the last writer waits under half of it', () => {
    const limit = settle(pipeline({ rttMs: 50, holdMs: 20, inFlight: 4 }));
    // A 423 100 ms after its send, without the server's report: the round trip (51 ms) off, a 49 ms timeout.
    limit.onLockTimeout({ latencyMs: 100, inFlight: 4, lockWaitMs: undefined });
    // Writes that did not wait would take it back to 4; 20 ms holds allow 1 + floor(24.5 / 20) = 2.
    for (let index = 0; index < 10; index++) {
      limit.onResponse({ latencyMs: 71, inFlight: 2, lockWaitMs: undefined, gapMs: 20 });
    }
    expect(limit.current).toBe(2);
  });

  test("with the helper's report, the timeout is the 423's reported wait", () => {
    const limit = settle(pipeline({ rttMs: 1, holdMs: 300, inFlight: 2, header: true }));
    limit.onLockTimeout({ latencyMs: 402, inFlight: 2, lockWaitMs: 400 });
    for (let index = 0; index < 10; index++) limit.onResponse({ latencyMs: 301, inFlight: 1, lockWaitMs: 0 });
    // A waiter would wait about 300 ms of a 400 ms timeout: one at a time.
    expect(limit.current).toBe(1);
  });

  test('a write that waited far longer than one hold brings it down', () => {
    const limit = settle(pipeline({ rttMs: 50, holdMs: 20, inFlight: 4 }));
    for (let index = 0; index < 10; index++) {
      limit.onResponse({ latencyMs: 300, inFlight: 4, lockWaitMs: undefined, gapMs: 20 });
    }
    expect(limit.current).toBeLessThanOrEqual(2);
  });

  test('a fixed limit never changes', () => {
    const limit = createConcurrencyLimit({ fixed: 3 });
    limit.onLockTimeout({ latencyMs: 1000, inFlight: 3, lockWaitMs: undefined });
    limit.onResponse({ latencyMs: 10, inFlight: 1, lockWaitMs: 0 });
    expect(limit.current).toBe(3);
  });
});
