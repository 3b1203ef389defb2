import type { RequestQueue } from '../queue/request-queue.js';
import type { TabChannel } from './tab-channel.js';

/**
 * The tabs of a session write through one PHP lock: each tab tells the others what its writes measured (the
 * no-queue latency, the hold), so that a tab whose turn comes after another's paces its first writes and picks
 * its mode from what is known instead of learning the lock again from a cold start. Returns the unsubscribe.
 */
export const shareWriteSamples = (channel: TabChannel, queue: RequestQueue): (() => void) => {
  queue.onSample = (sample) => channel.post({ type: 'write-sample', sample });
  // Against a lock that polls, each tab spaces its writes after the last one of any tab.
  queue.spacing.onSent = (at) => channel.post({ type: 'write-sent', at });
  const off = channel.on((message) => {
    if (message.type === 'write-sample') queue.learn(message.sample);
    else if (message.type === 'write-sent') queue.spacing.foreignSent(message.at);
  });
  return () => {
    off();
    queue.onSample = undefined;
    queue.spacing.onSent = undefined;
  };
};
