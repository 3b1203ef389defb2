import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCookieJarFetch } from '../helpers/cookie-jar-fetch.js';
import { type PhpServer, shouldRunPhpSuite, startPhpServer } from '../helpers/php-server.js';
import { fingerprint as fp, sleep } from '../helpers/sleep-and-fingerprint.js';

// What php/session-fetch.php sends, checked with plain fetch (and a cookie jar) against php-fpm + nginx.

describe.skipIf(!shouldRunPhpSuite())('php/session-fetch.php against php-fpm', () => {
  const servers: Record<string, PhpServer> = {};
  beforeAll(async () => {
    const [files, strict, timeout, redis] = await Promise.all([
      startPhpServer({ handler: 'files', corsOrigins: ['http://app.test'] }),
      startPhpServer({ handler: 'files', strictMode: true, httpOnlyCookie: true }),
      startPhpServer({ handler: 'timeout' }),
      startPhpServer({ handler: 'redis' }),
    ]);
    Object.assign(servers, { files, strict, timeout, redis });
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
  });

  test('a new session gets X-Session-Fp, the first 16 hex of sha256(id), with TTL and lock wait, and no expiry marker', async () => {
    const f = createCookieJarFetch(servers.files!.origin);
    const response = await f(`${servers.files!.url}/whoami.php`);
    const id = f.jar.get('PHPSESSID')!;
    expect(id).toMatch(/^[a-z0-9]{26}$/);
    expect(response.headers.get('x-session-fp')).toBe(fp(id));
    expect(response.headers.get('x-session-ttl')).toBe('1440');
    expect(response.headers.get('x-session-lock-wait')).toMatch(/^\d+$/);
    expect(response.headers.get('x-session-expired')).toBeNull();
    // Debian's default cookie: readable, no SameSite.
    expect(f.jar.received[0]).toBe(`PHPSESSID=${id}; path=/`);
  });

  test('session_fetch_regenerate, kept for older code, still sends X-Session-Fp of the new id', async () => {
    const f = createCookieJarFetch(servers.files!.origin);
    await f(`${servers.files!.url}/whoami.php`);
    const before = f.jar.get('PHPSESSID')!;
    const response = await f(`${servers.files!.url}/login.php`, { method: 'POST' });
    const after = f.jar.get('PHPSESSID')!;
    expect(after).not.toBe(before);
    expect(response.headers.get('x-session-fp')).toBe(fp(after));
    expect(response.headers.getSetCookie()).toEqual([`PHPSESSID=${after}; path=/`]);
  });

  test('a page load with an unknown id is marked expired with strict mode off (adopted) and on (replaced)', async () => {
    for (const server of [servers.files!, servers.strict!]) {
      const f = createCookieJarFetch(server.origin);
      f.jar.set('PHPSESSID', 'unknownsessionid0123456789');
      const response = await f(`${server.url}/whoami.php`);
      expect(response.headers.get('x-session-expired')).toBe('1');
      const id = f.jar.get('PHPSESSID')!;
      if (server === servers.strict) expect(id).not.toBe('unknownsessionid0123456789');
      else expect(id).toBe('unknownsessionid0123456789'); // use_strict_mode=0 adopts it, no Set-Cookie
      expect(response.headers.get('x-session-fp')).toBe(fp(id));
      // The next request names a session that now carries the marker: not expired any more.
      const next = await f(`${server.url}/whoami.php`);
      expect(next.headers.get('x-session-expired')).toBeNull();
    }
  });

  test('a script with no output (a 204 keepalive) keeps its session: the fingerprint, no X-Session-End, no cookie', async () => {
    // Its headers go out only after PHP closed the session, when session_id() is '' already.
    const f = createCookieJarFetch(servers.files!.origin);
    await f(`${servers.files!.url}/login.php`, { method: 'POST' });
    const id = f.jar.get('PHPSESSID')!;
    const ping = await f(`${servers.files!.url}/keepalive.php`);
    expect(ping.status).toBe(204);
    expect(ping.headers.get('x-session-end')).toBeNull();
    expect(ping.headers.get('x-session-fp')).toBe(fp(id));
    expect(ping.headers.getSetCookie()).toEqual([]);
    expect(f.jar.get('PHPSESSID')).toBe(id);
  });

  test('a read_and_close start of a new session stores the marker, so the next request is not called expired', async () => {
    const f = createCookieJarFetch(servers.files!.origin);
    await f(`${servers.files!.url}/read.php`);
    const next = await f(`${servers.files!.url}/read.php`);
    expect(next.headers.get('x-session-expired')).toBeNull();
  });

  test('session_fetch_destroy ends the session (X-Session-End) and expires the cookie; the destroyed id is then reported expired', async () => {
    const f = createCookieJarFetch(servers.strict!.origin);
    await f(`${servers.strict!.url}/login.php`, { method: 'POST' });
    const id = f.jar.get('PHPSESSID')!;
    const response = await f(`${servers.strict!.url}/logout.php`);
    expect(response.headers.get('x-session-fp')).toBeNull();
    expect(response.headers.get('x-session-end')).toBe('1');
    expect(response.headers.getSetCookie()).toHaveLength(1);
    expect(response.headers.getSetCookie()[0]).toMatch(
      /^PHPSESSID=deleted; expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; path=\/; HttpOnly; SameSite=Lax$/,
    );
    expect(f.jar.get('PHPSESSID')).toBeUndefined();
    // Another tab that still sends the old id:
    const other = createCookieJarFetch(servers.strict!.origin);
    other.jar.set('PHPSESSID', id);
    const stale = await other(`${servers.strict!.url}/whoami.php`);
    expect(stale.headers.get('x-session-expired')).toBe('1');
  });

  test('?protocol=0 sends no protocol header at all', async () => {
    const f = createCookieJarFetch(servers.files!.origin);
    f.jar.set('PHPSESSID', 'unknownsessionid0123456789');
    const response = await f(`${servers.files!.url}/whoami.php?protocol=0`);
    expect([...response.headers.keys()].filter((name) => name.startsWith('x-session'))).toEqual([]);
  });

  test('CORS: the exact allowed origin, credentials, exposed headers, Vary, and a 204 preflight', async () => {
    const url = `${servers.files!.url}/whoami.php`;
    const allowed = await fetch(url, { headers: { origin: 'http://app.test' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('vary')).toMatch(/Origin/);
    expect(allowed.headers.get('access-control-expose-headers')).toBe(
      'X-Session-Fp, X-Session-Expired, X-Session-End, X-Session-Lock, X-Session-Ttl, X-Session-Lock-Wait, Retry-After',
    );
    const other = await fetch(url, { headers: { origin: 'http://evil.test' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://app.test',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'cache-control, pragma, x-requested-with, x-csrf-token',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/POST/);
    for (const header of [
      'Cache-Control',
      'Pragma',
      'Content-Type',
      'X-Requested-With',
      'X-CSRF-TOKEN',
      'X-XSRF-TOKEN',
    ]) {
      expect(preflight.headers.get('access-control-allow-headers')).toContain(header);
    }
    expect(preflight.headers.getSetCookie()).toEqual([]); // the preflight does not start a session
  });

  for (const handler of ['timeout', 'redis'] as const) {
    test(`a lock timeout with the ${handler} handler answers 423 + Retry-After + X-Session-Lock: timeout and writes nothing`, async () => {
      const server = servers[handler]!;
      const f = createCookieJarFetch(server.origin);
      await f(`${server.url}/whoami.php`);
      const holder = f(`${server.url}/write.php?tag=holder&hold=1600`);
      await sleep(150);
      const started = Date.now();
      const blocked = await f(`${server.url}/write.php?tag=blocked`);
      const waited = Date.now() - started;
      expect(blocked.status).toBe(423);
      expect(blocked.headers.get('retry-after')).toBe('1');
      expect(blocked.headers.get('x-session-lock')).toBe('timeout');
      expect(blocked.headers.get('x-session-fp')).toBeNull();
      expect(Number(blocked.headers.get('x-session-lock-wait'))).toBeGreaterThanOrEqual(950);
      expect(waited).toBeGreaterThanOrEqual(950);
      expect(waited).toBeLessThan(1500);
      expect((await holder).status).toBe(200);
      // Neither the blocked script's log entry nor an empty overwrite made it into the session.
      const after = await (await f(`${server.url}/write.php?tag=after`)).json();
      expect(after.log).toEqual(['holder', 'after']);
    });
  }

  test('the timeout handler stores plain PHP session files in session.save_path', async () => {
    const server = servers.timeout!;
    const f = createCookieJarFetch(server.origin);
    await f(`${server.url}/counter.php`);
    const id = f.jar.get('PHPSESSID')!;
    expect(readdirSync(server.sessionDir)).toContain(`sess_${id}`);
    expect(readFileSync(join(server.sessionDir, `sess_${id}`), 'utf8')).toMatch(/__sf\|i:\d+;counter\|i:1;/);
  });
});
