import type { QueueTicket } from '../../src/queue/request-queue.js';

let seq = 0;

/** A queue ticket for a 'write' (unless `overrides` says otherwise), numbered in order of creation. */
export const queueTicket = (overrides: Partial<QueueTicket> = {}): QueueTicket => ({
  seq: ++seq,
  priority: 0,
  mode: 'write',
  barrier: false,
  bypassHold: false,
  label: { method: 'POST', url: 'http://localhost/x' },
  ...overrides,
});
