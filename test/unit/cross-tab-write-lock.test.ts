// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createConcurrencyLimit } from '../../src/queue/concurrency-limit.js';
import { RequestQueue } from '../../src/queue/request-queue.js';
import { CrossTabWriteLock } from '../../src/tabs/cross-tab-write-lock.js';
import { holdAcrossTabs } from '../../src/tabs/hold-across-tabs.js';
import { shareWriteSamples } from '../../src/tabs/shared-write-samples.js';
import { TabChannel } from '../../src/tabs/tab-channel.js';
import { installFakeWebLocks } from '../helpers/fake-web-locks.js';
import { client, login, useMockPhp } from '../helpers/mock-php.js';
import { sleep } from '../helpers/sleep-and-fingerprint.js';
import { spacedLimit } from '../helpers/spaced-limit.js';

// The write lock of several tabs, each a CrossTabWriteLock on one fake Web Locks manager (one origin) and
// Node's BroadcastChannel, behind the tab's own request queue (a fixed limit, no hand-off delay unless given).

const name = 'app:write';
let fake: ReturnType<typeof installFakeWebLocks>;
beforeEach(() => {
  fake = installFakeWebLocks();
});
afterEach(() => fake.uninstall());

type Tab = { queue: RequestQueue; lock: CrossTabWriteLock };

/** A tab: its request queue (a fixed limit, a hand-off delay) and its write lock, wired as a client wires them. */
const tab = (limit: number, options: { handoffMs?: number; timeoutMs?: number } = {}): Tab => {
  const queue = new RequestQueue(
    createConcurrencyLimit({ fixed: limit }),
    () => 'open',
    options.handoffMs ?? 0,
  );
  const lock = new CrossTabWriteLock(name, options.timeoutMs ?? 5000);
  lock.attach(queue);
  return { queue, lock };
};

let seq = 0;

/** Writes through the tabs' queues and locks; `log` lists when each was sent and answered. */
const world = () => {
  const log: string[] = [];
  let inFlight = 0;
  let most = 0;
  const signal = new AbortController().signal;
  /** Sends write `label` from `from` once its turn comes; resolves to its answer (call it to answer). */
  const send = async (from: Tab, label: string, barrier = false) => {
    const ticket = {
      seq: ++seq,
      priority: 0,
      mode: 'write',
      barrier,
      bypassHold: false,
      label: { method: 'POST', url: label },
    } as const;
    const turn = await from.queue.acquire(ticket, signal);
    const release = await holdAcrossTabs(from.lock, signal, turn, () => from.queue.sending(ticket.seq));
    inFlight++;
    most = Math.max(most, inFlight);
    log.push(`${label} sent`);
    return () => {
      inFlight--;
      log.push(`${label} answered`);
      release();
    };
  };
  return { log, send, most: () => most };
};

/** Two tabs whose writes go `spacingMs` apart (`limit` places), told of each other's sends over their channel. */
const spacedTabs = (spacingMs: number, limit: number) => {
  const channels = [0, 1].map(() => new TabChannel(`spaced-${spacingMs}-${limit}`));
  const tabs = channels.map((channel) => {
    const queue = new RequestQueue(spacedLimit(spacingMs, limit), () => 'open');
    const lock = new CrossTabWriteLock(name, 5000);
    lock.attach(queue);
    shareWriteSamples(channel, queue);
    return { queue, lock };
  }) as [Tab, Tab];
  const close = () => {
    for (const channel of channels) channel.close();
  };
  return { tabs, close };
};

/** Lets the locks' messages and grants through. */
const settle = () => sleep(5);

