import { requestEvent } from '../core/request-info.js';
import { holdAcrossTabs } from '../tabs/hold-across-tabs.js';
import type { RequestState } from './request-state.js';
import type { SessionRuntime } from './session-runtime.js';

const now = () => Date.now();

/**
 * The request's turn (limit, rotation barrier, expiry hold or lane, the tabs' write lock): its release function at once
 * when nothing stands in the way, as for most requests, or else a promise of it.
 */
export const takeTurn = (
  runtime: SessionRuntime,
  state: RequestState,
  signal: AbortSignal,
): (() => void) | Promise<() => void> => {
  const { queue, expiry } = runtime;
  const { record, ticket, deadline } = state;
  // Held for the expiry's decision: that wait does not count against the deadline.
  const held = expiry.holding && expiry.gate(ticket) === 'hold';
  if (held) {
    record.held = true;
    deadline.pause();
  }
  const granted = queue.acquire(ticket, signal);
  // Once in line, so that onExpired is told it waits.
  if (held) expiry.need();
  // A write (or a login) holds the tabs' shared write lock from send until its response is read.
  const tabLock = ticket.mode === 'write' || ticket.barrier ? runtime.tabs.writeLock : undefined;
  if (typeof granted === 'function' && !tabLock) {
    deadline.resume();
    return granted;
  }
  const queuedAt = now();
  if (typeof granted !== 'function' && runtime.emitter.has('request:queued')) {
    runtime.emitter.emit('request:queued', requestEvent(runtime, record));
  }
  return (async () => {
    try {
      const release = await granted;
      if (!tabLock) return release;
      // The write goes only once the lock lets it: its latency starts there, not when the queue granted its turn.
      return await holdAcrossTabs(tabLock, signal, release, () => queue.sending(ticket.seq));
    } finally {
      deadline.resume();
      if (typeof granted !== 'function') record.queuedMs += now() - queuedAt;
    }
  })();
};
