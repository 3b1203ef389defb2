// @vitest-environment happy-dom
import { describe, expect, test, vi } from 'vitest';
import { isSessionLockTimeoutError, isTimeoutError } from '../../src/index.js';
import { addLockHolder } from '../helpers/mock-lock-holder.js';
import { client, sleep, useMockPhp } from '../helpers/mock-php.js';

// A handler with a lock-wait timeout of one second that answers per the protocol (423 + Retry-After: 1).
const { php } = useMockPhp({ lockWaitTimeoutMs: 1000 });
// Another tab's request that holds the session lock until the test lets it go.
const holder = addLockHolder(php);
const holdLock = async () => {
  const hold = holder.arm();
  const done = fetch(holder.path, { credentials: 'include' });
  await hold.held;
  return {
    release: async () => {
      hold.release();
      await done;
    },
  };
};
const counterStatuses = () =>
  php.log.filter((entry) => entry.path === '/api/counter').map((entry) => entry.status);

const counterRuns = () => php.log.filter((entry) => entry.path === '/api/counter' && entry.executed);

describe('session-lock timeouts', () => {
  test('a burst of 20 concurrent writes all succeed against a 1 s lock-wait timeout, none sent twice', async () => {
    const session = client();
    await session.get('/api/whoami');
    const bodies = Array.from({ length: 20 }, (_, index) => `write-${index}`);
    const results = await Promise.all(
      bodies.map((body) => session.post('/api/counter?hold=60', { body }).json<{ counter: number }>()),
    );
    expect(results.map((result) => result.counter).sort((a, b) => a - b)).toEqual(
      bodies.map((_, index) => index + 1),
    );
    expect(counterRuns()).toHaveLength(20);
    expect(new Set(counterRuns().map((entry) => entry.bodyText)).size).toBe(20);
    expect(php.log.filter((entry) => entry.lockTimeout)).toHaveLength(0);
  });

  test('a POST that meets a lock timeout is retried (the script did not run) and then succeeds', async () => {
    const session = client({ lockRetry: { maxRetryAfter: 50 } });
    await session.get('/api/whoami');
    // Another tab holds the lock until the first attempt has timed out (after 1 s); the retry gets the lock.
    const other = await holdLock();
    const retries: number[] = [];
    session.on('lock:retry', (event) => {
      retries.push(event.attempt);
      void other.release();
    });
    const result = await session.post('/api/counter', { body: 'mine' }).json<{ counter: number }>();
    expect(result.counter).toBe(1);
    expect(retries).toEqual([1]);
    expect(counterStatuses()).toEqual([423, 200]);
    expect(counterRuns()).toHaveLength(1);
  });

  test('after lockRetry.limit retries the request rejects with SessionLockTimeoutError carrying the attempts', async () => {
    const session = client({ lockRetry: { limit: 1, maxRetryAfter: 10 } });
    await session.get('/api/whoami');
    const other = await holdLock();
    const error = await session.post('/api/counter', { body: 'never' }).catch((caught: unknown) => caught);
    await other.release();
    expect(counterStatuses()).toEqual([423, 423]);
    expect(isSessionLockTimeoutError(error)).toBe(true);
    expect((error as { attempts: number }).attempts).toBe(2);
    expect((error as Error).message).toMatch(
      /^POST http:\/\/localhost:3000\/api\/counter: .*session_write_close\(\)/,
    );
    expect(counterRuns()).toHaveLength(0);
  });

  test("ky's per-attempt timeout does not cut a lock wait short; the deadline bounds the whole request", async () => {
    const session = client({ timeout: 100 });
    await session.get('/api/whoami');
    const other = await holdLock();
    const waits = session.post('/api/counter', { body: 'waits' }).json();
    const settled = vi.fn();
    waits.then(settled, settled);
    // The write waits for the lock four times as long as ky's timeout, and is still waiting.
    await sleep(400);
    expect(settled).not.toHaveBeenCalled();
    await other.release();
    await expect(waits).resolves.toEqual({ counter: 1 });

    const strict = client({ deadline: 150 });
    const blocker = await holdLock();
    const error = await strict.post('/api/counter', { body: 'late' }).catch((caught: unknown) => caught);
    expect(isTimeoutError(error)).toBe(true);
    await blocker.release();
  });
});
