import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isSessionLockTimeoutError, type SessionLockTimeoutError } from '../../src/index.js';
import { type PhpServer, phpClient, shouldRunPhpSuite, startPhpServer } from '../helpers/php-server.js';
import { sleep } from '../helpers/sleep-and-fingerprint.js';

// PHP's session lock through the client: serialisation, read_and_close, lock-timeout retries with the
// lock-wait-timeout files handler and with phpredis, and no lost or doubled writes.

type Write = { tag: string; startedAt: number; endedAt: number };

describe.skipIf(!shouldRunPhpSuite())('session locking against php-fpm', () => {
  const servers: Record<'files' | 'timeout' | 'redis', PhpServer> = {} as never;
  beforeAll(async () => {
    const [files, timeout, redis] = await Promise.all([
      startPhpServer({ handler: 'files', workers: 24 }),
      startPhpServer({ handler: 'timeout', workers: 24 }),
      startPhpServer({ handler: 'redis', workers: 24 }),
    ]);
    Object.assign(servers, { files, timeout, redis });
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((server) => server?.stop()));
  });

  test('three writes that each hold the lock 300 ms finish one after the other', async () => {
    const k = phpClient(servers.files);
    await k.client.get('whoami.php');
    const started = Date.now();
    const results = await Promise.all(
      ['a', 'b', 'c'].map((tag) => k.client.post(`write.php?tag=${tag}&hold=300`).json<Write>()),
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(1300);
    const sorted = [...results].sort((x, y) => x.startedAt - y.startedAt);
    for (let i = 1; i < sorted.length; i++) {
      expect(sorted[i]!.startedAt).toBeGreaterThanOrEqual(sorted[i - 1]!.endedAt - 0.002);
    }
    // Every write landed. Their order is not guaranteed (reported): with two writes in flight (the adaptive
    // limit), both wait on PHP's lock and flock/phpredis grant it in no particular order.
    const last = await k.client.post('write.php?tag=d').json<{ log: string[] }>();
    expect([...last.log.slice(0, 3)].sort()).toEqual(['a', 'b', 'c']);
    expect(last.log[3]).toBe('d');
  });

  test("read_and_close reads (session: 'read') and early session_write_close() do not hold the lock", async () => {
    const k = phpClient(servers.files);
    await k.client.get('whoami.php');
    const started = Date.now();
    await Promise.all([
      ...[1, 2, 3].map(() => k.client.get('read.php?hold=300', { session: 'read' }).json()),
      k.client.post('early-close.php?hold=300').json(),
      k.client.post('write.php?tag=w').json(),
    ]);
    expect(Date.now() - started).toBeLessThan(650);
  });

  for (const handler of ['timeout', 'redis'] as const) {
    test(`with the ${handler} handler, a write that meets a lock timeout behind our own write is retried when that write answers, and succeeds`, async () => {
      const k = phpClient(servers[handler]);
      await k.client.get('whoami.php');
      const started = Date.now();
      const long = k.client.post('write.php?tag=long&hold=1500').json<Write>();
      await sleep(100);
      const results = await Promise.all([long, k.client.post('write.php?tag=next&hold=1500').json<Write>()]);
      const elapsed = Date.now() - started;
      expect(results.map((r) => r.tag)).toEqual(['long', 'next']);
      const retries = k.events.filter((e) => e.name === 'lock:retry');
      expect(retries.length).toBeGreaterThanOrEqual(1);
      // Our own write held the lock: no Retry-After, the retry goes when it answers.
      expect(retries[0]!.detail.afterOwnWrite).toBe(true);
      expect(retries[0]!.detail.delayMs).toBe(0);
      const longAnswer = k.events.findIndex(
        (e) => e.name === 'request:response' && /tag=long/.test(String(e.detail.request)),
      );
      const nextStarts = k.events.slice(longAnswer).filter((e) => e.name === 'request:start');
      expect(String(nextStarts[0]?.detail.request)).toMatch(/tag=next/);
      expect(elapsed).toBeGreaterThanOrEqual(2900); // 1.5 s + 1.5 s - 0.1 s
      expect(elapsed).toBeLessThan(4500);
      const last = await k.client.post('write.php?tag=end').json<{ log: string[] }>();
      expect(last.log).toEqual(['long', 'next', 'end']);
    });

    test(`with the ${handler} handler and lockRetry.limit 0, the lock timeout rejects with SessionLockTimeoutError`, async () => {
      const k = phpClient(servers[handler], { lockRetry: { limit: 0 } });
      await k.client.get('whoami.php');
      const long = k.client.post('write.php?tag=long&hold=1300').json();
      await sleep(100);
      const [first, second] = await Promise.allSettled([long, k.client.post('write.php?tag=blocked').json()]);
      expect(first.status).toBe('fulfilled');
      expect(second.status).toBe('rejected');
      const error = (second as PromiseRejectedResult).reason as SessionLockTimeoutError;
      expect(isSessionLockTimeoutError(error)).toBe(true);
      expect(error.attempts).toBe(1);
    });
  }

  for (const handler of ['files', 'timeout', 'redis'] as const) {
    test(`20 concurrent increments through the adaptive client count exactly 20 (${handler} handler)`, async () => {
      const k = phpClient(servers[handler]);
      await k.client.get('whoami.php');
      const values = await Promise.all(
        Array.from({ length: 20 }, () => k.client.post('counter.php?hold=10').json<{ counter: number }>()),
      );
      expect(values.map((v) => v.counter).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      const me = await k.client.get('whoami.php', { session: 'read' }).json<{ counter: number }>();
      expect(me.counter).toBe(20);
      expect(k.count('lock:retry')).toBe(0);
    });
  }

  for (const handler of ['timeout', 'redis'] as const) {
    test(`20 increments sent all at once (concurrency 20) meet lock timeouts, are retried, and count exactly 20 (${handler} handler)`, async () => {
      const k = phpClient(servers[handler], { concurrency: 20, lockRetry: { limit: 10 } });
      await k.client.get('whoami.php');
      const values = await Promise.all(
        Array.from({ length: 20 }, () => k.client.post('counter.php?hold=100').json<{ counter: number }>()),
      );
      expect(values.map((v) => v.counter).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      expect(k.count('lock:retry')).toBeGreaterThan(0);
      const me = await k.client.get('whoami.php', { session: 'read' }).json<{ counter: number }>();
      expect(me.counter).toBe(20);
    });
  }

  // Observed (reported): the adaptive client lets two writes go at once, and PHP does not grant the lock in
  // arrival order, so two writes made in order a, b can run as b, a (about 1 pair in 10 here). The count varies
  // from run to run, so this test only reports it; with concurrency: 1 order is kept.
  test('two writes made in order may run reversed on the server with the adaptive limit of 2, and the count is reported', async () => {
    const k = phpClient(servers.redis);
    await k.client.get('whoami.php');
    const reversed: number[] = [];
    for (let round = 0; round < 10; round++) {
      const [a, b] = await Promise.all([
        k.client.post(`write.php?tag=a${round}&hold=30`).json<Write>(),
        k.client.post(`write.php?tag=b${round}&hold=30`).json<Write>(),
      ]);
      if (b.startedAt < a.startedAt) reversed.push(round);
    }
    console.info(`pairs run in reverse order: ${reversed.length} of 10`);
    expect(reversed.length).toBeLessThanOrEqual(10);
  });
});
