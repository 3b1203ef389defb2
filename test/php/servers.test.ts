import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCookieJarFetch } from '../helpers/cookie-jar-fetch.js';
import { type PhpServer, shouldRunPhpSuite, startPhpServer } from '../helpers/php-server.js';
import { sleep } from '../helpers/sleep-and-fingerprint.js';

// The test servers themselves: two php-fpm pools behind one nginx upstream sharing a Redis session store, and
// the plain app (no helper) answering its own lock timeouts.

describe.skipIf(!shouldRunPhpSuite())('the PHP test servers', () => {
  const servers: Record<'pools' | 'plain' | 'plainRedis', PhpServer> = {} as never;
  beforeAll(async () => {
    const [pools, plain, plainRedis] = await Promise.all([
      startPhpServer({ handler: 'redis', pools: 2, workers: 4, lockTimeoutMs: 400 }),
      startPhpServer({ handler: 'timeout', app: 'plain', lockTimeoutMs: 300 }),
      startPhpServer({ handler: 'redis', app: 'plain', pools: 2, lockTimeoutMs: 300 }),
    ]);
    Object.assign(servers, { pools, plain, plainRedis });
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((server) => server?.stop()));
  });

  test('two pools answer in turn and share one session through Redis', async () => {
    const jar = createCookieJarFetch(servers.pools.origin);
    const masters = new Set<string>();
    for (let index = 1; index <= 6; index++) {
      const answer = (await (await jar(`${servers.pools.url}/counter.php`, { method: 'POST' })).json()) as {
        counter: number;
      };
      expect(answer.counter).toBe(index);
    }
    for (let index = 0; index < 4; index++) {
      masters.add(await (await jar(`${servers.pools.url}/pid.php?master=1`)).text());
    }
    // Each pool is its own php-fpm master: both served the run.
    expect(masters.size).toBe(2);
  });

  test('the plain app sends no protocol header and answers a lock timeout with 423, Retry-After and X-Session-Lock', async () => {
    for (const server of [servers.plain, servers.plainRedis]) {
      const jar = createCookieJarFetch(server.origin);
      const first = await jar(`${server.url}/whoami.php`);
      expect(first.headers.get('x-session-fp')).toBeNull();
      expect(first.headers.get('x-session-lock-wait')).toBeNull();
      const long = jar(`${server.url}/write.php?tag=long&hold=800`, { method: 'POST' });
      await sleep(100);
      const [blocked, bare] = await Promise.all([
        jar(`${server.url}/write.php?tag=blocked`, { method: 'POST' }),
        jar(`${server.url}/write.php?tag=bare&bare=1`, { method: 'POST' }),
      ]);
      expect(blocked.status).toBe(423);
      expect(blocked.headers.get('retry-after')).toBe('1');
      expect(blocked.headers.get('x-session-lock')).toBe('timeout');
      expect(bare.status).toBe(423);
      expect(bare.headers.get('x-session-lock')).toBeNull();
      expect((await long).status).toBe(200);
      const me = (await (await jar(`${server.url}/whoami.php`)).json()) as { log: string[] };
      // The timed-out scripts did not run, and wrote nothing.
      expect(me.log).toEqual(['long']);
    }
  });
});