describe('cross-tab write lock', () => {
  test("the next tab sends its first write while the current tab's last write is still in flight", async () => {
    const [a, b] = [tab(2), tab(2)];
    const { log, send } = world();
    const a1 = await send(a, 'a1');
    const a2 = await send(a, 'a2');
    const b1 = send(b, 'b1');
    const b2 = send(b, 'b2');
    await settle();
    expect(log).toEqual(['a1 sent', 'a2 sent']);
    // Tab B counts A's two writes in flight against its limit of 2, and sends as each ends.
    expect(b.queue.ownWrites.foreign).toBe(2);
    a1();
    await settle();
    expect(log).toEqual(['a1 sent', 'a2 sent', 'a1 answered', 'b1 sent']);
    a2();
    await settle();
    expect(log.slice(4)).toEqual(['a2 answered', 'b2 sent']);
    (await b1)();
    (await b2)();
  });

  test('across three tabs, never more writes in flight than the limit, and every write goes', async () => {
    for (let round = 0; round < 20; round++) {
      const limit = 1 + (round % 3);
      const tabs = [tab(limit), tab(limit), tab(limit)];
      const { send, most } = world();
      const writes = tabs.flatMap((from, index) =>
        Array.from({ length: 4 }, async (_, n) => {
          await sleep(Math.random() * 6);
          const answer = await send(from, `${index}.${n}`);
          await sleep(1 + Math.random() * 4);
          answer();
        }),
      );
      await Promise.all(writes);
      expect(most(), `round ${round}, limit ${limit}`).toBeLessThanOrEqual(limit);
    }
  });

  test('with a limit of 1 the next tab waits for the last write of the current one', async () => {
    const [a, b] = [tab(1), tab(1)];
    const { log, send } = world();
    const a1 = await send(a, 'a1');
    const b1 = send(b, 'b1');
    await settle();
    a1();
    (await b1)();
    expect(log).toEqual(['a1 sent', 'a1 answered', 'b1 sent', 'b1 answered']);
  });

  test("after another tab's write ends while one of ours waits for PHP's lock, the next write waits the hand-off delay", async () => {
    const [a, b] = [tab(3), tab(3, { handoffMs: 40 })];
    const { log, send } = world();
    const a1 = await send(a, 'a1');
    await send(a, 'a2');
    const b1 = await send(b, 'b1');
    const b2 = send(b, 'b2');
    await settle();
    expect(log).toEqual(['a1 sent', 'a2 sent', 'b1 sent']);
    a1();
    await sleep(20);
    expect(log).not.toContain('b2 sent');
    (await b2)();
    expect(log).toContain('b2 sent');
    b1();
  });

  test('a place of one tab still waiting out the hand-off delay when the baton passes is not sent into at once by the next tab', async () => {
    const [a, b] = [tab(2, { handoffMs: 40 }), tab(2)];
    const { log, send } = world();
    const a1 = await send(a, 'a1');
    const a2 = await send(a, 'a2');
    // a1's answer frees a place while a2 waits for PHP's lock: that place waits 40 ms before the next write.
    a1();
    const b1 = send(b, 'b1');
    await sleep(20);
    expect(log).toEqual(['a1 sent', 'a2 sent', 'a1 answered']);
    (await b1)();
    expect(log).toEqual(['a1 sent', 'a2 sent', 'a1 answered', 'b1 sent', 'b1 answered']);
    a2();
  });

  test("a request that runs alone waits for every tab's writes, and no other write goes while it is in flight", async () => {
    const [a, b] = [tab(2), tab(2)];
    const { log, send } = world();
    const a1 = await send(a, 'a1');
    const login = send(b, 'login', true);
    await settle();
    expect(log).toEqual(['a1 sent']);
    a1();
    const answer = await login;
    const a2 = send(a, 'a2');
    await settle();
    expect(log).toEqual(['a1 sent', 'a1 answered', 'login sent']);
    answer();
    (await a2)();
    expect(log.slice(3)).toEqual(['login answered', 'a2 sent', 'a2 answered']);
  });

  test('two tabs that keep writing take turns instead of one draining its writes first', async () => {
    const [a, b] = [tab(2), tab(2)];
    const { log, send } = world();
    const stream = (from: Tab, label: string) =>
      Array.from({ length: 2 }, async (_, lane) => {
        for (let n = 0; n < 4; n++) {
          const answer = await send(from, `${label}${lane}.${n}`);
          await sleep(3);
          answer();
        }
      });
    await Promise.all([...stream(a, 'a'), ...stream(b, 'b')]);
    const tabs = log.filter((entry) => entry.endsWith('sent')).map((entry) => entry[0]);
    const turns = tabs.filter((from, index) => index > 0 && from !== tabs[index - 1]).length;
    expect(tabs).toHaveLength(16);
    expect(turns).toBeGreaterThanOrEqual(3);
  });

  test('a tab whose next write the spacing holds back keeps the baton for it, then passes it on', async () => {
    // Against a lock that polls, each write goes a spacing after the one before it (see WriteSpacing).
    const spaced = () => {
      const queue = new RequestQueue(spacedLimit(30, 2), () => 'open');
      const lock = new CrossTabWriteLock(name, 5000);
      lock.attach(queue);
      return { queue, lock };
    };
    const [a, b] = [spaced(), spaced()];
    const { log, send } = world();
    const a1 = await send(a, 'a1');
    const a2 = send(a, 'a2');
    const b1 = send(b, 'b1');
    await settle();
    // Tab B asked for the baton while A's second write waited for the spacing: A kept it for that write.
    expect(log).toEqual(['a1 sent']);
    (await a2)();
    expect(log).toEqual(['a1 sent', 'a2 sent', 'a2 answered']);
    (await b1)();
    expect(log.slice(3)).toEqual(['b1 sent', 'b1 answered']);
    a1();
  });

  test("a tab's write waits the spacing after another tab's at the head of its line, and goes once the lock frees", async () => {
    // The wait was a sleep after the baton, timed once: a later write of the tab, let go by the queue when the
    // other tab's write ended, reached PHP first, and the two met at its lock.
    const { tabs, close } = spacedTabs(1000, 2);
    const [a, b] = tabs;
    try {
      const { log, send } = world();
      const a1 = await send(a, 'a1');
      const b1 = send(b, 'b1');
      await settle();
      expect(log).toEqual(['a1 sent']);
      a1();
      await settle();
      // Nothing of the tabs at the server: the lock is free, the spacing has nothing to wait for.
      expect(log).toEqual(['a1 sent', 'a1 answered', 'b1 sent']);
      (await b1)();
    } finally {
      close();
    }
  });

  test('of two writes of a tab let go together, the second waits the spacing after the first', async () => {
    // Looked at before the first counted as sent, the second went with it.
    const { tabs, close } = spacedTabs(50, 3);
    const [a, b] = tabs;
    try {
      const { log, send } = world();
      const b1 = await send(b, 'b1');
      await sleep(60);
      // Past the spacing after b1: tab A's queue lets both writes go, and they wait for the baton.
      const a1 = send(a, 'a1');
      const a2 = send(a, 'a2');
      await settle();
      expect(log).toEqual(['b1 sent', 'a1 sent']);
      (await a2)();
      expect(log.slice(2)).toEqual(['a2 sent', 'a2 answered']);
      (await a1)();
      (await b1)();
    } finally {
      close();
    }
  });

  test("a hung tab's write in flight is waited for at most the timeout", async () => {
    const b = tab(1, { timeoutMs: 150 });
    // A slot of another tab's write that never ends.
    void fake.locks.request(`${name}:slot:hung:0`, () => new Promise(() => {}));
    const { log, send } = world();
    const b1 = send(b, 'b1');
    await sleep(60);
    expect(log).toEqual([]);
    (await b1)();
    expect(log).toEqual(['b1 sent', 'b1 answered']);
  });

  test('a tab whose lock was stolen asks for it again before its next write', async () => {
    const a = tab(2);
    const { log, send } = world();
    const a1 = await send(a, 'a1');
    let unlock = () => {};
    void fake.locks.request(name, { steal: true }, () => new Promise<void>((resolve) => (unlock = resolve)));
    await settle();
    const a2 = send(a, 'a2');
    await settle();
    expect(log).toEqual(['a1 sent']);
    unlock();
    (await a2)();
    a1();
    expect(log).toEqual(['a1 sent', 'a2 sent', 'a2 answered', 'a1 answered']);
  });

  test('without query() the next tab waits until the current tab has no write in flight', async () => {
    const query = fake.locks.query;
    Object.defineProperty(fake.locks, 'query', { value: undefined, configurable: true });
    try {
      const [a, b] = [tab(2), tab(2)];
      const { log, send } = world();
      const a1 = await send(a, 'a1');
      const a2 = await send(a, 'a2');
      const b1 = send(b, 'b1');
      await settle();
      a1();
      await settle();
      expect(log).not.toContain('b1 sent');
      a2();
      (await b1)();
      expect(log).toEqual(['a1 sent', 'a2 sent', 'a1 answered', 'a2 answered', 'b1 sent', 'b1 answered']);
    } finally {
      Object.defineProperty(fake.locks, 'query', { value: query, configurable: true });
    }
  });
});

