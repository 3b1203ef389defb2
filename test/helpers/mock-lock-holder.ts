import type { PhpServer } from '../../src/testing/index.js';
import { createGates } from './gates.js';

type Hold = {
  /** Resolves once the script holds the session lock. */
  readonly held: Promise<void>;
  /** Lets the script finish, which releases the lock. */
  release(): void;
};

/**
 * `GET` and `POST` `path` on the mock: a script that takes the session lock and keeps it until the test
 * releases it (another tab's long request, say). `arm()` gets the handle of the next such request: a test sends
 * its own request once `held` resolves, knowing the lock is taken, where a sleep would only guess. A request
 * made without `arm()` answers at once; whatever is still held is released after each test.
 */
export const addLockHolder = (php: PhpServer, path = '/api/lock-holder') => {
  const gates = createGates(path);
  const script = async ({ session_start }: { session_start: () => Promise<unknown> }) => {
    await session_start();
    await gates.pass();
    return { released: true };
  };
  php.route('GET', path, script);
  php.route('POST', path, script);
  return {
    path,
    /** The handle of the next request to `path`. */
    arm(): Hold {
      const gate = gates.arm();
      return { held: gate.reached, release: gate.open };
    },
  };
};
