// @vitest-environment happy-dom
import { describe, expect, test, vi } from 'vitest';
import type { SessionClient } from '../../src/index.js';
import { addNotes, client, login, useMockPhp } from '../helpers/mock-php.js';
import { fingerprint } from '../helpers/sleep-and-fingerprint.js';

// Plain PHP in strict mode (no protocol headers): every request that carries the dead id gets a brand-new
// session in Set-Cookie, the way that can overwrite a login's cookie when it lands after it.
const { php } = useMockPhp({ strictMode: true, protocol: false });
addNotes(php);
// A long report (needs a login) and a public page that starts a session but needs none.
php.route('GET', '/api/report', async ({ session_start, $_SESSION, sleep, query, unauthorized }) => {
  await session_start({ read_and_close: true });
  await sleep(Number(query.get('ms') ?? 3000));
  return $_SESSION.user ? { report: 'done', user: $_SESSION.user } : unauthorized();
});
php.route('GET', '/api/public', async ({ session_start, sleep, query }) => {
  await session_start({ read_and_close: true });
  await sleep(Number(query.get('ms') ?? 0));
  return { public: true };
});

const cookieFingerprint = async () => {
  const id = /(?:^|; )PHPSESSID=([^;]+)/.exec(document.cookie)?.[1];
  return id ? fingerprint(id) : undefined;
};
const executed = (path: string) => php.log.filter((entry) => entry.path === path);

describe('the drain before onExpired', () => {
  test('onExpired starts only once the answers of the requests sent with the dead id are in', async () => {
    const calledAt: number[] = [];
    const session: SessionClient = client({
      onExpired: async () => {
        calledAt.push(Date.now());
        await login(session);
        return 'resume';
      },
    });
    await login(session);
    php.expireAll();
    const report = session.get('/api/report?ms=300').json();
    const note = session.post('/api/notes', { body: 'n' }).json();
    await expect(Promise.all([report, note])).resolves.toEqual([
      { report: 'done', user: 'ada' },
      { saved: true },
    ]);
    expect(calledAt).toHaveLength(1);
    // The report's first answer (expired, with a replacement session) came in before the prompt.
    const [firstReport] = executed('/api/report');
    expect(calledAt[0]).toBeGreaterThanOrEqual(firstReport!.endedAt);
    expect(firstReport!.status).toBe(401);
  });

  test('a request still out after the drain bound is aborted, its Set-Cookie never lands, and it is replayed after the login', async () => {
    let promptedAt = 0;
    const session: SessionClient = client({
      onExpired: async () => {
        promptedAt = Date.now();
        await login(session);
        return 'resume';
      },
    });
    await login(session);
    php.expireAll();
    const report = session.get('/api/report?ms=3000').json();
    await vi.waitFor(() => expect(executed('/api/report')).toHaveLength(1));
    const note = session.post('/api/notes', { body: 'n' }).json();
    await expect(note).resolves.toEqual({ saved: true });
    // The prompt did not wait for the 3 s report: its first run was still going.
    const [firstReport] = executed('/api/report');
    expect(promptedAt).toBeGreaterThan(0);
    expect(firstReport!.endedAt === 0 || promptedAt < firstReport!.endedAt).toBe(true);
    await expect(report).resolves.toEqual({ report: 'done', user: 'ada' });
    // The first run's answer carried a replacement session in Set-Cookie; it never replaced the login's cookie.
    const loginEntry = executed('/api/login').at(-1)!;
    expect(await cookieFingerprint()).toBe(loginEntry.fpAfter);
    expect(session.session).toMatchObject({ status: 'active', fingerprint: loginEntry.fpAfter });
  }, 10_000);

  test('a late answer with a strict-mode replacement id is not taken for the login', async () => {
    const onExpired = vi.fn(async (): Promise<'resume'> => {
      await login(session);
      return 'resume';
    });
    const session: SessionClient = client({ onExpired });
    await login(session);
    php.expireAll();
    // Public, so it answers 200 — with a brand-new session id in Set-Cookie, after the expiry was seen.
    const publicPage = session.get('/api/public?ms=200').json();
    const note = session.post('/api/notes', { body: 'n' }).json();
    await expect(publicPage).resolves.toEqual({ public: true });
    await expect(note).resolves.toEqual({ saved: true });
    expect(onExpired).toHaveBeenCalledTimes(1);
    // The note came back expired and was replayed once, into the login's session.
    expect(executed('/api/notes').map((entry) => entry.status)).toEqual([401, 200]);
  });
});
