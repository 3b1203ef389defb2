import type { Emitter } from '../core/events.js';
import type { NormalizedSessionOptions } from '../core/options.js';
import type { SessionState } from '../core/session-state.js';
import type { TabChannel } from '../tabs/tab-channel.js';
import { CsrfTokens } from './csrf-tokens.js';

type Fetch = (input: Request | string, init?: RequestInit) => Promise<Response>;

/**
 * Creates the session's CSRF tokens (when `csrf` is configured): drops the token when the session id changes
 * (rotation, a new session after expiry, a resume) and shares tokens with the other tabs. Returns undefined
 * when CSRF handling is off.
 */
export const wireCsrf = (
  options: NormalizedSessionOptions,
  emitter: Emitter,
  channel: TabChannel | undefined,
  fetch: Fetch,
  fingerprint: () => string | null,
): { tokens: CsrfTokens; dispose: () => void } | undefined => {
  if (!options.csrf) return undefined;
  const tokens = new CsrfTokens(options.csrf, options.pageOrigin, fetch, {
    fingerprint,
    header: options.protocol.fingerprint,
  });
  // The first id seen on page load is the session the page's meta token belongs to.
  const changed = ({ previous, session }: { previous: SessionState; session: SessionState }) =>
    tokens.sessionChanged(previous.fingerprint, session.fingerprint);
  const offs = [
    emitter.on('session:rotate', changed),
    emitter.on('session:start', changed),
    // Without fingerprints (HttpOnly cookie, no protocol) a resume is the only sign of a new login.
    emitter.on('session:resume', ({ session }) => {
      if (session.fingerprint === null) tokens.invalidate();
    }),
  ];
  if (channel) {
    tokens.onLearn = (token, fingerprint) => channel.post({ type: 'csrf', token, fingerprint });
    offs.push(
      channel.on((message) => {
        if (message.type === 'csrf') tokens.learn(message.token, false, message.fingerprint);
      }),
    );
  }
  return {
    tokens,
    dispose: () => {
      for (const off of offs) off();
    },
  };
};
