import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type PhpServer, phpClient, shouldRunPhpSuite, startPhpServer } from '../helpers/php-server.js';
import { fingerprint as fp, sleep } from '../helpers/sleep-and-fingerprint.js';

// The rotation barrier against a real session_regenerate_id(true), and the failure it prevents.

type Write = { tag: string; user: string | null; fp: string };

describe.skipIf(!shouldRunPhpSuite())('session rotation against php-fpm', () => {
  let strict: PhpServer;
  let lax: PhpServer;
  beforeAll(async () => {
    [strict, lax] = await Promise.all([
      startPhpServer({ strictMode: true, httpOnlyCookie: true }),
      startPhpServer({ strictMode: false }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([strict?.stop(), lax?.stop()]);
  });

  test('requests made during a rotatesSession login wait for it and are sent with the new id', async () => {
    const k = phpClient(strict);
    await k.client.get('whoami.php').json();
    const login = k.client.post('login.php?hold=200', { rotatesSession: true }).json<{ fp: string }>();
    await sleep(20);
    const writes = ['a', 'b', 'c'].map((tag) => k.client.post(`write.php?tag=${tag}`).json<Write>());
    const { fp: newFp } = await login;
    const results = await Promise.all(writes);
    expect(newFp).toBe(fp(k.jar.get('PHPSESSID')!));
    for (const result of results) expect(result).toMatchObject({ user: 'alice', fp: newFp });
    expect(k.count('request:queued')).toBeGreaterThanOrEqual(3);
    expect(k.client.session).toMatchObject({ status: 'active', fingerprint: newFp, rotations: 1 });
    expect(k.count('session:expire')).toBe(0);
    const me = await k.client.get('whoami.php').json<{ user: string | null }>();
    expect(me.user).toBe('alice');
  });

  test('without rotatesSession, under strict mode, a request sent with the old id during the login no longer loses the session', async () => {
    // login.php regenerates (deleting the old session) and holds the new one 300 ms. The write, sent 50 ms later
    // with the old id, meets strict mode: the old id is unknown and PHP gives it a fresh session. The helper sees
    // an AJAX request that came with a dead id and did not log in: it drops that session and sends no cookie, so
    // its answer, which comes after the login's, cannot overwrite the login's cookie.
    const k = phpClient(strict);
    await k.client.get('whoami.php').json();
    const login = k.client.post('login.php?hold=300').json<{ fp: string }>();
    await sleep(50);
    const write = k.client.post('write.php?tag=late&hold=500').json<Write>();
    const [{ fp: loggedInFp }] = await Promise.all([login, write]);
    const me = await k.client.get('whoami.php').json<{ user: string | null; fp: string }>();
    expect(me).toMatchObject({ user: 'alice', fp: loggedInFp });
    // The first request's cookie and the login's: none from the stray request.
    expect(k.jar.received.filter((line) => line.startsWith('PHPSESSID=')).length).toBe(2);
  });

  test('with rotatesSession, the same race keeps the logged-in session under strict mode', async () => {
    const k = phpClient(strict);
    await k.client.get('whoami.php').json();
    const login = k.client.post('login.php?hold=300', { rotatesSession: true }).json<{ fp: string }>();
    await sleep(50);
    const write = k.client.post('write.php?tag=late&hold=500').json<Write>();
    const [{ fp: loggedInFp }, late] = await Promise.all([login, write]);
    expect(late).toMatchObject({ user: 'alice', fp: loggedInFp });
    const me = await k.client.get('whoami.php').json<{ user: string | null; fp: string }>();
    expect(me).toMatchObject({ user: 'alice', fp: loggedInFp });
  });

  test('without rotatesSession and strict mode off, the stale request comes back expired and is replayed with the new id', async () => {
    // use_strict_mode=0 adopts the deleted id (no Set-Cookie) and the helper marks it X-Session-Expired: the client
    // sees a response to a request sent before the rotation and sends it again as it is.
    const k = phpClient(lax);
    await k.client.get('whoami.php').json();
    const login = k.client.post('login.php?hold=300').json<{ fp: string }>();
    await sleep(50);
    const write = k.client.post('write.php?tag=late&hold=500').json<Write>();
    const ends: Array<{ replayed: unknown; attempts: unknown }> = [];
    k.client.on('request:end', ({ request }) =>
      ends.push({ replayed: request.replayed, attempts: request.attempts }),
    );
    const [{ fp: loggedInFp }, late] = await Promise.all([login, write]);
    expect(late).toMatchObject({ user: 'alice', fp: loggedInFp });
    expect(ends).toContainEqual({ replayed: true, attempts: 2 });
    expect(k.count('session:expire')).toBe(0);
    const me = await k.client.get('whoami.php').json<{ user: string | null }>();
    expect(me.user).toBe('alice');
  });

  test('without rotatesSession, a stale request answered before the login is taken for a real expiry', async () => {
    // Same race, but the stray request answers first (hold 100 ms < the login's 300 ms): when its X-Session-Expired
    // arrives, nothing tells the client the id is about to change, so it reports the session expired although
    // the login succeeds a moment later. rotatesSession prevents this by not sending the request at all.
    const k = phpClient(lax);
    await k.client.get('whoami.php').json();
    const login = k.client.post('login.php?hold=300').json<{ fp: string }>();
    await sleep(50);
    const write = k.client
      .post('write.php?tag=early&hold=100')
      .json<Write>()
      .then(
        () => 'resolved',
        (error: Error) => error.name,
      );
    expect(await write).toBe('SessionExpiredError');
    expect(k.count('session:expire')).toBe(1);
    await login;
    const me = await k.client.get('whoami.php').json<{ user: string | null }>();
    expect(me.user).toBe('alice');
  });
});
