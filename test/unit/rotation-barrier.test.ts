// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { addSlowLogin, client, recordEvents, sleep, useMockPhp } from '../helpers/mock-php.js';

const { php } = useMockPhp();

addSlowLogin(php, 60);
// A read that releases the lock at once and answers late, with the id it was sent.
php.route('GET', '/api/slow-read', async ({ session_start, sleep: wait }) => {
  await session_start({ read_and_close: true });
  await wait(150);
  return { ok: true };
});

const entries = (path: string) => php.log.filter((entry) => entry.path === path);

describe('rotation barrier', () => {
  test('a rotating request waits for those in flight, runs alone, and the later ones wait for it', async () => {
    const session = client({ concurrency: 4, lockHandoffDelay: 0 });
    await session.get('/api/whoami');
    const before = [session.post('/api/counter?hold=80'), session.get('/api/whoami', { session: 'read' })];
    await sleep(5);
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
    // A script without the helper (which would send no cookie with that answer): plain session_start().
    php.route('POST', '/api/plain-counter', async ({ session_start, $_SESSION, sleep: wait }) => {
      await session_start({ protocol: false });
      $_SESSION.counter = Number($_SESSION.counter ?? 0) + 1;
      await wait(120);
      return { counter: $_SESSION.counter };
    });
    const session = client({ concurrency: 4 });
    await session.get('/api/whoami');
    const login = session.post('/api/slow-login');
    await sleep(20);
    // Old cookie, old id: PHP (use_strict_mode) answers with a third id whose cookie lands after the login's.
    const write = session.post('/api/plain-counter');
    await Promise.all([login, write]);
    expect(await session.get('/api/whoami').json()).toMatchObject({ loggedIn: false });
  });

  test('with rotatesSession the same login keeps the user logged in and the write lands in the new session', async () => {
    const session = client({ concurrency: 4 });
    const events = recordEvents(session);
    await session.get('/api/whoami');
    const login = session.post('/api/slow-login', { rotatesSession: true });
    await sleep(20);
    const write = session.post('/api/counter?hold=120');
    await Promise.all([login, write]);
    expect(await session.get('/api/whoami').json()).toMatchObject({ loggedIn: true, counter: 1 });
    expect(events).toEqual(['session:start', 'session:rotate']);
  });

  test('a late response to a request sent before a rotation does not roll the session back', async () => {
    const session = client({ concurrency: 4 });
    const events = recordEvents(session);
    await session.get('/api/whoami');
    const slow = session.get('/api/slow-read', { session: 'read' });
    await sleep(10);
    await session.post('/api/login');
    const rotated = session.session;
    expect(rotated.rotations).toBe(1);
    await slow;
    expect(session.session.fingerprint).toBe(rotated.fingerprint);
    expect(session.session.rotations).toBe(1);
    expect(events).toEqual(['session:start', 'session:rotate']);
  });
});
