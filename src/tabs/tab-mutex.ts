import { sleep } from '../utils/sleep.js';
import type { TabChannel } from './tab-channel.js';

/** This tab's hold of a mutex shared by the tabs of an origin. */
export type MutexHold = {
  /** Resolves when the hold ends: released here, or taken over by another tab (`steal`). */
  readonly lost: Promise<void>;
  release(): void;
};

/** One holder at a time among the tabs; a waiting tab may take it over (`steal`: a hung or hidden holder). */
export interface TabMutex {
  /** Waits for the mutex (rejects when `signal` aborts first); with `steal`, takes it at once. */
  acquire(options: { signal: AbortSignal; steal?: boolean }): Promise<MutexHold>;
}

/** The Web Locks API's exclusive lock: released by the browser when the holding tab closes or crashes. */
export const webLocksMutex = (locks: LockManager, name: string): TabMutex => ({
  acquire: ({ signal, steal }) =>
    new Promise<MutexHold>((resolve, reject) => {
      let granted = false;
      let lost!: () => void;
      const hold: MutexHold = {
        lost: new Promise<void>((resolveLost) => {
          lost = resolveLost;
        }),
        release: () => release(),
      };
      let release = () => {};
      locks
        .request(name, steal ? { steal: true } : { signal }, () => {
          granted = true;
          resolve(hold);
          return new Promise<void>((done) => {
            release = done;
          });
        })
        // After the grant, the request settles when the hold ends: released, or stolen by another tab.
        .then(
          () => lost(),
          (error: unknown) => (granted ? lost() : reject(error)),
        );
    }),
});

/** How long a claim waits for others before it counts as won, and how often a holder says it still holds. */
const claimWindowMs = 100;
const heartbeatMs = 1000;
/** A holder not heard from for this long is gone (closed without a word, or hung). */
const silenceMs = 3500;

/**
 * The same over a BroadcastChannel, for browsers without Web Locks: a tab claims, waits a short window, and holds
 * when no earlier claim or live holder was heard; the holder repeats that it holds, so a closed or hung one is
 * noticed by its silence. A steal simply holds: the old holder learns it from the new one's message.
 */
export const channelMutex = (channel: TabChannel, name: string): TabMutex => {
  const self = channel.id;
  let holder: { id: string; heardAt: number } | undefined;
  const claims = new Map<string, number>();
  let mine: { end: () => void; timer: ReturnType<typeof setInterval> } | undefined;

  channel.on((message, from) => {
    if (message.type !== 'mutex' || message.name !== name) return;
    if (message.op === 'claim') claims.set(from, message.at ?? 0);
    else if (message.op === 'held') {
      holder = { id: from, heardAt: Date.now() };
      claims.delete(from);
      mine?.end();
    } else if (holder?.id === from) holder = undefined;
  });
  const free = () => !holder || holder.id === self || Date.now() - holder.heardAt > silenceMs;

  const hold = (): MutexHold => {
    let lost!: () => void;
    const ended = new Promise<void>((resolve) => {
      lost = resolve;
    });
    const end = () => {
      if (!mine) return;
      clearInterval(mine.timer);
      mine = undefined;
      lost();
    };
    mine?.end();
    mine = { end, timer: setInterval(() => channel.post({ type: 'mutex', name, op: 'held' }), heartbeatMs) };
    holder = { id: self, heardAt: Date.now() };
    channel.post({ type: 'mutex', name, op: 'held' });
    return {
      lost: ended,
      release: () => {
        if (holder?.id !== self || !mine) return;
        end();
        holder = undefined;
        channel.post({ type: 'mutex', name, op: 'released' });
      },
    };
  };

  return {
    acquire: async ({ signal, steal }) => {
      if (steal) return hold();
      for (;;) {
        if (signal.aborted) throw signal.reason;
        if (free()) {
          const at = Date.now();
          claims.clear();
          channel.post({ type: 'mutex', name, op: 'claim', at });
          await sleep(claimWindowMs, signal);
          const earlier = [...claims].some(([id, when]) => when < at || (when === at && id < self));
          if (free() && !earlier) return hold();
        }
        await sleep(claimWindowMs * 2, signal);
      }
    },
  };
};
