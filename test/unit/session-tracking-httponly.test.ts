// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { client, recordEvents, useMockPhp } from '../helpers/mock-php.js';

// An HttpOnly cookie and no protocol: the id cannot be seen at all.
const { php } = useMockPhp({ protocol: false, cookie: { httpOnly: true, sameSite: 'Lax' } });

describe('session tracking with an HttpOnly cookie and no protocol', () => {
  test('the session stays unknown, yet the cookie keeps the session on the server', async () => {
    const session = client();
    const events = recordEvents(session);
    await session.post('/api/login', { json: { user: 'ida' }, rotatesSession: true });
    const me = await session.get('/api/whoami').json<{ user: string }>();
    expect(me.user).toBe('ida');
    expect(document.cookie).not.toContain('PHPSESSID');
    expect(session.session).toMatchObject({ status: 'unknown', fingerprint: null, source: 'none' });
    expect(events).toEqual([]);
  });

  test('expiry is detected by a redirect to the login page', async () => {
    const session = client();
    await session.post('/api/login', { rotatesSession: true });
    php.expireAll();
    await expect(session.get('/api/redirecting')).rejects.toThrow(/session has expired/);
    expect(session.session.status).toBe('expired');
  });
});
