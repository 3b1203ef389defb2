import type { Emitter } from '../core/events.js';
import type { SessionState } from '../core/session-state.js';
import type { ExpiryCoordinator } from '../session/expiry-coordinator.js';
import type { SessionStore } from '../session/session-store.js';
import type { TabChannel } from './tab-channel.js';

/** Whether a remote expiry or logout is about an id this tab has since replaced (then it is stale and ignored). */
const staleExpiry = (local: SessionState, remote: SessionState): boolean =>
  (remote.status === 'expired' || remote.status === 'ended') &&
  local.fingerprint !== null &&
  remote.fingerprint !== null &&
  local.fingerprint !== remote.fingerprint;

/**
 * Keeps the session state of the tabs in step: every local change is posted, and every remote one adopted
 * without a request. A re-login in one tab ends the expiry in every tab: their `onExpired`, if running, sees its
 * `context.signal` abort, and their held requests are sent. Returns the stop function.
 */
export const syncSessionAcrossTabs = (
  channel: TabChannel,
  store: SessionStore,
  emitter: Emitter,
  expiry: ExpiryCoordinator,
): (() => void) => {
  let adopting = false;
  let lastPosted: SessionState | undefined;
  // When this tab's view last changed: messages from different tabs may arrive in any order, and an older view
  // must not replace a newer one (a late message from before a login would roll the login back).
  let changedAt = 0;

  const unsubscribe = store.subscribe(() => {
    const state = store.state;
    if (adopting || state === lastPosted || state.status === 'unknown') return;
    lastPosted = state;
    changedAt = Date.now();
    channel.post({ type: 'state', state, at: changedAt, login: store.changedByLogin });
  });
  const offResume = emitter.on('session:resume', () => {
    if (!adopting) channel.post({ type: 'resume' });
  });

  const offMessage = channel.on((message) => {
    if (message.type === 'state') {
      const local = store.state;
      const remote = message.state;
      if (!remote || message.at < changedAt || staleExpiry(local, remote)) return;
      // A strict-mode replacement id that this tab's expiry brought is no login, whoever saw it first.
      if (remote.status === 'active' && remote.fingerprint && expiry.isDead(remote.fingerprint)) return;
      // While this tab's expiry is handled, only a login ends it: a new id another tab saw on an ordinary answer
      // may be a strict-mode replacement of the dead id (the handler's login will tell).
      if (remote.status === 'active' && expiry.holding && !message.login) return;
      changedAt = message.at;
      const wasExpired = local.status === 'expired';
      adopting = true;
      try {
        store.adopt(remote);
      } finally {
        adopting = false;
      }
      lastPosted = store.state;
      if (remote.status === 'active' && (wasExpired || expiry.holding)) resumed();
    } else if (message.type === 'resume') {
      if (store.state.status === 'expired' || expiry.holding) resumed();
    }
  });

  const resumed = () => {
    adopting = true;
    try {
      expiry.decidedElsewhere({ decision: 'resume' });
    } finally {
      adopting = false;
    }
  };

  return () => {
    unsubscribe();
    offResume();
    offMessage();
  };
};
