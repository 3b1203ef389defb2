import type { FeatureHost } from '../core/session-feature.js';
import { ActivityTracker } from './activity-tracker.js';
import { ExpiryTimer } from './expiry-timer.js';
import { startKeepalive } from './keepalive.js';
import type { NormalizedLifecycle } from './lifecycle-options.js';
import { verifySession } from './verify-session.js';
import { watchForWake } from './wake-detector.js';

/**
 * Starts what watches the session over time: the expiry warning and check, the keepalive (opt-in, one tab for
 * all), and the re-check after sleep or the back/forward cache, which holds queued work until the server has
 * answered. Everything stops with the client.
 */
export const startLifecycle = (host: FeatureHost, options: NormalizedLifecycle): void => {
  const { store, emitter, queue, tabs } = host;
  const keepalive = options.heartbeat;
  const verifyTarget = options.verifyUrl
    ? { url: options.verifyUrl, method: 'GET' }
    : keepalive && { url: keepalive.url, method: keepalive.method };
  const verify = verifyTarget && (() => verifySession(host, verifyTarget.url, verifyTarget.method));
  const busy = () => queue.inFlight > 0;
  // Only needed when some tab will make requests on the others' behalf (a keepalive always has a verify target).
  if (verify) tabs.leader.start();

  // Input listeners only when a keepalive needs to know whether the user is active.
  const activity = keepalive ? new ActivityTracker(tabs.channel, busy) : undefined;
  const timer = new ExpiryTimer(store, emitter, {
    warning: options.expiryWarning,
    verify,
    // Without a request to make, every tab declares the expiry itself, on time.
    leads: () => !verify || tabs.leader.isLeader,
    busy,
  });
  const stopKeepalive =
    keepalive && activity ? startKeepalive(host, keepalive, activity, tabs.leader) : () => {};

  let rechecking = false;
  const recheck = async () => {
    if (rechecking || store.state.status !== 'active') return;
    rechecking = true;
    const release = host.pause();
    try {
      const { expiresAt } = store.state;
      if (verify) await verify();
      else if (expiresAt !== null && expiresAt <= Date.now()) store.expire(undefined);
    } finally {
      release();
      rechecking = false;
    }
    // The requests held for the check did not ask onExpired themselves.
    if (queue.heldCount() > 0) host.expiry.need();
    timer.schedule();
  };
  const wake = watchForWake(
    options.wakeThreshold,
    () => store.state.status === 'active',
    () => void recheck(),
    () => activity?.share(),
  );
  const stopWatching = store.subscribe(wake.update);

  host.onDispose(() => {
    stopWatching();
    wake.stop();
    stopKeepalive();
    timer.dispose();
    activity?.dispose();
  });
};
