// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { SessionClient } from '../../src/index.js';
import { installFakeWebLocks } from '../helpers/fake-web-locks.js';
import { addNotes, client, login, useMockPhp } from '../helpers/mock-php.js';

// An expiry across tabs: clients of one window stand for tabs (one cookie jar, Node's BroadcastChannel, fake Web
// Locks). Logins the client never sees end with the handler's 'resume', which reaches the other tabs as a message.
const { php } = useMockPhp();
addNotes(php);
php.route('POST', '/api/slow-note', async ({ session_start, $_SESSION, sleep, request, unauthorized }) => {
  await session_start();
  await sleep(150);
  if (!$_SESSION.user) return unauthorized();
  $_SESSION.notes = [...(($_SESSION.notes as string[] | undefined) ?? []), await request.text()];
  return { saved: true };
});

let fake: ReturnType<typeof installFakeWebLocks>;
beforeEach(() => {
  fake = installFakeWebLocks();
});
afterEach(() => fake.uninstall());

/** A login the client never sees: a plain fetch, then 'resume'. */
const plainLogin = (calls: { count: number }) => async (): Promise<'resume'> => {
  calls.count++;
  await fetch('/api/login', {
    method: 'POST',
    body: JSON.stringify({ user: 'ada' }),
    credentials: 'include',
  });
  return 'resume';
};

describe('an expiry across tabs with a login the client never sees', () => {
  test('a write that waited for the tabs’ write lock while the expiry began is held, not sent with the dead id', async () => {
    const calls = { count: 0 };
    // One write at the server for all tabs: B's write waits for A's.
    const a: SessionClient = client({ onExpired: plainLogin(calls), concurrency: 1 });
    const b: SessionClient = client({ onExpired: plainLogin(calls), concurrency: 1 });
    await login(a);
    await vi.waitFor(() => expect(b.session.status).toBe('active'));
    php.expireAll();
    // A's slow write holds the tabs' write lock; B's write waits for it. Meanwhile A's read (no write lock) meets
    // the expiry, and B hears of it before its turn comes.
    const fromA = a.post('/api/slow-note', { body: 'a' }).json();
    await vi.waitFor(() =>
      expect(fake.locks.isHeld('session-fetch:http://localhost:3000:PHPSESSID:write')).toBe(true),
    );
    const fromB = b.post('/api/notes', { body: 'b' }).json();
    const readA = a.get('/api/notes', { session: 'read' }).json();
    await vi.waitFor(() => expect(b.session.status).toBe('expired'));
    await expect(Promise.all([fromA, fromB])).resolves.toEqual([{ saved: true }, { saved: true }]);
    await expect(readA).resolves.toEqual(expect.any(Array));
    expect(calls.count).toBe(1);
    // B's note reached the server once, after the login: never with the dead id.
    const runs = php.log.filter((entry) => entry.bodyText === 'b');
    expect(runs.map((entry) => entry.status)).toEqual([200]);
  });

  test('a request still out when a login the client never saw was decided is replayed, with no second prompt', async () => {
    const calls = { count: 0 };
    php.route('GET', '/api/slow-read', async ({ session_start, $_SESSION, sleep, unauthorized }) => {
      await session_start({ read_and_close: true });
      await sleep(300);
      return $_SESSION.user ? { user: $_SESSION.user } : unauthorized();
    });
    let poll: Promise<unknown> | undefined;
    const a: SessionClient = client({
      onExpired: async () => {
        // A poll the page makes while the dialog is open: sent (alone) with the dead id, answered after the login.
        poll = a.get('/api/slow-read', { session: 'read' }).json();
        await new Promise((resolve) => setTimeout(resolve, 50));
        return plainLogin(calls)();
      },
    });
    // The held request's replay takes longer than the poll: nothing shows the new session before the poll's answer.
    php.route('POST', '/api/slow-save', async ({ session_start, $_SESSION, sleep, unauthorized }) => {
      await session_start();
      if (!$_SESSION.user) return unauthorized();
      await sleep(600);
      return { saved: true };
    });
    await login(a);
    php.expireAll();
    await expect(a.post('/api/slow-save').json()).resolves.toEqual({ saved: true });
    await expect(poll).resolves.toEqual({ user: 'ada' });
    expect(calls.count).toBe(1);
  });
});
