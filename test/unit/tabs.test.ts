// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { ExpiredContext, SessionClient, SessionClientOptions } from '../../src/index.js';
import { lifecycle } from '../../src/lifecycle/index.js';
import { advanceTo, finish, play, settle, until, useFakeTime } from '../helpers/fake-time.js';
import { installFakeWebLocks } from '../helpers/fake-web-locks.js';
import { createGates } from '../helpers/gates.js';
import { addNotes, client, login, recordEvents, useMockPhp } from '../helpers/mock-php.js';

// Several clients in one window stand for tabs: one cookie jar (happy-dom's), one msw mock, Node's
// BroadcastChannel between them, and a fake Web Locks API (happy-dom has none) shared like an origin's.
const { php, sent } = useMockPhp({ lockWaitTimeoutMs: 400 });

addNotes(php);
// A read of a script without the helper, whose request reaches PHP when its gate opens (a slow way there): under
// strict mode, one that arrives with an id a login replaced gets a new id of its own, cookie and all.
const slowReads = createGates('/api/slow-whoami');
php.route('GET', '/api/slow-whoami', async ({ session_start, $_SESSION }) => {
  await slowReads.pass();
  await session_start({ protocol: false, read_and_close: true });
  return { user: $_SESSION.user ?? null };
});
php.route('POST', '/api/keepalive', async ({ session_start }) => {
  await session_start({ read_and_close: true });
  return { ok: true };
});

