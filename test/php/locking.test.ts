import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isSessionLockTimeoutError, type SessionLockTimeoutError } from '../../src/index.js';
import { holdPhpSessionLock } from '../helpers/php-lock-holder.js';
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
      // Another device's script holds the lock, from before the write is sent until it has been answered.
      const other = await holdPhpSessionLock(servers[handler], k.jar.get('PHPSESSID')!);
      const error = await k.client
        .post('write.php?tag=blocked')
        .json()
        .catch((caught: unknown) => caught as SessionLockTimeoutError)
        .finally(() => other.release());
      expect(isSessionLockTimeoutError(error)).toBe(true);
      expect((error as SessionLockTimeoutError).attempts).toBe(1);
      expect((error as SessionLockTimeoutError).response?.status).toBe(423);
      expect(k.count('lock:retry')).toBe(0);
      // The script did not run: its entry is not in the session.
      const next = await k.client.post('write.php?tag=next').json<{ log: string[] }>();
      expect(next.log).toEqual(['next']);
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

  // PHP does not grant the lock in arrival order: two writes waiting for it at once (the adaptive limit lets two
  // go) may run in either order. concurrency: 1 is the documented way to keep the order, and is held to it here;
  // with the adaptive limit the client still sends in order and every write lands once, and a reversal shows in
  // the answers as it happens (the server's own record agrees with them).
  test('with concurrency: 1, writes made at once run on the server in the order they were made', async () => {
    const k = phpClient(servers.redis, { concurrency: 1 });
    await k.client.get('whoami.php');
    const tags = Array.from({ length: 10 }, (_, round) => [`a${round}`, `b${round}`]).flat();
    const results = await Promise.all(
      tags.map((tag) => k.client.post(`write.php?tag=${tag}&hold=30`).json<Write>()),
    );
    const last = await k.client.post('write.php?tag=end').json<{ log: string[] }>();
    expect(last.log).toEqual([...tags, 'end']);
    for (let i = 1; i < results.length; i++) {
      expect(results[i]!.startedAt).toBeGreaterThanOrEqual(results[i - 1]!.endedAt);
    }
    // One write on the wire at a time: each is sent only after the previous one's answer.
    const wire = k.events
      .filter(
        (e) =>
          (e.name === 'request:start' || e.name === 'request:response') &&
          /tag=[ab]/.test(String(e.detail.request)),
      )
      .map(
        (e) =>
          `${e.name === 'request:start' ? 'sent' : 'answered'} ${/tag=(\w+)/.exec(String(e.detail.request))![1]}`,
      );
    expect(wire).toEqual(tags.flatMap((tag) => [`sent ${tag}`, `answered ${tag}`]));
  });

  test('with the adaptive limit, writes are sent in order, each lands once, and the answers show any reversal', async () => {
    const k = phpClient(servers.redis);
    await k.client.get('whoami.php');
    const results: Write[] = [];
    let reversed = 0;
    for (let round = 0; round < 10; round++) {
      const [a, b] = await Promise.all([
        k.client.post(`write.php?tag=a${round}&hold=30`).json<Write>(),
        k.client.post(`write.php?tag=b${round}&hold=30`).json<Write>(),
      ]);
      if (b.startedAt < a.startedAt) reversed++;
      results.push(a, b);
    }
    console.info(`pairs run in reverse order: ${reversed} of 10`);
    const sent = k.events
      .filter((e) => e.name === 'request:start' && /tag=/.test(String(e.detail.request)))
      .map((e) => /tag=(\w+)/.exec(String(e.detail.request))![1]);
    expect(sent).toEqual(results.map((r) => r.tag));
    // The session's log is the order PHP granted the lock, which is the order of the answers' start times.
    const last = await k.client.post('write.php?tag=end').json<{ log: string[] }>();
    const byStart = [...results].sort((x, y) => x.startedAt - y.startedAt).map((r) => r.tag);
    expect(last.log).toEqual([...byStart, 'end']);
  });
});
