// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { fingerprint } from '../../src/testing/index.js';
import { client, recordEvents, useMockPhp } from '../helpers/mock-php.js';

// Plain PHP: no protocol headers. Debian's default cookie is readable from document.cookie.
const { php } = useMockPhp({ protocol: false });

const rawId = () => /PHPSESSID=([0-9a-v]+)/.exec(document.cookie)?.[1];

describe('session tracking from a readable cookie', () => {
  test('a new session is seen from the cookie PHP set', async () => {
    const session = client();
    const events = recordEvents(session);
    await session.get('/api/whoami');
    expect(session.session).toMatchObject({ status: 'active', source: 'cookie' });
    expect(session.session.fingerprint).toBe(await fingerprint(rawId()!));
    expect(events).toEqual(['session:start']);
  });

  test('session_regenerate_id() is seen as a rotation', async () => {
    const session = client();
    const events = recordEvents(session);
    await session.get('/api/whoami');
    await session.post('/api/login', { rotatesSession: true });
    expect(session.session.rotations).toBe(1);
    expect(session.session.fingerprint).toBe(await fingerprint(rawId()!));
    expect(events).toEqual(['session:start', 'session:rotate']);
  });

  test('expiry is still detected by status: 401 from a page that needs a login', async () => {
    const session = client();
    const events = recordEvents(session);
    await session.post('/api/login', { rotatesSession: true });
    php.expireAll();
    await expect(session.get('/api/private')).rejects.toThrow(/session has expired/);
    expect(session.session.status).toBe('expired');
    expect(events).toEqual(['session:start', 'session:expire']);
  });

  test('a server that hands out a new id on every response is flagged: the session is not resumed', async () => {
    const session = client();
    const flagged: string[] = [];
    session.on('session:not-resumed', (event) => flagged.push(event.message));
    // The cookie never comes back (as if it were set for another path or blocked), so PHP starts anew each time.
    for (let index = 0; index < 5; index++) {
      await session.get('/api/whoami');
      // biome-ignore lint/suspicious/noDocumentCookie: the test stands in for a cookie the browser does not send back
      document.cookie = `PHPSESSID=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
      // biome-ignore lint/suspicious/noDocumentCookie: as above
      document.cookie = `PHPSESSID=x${index}; path=/`;
    }
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatch(/not being resumed.*cookie is sent.*session_start\(\)/);
  });
});
