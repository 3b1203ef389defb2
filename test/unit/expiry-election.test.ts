// @vitest-environment node
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { ExpiryOutcome } from '../../src/session/expiry-arbiter.js';
import { ExpiryElection, type Visibility } from '../../src/tabs/expiry-election.js';
import { TabChannel } from '../../src/tabs/tab-channel.js';
import { channelMutex, webLocksMutex } from '../../src/tabs/tab-mutex.js';
import { FakeLockManager } from '../helpers/fake-web-locks.js';

// The election of the one tab that shows the login, tab by tab: each "tab" is an ExpiryElection on its own
// BroadcastChannel (node's, shared by name) and one origin's locks, with a visibility the test sets.

let name = 0;
const elections: ExpiryElection[] = [];
afterEach(() => {
  for (const election of elections.splice(0)) election.dispose();
});

class FakeVisibility implements Visibility {
  #listeners = new Set<() => void>();
  constructor(private state: boolean) {}
  visible = () => this.state;
  onChange = (listener: () => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };
  set(visible: boolean) {
    this.state = visible;
    for (const listener of [...this.#listeners]) listener();
  }
}

type Tab = {
  id: string;
  visibility: FakeVisibility;
  decidedElsewhere: ReturnType<typeof vi.fn>;
  /**
   * Asks for the decision: resolves with the outcome this tab learns. `own: false` when only another tab's request
   * needs it.
   */
  decide(own?: boolean): Promise<ExpiryOutcome>;
  /** Whether this tab's handler runs now, and its signal. */
  handling(): AbortSignal | undefined;
  /** Ends this tab's running handler with a decision. */
  answer(outcome: ExpiryOutcome): void;
  election: ExpiryElection;
};

const mutexKinds = [
  {
    kind: 'Web Locks',
    make: (locks: FakeLockManager, _channel: TabChannel, lock: string) => webLocksMutex(locks as never, lock),
  },
  {
    kind: 'the channel mutex',
    make: (_locks: FakeLockManager, channel: TabChannel, lock: string) => channelMutex(channel, lock),
  },
];

describe.each(mutexKinds)('one handler across tabs, with $kind', ({ make }) => {
  const origin = () => {
    const channelName = `election-test-${++name}`;
    const locks = new FakeLockManager();
    const tabs: Tab[] = [];
    const open = (id: string, visible = true): Tab => {
      const channel = new TabChannel(channelName);
      const visibility = new FakeVisibility(visible);
      const decidedElsewhere = vi.fn();
      let running: { signal: AbortSignal; resolve: (outcome: ExpiryOutcome) => void } | undefined;
      const election = new ExpiryElection(
        channel,
        make(locks, channel, `${channelName}:expiry`),
        undefined,
        { holding: true, need: () => {}, decidedElsewhere },
        visibility,
      );
      elections.push(election);
      const episode = new AbortController();
      const tab: Tab = {
        id,
        visibility,
        decidedElsewhere,
        election,
        decide: (own = true) =>
          election.decide(
            (signal) =>
              new Promise<ExpiryOutcome>((resolve) => {
                running = { signal, resolve };
              }),
            episode.signal,
            own,
          ),
        handling: () => (running && !running.signal.aborted ? running.signal : undefined),
        answer: (outcome) => running?.resolve(outcome),
      };
      tabs.push(tab);
      return tab;
    };
    const handlers = () => tabs.filter((tab) => tab.handling()).map((tab) => tab.id);
    return { open, handlers };
  };

  test('of two tabs that both need a decision, exactly one runs its handler, and a give-up reaches the other', async () => {
    const { open, handlers } = origin();
    const a = open('a');
    const b = open('b');
    const decided = [a.decide(), b.decide()];
    await vi.waitFor(() => expect(handlers()).toHaveLength(1));
    const [running] = handlers();
    const handler = running === 'a' ? a : b;
    const other = running === 'a' ? b : a;
    handler.answer({ decision: 'give-up' });
    await expect(decided[running === 'a' ? 0 : 1]).resolves.toEqual({ decision: 'give-up' });
    await vi.waitFor(() => expect(other.decidedElsewhere).toHaveBeenCalledWith({ decision: 'give-up' }));
  });

  test('a visible tab gets the prompt before a hidden one that asked first', async () => {
    const { open, handlers } = origin();
    const hidden = open('hidden', false);
    const visible = open('visible', true);
    void hidden.decide();
    void visible.decide();
    await vi.waitFor(() => expect(handlers()).toEqual(['visible']));
  });

  test('of two visible tabs, the one whose request met the expiry prompts, though the other asked first', async () => {
    const { open, handlers } = origin();
    const heard = open('heard-of-it', true);
    const met = open('met-it', true);
    void heard.decide(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    void met.decide(true);
    await vi.waitFor(() => expect(handlers()).toEqual(['met-it']));
  });

  test('the prompt moves to the tab the user switches to, and the first handler is told', async () => {
    const { open, handlers } = origin();
    const a = open('a', true);
    const b = open('b', false);
    void a.decide();
    await vi.waitFor(() => expect(handlers()).toEqual(['a']));
    void b.decide();
    const first = a.handling()!;
    // The user switches from tab A to tab B.
    a.visibility.set(false);
    b.visibility.set(true);
    await vi.waitFor(() => expect(handlers()).toEqual(['b']));
    expect(first.aborted).toBe(true);
    expect((first.reason as Error).message).toMatch(/moved to another tab/);
  });

  test('when the handling tab closes, a waiting tab takes over', async () => {
    const { open, handlers } = origin();
    const a = open('a');
    const b = open('b');
    void a.decide();
    await vi.waitFor(() => expect(handlers()).toEqual(['a']));
    void b.decide();
    a.election.dispose();
    await vi.waitFor(() => expect(handlers()).toEqual(['b']));
  });

  test('when the handling tab hangs (no word for 5 s), a waiting tab takes over', async () => {
    const { open, handlers } = origin();
    const a = open('a');
    const b = open('b');
    void a.decide();
    await vi.waitFor(() => expect(handlers()).toEqual(['a']));
    void b.decide();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(handlers()).toEqual(['a']);
    // Tab A's page stops answering: nothing it says reaches the other tabs any more, and it never releases.
    (a.election as unknown as { channel: TabChannel }).channel.close();
    await vi.waitFor(() => expect(handlers()).toContain('b'), { timeout: 8000, interval: 100 });
  }, 15_000);
});
