import { createRequire } from 'node:module';
import { afterEach, expect, vi } from 'vitest';
import type { SessionClient } from '../../src/index.js';
import { installFetch } from '../../src/platform/install-fetch.js';
import { installJQuery } from '../../src/platform/jquery/index.js';
import type { PhpServer } from '../../src/testing/index.js';
import { client } from './mock-php.js';

// Every way a page logs in again inside onExpired (for the happy-dom suites, on the mock backend's demo routes).
const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: jQuery has no types in this package
const $: any = require('jquery3');

const undo: Array<() => void> = [];
afterEach(() => {
  for (const fn of undo.splice(0)) fn();
});

export type LoginStyle = { name: string; login: (session: SessionClient) => Promise<void> };

export const loginStyles: LoginStyle[] = [
  {
    name: 'a client request marked rotatesSession',
    login: async (session) => {
      await session.post('/api/login', { json: { user: 'ada' }, rotatesSession: true });
    },
  },
  {
    name: 'a client request not marked',
    login: async (session) => {
      await session.post('/api/login', { json: { user: 'ada' } });
    },
  },
  {
    name: "jQuery's own $.post through the adapter",
    login: async (session) => {
      const adapter = installJQuery($, session);
      undo.push(() => adapter.uninstall());
      await new Promise((resolve, reject) => $.post('/api/login', { user: 'ada' }).then(resolve, reject));
    },
  },
  {
    name: 'a fetch routed through installFetch',
    login: async (session) => {
      const installed = installFetch(session);
      undo.push(() => installed.uninstall());
      const response = await fetch('/api/login', { method: 'POST', body: JSON.stringify({ user: 'ada' }) });
      if (!response.ok) throw new Error(`login failed: ${response.status}`);
    },
  },
  {
    name: 'a plain fetch the client never sees',
    login: async () => {
      const response = await fetch('/api/login', {
        method: 'POST',
        body: JSON.stringify({ user: 'ada' }),
        credentials: 'include',
      });
      if (!response.ok) throw new Error(`login failed: ${response.status}`);
    },
  },
];

/**
 * Logs in, lets the server forget the session, sends three notes and logs in again inside onExpired with `style`:
 * every note is saved exactly once, onExpired runs once, and the session is active again.
 */
export const expectReloginWorks = async (php: PhpServer, style: LoginStyle): Promise<void> => {
  const onExpired = vi.fn(async (): Promise<'resume'> => {
    await style.login(session);
    return 'resume';
  });
  const session: SessionClient = client({ onExpired });
  await session.post('/api/login', { json: { user: 'ada' }, rotatesSession: true });
  php.expireAll();
  const answers = await Promise.all(
    ['a', 'b', 'c'].map((body) => session.post('/api/notes', { body }).json()),
  );
  expect(answers).toEqual([{ saved: true }, { saved: true }, { saved: true }]);
  expect(onExpired).toHaveBeenCalledTimes(1);
  expect(session.session.status).toBe('active');
  const notes = await session.get('/api/notes').json<string[]>();
  expect([...notes].sort()).toEqual(['a', 'b', 'c']);
  // Each note was run by the server once with the user (its other runs were refused as expired).
  const saved = php.log.filter(
    (entry) => entry.method === 'POST' && entry.path === '/api/notes' && entry.status === 200,
  );
  expect(saved.map((entry) => entry.bodyText).sort()).toEqual(['a', 'b', 'c']);
};
