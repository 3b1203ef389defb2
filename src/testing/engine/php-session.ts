import { formatSetCookie, type ResolvedCookieOptions } from './cookies.js';
import { fingerprint } from './fingerprint.js';
import type { SessionLocks } from './session-lock.js';
import { isValidSessionId, type SessionRecord, type SessionStore } from './session-store.js';

/** What one request's session functions need from the server. */
export interface SessionContext {
  store: SessionStore;
  locks: SessionLocks;
  cookie: ResolvedCookieOptions;
  strictMode: boolean;
  lockWaitTimeoutMs: number | null;
  protocol: boolean;
}

/** Thrown by session_start() on a lock timeout when the protocol is on: the script stops, 423 answers. */
export class LockTimeoutAbort extends Error {}

/**
 * The session state of one request, following PHP's session module. Which handler is modelled
 * depends on `lockWaitTimeoutMs`: `null` is the files handler (a script reads and writes the file it
 * opened, so after the file was deleted it reads the old content and its write is lost); a number is a
 * key-value handler with a lock timeout like phpredis (reads and writes go by id: a deleted session
 * reads empty and a write recreates it).
 */
export class PhpSession {
  active = false;
  /** session_id(): '' before session_start and after session_destroy. */
  id = '';
  /** Every id this request's session used, oldest first (for the log). */
  readonly usedIds: string[] = [];
  data: Record<string, unknown> | null = null;
  expired = false;
  lockTimeout = false;
  lockWaitMs = 0;
  /** The session cookie to send, if any (PHP replaces an earlier one of the same request). */
  setCookie: string | null = null;
  private record: SessionRecord | null = null;
  private ownsLock = false;
  private release: () => void = () => {};

  constructor(
    private readonly ctx: SessionContext,
    private readonly cookieId: string | undefined,
    private readonly headersSent: () => boolean,
  ) {}

  async start(readAndClose: boolean): Promise<boolean> {
    if (this.active) return true; // PHP: notice "a session is already active", returns true
    if (this.headersSent()) {
      this.data ??= {}; // PHP >= 7.2 refuses to start; the script goes on without a session
      return false;
    }
    const { store, strictMode } = this.ctx;
    const sent = this.cookieId !== undefined && this.cookieId !== '' ? this.cookieId : undefined;
    let id: string;
    if (sent === undefined) {
      id = store.createId();
    } else if (!isValidSessionId(sent) || (strictMode && !store.exists(sent))) {
      id = store.createId();
      this.expired = true;
    } else {
      id = sent; // strict mode off adopts the id it was sent, known or not
      this.expired = !store.exists(sent);
    }
    if (id !== sent) this.setCookie = formatSetCookie(this.ctx.cookie.name, id, this.ctx.cookie);
    await this.open(id);
    if (!this.ownsLock && this.ctx.protocol) {
      this.lockTimeout = true;
      throw new LockTimeoutAbort(`session lock timeout after ${this.lockWaitMs} ms`);
    }
    this.data = JSON.parse(this.read()) as Record<string, unknown>;
    this.active = true;
    if (readAndClose) this.close(false);
    return true;
  }

  /** session_write_close(): writes if this request holds the lock, then releases it. */
  writeClose(): boolean {
    if (!this.active) return false;
    this.close(true);
    return true;
  }

  /** session_abort(): releases without writing. */
  abort(): boolean {
    if (!this.active) return false;
    this.close(false);
    return true;
  }

  async regenerateId(deleteOldSession: boolean): Promise<boolean> {
    if (!this.active || this.headersSent()) return false;
    if (deleteOldSession) this.ctx.store.delete(this.id);
    else this.write();
    this.release();
    const id = this.ctx.store.createId();
    this.setCookie = formatSetCookie(this.ctx.cookie.name, id, this.ctx.cookie);
    await this.open(id);
    return true;
  }

  /** session_destroy(): deletes the data, releases the lock. $_SESSION keeps its values, unsaved. */
  destroy(): boolean {
    if (!this.active) return false;
    this.ctx.store.delete(this.id);
    this.release();
    this.active = false;
    this.ownsLock = false;
    this.id = '';
    return true;
  }

  /** End of script: like session_write_close(). */
  finish(): void {
    if (this.active) this.close(true);
    this.release();
  }

  private async open(id: string): Promise<void> {
    this.id = id;
    this.usedIds.push(id);
    await fingerprint(id);
    this.record = this.ctx.store.open(id); // the files handler creates the file, then waits for flock
    const lock = await this.ctx.locks.acquire(id, this.ctx.lockWaitTimeoutMs);
    this.lockWaitMs += lock.waitedMs;
    this.ownsLock = lock.acquired;
    this.lockTimeout ||= !lock.acquired;
    this.release = lock.release;
  }

  private read(): string {
    if (this.ctx.lockWaitTimeoutMs === null) return this.record!.data;
    return this.ctx.store.get(this.id)?.data ?? '{}';
  }

  private write(): void {
    if (!this.ownsLock) return; // phpredis: "session lock not held", write dropped
    const json = JSON.stringify(this.data ?? {});
    if (this.ctx.lockWaitTimeoutMs === null) this.ctx.store.writeRecord(this.record!, json);
    else this.ctx.store.writeById(this.id, json);
  }

  private close(write: boolean): void {
    if (write) this.write();
    this.release();
    this.active = false;
    this.ownsLock = false;
  }
}
