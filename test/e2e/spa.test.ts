import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { shouldRunBrowserSuite, type TestBrowser, waitInPage } from '../helpers/browser.js';
import { useBrowserSuite } from '../helpers/browser-suite.js';
import { fingerprint } from '../helpers/sleep-and-fingerprint.js';
import type { Site } from '../helpers/static-pages.js';

const sessionCookie = async (context: BrowserContext) =>
  (await context.cookies()).find((cookie) => cookie.name === 'PHPSESSID');

const openSpa = async (browser: TestBrowser, site: Site, query = '') => {
  const opened = await browser.newPage();
  await opened.page.goto(`${site.url}/pages/spa.html${query}`);
  await waitInPage(opened.page, 'window.spaReady === true');
  return opened;
};

const eventsIn = (page: Page) =>
  page.$$eval('#events li', (items) =>
    items.map((item) => ({
      name: (item as HTMLElement).dataset.event,
      fingerprint: (item as HTMLElement).dataset.fingerprint,
      previous: (item as HTMLElement).dataset.previous,
    })),
  );

describe.skipIf(!shouldRunBrowserSuite())('an SPA page importing the ESM build', () => {
  const suite = useBrowserSuite();

  test('the page logs in, rotates the session id and lists the start and the rotation it saw', async () => {
    const { page, context, log } = await openSpa(suite.browser, suite.site);
    expect(await page.textContent('#status')).toBe('unknown');

    await page.click('#whoami');
    await expect.poll(() => page.textContent('#user')).toBe('nobody');
    const first = await sessionCookie(context);
    expect(first?.value).toMatch(/^[\w,-]+$/);
    expect(await page.textContent('#status')).toBe('active');
    expect(await page.textContent('#source')).toBe('protocol');
    expect(await page.textContent('#fingerprint')).toBe(fingerprint(first!.value));

    await page.click('#login');
    await expect.poll(() => page.textContent('#user')).toBe('alice');
    const second = await sessionCookie(context);
    expect(second?.value).not.toBe(first?.value);
    expect(await page.textContent('#rotations')).toBe('1');
    expect(await page.textContent('#fingerprint')).toBe(fingerprint(second!.value));
    expect(await eventsIn(page)).toEqual([
      { name: 'session:start', fingerprint: fingerprint(first!.value), previous: '' },
      {
        name: 'session:rotate',
        fingerprint: fingerprint(second!.value),
        previous: fingerprint(first!.value),
      },
    ]);

    // The new id is the one the browser sends from now on.
    await page.click('#whoami');
    await expect.poll(() => page.textContent('#user')).toBe('alice');
    expect(await page.textContent('#rotations')).toBe('1');
    expect(log.errors).toEqual([]);
  });

  test('a typed call with a zod schema: a wrong shape rejects with SchemaValidationError, the right one comes back parsed', async () => {
    const { page, log } = await openSpa(suite.browser, suite.site);
    // Nobody is logged in: whoami.php answers { user: null, ... }, which the schema refuses.
    await page.click('#profile');
    await expect.poll(() => page.textContent('#profile-result')).toBe('SchemaValidationError: user');
    // The request went well: the session started and is not taken for expired.
    expect(await page.textContent('#status')).toBe('active');
    await page.click('#login');
    await expect.poll(() => page.textContent('#user')).toBe('alice');
    await page.click('#profile');
    // Parsed by the schema: whoami.php's other keys (fp, strict, handler) are dropped.
    await expect.poll(() => page.textContent('#profile-result')).toBe('{"user":"alice","counter":0}');
    expect(log.errors).toEqual([]);
  });

  test('client.session is a frozen snapshot, replaced by a new object on every change and never holding the id', async () => {
    const { page, context } = await openSpa(suite.browser, suite.site);
    const result = await page.evaluate(async () => {
      const w = window as unknown as {
        client: {
          session: Record<string, unknown>;
          getSnapshot(): unknown;
          get(url: string): { json(): Promise<unknown> };
          post(url: string, options: object): { json(): Promise<unknown> };
        };
        snapshots: unknown[];
      };
      const initial = w.client.session;
      await w.client.get('/whoami.php').json();
      const started = w.client.session;
      await w.client.post('/login.php?user=bob', { rotatesSession: true }).json();
      const rotated = w.client.session;
      const assignment = Reflect.set(rotated, 'status', 'expired') ? 'allowed' : 'refused';
      return {
        initial,
        started,
        rotated,
        frozen: [initial, started, rotated].every((s) => Object.isFrozen(s)),
        distinct: initial !== started && started !== rotated,
        sameAsSnapshot: w.client.getSnapshot() === rotated,
        assignment,
        statusAfterAssignment: w.client.session.status,
        renders: w.snapshots.length,
        keys: Object.keys(rotated).sort(),
      };
    });
    const id = (await sessionCookie(context))!.value;
    expect(result.initial).toMatchObject({
      status: 'unknown',
      fingerprint: null,
      source: 'none',
      rotations: 0,
    });
    expect(result.started).toMatchObject({ status: 'active', source: 'protocol', rotations: 0 });
    expect(result.rotated).toMatchObject({ status: 'active', fingerprint: fingerprint(id), rotations: 1 });
    expect(result.rotated.expiresAt).toEqual(expect.any(Number));
    expect(result.keys).toEqual(['expiresAt', 'fingerprint', 'rotations', 'since', 'source', 'status']);
    expect(result.frozen).toBe(true);
    expect(result.distinct).toBe(true);
    expect(result.sameAsSnapshot).toBe(true);
    expect(result.assignment).toBe('refused');
    expect(result.statusAfterAssignment).toBe('active');
    expect(result.renders).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(result)).not.toContain(id);
  });
  test("the browser's redirect to the login page and a login page served inline both count as expiry", async () => {
    const { page } = await openSpa(suite.browser, suite.site);
    const result = await page.evaluate(async () => {
      const { client } = window as unknown as { client: import('../../src/index.js').SessionClient };
      const attempt = async (url: string) => {
        try {
          await client.get(url).json();
          return 'ok';
        } catch (error) {
          return `${(error as Error).name}: ${(error as { reason?: string }).reason ?? ''}`;
        }
      };
      await client.get('/whoami.php').json();
      // laravel.php?plain=1 answers 302 Location: /login.php; fetch follows it and response.url names the login page.
      const redirected = await attempt('/laravel.php?plain=1');
      const afterRedirect = client.session.status;
      await client.post('/login.php?user=alice', { rotatesSession: true }).json();
      const loggedIn = client.session.status;
      await client.post('/logout.php').json();
      // laravel.php?inline=1 serves the login page with 200 where JSON was asked for.
      const inline = await attempt('/laravel.php?inline=1');
      return { redirected, afterRedirect, loggedIn, inline, afterInline: client.session.status };
    });
    expect(result).toEqual({
      redirected: 'SessionExpiredError: no-handler',
      afterRedirect: 'expired',
      loggedIn: 'active',
      inline: 'SessionExpiredError: no-handler',
      afterInline: 'expired',
    });
  });

  test('a login and a logout written the usual way through the helper: the login names its new id, the logout ends the session and prompts nobody', async () => {
    const { page } = await openSpa(suite.browser, suite.site);
    // login-usual.php: session_regenerate_id(true) then the user; logout-usual.php: $_SESSION = [];
    // session_destroy(). Neither uses the helper's own functions beyond session_fetch_start().
    const result = await page.evaluate(async () => {
      const { SessionFetch } = window as unknown as { SessionFetch: typeof import('../../src/index.js') };
      let prompts = 0;
      const client = SessionFetch.createSessionClient({
        onExpired: async () => {
          prompts++;
          return 'give-up';
        },
      });
      const events: string[] = [];
      for (const name of ['session:start', 'session:rotate', 'session:expire', 'session:end'] as const) {
        client.on(name, ({ session }) => events.push(`${name} ${session.fingerprint}`));
      }
      const login = await client.post('/login-usual.php', { rotatesSession: true }).json<{ fp: string }>();
      const afterLogin = client.session.fingerprint;
      await client.post('/logout-usual.php').json();
      const afterLogout = client.session.status;
      const whoami = await client.get('/whoami.php').json<{ user: string | null }>();
      return { loginFp: login.fp, afterLogin, afterLogout, whoami, prompts, events };
    });
    // The login's own answer carries the id session_regenerate_id() made, not the one it replaced.
    expect(result.afterLogin).toBe(result.loginFp);
    expect(result.events[0]).toBe(`session:start ${result.loginFp}`);
    expect(result.events).not.toContain(`session:rotate ${result.loginFp}`);
    // The logout is an end, not an expiry: no prompt, and the next public request goes through.
    expect(result.afterLogout).toBe('ended');
    expect(result.events.filter((event) => event.startsWith('session:end'))).toHaveLength(1);
    expect(result.events.some((event) => event.startsWith('session:expire'))).toBe(false);
    expect(result.prompts).toBe(0);
    expect(result.whoami.user).toBeNull();
  });

  // logout.php answers without X-Session-Fp and with `Set-Cookie: PHPSESSID=deleted; expires=<1970>`: the session
  // ended (not expired), and the next request's brand-new session is a start, not a rotation of the old one.
  test('after a logout that deletes the readable session cookie, the session ends and the next one is a new session', async () => {
    const { page } = await openSpa(suite.browser, suite.site);
    const result = await page.evaluate(async () => {
      const { client } = window as unknown as { client: import('../../src/index.js').SessionClient };
      const events: string[] = [];
      for (const name of ['session:start', 'session:rotate', 'session:expire', 'session:end'] as const) {
        client.on(name, () => events.push(name));
      }
      await client.post('/login.php?user=alice', { rotatesSession: true }).json();
      const loggedIn = client.session;
      await client.post('/logout.php').json();
      const cookieAfterLogout = document.cookie;
      await client.get('/whoami.php').json();
      return { loggedIn, cookieAfterLogout, events, after: client.session };
    });
    expect(result.cookieAfterLogout).not.toContain('PHPSESSID');
    expect(result.after.fingerprint).not.toBe(result.loggedIn.fingerprint);
    // login.php starts the session, the logout ends it, and the next request starts a new one.
    expect(result.events).toEqual(['session:start', 'session:end', 'session:start']);
    expect(result.after.rotations).toBe(0);
  });
});

