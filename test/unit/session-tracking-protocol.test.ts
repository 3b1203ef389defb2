// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { fingerprint } from '../../src/testing/index.js';
import { client, recordEvents, useMockPhp } from '../helpers/mock-php.js';

useMockPhp();

const rawId = () => /PHPSESSID=([0-9a-v]+)/.exec(document.cookie)?.[1];

describe('session tracking with the protocol headers', () => {
  test('the first id seen starts the session and is known only by its fingerprint', async () => {
    const session = client();
    const events = recordEvents(session);
    await session.get('/api/whoami');
    expect(session.session).toMatchObject({ status: 'active', rotations: 0, source: 'protocol' });
    expect(session.session.fingerprint).toBe(await fingerprint(rawId()!));
    expect(JSON.stringify(session.session)).not.toContain(rawId()!);
    expect(events).toEqual(['session:start']);
  });

  test('a login that regenerates the id is a rotation of a still valid session', async () => {
    const session = client();
    const events = recordEvents(session);
    await session.get('/api/whoami');
    const before = session.session.fingerprint;
    await session.post('/api/login', { json: { user: 'ada' }, rotatesSession: true });
    expect(session.session.fingerprint).not.toBe(before);
    expect(session.session).toMatchObject({ status: 'active', rotations: 1 });
    expect(events).toEqual(['session:start', 'session:rotate']);
  });

  test('subscribe() fits useSyncExternalStore: a new snapshot object on change, the same one otherwise', async () => {
    const session = client();
    let calls = 0;
    const unsubscribe = session.subscribe(() => calls++);
    const first = session.getSnapshot();
    await session.get('/api/whoami');
    const second = session.getSnapshot();
    expect(second).not.toBe(first);
    expect(Object.isFrozen(second)).toBe(true);
    await session.get('/api/whoami');
    expect(session.getSnapshot()).toBe(second);
    unsubscribe();
    await session.post('/api/login', { rotatesSession: true });
    expect(calls).toBe(1);
  });

  test('the session TTL from X-Session-Ttl sets expiresAt', async () => {
    const session = client();
    const before = Date.now();
    await session.get('/api/whoami');
    const { expiresAt } = session.session;
    expect(expiresAt).not.toBeNull();
    expect(expiresAt! - before).toBeGreaterThan(1_400_000);
    expect(expiresAt! - before).toBeLessThan(1_450_000);
  });
});
