// @vitest-environment happy-dom
import { describe, expect, test, vi } from 'vitest';
import { type ExpiredContext, isSessionExpiredError, type SessionClient } from '../../src/index.js';
import { addNotes, client, login, recordEvents, sleep, useMockPhp } from '../helpers/mock-php.js';

const { php, sent } = useMockPhp();

addNotes(php);

const notesExecuted = () =>
  php.log.filter((entry) => entry.path === '/api/notes' && entry.method === 'POST' && entry.status === 200);

describe('expiry without a handler', () => {
  test('a request that comes back expired rejects with SessionExpiredError naming method and URL', async () => {
    const session = client();
    await login(session);
    php.expireAll();
    const error = await session.post('/api/notes', { body: 'a' }).catch((caught: unknown) => caught);
    expect(isSessionExpiredError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^POST http:\/\/localhost:3000\/api\/notes: the session has expired/,
    );
    expect(session.session.status).toBe('expired');
  });
});

describe('expiry with onExpired', () => {
  test('held requests and the ones that came back expired are replayed in order after resume', async () => {
    const onExpired = vi.fn(async (): Promise<'resume'> => {
      await login(session);
      return 'resume';
    });
    const session: SessionClient = client({ onExpired, concurrency: 1 });
    const events = recordEvents(session);
    await login(session);
    php.expireAll();
    const results = await Promise.all(
      ['1', '2', '3', '4'].map((body) => session.post('/api/notes', { body }).json()),
    );
    expect(results).toEqual(Array(4).fill({ saved: true }));
    expect(onExpired).toHaveBeenCalledTimes(1);
    expect(await session.get('/api/notes').json()).toEqual(['1', '2', '3', '4']);
    // The login after an expiry starts a new session rather than rotating the old one.
    expect(events).toEqual(['session:start', 'session:expire', 'session:start', 'session:resume']);
  });

  test('onExpired runs once for many parallel requests, and held requests are not sent before it decides', async () => {
    let openDialog!: () => void;
    const dialog = new Promise<void>((resolve) => {
      openDialog = resolve;
    });
    const onExpired = vi.fn(async (): Promise<'resume'> => {
      await dialog;
      await login(session);
      return 'resume';
    });
    // One write at a time, so the server also runs them in the order they are sent.
    const session: SessionClient = client({ onExpired, concurrency: 1 });
    await login(session);
    php.expireAll();
    // 'first' goes; the other three wait behind it and are held once it comes back expired.
    const requests = ['first', 'a', 'b', 'c'].map((body) => session.post('/api/notes', { body }));
    await vi.waitFor(() => expect(onExpired).toHaveBeenCalled());
    const sentBefore = sent.length;
    await sleep(50);
    expect(sent.length).toBe(sentBefore);
    // The three held, and the first keeping its place for its replay.
    expect(session.stats.queued).toBe(4);
    expect((onExpired.mock.calls[0] as unknown as [ExpiredContext])[0].waiting).toBe(4);
    openDialog();
    await Promise.all(requests);
    expect(onExpired).toHaveBeenCalledTimes(1);
    expect(await session.get('/api/notes').json()).toEqual(['first', 'a', 'b', 'c']);
  });

  test('requests made while onExpired runs are sent one at a time, and the expired ones wait for its decision', async () => {
    let openDialog!: () => void;
    const dialog = new Promise<void>((resolve) => {
      openDialog = resolve;
    });
    const onExpired = vi.fn(async (): Promise<'resume'> => {
      await dialog;
      await login(session);
      return 'resume';
    });
    // One write at a time, so the server runs the replays in the order they are sent.
    const session: SessionClient = client({ onExpired, concurrency: 1 });
    await login(session);
    php.expireAll();
    const first = session.post('/api/notes', { body: 'first' });
    await vi.waitFor(() => expect(onExpired).toHaveBeenCalled());
    // A poll and a save made while the login dialog is open: each goes alone and comes back expired.
    const during = ['x', 'y'].map((body) => session.post('/api/notes', { body }));
    // Both answered (the log has an entry from the moment a request arrives; its status once it is answered).
    const lane = () => php.log.filter((entry) => entry.bodyText === 'x' || entry.bodyText === 'y');
    await vi.waitFor(() => expect(lane().filter((entry) => entry.endedAt > 0)).toHaveLength(2));
    const [x, y] = lane();
    expect([x!.status, y!.status]).toEqual([401, 401]);
    // Each answer was read before the next was sent.
    expect(y!.startedAt).toBeGreaterThanOrEqual(x!.endedAt);
    openDialog();
    await Promise.all([first, ...during]);
    expect(onExpired).toHaveBeenCalledTimes(1);
    expect(await session.get('/api/notes').json()).toEqual(['first', 'x', 'y']);
  });

  test("'give-up' rejects every held request with SessionExpiredError and sends none of them", async () => {
    const session = client({ onExpired: async () => 'give-up' });
    const events = recordEvents(session);
    await login(session);
    php.expireAll();
    const outcomes = await Promise.allSettled(
      ['1', '2', '3'].map((body) => session.post('/api/notes', { body })),
    );
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect(isSessionExpiredError((outcome as PromiseRejectedResult).reason)).toBe(true);
      expect(((outcome as PromiseRejectedResult).reason as { reason: string }).reason).toBe('gave-up');
    }
    expect(notesExecuted()).toHaveLength(0);
    expect(events).toContain('session:give-up');
  });

  test('an onExpired that throws gives up, with the error as the cause', async () => {
    const failure = new Error('login dialog crashed');
    const session = client({
      onExpired: async () => {
        throw failure;
      },
    });
    await login(session);
    php.expireAll();
    const error = await session.post('/api/notes', { body: 'x' }).catch((caught: unknown) => caught);
    expect(isSessionExpiredError(error)).toBe(true);
    expect((error as Error).cause).toBe(failure);
  });

  test('a request still expired after its replay rejects instead of looping', async () => {
    const onExpired = vi.fn(async (): Promise<'resume'> => 'resume');
    const session = client({ onExpired });
    await login(session);
    php.expireAll();
    const error = await session.post('/api/notes', { body: 'x' }).catch((caught: unknown) => caught);
    expect((error as { reason: string }).reason).toBe('replayed-once');
    expect(notesExecuted()).toHaveLength(0);
  });

  test('after giving up, the next request asks onExpired again', async () => {
    const decisions = ['give-up', 'resume'] as const;
    let call = 0;
    const session: SessionClient = client({
      onExpired: async () => {
        const decision = decisions[call++]!;
        if (decision === 'resume') await login(session);
        return decision;
      },
    });
    await login(session);
    php.expireAll();
    await expect(session.post('/api/notes', { body: 'lost' })).rejects.toThrow(/gave up/);
    await expect(session.post('/api/notes', { body: 'kept' }).json()).resolves.toEqual({ saved: true });
    expect(call).toBe(2);
    expect(await session.get('/api/notes').json()).toEqual(['kept']);
  });

  test('time held while onExpired runs does not count against the deadline', async () => {
    const session: SessionClient = client({
      deadline: 200,
      onExpired: async () => {
        await sleep(400);
        await login(session);
        return 'resume';
      },
    });
    await login(session);
    php.expireAll();
    await expect(session.post('/api/notes', { body: 'slow login' }).json()).resolves.toEqual({ saved: true });
  });

  test('an abort signal removes a held request without it ever being sent', async () => {
    let openDialog!: () => void;
    const dialog = new Promise<void>((resolve) => {
      openDialog = resolve;
    });
    const onExpired = vi.fn(async (): Promise<'resume'> => {
      await dialog;
      await login(session);
      return 'resume';
    });
    const session: SessionClient = client({ onExpired, concurrency: 1 });
    await login(session);
    php.expireAll();
    const first = session.post('/api/notes', { body: 'first' });
    const controller = new AbortController();
    // Waits behind 'first' and is held once 'first' comes back expired.
    const aborted = session.post('/api/notes', { body: 'aborted', signal: controller.signal });
    await vi.waitFor(() => expect(onExpired).toHaveBeenCalled());
    controller.abort();
    await expect(aborted).rejects.toThrow();
    openDialog();
    await first;
    expect(php.log.some((entry) => entry.bodyText === 'aborted')).toBe(false);
    expect(await session.get('/api/notes').json()).toEqual(['first']);
  });
});

describe('the login that ends an expiry', () => {
  test('a login that fails with 401 inside onExpired reaches the app instead of waiting for itself', async () => {
    php.route('POST', '/api/bad-login', ({ unauthorized }) => unauthorized());
    const session: SessionClient = client({
      onExpired: async () => {
        const answer = await session.post('/api/bad-login', { rotatesSession: true, throwHttpErrors: false });
        return answer.status === 401 ? 'give-up' : 'resume';
      },
    });
    await login(session);
    php.expireAll();
    await expect(session.post('/api/notes', { body: 'x' })).rejects.toThrow(/gave up/);
  });

  test('a login sent with a forgotten id starts the new session instead of expiring it', async () => {
    const session = client();
    const events = recordEvents(session);
    await login(session);
    php.expireAll();
    // The server replaces the unknown id (X-Session-Expired: 1) and logs the user in on the new one.
    await login(session);
    expect(session.session.status).toBe('active');
    expect(events).toEqual(['session:start', 'session:rotate']);
  });
});
