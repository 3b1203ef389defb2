import type { Emitter } from '../core/events.js';
import type { NormalizedTabs } from '../core/options.js';
import type { RequestQueue } from '../queue/request-queue.js';
import type { ExpiryCoordinator } from '../session/expiry-coordinator.js';
import type { SessionStore } from '../session/session-store.js';
import { CrossTabWriteLock } from './cross-tab-write-lock.js';
import { ExpiryElection } from './expiry-election.js';
import { FlightLock } from './flight-lock.js';
import { LeaderElection } from './leader-election.js';
import { type RemoteRotations, watchRemoteRotations } from './remote-rotations.js';
import { syncSessionAcrossTabs } from './session-sync.js';
import { shareWriteSamples } from './shared-write-samples.js';
import { TabChannel } from './tab-channel.js';
import { channelMutex, webLocksMutex } from './tab-mutex.js';
import { webLocks } from './web-locks.js';

/** What a session runtime uses to behave as one citizen of the session among the origin's tabs. */
export type TabServices = {
  /** The channel to the other tabs (silent when tabs are off or BroadcastChannel is missing). */
  readonly channel: TabChannel | undefined;
  /** The leader election; started by whoever needs a single tab (the keepalive). */
  readonly leader: LeaderElection;
  /** The cross-tab write lock, when enabled. */
  readonly writeLock: CrossTabWriteLock | undefined;
  /** Logins running in other tabs (and announcing this tab's), when the tabs are in sync. */
  readonly rotations: RemoteRotations | undefined;
  /** Sends the tab's writes through the write lock, and shares what they measure with the other tabs. */
  attachQueue(queue: RequestQueue): void;
  dispose(): void;
};

export const createTabServices = (
  tabs: NormalizedTabs | undefined,
  store: SessionStore,
  emitter: Emitter,
  expiry: ExpiryCoordinator,
  pause: () => () => void,
): TabServices => {
  const name = tabs?.name ?? 'session-fetch';
  const channel = tabs?.sync ? new TabChannel(name) : undefined;
  const stopSync = channel ? syncSessionAcrossTabs(channel, store, emitter, expiry) : () => {};
  const locks = webLocks();
  // Which tabs have session requests on the wire: the login prompt and a login wait for the others' answers.
  const flight = channel?.connected && locks ? new FlightLock(locks, `${name}:flight`) : undefined;
  const rotations = channel?.connected ? watchRemoteRotations(channel, pause, flight) : undefined;
  const election = channel?.connected ? electOneHandler(channel, name, expiry, flight) : undefined;
  const leader = new LeaderElection(`${name}:leader`);
  const offLeader = leader.onChange((isLeader) => {
    if (emitter.has('tabs:leader')) emitter.emit('tabs:leader', { leader: isLeader, session: store.state });
  });
  // Without Web Locks there is nothing to share: writes are limited per tab, and take no detour for it.
  const writeLock =
    tabs?.writeLock && locks ? new CrossTabWriteLock(`${name}:write`, tabs.writeLockTimeout) : undefined;
  let stopSharing = () => {};
  return {
    channel,
    leader,
    writeLock,
    rotations,
    attachQueue: (queue) => {
      if (!writeLock) return;
      writeLock.attach(queue);
      if (channel?.connected) stopSharing = shareWriteSamples(channel, queue);
    },
    dispose: () => {
      stopSharing();
      rotations?.dispose();
      election?.dispose();
      stopSync();
      offLeader();
      leader.stop();
      channel?.close();
    },
  };
};

/** One onExpired for every tab of the session: Web Locks where present, else the channel's own mutex. */
const electOneHandler = (
  channel: TabChannel,
  name: string,
  expiry: ExpiryCoordinator,
  flight: FlightLock | undefined,
) => {
  const locks = webLocks();
  const mutex = locks ? webLocksMutex(locks, `${name}:expiry`) : channelMutex(channel, `${name}:expiry`);
  const election = new ExpiryElection(channel, mutex, flight, expiry);
  expiry.arbiter = election;
  return election;
};
