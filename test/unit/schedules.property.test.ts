// @vitest-environment happy-dom
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { SessionClient } from '../../src/index.js';
import { clearCookies, client, login, sleep, useMockPhp } from '../helpers/mock-php.js';

// Lock waits are bounded so lock timeouts happen; writes need a login, so an expiry makes them come back 401.
const { php } = useMockPhp({ lockWaitTimeoutMs: 150 });
php.route(
  'POST',
  '/api/write',
  async ({ session_start, $_SESSION, request, unauthorized, sleep: hold, url }) => {
    await session_start();
    if (!$_SESSION.user) return unauthorized();
    const token = await request.text();
    $_SESSION.writes = [...(($_SESSION.writes as string[] | undefined) ?? []), token];
    await hold(Number(url.searchParams.get('hold') ?? 0));
    return { token };
  },
);

type Step =
  | { kind: 'write'; hold: number; abortAfter: number | null; gap: number }
  | { kind: 'read'; gap: number }
  | { kind: 'rotate'; gap: number }
  | { kind: 'expire'; gap: number }
  | { kind: 'otherTab'; hold: number; gap: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      hold: fc.integer({ min: 0, max: 40 }),
      abortAfter: fc.option(fc.integer({ min: 0, max: 60 }), { freq: 4 }),
      gap: fc.integer({ min: 0, max: 15 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('read' as const), gap: fc.integer({ min: 0, max: 15 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('rotate' as const), gap: fc.integer({ min: 0, max: 15 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('expire' as const), gap: fc.integer({ min: 0, max: 15 }) }),
  },
  // Another tab holding the session lock longer than the server's lock wait: the client's writes meet lock timeouts.
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('otherTab' as const),
      hold: fc.integer({ min: 160, max: 320 }),
      gap: fc.integer({ min: 0, max: 15 }),
    }),
  },
);

describe('random schedules of requests, rotations, expiries and aborts', () => {
  test('every request settles exactly once, no write runs twice, and writes are sent in FIFO order', async () => {
    const seen = { lockTimeouts: 0, expired: 0, aborted: 0, replayed: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 12 }), async (steps) => {
        clearCookies();
        php.reset();
        const session: SessionClient = client({
          deadline: 8000,
          lockRetry: { maxRetryAfter: 20, baseDelay: 10 },
          onExpired: async () => {
            await login(session);
            return 'resume';
          },
        });
        // Request ids grow in creation order; the order first attempts start in is the order they leave the browser.
        const firstSends: number[] = [];
        session.on('request:response', ({ response }) => {
          if (response.status === 423) seen.lockTimeouts++;
          if (response.status === 401) seen.expired++;
        });
        session.on('request:start', ({ request }) => {
          if (request.attempts === 1 && request.url.includes('/api/write')) firstSends.push(request.id);
        });
        await login(session);
        const settled = new Map<string, number>();
        const writes: string[] = [];
        const pending: Promise<unknown>[] = [];
        const track = (name: string, promise: Promise<unknown>) => {
          settled.set(name, 0);
          pending.push(
            promise.then(
              () => settled.set(name, settled.get(name)! + 1),
              () => settled.set(name, settled.get(name)! + 1),
            ),
          );
        };
        for (const [index, item] of steps.entries()) {
          if (item.kind === 'write') {
            const token = `w${index}`;
            writes.push(token);
            const controller = new AbortController();
            if (item.abortAfter !== null) setTimeout(() => controller.abort(), item.abortAfter);
            track(
              token,
              session.post(`/api/write?hold=${item.hold}`, { body: token, signal: controller.signal }),
            );
          } else if (item.kind === 'read') {
            track(`r${index}`, session.get('/api/whoami', { session: 'read' }));
          } else if (item.kind === 'rotate') {
            track(`l${index}`, login(session));
          } else if (item.kind === 'otherTab') {
            pending.push(
              fetch(`/api/hold?ms=${item.hold}`, { credentials: 'include' }).catch(() => undefined),
            );
          } else {
            php.expireAll();
          }
          await sleep(item.gap);
        }
        const all = Promise.all(pending);
        const outcome = await Promise.race([all.then(() => 'settled'), sleep(6000).then(() => 'hung')]);
        expect(outcome).toBe('settled');
        for (const [name, count] of settled) expect(count, name).toBe(1);

        // The server applied each write at most once (a replay follows only a 401 or a lock timeout, which did not run it).
        const applied = php.log.filter((entry) => entry.path === '/api/write' && entry.status === 200);
        const tokens = applied.map((entry) => entry.bodyText);
        expect(new Set(tokens).size).toBe(tokens.length);

        // First attempts of writes left the browser in the order they were made.
        expect(firstSends).toEqual([...firstSends].sort((a, b) => a - b));
      }),
      { numRuns: 25, endOnFailure: true },
    );
    // The schedules did meet what they are meant to exercise.
    expect(seen.lockTimeouts).toBeGreaterThan(0);
    expect(seen.expired).toBeGreaterThan(0);
  }, 240_000);
});