let fake: ReturnType<typeof installFakeWebLocks>;
const open: SessionClient[] = [];
beforeEach(() => {
  fake = installFakeWebLocks();
});
afterEach(() => {
  for (const tab of open.splice(0)) tab.dispose();
  fake.uninstall();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** A client standing for one tab; disposed (the tab closed) after the test. */
const tab = (options: SessionClientOptions = {}) => {
  const created = client(options);
  open.push(created);
  return created;
};
const pings = () => sent.filter((request) => new URL(request.url).pathname === '/api/keepalive').length;

describe('shared session state', () => {
  test('a rotation in one tab reaches the other at once, and its next request succeeds with no expiry', async () => {
    const a = tab();
    const b = tab();
    await login(a);
    await vi.waitFor(() => expect(b.session.fingerprint).toBe(a.session.fingerprint));
    const events = recordEvents(b);
    const requestsBefore = sent.length;
    await login(a);
    await vi.waitFor(() => expect(events).toContain('session:rotate'));
    expect(sent.length).toBe(requestsBefore + 1);
    expect(b.session.fingerprint).toBe(a.session.fingerprint);
    await expect(b.get('/api/private').json()).resolves.toMatchObject({ user: 'ada' });
    expect(events).not.toContain('session:expire');
  });

  test('a logout in one tab shows the session ended in the others without a request', async () => {
    const a = tab();
    const b = tab();
    await login(a);
    await b.get('/api/whoami');
    const events = recordEvents(b);
    const requestsBefore = sent.length;
    await a.post('/api/logout', { endsSession: true });
    expect(a.session.status).toBe('ended');
    await vi.waitFor(() => expect(b.session.status).toBe('ended'));
    expect(events).toEqual(['session:end']);
    expect(sent.length).toBe(requestsBefore + 1);
  });

  test("a login in one tab waits for another tab's read already on the wire, so its cookie cannot undo the login", async () => {
    const a = tab();
    const b = tab();
    await login(a);
    await vi.waitFor(() => expect(b.session.fingerprint).toBe(a.session.fingerprint));
    const onItsWay = slowReads.arm();
    const read = b.get('/api/slow-whoami', { session: 'read' });
    await onItsWay.reached;
    const relogin = a.post('/api/login', { json: { user: 'grace' }, rotatesSession: true });
    // The login is not sent while tab B's read, sent with the id it replaces, is still unanswered.
    await settle();
    expect(php.log.filter((entry) => entry.path === '/api/login')).toHaveLength(1);
    onItsWay.open();
    await expect(read.json()).resolves.toEqual({ user: 'ada' });
    await relogin;
    await expect(a.get('/api/whoami').json()).resolves.toMatchObject({ user: 'grace' });
    await expect(b.get('/api/whoami').json()).resolves.toMatchObject({ user: 'grace' });
  });

  test("a login in one tab replays every tab's held requests and closes the other tab's login prompt", async () => {
    let bContext: ExpiredContext | undefined;
    const onExpiredA = vi.fn(async () => 'give-up' as const);
    const a: SessionClient = tab({ onExpired: onExpiredA });
    // Tab B shows the login dialog (one prompt for both tabs); the user logs in from tab A's page instead.
    const b = tab({
      onExpired: (context) => {
        bContext = context;
        return new Promise(() => {});
      },
    });
    await login(a);
    php.expireAll();
    const fromB = b.post('/api/notes', { body: 'from B' });
    await vi.waitFor(() => expect(bContext).toBeDefined());
    const fromA = a.post('/api/notes', { body: 'from A' });
    // Tab A's write came back expired too and is held for the login.
    await vi.waitFor(() => expect(a.stats.queued).toBe(1));
    expect(a.session.status).toBe('expired');
    await login(a);
    await expect(fromB.json()).resolves.toEqual({ saved: true });
    await expect(fromA.json()).resolves.toEqual({ saved: true });
    expect(bContext!.signal.aborted).toBe(true);
    expect(onExpiredA).not.toHaveBeenCalled();
    const saved = await a.get('/api/whoami').json<{ user: string }>();
    expect(saved.user).toBe('ada');
    expect(php.sessions()[0]!.data.notes).toEqual(expect.arrayContaining(['from A', 'from B']));
  });
});

describe('one keepalive for all tabs', () => {
  test('only the leader tab pings, and the keepalive moves when the leader closes', async () => {
    useFakeTime();
    const keepalive = { url: '/api/keepalive', interval: 1000 };
    const leaders: Array<{ name: string; at: number }> = [];
    const tabs = ['a', 'b', 'c'].map((name) => {
      const created = tab({ features: [lifecycle({ heartbeat: keepalive })] });
      created.on('tabs:leader', ({ leader }) => leader && leaders.push({ name, at: Date.now() }));
      return created;
    });
    await finish(login(tabs[0]!));
    await until(() => expect(leaders).toHaveLength(1));
    const first = leaders[0]!;
    await advanceTo(first.at + 2300);
    expect(pings()).toBe(2);
    tabs[['a', 'b', 'c'].indexOf(first.name)]!.dispose();
    await until(() => expect(leaders).toHaveLength(2));
    const second = leaders[1]!;
    expect(second.name).not.toBe(first.name);
    // The new leader's first ping is one interval after it took over.
    await advanceTo(second.at + 999);
    expect(pings()).toBe(2);
    await advanceTo(second.at + 2000);
    expect(pings()).toBe(4);
  });
});

describe('cross-tab write lock', () => {
  test("two tabs' writes take turns, so none meets the server's lock timeout", async () => {
    // On fake time, the mock's lock waits included: a loaded machine cannot stretch one hold into a timeout.
    useFakeTime({ performance: true });
    const a = tab();
    const b = tab();
    await finish(login(a));
    const events = [recordEvents(a), recordEvents(b)];
    // Each tab lets two writes go; without the cross-tab lock four would wait on the session lock at once, and
    // the last, behind three holds of 150 ms, would pass the 400 ms lock-wait timeout.
    const writes = [a, b].flatMap((session) =>
      [1, 2, 3, 4].map(() => session.post('/api/counter?hold=150').json<{ counter: number }>()),
    );
    const counters = (await play(Promise.all(writes))).map((result) => result.counter).sort((x, y) => x - y);
    expect(counters).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(php.log.filter((entry) => entry.status === 423)).toHaveLength(0);
    expect(events.flat()).not.toContain('lock:retry');
    expect(fake.locks.grants.filter((name) => name.endsWith(':write')).length).toBeGreaterThan(1);
  });

  test('a lock held by a hung tab is stolen after writeLockTimeout', async () => {
    useFakeTime();
    const a = tab({ tabs: { writeLockTimeout: 200 } });
    await finish(login(a));
    const name = 'session-fetch:http://localhost:3000:PHPSESSID:write';
    // The tab passes its write lock on once idle; then the hung tab takes it.
    await vi.waitFor(() => expect(fake.locks.isHeld(name)).toBe(false));
    void fake.locks.request(name, () => new Promise(() => {})).catch(() => undefined);
    let answered = false;
    const madeAt = Date.now();
    const write = a
      .post('/api/counter')
      .json()
      .finally(() => {
        answered = true;
      });
    await advanceTo(madeAt + 199);
    expect(answered).toBe(false);
    expect(fake.locks.steals).toEqual([]);
    // A 0 ms timer set while another fires runs 1 ms later on fake time: the write goes at 200-201 ms, and is
    // answered with no more fake time passing.
    await advanceTo(madeAt + 201);
    expect(fake.locks.steals).toEqual([name]);
    await expect(finish(write)).resolves.toEqual({ counter: 1 });
  });
});

describe('old browsers', () => {
  test('without BroadcastChannel and Web Locks each tab behaves on its own', async () => {
    fake.uninstall();
    vi.stubGlobal('BroadcastChannel', undefined);
    useFakeTime();
    const a = tab({ features: [lifecycle({ heartbeat: { url: '/api/keepalive', interval: 1000 } })] });
    const b = tab({ features: [lifecycle({ heartbeat: { url: '/api/keepalive', interval: 1000 } })] });
    const created = Date.now();
    await finish(login(a));
    await finish(b.get('/api/whoami'));
    await finish(login(a));
    await settle();
    expect(b.session.fingerprint).not.toBe(a.session.fingerprint);
    await expect(finish(b.post('/api/counter').json())).resolves.toEqual({ counter: 1 });
    // Every tab is its own leader: one ping from each per interval.
    await advanceTo(created + 1000);
    expect(pings()).toBe(2);
  });
});
