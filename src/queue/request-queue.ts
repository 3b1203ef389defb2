import { CoolingPlaces } from './cooling-places.js';
import { endpointOf } from './endpoint-measures.js';
import type { ConcurrencyLimit, WriteSample } from './limit-types.js';
import { OwnWrites } from './own-writes.js';
import { pacedWaitMs } from './pacing.js';
import { insertInOrder } from './queue-order.js';
import { SpacingGate } from './spacing-gate.js';

/**
 * How the session lets a request go: `'open'` as usual, `'hold'` until the expiry is decided, `'lane'` alone (while
 * onExpired runs, the page's requests go one at a time, each answer read before the next is sent).
 */
export type Gate = 'open' | 'hold' | 'lane';

/** One request waiting for its turn. */
export type QueueTicket = {
  /** Order of creation; a retried request keeps its number and so its place. */
  readonly seq: number;
  readonly priority: number;
  /** 'write' counts against the limit; 'read' only keeps its place in line. */
  readonly mode: 'write' | 'read';
  /** A session-rotating request: runs alone. */
  readonly barrier: boolean;
  /** A login or logout: sent while onExpired runs even if made before, and never rejected by a give-up. */
  readonly bypassHold: boolean;
  /** For error messages. */
  readonly label: { method: string; url: string };
};

type Waiter = QueueTicket & {
  grant: (release: () => void) => void;
  fail: (error: unknown) => void;
  /** A place kept for a request that will be sent again (a replay, a lock retry): it blocks those behind it. */
  reserved?: boolean;
  /**
   * Made while onExpired ran: most likely the page's own login, so it runs alone even when the session resumes
   * (another tab's login) before its turn; beside a read, an unmarked login's regenerate would strand that read.
   */
  alone?: boolean;
};

const noop = () => {};

/**
 * The browser-side line for session requests. FIFO within a priority, head-of-line blocking so nothing overtakes
 * a write that waits for a slot, a barrier for session-rotating requests, and a hold gate for expiry. The server
 * does not answer lock waiters in order, so order is kept here, before requests are sent.
 */
export class RequestQueue {
  readonly #waiting: Waiter[] = [];
  #writes = 0;
  #running = 0;
  #barrier = false;
  /** Requests running alone (a barrier, a lane request). */
  #alone = 0;
  /** Writes wait for the tabs' write lock after their turn: they go to the server only at sending(). */
  #throughTabs = false;
  /** Slots freed by a hand-off that wait before they take a write again. */
  readonly #cooling = new CoolingPlaces(() => this.pump());
  /** This client's writes at the server. */
  readonly ownWrites = new OwnWrites();
  /** Against a lock that polls: the writes of the session's tabs are spaced (the tabs tell it of each other's). */
  readonly spacing = new SpacingGate(() => this.pump());
  /** Told each write's sample, after the limit: the tabs pass it on to the session's other tabs. */
  onSample: ((sample: WriteSample) => void) | undefined;

  /**
   * @param handoffDelay ms to wait, after a write ends while another is still in flight, before its slot takes
   * the next write: the one in flight is waiting for PHP's lock, and lock handlers poll, so a request arriving
   * the moment the lock frees would take it first and starve the waiter until it times out. Each freed slot
   * waits on its own, so answers closer together than the delay do not hold back the whole pipeline.
   */
  constructor(
    readonly limit: ConcurrencyLimit,
    private readonly gate: (ticket: QueueTicket) => Gate,
    private readonly handoffDelay = 0,
  ) {}

  get size(): number {
    return this.#waiting.length;
  }

  get inFlight(): number {
    return this.#running;
  }

  /** Whether the request holding its turn must run alone (a session-rotating request, a lane request). */
  get alone(): boolean {
    return this.#alone > 0;
  }

  /** Requests waiting for the expiry's decision: held in line, or come back expired and keeping their place. */
  heldCount(): number {
    return this.#waiting.filter((waiter) => waiter.reserved || this.gate(waiter) === 'hold').length;
  }

