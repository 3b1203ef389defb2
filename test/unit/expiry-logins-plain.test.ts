// @vitest-environment happy-dom
import { describe, test } from 'vitest';
import { expectReloginWorks, loginStyles } from '../helpers/login-styles.js';
import { addNotes, useMockPhp } from '../helpers/mock-php.js';

// Strict mode: every request that carries the dead id gets a brand-new session from the server.
const { php } = useMockPhp({ strictMode: true, protocol: false });
addNotes(php);

describe('logging in again inside onExpired, without the protocol headers (no PHP helper)', () => {
  test.each(loginStyles)(
    'works with $name: every held request is replayed once, onExpired runs once',
    (style) => expectReloginWorks(php, style),
  );
});
