import type { Clock } from './clock.js';

/**
 * One stored session, like one file of PHP's files handler. A script that opened it keeps this
 * object: after the session is deleted (regenerate with delete, destroy, gc) the object is detached,
 * and what the script writes to it is lost, like a write to an unlinked file.
 */
export interface SessionRecord {
  readonly id: string;
  /** `$_SESSION` serialized as JSON. */
  data: string;
  /** The last write (or lazy-write timestamp update); gc counts from here. */
  touchedAt: number;
  /**
   * Whether the session carries the helper's marker (`__sf` in php/session-fetch.php): it was kept by a script
   * speaking the protocol, so an empty one is still a session. Kept beside the data, not in `$_SESSION`.
   */
  marked: boolean;
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuv';
/** Characters PHP accepts in a session id (`php_session_valid_key`). */
const VALID_ID = /^[a-zA-Z0-9,-]{1,256}$/;

/** A new session id like PHP's default (`sid_length=32`, `sid_bits_per_character=5`): 32 chars of [0-9a-v]. */
export function createSessionId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (byte) => ID_ALPHABET[byte & 31]).join('');
}

export function isValidSessionId(id: string): boolean {
  return VALID_ID.test(id);
}

/** The sessions of one server. Sessions not written for `gcMaxLifetimeMs` are gone when next looked at. */
export class SessionStore {
  private readonly records = new Map<string, SessionRecord>();

  constructor(
    private readonly clock: Clock,
    private readonly gcMaxLifetimeMs: number,
  ) {}

  /** The live record for `id`, dropping it first if it outlived `gcMaxLifetimeMs`. */
  get(id: string): SessionRecord | undefined {
    const record = this.records.get(id);
    if (record && this.clock.now() - record.touchedAt > this.gcMaxLifetimeMs) {
      this.records.delete(id);
      return undefined;
    }
    return record;
  }

  /** `validate_sid` of strict mode: does a live session with this id exist? */
  exists(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Opens `id`, creating it empty when missing (the files handler creates the file at session_start). */
  open(id: string): SessionRecord {
    const existing = this.get(id);
    if (existing) return existing;
    const record: SessionRecord = { id, data: '{}', touchedAt: this.clock.now(), marked: false };
    this.records.set(id, record);
    return record;
  }

  /** A fresh id no live session uses. */
  createId(): string {
    for (;;) {
      const id = createSessionId();
      if (!this.records.has(id)) return id;
    }
  }

  /** Writes to the record the script opened. Returns false (data lost) when it was deleted meanwhile. */
  writeRecord(record: SessionRecord, data: string, marked = record.marked): boolean {
    if (this.records.get(record.id) !== record) return false;
    record.data = data;
    record.marked = marked;
    record.touchedAt = this.clock.now();
    return true;
  }

  /** Writes by id, recreating the session if it was deleted (what a key-value handler such as redis does). */
  writeById(id: string, data: string, marked?: boolean): void {
    const record = this.open(id);
    record.data = data;
    if (marked !== undefined) record.marked = marked;
    record.touchedAt = this.clock.now();
  }

  delete(id: string): void {
    this.records.delete(id);
  }

  /** Seconds until the session expires if nothing writes it, or null when it does not exist. */
  ttlSeconds(id: string): number | null {
    const record = this.get(id);
    if (!record) return null;
    return Math.max(0, Math.ceil((record.touchedAt + this.gcMaxLifetimeMs - this.clock.now()) / 1000));
  }

  /** Every live session. */
  list(): SessionRecord[] {
    return [...this.records.keys()].map((id) => this.get(id)).filter((r): r is SessionRecord => !!r);
  }

  clear(): void {
    this.records.clear();
  }
}