describe('without Web Locks', () => {
  test('a write goes at once', async () => {
    fake.uninstall();
    const lock = new CrossTabWriteLock(name, 1000);
    const release = await lock.acquire(new AbortController().signal);
    expect(typeof release).toBe('function');
    vi.fn(release)();
  });
});

describe('tabs of one session against the mock PHP backend', () => {
  const { php } = useMockPhp({ lockWaitTimeoutMs: 400 });

  test('with a limit of 2, the writes of three tabs keep the lock busy, never more than two at it, none timing out', async () => {
    const tabs = [1, 2, 3].map(() => client({ concurrency: 2 }));
    await login(tabs[0]!);
    const answers = await Promise.all(
      tabs.flatMap((tab) =>
        [1, 2, 3, 4].map(() => tab.post('/api/counter?hold=60').json<{ counter: number }>()),
      ),
    );
    expect(answers.map((answer) => answer.counter).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 12 }, (_, index) => index + 1),
    );
    const writes = php.log.filter((entry) => entry.path === '/api/counter');
    expect(writes.filter((entry) => entry.lockTimeout || entry.status !== 200)).toEqual([]);
    // At the server from arrival to answer: never more than the limit of 2, across the tabs.
    const edges = writes.flatMap((entry) => [
      { at: entry.startedAt, step: 1 },
      { at: entry.endedAt, step: -1 },
    ]);
    edges.sort((x, y) => x.at - y.at || x.step - y.step);
    let atServer = 0;
    let most = 0;
    for (const edge of edges) {
      atServer += edge.step;
      most = Math.max(most, atServer);
    }
    expect(most).toBeLessThanOrEqual(2);
    // In the order the lock was taken, each write was already waiting when the one before it let go.
    const byLock = [...writes].sort((x, y) => x.startedAt + x.lockWaitMs - (y.startedAt + y.lockWaitMs));
    const late = byLock.filter((entry, index) => index > 0 && entry.startedAt > byLock[index - 1]!.endedAt);
    expect(late).toEqual([]);
  });
});

