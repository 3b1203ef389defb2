import { afterEach } from 'vitest';
import type { PhpServer } from '../../src/testing/index.js';

type Hold = {
  /** Resolves once the script holds the session lock. */
  readonly held: Promise<void>;
  /** Lets the script finish, which releases the lock. */
  release(): void;
};

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
};

/**
 * `GET` and `POST` `path` on the mock: a script that takes the session lock and keeps it until the test
 * releases it (another tab's long request, say). `arm()` gets the handle of the next such request: a test sends
 * its own request once `held` resolves, knowing the lock is taken, where a sleep would only guess. Whatever is
 * still held is released after each test.
 */
export const addLockHolder = (php: PhpServer, path = '/api/lock-holder') => {
  const armed: Array<{ held: () => void; released: Promise<void> }> = [];
  const releases: Array<() => void> = [];
  const script = async ({ session_start }: { session_start: () => Promise<unknown> }) => {
    const turn = armed.shift();
    if (!turn) throw new Error(`${path} was called without arm()`);
    await session_start();
    turn.held();
    await turn.released;
    return { released: true };
  };
  php.route('GET', path, script);
  php.route('POST', path, script);
  afterEach(() => {
    for (const release of releases.splice(0)) release();
    armed.length = 0;
  });
  return {
    path,
    /** The handle of the next request to `path`. */
    arm(): Hold {
      const held = deferred();
      const released = deferred();
      armed.push({ held: held.resolve, released: released.promise });
      releases.push(released.resolve);
      return { held: held.promise, release: released.resolve };
    },
  };
};
