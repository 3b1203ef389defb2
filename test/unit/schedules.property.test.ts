// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  createSessionClient,
  isSessionExpiredError,
  isSessionLockTimeoutError,
  type SessionClient,
} from '../../src/index.js';
import { createPhpServer, installDemoRoutes, type PhpServer } from '../../src/testing/index.js';
import { createWorld, type World, worldOrigin } from '../helpers/scheduled-world.js';

// Random schedules of writes, reads, aborts, logins, expiries and another device holding the lock, in 1-3 tabs of
// one session, with every login style inside onExpired, against the mock PHP server in strict mode (with and without
// the protocol headers). fast-check's scheduler orders every request, answer and tab message; time is fake, so a
// failing schedule replays from its seed and shrinks.

type LoginStyle = 'marked' | 'unmarked' | 'plain-fetch';

type Step =
  | { kind: 'write'; tab: number; hold: number; abortAfter: number | null; gap: number }
  | { kind: 'read'; tab: number; gap: number }
  | { kind: 'login'; tab: number; gap: number }
  | { kind: 'expire'; gap: number }
  | { kind: 'otherDevice'; hold: number; gap: number };

const tab = fc.integer({ min: 0, max: 2 });
const gap = fc.integer({ min: 0, max: 30 });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      tab,
      hold: fc.integer({ min: 0, max: 40 }),
      abortAfter: fc.option(fc.integer({ min: 0, max: 60 }), { freq: 5 }),
      gap,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), tab, gap }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('login' as const), tab, gap }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('expire' as const), gap }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('otherDevice' as const),
      hold: fc.integer({ min: 160, max: 320 }),
      gap,
    }),
  },
);

const scenario = fc.record({
  tabs: fc.integer({ min: 1, max: 3 }),
  style: fc.constantFrom<LoginStyle>('marked', 'unmarked', 'plain-fetch'),
  protocol: fc.boolean(),
  seed: fc.integer(),
  steps: fc.array(step, { minLength: 3, maxLength: 14 }),
});

const server = (protocol: boolean): PhpServer => {
  // The lock wait is bounded so that lock timeouts happen; writes need a login, so an expiry makes them come back 401.
  const php = installDemoRoutes(createPhpServer({ strictMode: true, protocol, lockWaitTimeoutMs: 150 }));
  php.route(
    'POST',
    '/api/write',
    async ({ session_start, $_SESSION, request, unauthorized, sleep, query }) => {
      await session_start();
      if (!$_SESSION.user) return unauthorized();
      const token = await request.text();
      $_SESSION.writes = [...(($_SESSION.writes as string[] | undefined) ?? []), token];
      await sleep(Number(query.get('hold') ?? 0));
      return { token };
    },
  );
  return php;
};

const login = (client: SessionClient, marked: boolean) =>
  client.post('/api/login', { json: { user: 'ada' }, rotatesSession: marked }).json();

/** Why a request may fail in these schedules: the page aborted it, or the server kept answering as described. */
const allowedFailure = (error: unknown, expiries: number) =>
  (error as Error).name === 'AbortError' ||
  isSessionLockTimeoutError(error) ||
  (isSessionExpiredError(error) && error.reason === 'replayed-once' && expiries > 1);