describe('measures shared between tabs', () => {
  test("a tab that has not written yet learns the lock's hold and round trip from another tab's answers", async () => {
    const adaptive = { initial: 2, min: 1, max: 8, lockWaitThreshold: 10 };
    const [a, b] = [0, 1].map(() => {
      const queue = new RequestQueue(createConcurrencyLimit(adaptive), () => 'open', 0);
      const channel = new TabChannel('app');
      return { queue, channel, stop: shareWriteSamples(channel, queue) };
    }) as [Shared, Shared];
    try {
      const signal = new AbortController().signal;
      const ticket = (n: number) =>
        ({
          seq: n,
          priority: 0,
          mode: 'write',
          barrier: false,
          bypassHold: false,
          label: { method: 'POST', url: '/x' },
        }) as const;
      // Tab a pipelines two writes: the second answers one hold after the first.
      const first = await a.queue.acquire(ticket(1), signal);
      const second = await a.queue.acquire(ticket(2), signal);
      await sleep(30);
      a.queue.onAnswer(ticket(1), undefined);
      first();
      await sleep(20);
      a.queue.onAnswer(ticket(2), undefined);
      second();
      expect(a.queue.limit.holdMs).toBeGreaterThanOrEqual(15);
      await vi.waitFor(() => expect(b.queue.limit.holdMs).toBe(a.queue.limit.holdMs));
      expect(b.queue.limit.roundTripMs).toBe(a.queue.limit.roundTripMs);
    } finally {
      for (const tab of [a, b]) {
        tab.stop();
        tab.channel.close();
      }
    }
  });
});

type Shared = { queue: RequestQueue; channel: TabChannel; stop: () => void };
