import type { HeartbeatOptions } from '../core/feature-options.js';
import type { FeatureHost, FeatureLeader } from '../core/session-feature.js';
import { unrefTimer } from '../utils/unref-timer.js';
import type { ActivityTracker } from './activity-tracker.js';

/**
 * Pings `url` every `interval` ms while the user is active in some visible tab (or a session request is in
 * flight), from the leader tab only, so one keepalive serves every tab; it moves to another tab when the leader
 * closes (startLifecycle starts the election). Never pings an expired session. Returns the stop function.
 */
export const startKeepalive = (
  host: FeatureHost,
  options: Readonly<Required<HeartbeatOptions>>,
  activity: ActivityTracker,
  leader: FeatureLeader,
): (() => void) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    clearTimeout(timer);
    timer = leader.isLeader ? unrefTimer(setTimeout(tick, options.interval)) : undefined;
  };
  const tick = () => {
    schedule();
    const { store, expiry } = host;
    if (store.state.status === 'expired' || store.state.status === 'ended' || expiry.holding) return;
    if (Date.now() - activity.lastActiveAt() > options.idleTimeout) return;
    try {
      host
        .send(options.url, {
          method: options.method,
          session: 'read',
          retry: 0,
          throwHttpErrors: false,
          cache: 'no-store',
        })
        .catch(() => undefined);
    } catch {
      // a bad URL surfaces in the request's own events
    }
  };
  const offLeader = leader.onChange(schedule);
  schedule();
  return () => {
    clearTimeout(timer);
    offLeader();
  };
};
