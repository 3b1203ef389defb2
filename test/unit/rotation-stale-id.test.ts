// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { createGates } from '../helpers/gates.js';
import { addGatedLogin, client, recordEvents, useMockPhp } from '../helpers/mock-php.js';

// use_strict_mode=0: a request with a regenerated-away id silently gets an empty session under the old id, and
// no Set-Cookie. With the protocol, the server marks it expired.
const { php } = useMockPhp({ strictMode: false });

const logins = addGatedLogin(php);
// Checks the login only when its gate opens (a request made without arm() goes straight on).
const privates = createGates('/api/slow-private');
php.route('POST', '/api/slow-private', async ({ session_start, $_SESSION, unauthorized }) => {
  await session_start();
  await privates.pass();
  if (!$_SESSION.user) return unauthorized();
  $_SESSION.saved = true;
  return { saved: true };
});

describe('a request sent with the id from before a rotation', () => {
  test('comes back expired, is replayed once with the new id, and the session is not declared expired', async () => {
    const session = client({ concurrency: 4 });
    const events = recordEvents(session);
    await session.get('/api/whoami');
    const regenerated = logins.arm();
    const login = session.post('/api/gated-login');
    await regenerated.reached;
    // The write reaches the server with the old id, and answers after the login has.
    const onServer = privates.arm();
    const write = session.post('/api/slow-private').json();
    await onServer.reached;
    regenerated.open();
    await login;
    onServer.open();
    await expect(write).resolves.toEqual({ saved: true });
    expect(events).toEqual(['session:start', 'session:rotate']);
    expect(session.session.status).toBe('active');
    expect(
      php.log.filter((entry) => entry.path === '/api/slow-private').map((entry) => entry.status),
    ).toEqual([401, 200]);
  });

  test('meets a second rotation while it is sent again, and is sent again with the newest id', async () => {
    const session = client({ concurrency: 4 });
    const events = recordEvents(session);
    await session.get('/api/whoami');
    const firstLogin = logins.arm();
    const first = session.post('/api/gated-login');
    await firstLogin.reached;
    const onServer = privates.arm();
    const write = session.post('/api/slow-private').json();
    await onServer.reached;
    firstLogin.open();
    await first;
    // A second login rotates the id again before the write's replay, sent with the first login's id, has its answer.
    const secondLogin = logins.arm();
    const second = session.post('/api/gated-login');
    await secondLogin.reached;
    const replayOnServer = privates.arm();
    onServer.open();
    await replayOnServer.reached;
    secondLogin.open();
    await second;
    replayOnServer.open();
    await expect(write).resolves.toEqual({ saved: true });
    expect(events).toEqual(['session:start', 'session:rotate', 'session:rotate']);
    expect(session.session.status).toBe('active');
    expect(
      php.log.filter((entry) => entry.path === '/api/slow-private').map((entry) => entry.status),
    ).toEqual([401, 401, 200]);
  });
});
