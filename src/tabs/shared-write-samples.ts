import type { RequestQueue } from '../queue/request-queue.js';
import type { TabChannel } from './tab-channel.js';

/**
 * The tabs of a session write through one PHP lock: each tab tells the others what its writes measured (the
 * no-queue latency, the hold), so that a tab whose turn comes after another's paces its first writes and picks
 * its mode from what is known instead of learning the lock again from a cold start. Returns the unsubscribe.
 */
export const shareWriteSamples = (channel: TabChannel, queue: RequestQueue): (() => void) => {
  queue.onSample = (sample) => channel.post({ type: 'write-sample', sample });
  const off = channel.on((message) => {
    if (message.type === 'write-sample') queue.learn(message.sample);
  });
  return () => {
    off();
    queue.onSample = undefined;
  };
};
