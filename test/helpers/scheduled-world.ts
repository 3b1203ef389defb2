/**
 * A deterministic world for property tests: fast-check's scheduler decides when each request reaches the mock PHP
 * server and when each answer comes back (tab messages arrive in order at once, as a BroadcastChannel's do next to
 * a network's round trips); every timer runs on fake time, and
 * every other source of chance (Math.random, session ids, hashing) is seeded or synchronous. A failing schedule
 * therefore replays from its seed and shrinks.
 *
 * Tabs are clients of one origin: one cookie jar (readable as `document.cookie`), one BroadcastChannel, one set of
 * Web Locks. Use in a `@vitest-environment node` file; call `install()` before making clients and `uninstall()`
 * after.
 */
import { createHash } from 'node:crypto';
import type fc from 'fast-check';
import { vi } from 'vitest';
import { CookieJar } from '../../src/testing/engine/cookie-jar-fetch.js';
import type { PhpServer } from '../../src/testing/index.js';
import { FakeLockManager } from './fake-web-locks.js';

export const worldOrigin = 'http://localhost:3000';

/** Mulberry32: a small seeded generator for Math.random and the session ids. */
const seeded = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export type World = {
  readonly jar: CookieJar;
  readonly locks: FakeLockManager;
  /** The fetch of the tabs: requests and answers go over the scheduled wire; an aborted answer never lands. */
  readonly fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /**
   * A request of the same session made elsewhere (a long script started by a cron, another device): it carries the
   * session cookie, and its answer never reaches this browser's cookie jar.
   */
  readonly elsewhere: (url: string) => Promise<Response>;
  /**
   * Answers that replaced a login's session cookie: any answer but a login's with a Set-Cookie (a 401 of a write, a
   * 200 of a read that needs no login) to a request sent before a login's answer and answered after it. PHP in strict
   * mode gives a request with the login's old id a new id of its own, which logs the user out (docs/protocol.md,
   * "Requests with the old id during a login"); the helper leaves the cookie alone on such AJAX answers, so with it
   * this stays 0.
   */
  readonly clobbers: number;
  install(): void;
  uninstall(): void;
  /** Runs the scheduler and fake time until `done` settles; 'hung' when nothing is left to run or time runs out. */
  run(done: Promise<unknown>, limitMs?: number): Promise<'settled' | 'hung'>;
};

export const createWorld = (s: fc.Scheduler, php: Pick<PhpServer, 'handle'>, seed: number): World => {
  const jar = new CookieJar();
  const locks = new FakeLockManager();
  const random = seeded(seed);
  const channels = new Map<string, Set<ScheduledChannel>>();

  class ScheduledChannel {
    onmessage: ((event: { data: unknown }) => void) | null = null;
    constructor(readonly name: string) {
      const peers = channels.get(name) ?? new Set();
      peers.add(this);
      channels.set(name, peers);
    }
    postMessage(data: unknown): void {
      const copy = structuredClone(data);
      for (const peer of channels.get(this.name) ?? []) {
        if (peer === this) continue;
        // A BroadcastChannel delivers in order and within microseconds, long before an answer from the network:
        // only the network is left to the scheduler.
        void Promise.resolve().then(() => peer.onmessage?.({ data: copy }));
      }
    }
    close(): void {
      channels.get(this.name)?.delete(this);
    }
  }

  /** Logins whose answer stored a session cookie, and answers that replaced one (see World.clobbers). */
  let loginCookies = 0;
  let clobbers = 0;
  const abortError = (signal: AbortSignal) => signal.reason ?? new DOMException('aborted', 'AbortError');
  const send = async (input: RequestInfo | URL, init: RequestInit | undefined, keepCookies: boolean) => {
    const first = new Request(typeof input === 'string' ? new URL(input, worldOrigin) : input, init);
    const signal = init?.signal ?? first.signal;
    const body = first.method === 'GET' || first.method === 'HEAD' ? null : await first.arrayBuffer();
    const label = `${first.method} ${new URL(first.url).pathname}`;
    await s.schedule(Promise.resolve(), `send ${label}`);
    if (signal?.aborted) throw abortError(signal);
    const loginsBefore = loginCookies;
    const request = new Request(first.url, { method: first.method, headers: first.headers, body });
    const cookie = init?.credentials === 'omit' ? '' : jar.header(new URL(first.url).pathname);
    if (cookie) request.headers.set('Cookie', cookie);
    const response = await php.handle(request);
    await s.schedule(Promise.resolve(), `answer ${label} ${response.status}`);
    // The browser drops the answer of an aborted fetch, Set-Cookie included.
    if (signal?.aborted) throw abortError(signal);
    const setCookies = keepCookies ? response.headers.getSetCookie() : [];
    for (const setCookie of setCookies) jar.store(setCookie);
    if (setCookies.length > 0) {
      if (response.ok && label === 'POST /api/login') loginCookies++;
      else if (loginCookies > loginsBefore) clobbers++;
    }
    return response;
  };
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => send(input, init, true);
  const elsewhere = (url: string) => send(url, undefined, false);

  const subtle = {
    digest: async (_algorithm: string, data: BufferSource) =>
      new Uint8Array(
        createHash('sha256')
          .update(new Uint8Array(data as ArrayBuffer))
          .digest(),
      ).buffer,
  };
  const crypto = {
    subtle,
    getRandomValues: <T extends ArrayBufferView>(array: T): T => {
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      for (let index = 0; index < bytes.length; index++) bytes[index] = Math.floor(random() * 256);
      return array;
    },
    randomUUID: () => `00000000-0000-4000-8000-${String(Math.floor(random() * 1e12)).padStart(12, '0')}`,
  };
  const document = {
    get cookie() {
      return jar.documentCookie();
    },
    visibilityState: 'visible',
    addEventListener: () => {},
    removeEventListener: () => {},
  };

  return {
    jar,
    locks,
    get clobbers() {
      return clobbers;
    },
    fetch,
    elsewhere,
    install: () => {
      vi.useFakeTimers({
        toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
      });
      vi.spyOn(Math, 'random').mockImplementation(random);
      vi.stubGlobal('crypto', crypto);
      vi.stubGlobal('BroadcastChannel', ScheduledChannel);
      vi.stubGlobal('navigator', { locks });
      vi.stubGlobal('document', document);
    },
    uninstall: () => {
      vi.useRealTimers();
      vi.restoreAllMocks();
      vi.unstubAllGlobals();
    },
    run: async (done, limitMs = 180_000) => {
      let finished = false;
      void done.then(
        () => {
          finished = true;
        },
        () => {
          finished = true;
        },
      );
      const start = Date.now();
      while (!finished) {
        if (s.count() > 0) {
          await s.waitNext(1);
          continue;
        }
        // Let everything that needs no timer settle first (response bodies stream over setImmediate, not faked).
        for (let turn = 0; turn < 5 && !finished && s.count() === 0; turn++) {
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        if (finished || s.count() > 0) continue;
        if (vi.getTimerCount() === 0 || Date.now() - start > limitMs) return 'hung';
        await vi.advanceTimersToNextTimerAsync();
      }
      return 'settled';
    },
  };
};
