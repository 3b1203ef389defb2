import type { FeatureHost } from '../core/session-feature.js';
import type { SessionState } from '../core/session-state.js';
import type { NormalizedCsrf } from './csrf-options.js';
import { CsrfTokens } from './csrf-tokens.js';

/**
 * Puts the session's CSRF tokens on its requests: drops the token when the session id changes (rotation, a new
 * session after expiry, a resume) and shares tokens with the other tabs. Everything stops with the client.
 */
export const wireCsrf = (host: FeatureHost, options: NormalizedCsrf): CsrfTokens => {
  const { emitter, store, tabs } = host;
  const tokens = new CsrfTokens(options, host.options.pageOrigin, host.sendOwn, {
    fingerprint: () => store.state.fingerprint,
    header: host.options.protocol.fingerprint,
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
  const { channel } = tabs;
  if (channel) {
    tokens.onLearn = (token, fingerprint) => channel.post({ type: 'csrf', token, fingerprint });
    offs.push(
      channel.on((message) => {
        if (message.type === 'csrf') tokens.learn(message.token, false, message.fingerprint);
      }),
    );
  }
  host.provideTokens(tokens);
  host.onDispose(() => {
    for (const off of offs) off();
  });
  return tokens;
};