describe('random schedules of requests, logins and expiries across tabs', () => {
  test('nothing hangs, no write runs twice or is lost, and each expiry prompts at most once across all tabs', async () => {
    const seen = { lockTimeouts: 0, expired: 0, aborted: 0, handlerCalls: 0, tabs: new Set<number>() };
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), scenario, async (s, { tabs, style, protocol, seed, steps }) => {
        const php = server(protocol);
        const world: World = createWorld(s, php, seed);
        world.install();
        const clients: SessionClient[] = [];
        const debugLog: string[] = [];
        try {
          let handlerCalls = 0;
          const open = (): SessionClient => {
            const client: SessionClient = createSessionClient({
              pageOrigin: worldOrigin,
              baseUrl: worldOrigin,
              fetch: world.fetch,
              tabs: true,
              deadline: 30_000,
              lockRetry: { maxRetryAfter: 20, baseDelay: 10 },
              onExpired: async () => {
                handlerCalls++;
                if (style !== 'plain-fetch') {
                  await login(client, style === 'marked');
                  return 'resume';
                }
                // The client never sees this login; like a user, try again while the server is busy.
                for (let attempt = 0; attempt < 10; attempt++) {
                  const response = await world.fetch('/api/login', {
                    method: 'POST',
                    body: '{"user":"ada"}',
                  });
                  if (response.ok) return 'resume';
                  await new Promise((resolve) => setTimeout(resolve, 100));
                }
                return 'give-up';
              },
            });
            if (process.env.FC_DEBUG) {
              const id = clients.length;
              for (const name of [
                'request:queued',
                'request:start',
                'request:response',
                'request:end',
                'session:expire',
                'session:resume',
                'session:start',
                'session:rotate',
                'lock:retry',
              ] as const) {
                client.on(name, (event) => {
                  const e = event as {
                    request?: { id: number; method: string; url: string; outcome?: string; attempts: number };
                    session: { status: string; fingerprint: string | null };
                  };
                  debugLog.push(
                    [
                      Date.now() % 100_000,
                      `tab${id}`,
                      name,
                      e.request
                        ? `#${e.request.id} ${e.request.method} ${e.request.url.replace(worldOrigin, '')} a${e.request.attempts} ${e.request.outcome ?? ''}`
                        : '',
                      e.session?.status,
                      e.session?.fingerprint,
                    ].join(' '),
                  );
                });
              }
            }
            client.on('request:response', ({ response }) => {
              if (response.status === 423) seen.lockTimeouts++;
              if (response.status === 401) seen.expired++;
            });
            clients.push(client);
            return client;
          };
          const opened = Array.from({ length: tabs }, open);
          seen.tabs.add(tabs);
          // Request ids grow in creation order, and per tab first attempts leave in that order, except that held
          // requests wait for the decision while those made during onExpired go ahead: each group keeps its order.
          const firstSends = opened.map(() => ({ held: [] as number[], free: [] as number[] }));
          for (const [index, client] of opened.entries()) {
            client.on('request:start', ({ request }) => {
              if (request.attempts === 1 && request.url.includes('/api/write'))
                firstSends[index]![request.held ? 'held' : 'free'].push(request.id);
            });
          }
          const ready = login(opened[0]!, true);
          expect(await world.run(ready)).toBe('settled');
          await ready;

          let expiries = 0;
          const writes = new Map<string, Promise<unknown>>();
          const others: Promise<unknown>[] = [];
          const outcomes = new Map<string, { ok: boolean; error?: unknown }>();
          const track = (name: string, promise: Promise<unknown>) => {
            const settled = promise.then(
              () => outcomes.set(name, { ok: true }),
              (error: unknown) => outcomes.set(name, { ok: false, error }),
            );
            if (name.startsWith('w')) writes.set(name, settled);
            else others.push(settled);
          };
          const actions = (async () => {
            for (const [index, item] of steps.entries()) {
              const client = opened[('tab' in item ? item.tab : 0) % tabs]!;
              if (item.kind === 'write') {
                const controller = new AbortController();
                if (item.abortAfter !== null) {
                  setTimeout(() => {
                    seen.aborted++;
                    controller.abort();
                  }, item.abortAfter);
                }
                const token = `w${index}`;
                track(
                  token,
                  client.post(`/api/write?hold=${item.hold}`, { body: token, signal: controller.signal }),
                );
              } else if (item.kind === 'read') {
                track(`r${index}`, client.get('/api/whoami', { session: 'read' }));
              } else if (item.kind === 'login') {
                track(`l${index}`, login(client, true));
              } else if (item.kind === 'expire') {
                expiries++;
                php.expireAll();
              } else {
                // A long script of the same session started elsewhere holds the session lock.
                others.push(world.elsewhere(`/api/hold?ms=${item.hold}`).catch(() => undefined));
              }
              await new Promise((resolve) => setTimeout(resolve, item.gap));
            }
            await Promise.all([...writes.values(), ...others]);
            // A last protected request: it too comes back expired if an expiry had nobody to handle it yet.
            track('final', opened[0]!.post('/api/write', { body: 'final' }));
            await Promise.all([...writes.values(), ...others]);
          })();
          expect(await world.run(actions)).toBe('settled');
          await actions;
          seen.handlerCalls += handlerCalls;

          for (const [name, outcome] of outcomes) {
            if (!outcome.ok)
              expect(allowedFailure(outcome.error, expiries), `${name}: ${String(outcome.error)}`).toBe(true);
          }
          expect(outcomes.get('final')?.ok, 'the session is alive at the end').toBe(true);
          // The server applied each write at most once, and every write that resolved exactly once.
          const applied = php.log
            .filter((entry) => entry.path === '/api/write' && entry.status === 200)
            .map((entry) => entry.bodyText);
          expect(new Set(applied).size).toBe(applied.length);
          for (const [name, outcome] of outcomes) {
            if (name.startsWith('w') && outcome.ok) expect(applied, name).toContain(name);
          }
          // One prompt per expiry at most, across every tab, and one more for each login a clobbered cookie
          // undid (without the helper, a request sent with the old id during a login the client does not see:
          // World.clobbers, a documented limit). Not bound for an unmarked login with several tabs: it may
          // regenerate the id under a read that another tab sent the moment that tab's own login resumed the
          // session, and nothing tells the client it is a login.
          if (protocol) expect(world.clobbers).toBe(0);
          if (style !== 'unmarked' || tabs === 1)
            expect(handlerCalls).toBeLessThanOrEqual(expiries + world.clobbers);
          // Without an expiry, writes leave in the order they were made (with one, those made while onExpired
          // runs go ahead of the held ones, on purpose).
          if (expiries === 0) {
            for (const { held, free } of firstSends) {
              const sends = [...held, ...free].sort((a, b) => a - b);
              expect(free).toEqual(sends);
            }
          }
        } catch (error) {
          if (process.env.FC_DEBUG) console.log(debugLog.join('\n'));
          throw error;
        } finally {
          for (const client of clients) client.dispose();
          world.uninstall();
        }
      }),
      {
        numRuns: Number(process.env.FC_RUNS ?? 60),
        ...(process.env.FC_SEED
          ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH ?? '0' }
          : {}),
      },
    );
    // The schedules did meet what they are meant to exercise.
    expect(seen.lockTimeouts).toBeGreaterThan(0);
    expect(seen.expired).toBeGreaterThan(0);
    expect(seen.handlerCalls).toBeGreaterThan(0);
    expect(seen.tabs.size).toBe(3);
  }, 240_000);
});