describe.skipIf(!shouldRunBrowserSuite())('the SPA page against other cookie settings', () => {
  // The first site sends an HttpOnly cookie; the second has the defaults.
  const suite = useBrowserSuite({ sites: [{ httpOnlyCookie: true }, {}] });

  test('with an HttpOnly cookie the page cannot read the id and the protocol header still tracks every rotation', async () => {
    const { page, context } = await openSpa(suite.browser, suite.sites[0]!);
    await page.click('#whoami');
    await expect.poll(() => page.textContent('#user')).toBe('nobody');
    await page.click('#login');
    await expect.poll(() => page.textContent('#user')).toBe('alice');
    const cookie = await sessionCookie(context);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('PHPSESSID');
    expect(await page.textContent('#source')).toBe('protocol');
    expect(await page.textContent('#rotations')).toBe('1');
    expect(await page.textContent('#fingerprint')).toBe(fingerprint(cookie!.value));
  });

  test('without the protocol headers the page tracks the readable PHPSESSID cookie, rotation included', async () => {
    // The PHP app's `protocol: false` server option does not switch the headers off (_bootstrap.php reads
    // SF_PROTOCOL with `getenv() ?: '1'`, and '0' is falsy), so the page passes ?protocol=0 on to the API.
    const { page, context } = await openSpa(suite.browser, suite.sites[1]!, '?protocol=0');
    await page.click('#whoami');
    await expect.poll(() => page.textContent('#user')).toBe('nobody');
    const first = await sessionCookie(context);
    await page.click('#login');
    await expect.poll(() => page.textContent('#user')).toBe('alice');
    const second = await sessionCookie(context);
    expect(second!.value).not.toBe(first!.value);
    expect(await page.textContent('#source')).toBe('cookie');
    expect(await page.textContent('#rotations')).toBe('1');
    expect(await page.textContent('#fingerprint')).toBe(fingerprint(second!.value));
    expect((await eventsIn(page)).map((event) => event.name)).toEqual(['session:start', 'session:rotate']);
  });
});
