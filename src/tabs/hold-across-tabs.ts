import type { CrossTabWriteLock } from './cross-tab-write-lock.js';

/**
 * Holds the cross-tab write lock for a 'write' or session-rotating request from send until its response is read:
 * calls `onSend` when the request may go, and resolves to a release that frees both the lock and the queue turn
 * `releaseTurn`.
 */
export const holdAcrossTabs = async (
  lock: CrossTabWriteLock,
  signal: AbortSignal,
  releaseTurn: () => void,
  onSend?: () => void,
): Promise<() => void> => {
  let unlock: () => void;
  try {
    unlock = await lock.acquire(signal, onSend);
  } catch (error) {
    releaseTurn();
    throw error;
  }
  return () => {
    unlock();
    releaseTurn();
  };
};