  /**
   * Keeps the ticket's place while its request waits to be sent again, so a replay after resume or a lock retry
   * goes before the requests queued after it. The next acquire() with the ticket's seq takes the place;
   * cancel() frees it when the request ends instead.
   */
  reserve(ticket: QueueTicket): void {
    if (this.#waiting.some((waiter) => waiter.seq === ticket.seq)) return;
    insertInOrder(this.#waiting, { ...ticket, grant: noop, fail: noop, reserved: true });
  }

  /** Frees a reserved place (the request ended without being sent again). */
  cancel(seq: number): void {
    if (this.#waiting.length === 0) return;
    const index = this.#waiting.findIndex((waiter) => waiter.seq === seq && waiter.reserved);
    if (index === -1) return;
    this.#waiting.splice(index, 1);
    this.pump();
  }

  /**
   * Takes a turn: the release function at once when the request may start now, or else a promise of it, which
   * rejects with the signal's reason when the signal aborts first.
   */
  acquire(ticket: QueueTicket, signal: AbortSignal): (() => void) | Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const reservedAt = this.#waiting.length === 0 ? -1 : this.#waiting.findIndex((w) => w.seq === ticket.seq);
    if (reservedAt !== -1) this.#waiting.splice(reservedAt, 1);
    const alone = this.gate(ticket) === 'lane';
    if (this.#waiting.length === 0 && this.#canStart(ticket, alone)) return this.#start(ticket, alone);
    return new Promise<() => void>((resolve, reject) => {
      const waiter: Waiter = {
        ...ticket,
        alone,
        grant: (release) => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
        fail: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(waiter);
        if (index !== -1) this.#waiting.splice(index, 1);
        reject(signal.reason);
        this.pump();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (reservedAt !== -1) this.#waiting.splice(reservedAt, 0, waiter);
      else insertInOrder(this.#waiting, waiter);
      this.pump();
    });
  }

  /** Rejects every held ticket (the session was given up). */
  rejectHeld(reason: (ticket: QueueTicket) => unknown): void {
    const held = this.#waiting.filter((item) => !item.bypassHold && !item.reserved);
    for (const waiter of held) this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
    for (const waiter of held) waiter.fail(reason(waiter));
  }

  /** Starts every waiter that may start now, in order. */
  pump(): void {
    for (let index = 0; index < this.#waiting.length; ) {
      const waiter = this.#waiting[index]!;
      const gate = this.gate(waiter);
      // Held requests, and places kept for requests waiting for the decision, must not block the login behind them.
      if (gate === 'hold' || (gate === 'lane' && waiter.reserved)) {
        index++;
        continue;
      }
      if (gate === 'lane') waiter.alone = true;
      if (waiter.reserved || !this.#canStart(waiter, waiter.alone)) break;
      this.#waiting.splice(index, 1);
      waiter.grant(this.#start(waiter, waiter.alone));
    }
  }

  #canStart(ticket: QueueTicket, alone = false): boolean {
    if (this.#barrier) return false;
    const gate = this.gate(ticket);
    if (gate === 'hold') return false;
    if (gate === 'lane' || ticket.barrier || alone) return this.#running === 0;
    if (ticket.mode === 'read') return true;
    if (this.#writes + this.#cooling.count >= this.limit.current) return false;
    // With no write of ours at the server the lock is free: the next goes at once.
    return this.#writes === 0 || !this.spacing.holds(this.limit.spacingMs);
  }

  #start(ticket: QueueTicket, alone = false): () => void {
    const exclusive = ticket.barrier || alone;
    this.#running++;
    const write = ticket.mode === 'write';
    if (write) {
      this.#writes++;
      if (this.#throughTabs) this.ownWrites.turn(ticket.seq);
      else this.ownWrites.sent(ticket.seq, this.spacing.sent(this.limit.spacingMs, this.#writes > 1));
    }
    if (exclusive) this.#barrier = true;
    // For the tabs' write lock: a login, or a write of the lane, is not handed over while it runs.
    const countedAlone = ticket.barrier || (write && exclusive);
    if (countedAlone) this.#alone++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running--;
      if (countedAlone) this.#alone--;
      if (write) {
        this.#writes--;
        this.ownWrites.ended(ticket.seq);
        if (this.ownWrites.allTabs === 0) this.#cooling.clear();
        else this.#handOff();
      }
      if (exclusive) this.#barrier = false;
      this.pump();
    };
  }

  /** A write of ticket `seq` goes to the server only now (it waited for the tabs' write lock after its turn). */
  sending(seq: number): void {
    const follows = this.ownWrites.allTabs > 0;
    this.ownWrites.sending(seq, this.spacing.sent(this.limit.spacingMs, follows));
  }

  /** How long the write at the head of the tabs' write line still waits for the spacing after any tab's last, ms. */
  spacingWaitMs(): number {
    return this.ownWrites.allTabs > 0 ? this.spacing.waitMs(this.limit.spacingMs) : 0;
  }

  /** Whether writes are spaced and one of this tab waits in line: the tabs' write lock keeps the baton for it. */
  get spacedWriteWaiting(): boolean {
    // Read at every change of the tabs' write lock: the line is looked through only while writes are spaced.
    if (this.limit.spacingMs === undefined) return false;
    return this.spacing.waiting || this.#waiting.some((w) => w.mode === 'write' && !w.reserved);
  }

  /** From now on writes wait for the tabs' write lock after their turn, and sending() says when they go. */
  writesWaitForTabs(): void {
    this.#throughTabs = true;
  }

  /** The other tabs' writes at the server are now `count` (told by the tabs' write lock). */
  foreignWrites(count: number): void {
    this.ownWrites.setForeign(count);
    if (this.ownWrites.allTabs === 0 && this.#cooling.count > 0) {
      this.#cooling.clear();
      this.pump();
    }
  }

  /** A write's answer (not a lock timeout), for the limit and for `onSample`. */
  onAnswer(ticket: QueueTicket, lockWaitMs: number | undefined): void {
    const sample = ticket.mode === 'write' ? this.ownWrites.sample(ticket.seq, lockWaitMs, true) : undefined;
    if (!sample) return;
    sample.endpoint = endpointOf(ticket.label.url);
    this.spacing.pause(this.limit.onResponse(sample) ?? 0);
    this.onSample?.(sample);
  }

  /** Another tab's write answered (its sample, told over the tabs' channel): the limit learns the lock from it. */
  learn(sample: WriteSample): void {
    this.ownWrites.foreignAnswered(sample.answeredAt);
    this.limit.learn?.(sample);
  }

  /** A lock timeout, for the limit and for when to send the request again. */
  onLockTimeout(ticket: QueueTicket, lockWaitMs: number | undefined): void {
    const sample = ticket.mode === 'write' ? this.ownWrites.sample(ticket.seq, lockWaitMs, false) : undefined;
    if (!sample) return;
    sample.endpoint = endpointOf(ticket.label.url);
    this.ownWrites.lockTimeout(ticket.seq);
    this.limit.onLockTimeout(sample);
  }

  /** When each of this tab's places freed by a hand-off may take a write again (`Date.now()` time). */
  coolingUntil(): number[] {
    return this.#cooling.until;
  }

  /** How long a place freed while another write is at the server waits before taking the next write. */
  handoffWaitMs(): number {
    // Spaced writes need no hand-off wait: each goes its spacing after the one before it.
    if (this.limit.spacingMs !== undefined) return 0;
    const { roundTripMs = 0, holdMs } = this.limit;
    const ahead = this.ownWrites.allTabs;
    return pacedWaitMs({ handoffDelay: this.handoffDelay, roundTripMs, holdMs, ahead });
  }

  #handOff(): void {
    const delay = this.handoffWaitMs();
    if (delay > 0) this.#cooling.add(delay);
  }
}
