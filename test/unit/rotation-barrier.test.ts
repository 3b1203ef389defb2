// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { settle } from '../helpers/fake-time.js';
import { createGates } from '../helpers/gates.js';
import { addGatedLogin, client, recordEvents, useMockPhp } from '../helpers/mock-php.js';

// use_strict_mode=1: a request with a regenerated-away id gets a new, empty session.
const { php } = useMockPhp({ strictMode: true });

// Each slow step waits at a gate the test opens, so the windows these tests are about stay open on a busy machine.
const logins = addGatedLogin(php);
// A write by a script without the helper (which would send no cookie with that answer): plain session_start().
const plainWrites = createGates('/api/plain-counter');
php.route('POST', '/api/plain-counter', async ({ session_start, $_SESSION }) => {
  await session_start({ protocol: false });
  $_SESSION.counter = Number($_SESSION.counter ?? 0) + 1;
  await plainWrites.pass();
  return { counter: $_SESSION.counter };
});
// A read that releases the lock at once and answers when its gate opens, with the id it was sent.
const reads = createGates('/api/slow-read');
php.route('GET', '/api/slow-read', async ({ session_start }) => {
  await session_start({ read_and_close: true });
  await reads.pass();
  return { ok: true };
});

const entries = (path: string) => php.log.filter((entry) => entry.path === path);

describe('rotation barrier', () => {
  test('a rotating request waits for those in flight, runs alone, and the later ones wait for it', async () => {
    const session = client({ concurrency: 4, lockHandoffDelay: 0 });
    await session.get('/api/whoami');
    const before = [session.post('/api/counter?hold=80'), session.get('/api/whoami', { session: 'read' })];
    const login = session.post('/api/login', { json: { user: 'ada' }, rotatesSession: true });
    const after = [session.post('/api/counter'), session.get('/api/whoami', { session: 'read' })];
    await Promise.all([...before, login, ...after]);

    const [loginEntry] = entries('/api/login');
    const earlier = php.log.filter((entry) => entry.seq < loginEntry!.seq && entry.seq > 1);
    const later = php.log.filter((entry) => entry.seq > loginEntry!.seq);
    expect(earlier).toHaveLength(2);
    expect(later).toHaveLength(2);
    for (const entry of earlier) expect(entry.endedAt).toBeLessThanOrEqual(loginEntry!.startedAt);
    for (const entry of later) {
      expect(entry.startedAt).toBeGreaterThanOrEqual(loginEntry!.endedAt);
      expect(entry.fp).toBe(loginEntry!.fpAfter);
    }
    expect(await session.get('/api/whoami').json()).toMatchObject({ user: 'ada', counter: 2 });
  });

  test('without the barrier, a request sent with the old id during a login logs the user out (what it prevents)', async () => {
    const session = client({ concurrency: 4 });
    await session.get('/api/whoami');
    const regenerated = logins.arm();
    const login = session.post('/api/gated-login');
    await regenerated.reached;
    // Old cookie, old id: PHP (use_strict_mode) answers with a third id whose cookie lands after the login's.
    const onServer = plainWrites.arm();
    const write = session.post('/api/plain-counter');
    await onServer.reached;
    regenerated.open();
    await login;
    onServer.open();
    await write;
    expect(await session.get('/api/whoami').json()).toMatchObject({ loggedIn: false });
  });

  test('with rotatesSession the same login keeps the user logged in and the write lands in the new session', async () => {
    const session = client({ concurrency: 4 });
    const events = recordEvents(session);
    await session.get('/api/whoami');
    const regenerated = logins.arm();
    const login = session.post('/api/gated-login', { rotatesSession: true });
    await regenerated.reached;
    const write = session.post('/api/counter');
    await settle();
    // The write waits in the browser until the login has answered: it never carries the old id.
    expect(session.stats.queued).toBe(1);
    expect(php.log.map((entry) => entry.path)).not.toContain('/api/counter');
    regenerated.open();
    await Promise.all([login, write]);
    expect(await session.get('/api/whoami').json()).toMatchObject({ loggedIn: true, counter: 1 });
    expect(events).toEqual(['session:start', 'session:rotate']);
  });

  test('a late response to a request sent before a rotation does not roll the session back', async () => {
    const session = client({ concurrency: 4 });
    const events = recordEvents(session);
    await session.get('/api/whoami');
    const answer = reads.arm();
    const slow = session.get('/api/slow-read', { session: 'read' });
    await answer.reached;
    await session.post('/api/login');
    const rotated = session.session;
    expect(rotated.rotations).toBe(1);
    answer.open();
    await slow;
    expect(session.session.fingerprint).toBe(rotated.fingerprint);
    expect(session.session.rotations).toBe(1);
    expect(events).toEqual(['session:start', 'session:rotate']);
  });
});
