import type { FlightLock } from './flight-lock.js';
import type { TabChannel } from './tab-channel.js';

/** How long a login in another tab may keep this tab's requests waiting, at most. */
const rotationTimeoutMs = 10_000;
/** How long a login waits for the other tabs' requests already on the wire, at most (a hung one never blocks it). */
const drainOthersMs = 1500;

/** Logins (`rotatesSession`) in progress in the other tabs, as this tab hears of them. */
export type RemoteRotations = {
  /** Resolves when the logins running in other tabs are done; undefined when none runs. */
  pending(): Promise<void> | undefined;
  /** Tells the other tabs this tab starts a login; returns the function that says it is done. */
  announce(): () => void;
  /**
   * Resolves once the other tabs' requests already on the wire are answered (or after 1.5 s, or on abort): sent
   * with the id the login replaces, one answered after it would land PHP's strict-mode cookie over the login's.
   */
  othersAnswered(signal: AbortSignal): Promise<void>;
  dispose(): void;
};

/**
 * While another tab logs in, this tab holds its new requests (`pause`), so none reaches the server with the id the
 * login replaces; and an answer that comes back expired meanwhile can wait for the login's new id (then it is a
 * stale answer, sent again, not an expiry). A login that never says it is done is given up on after 10 s.
 */
export const watchRemoteRotations = (
  channel: TabChannel,
  pause: () => () => void,
  flight: FlightLock | undefined,
): RemoteRotations => {
  /** The tabs logging in now, with the timer that gives each up. */
  const running = new Map<string, ReturnType<typeof setTimeout>>();
  let done: Promise<void> | undefined;
  let finish: (() => void) | undefined;
  let release: (() => void) | undefined;

  const ended = (from: string) => {
    const timer = running.get(from);
    if (timer === undefined) return;
    clearTimeout(timer);
    running.delete(from);
    if (running.size > 0) return;
    release?.();
    finish?.();
    release = finish = done = undefined;
  };
  const off = channel.on((message, from) => {
    if (message.type === 'rotating') {
      if (running.has(from)) return;
      if (running.size === 0) {
        release = pause();
        done = new Promise<void>((resolve) => {
          finish = resolve;
        });
      }
      running.set(
        from,
        setTimeout(() => ended(from), rotationTimeoutMs),
      );
    } else if (message.type === 'rotated') {
      ended(from);
    }
  });

  return {
    pending: () => done,
    announce: () => {
      channel.post({ type: 'rotating' });
      let said = false;
      return () => {
        if (said) return;
        said = true;
        channel.post({ type: 'rotated' });
      };
    },
    othersAnswered: async (signal) => {
      await flight?.drainOthers(signal, drainOthersMs);
    },
    dispose: () => {
      off();
      for (const from of [...running.keys()]) ended(from);
    },
  };
};
