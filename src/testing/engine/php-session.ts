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

/** session_start()'s options: PHP's read_and_close, and the helper's `ajax` and `login` (see PhpStartOptions). */
export interface StartOptions {
  readAndClose: boolean;
  ajax?: boolean | undefined;
  login?: boolean | undefined;
  protocol?: boolean | undefined;
}

/** Thrown by session_start() on a lock timeout when the protocol is on: the script stops, 423 answers. */
export class LockTimeoutAbort extends Error {}

/**
 * The session state of one request, following PHP's session module. Which handler is modelled
 * depends on `lockWaitTimeoutMs`: `null` is the files handler (a script reads and writes the file it
 * opened, so after the file was deleted it reads the old content and its write is lost); a number is a
 * key-value handler with a lock timeout like phpredis (reads and writes go by id: a deleted session
 * reads empty and a write recreates it).
 *
 * Set-Cookie follows php-fpm 8.2: sent on a start that makes a new id (no cookie, strict mode replacing an unknown
 * id) and on session_regenerate_id(); not on a first start that keeps the id the browser sent; sent again on a
 * second start in the same request after session_write_close() (PHP still knows the id). One line per request:
 * a later one replaces the earlier. session_destroy() sends none, and leaves an earlier one in place.
 *
 * With the protocol on, it also keeps what php/session-fetch.php needs: the classification at the first start
 * (`expired`, `startId`), whether the request is AJAX, and the marker (`marked`).
 */
export class PhpSession {
  active = false;
  /** session_id(): '' before session_start and after session_destroy. */
  id = '';
  /** Every id this request's session used, oldest first (for the log). */
  readonly usedIds: string[] = [];
  data: Record<string, unknown> | null = null;
  /** The first start found a dead id: PHP replaced it, or the session arrived without any key. */
  expired = false;
  /** session_id() right after the first start. */
  startId = '';
  /** The helper's marker on the open session. */
  marked = false;
  /** A script that logs in without regenerating said so (`login: true`). */
  login = false;
  /** Whether this script speaks the protocol: the server's setting, or its first session_start()'s. */
  protocol: boolean;
  lockTimeout = false;
  lockWaitMs = 0;
  private record: SessionRecord | null = null;
  private ownsLock = false;
  private release: () => void = () => {};

  /**
   * @param cookies the response's Set-Cookie lines (the script's setcookie() ones too): the session module
   *   replaces its own line there, as PHP does.
   */
  constructor(
    private readonly ctx: SessionContext,
    private readonly cookieId: string | undefined,
    private readonly headersSent: () => boolean,
    private readonly cookies: string[],
    public ajax: boolean,
  ) {
    this.protocol = ctx.protocol;
  }

  async start(options: StartOptions): Promise<boolean> {
    if (this.active) return true; // PHP: notice "a session is already active", returns true
    if (this.headersSent()) {
      this.data ??= {}; // PHP >= 7.2 refuses to start; the script goes on without a session
      return false;
    }
    const { store, strictMode } = this.ctx;
    const first = this.usedIds.length === 0;
    if (first && options.protocol !== undefined) this.protocol = options.protocol;
    const sent = this.cookieId !== undefined && this.cookieId !== '' ? this.cookieId : undefined;
    let id: string;
    if (this.id !== '') {
      id = this.id; // a start after session_write_close(): PHP keeps the id and sends the cookie again
      this.sendCookie(id);
    } else if (sent === undefined || !isValidSessionId(sent) || (strictMode && !store.exists(sent))) {
      id = store.createId();
      this.sendCookie(id);
    } else {
      id = sent; // strict mode off adopts the id it was sent, known or not
    }
    await this.open(id);
    if (!this.ownsLock && this.protocol) {
      this.lockTimeout = true;
      throw new LockTimeoutAbort(`session lock timeout after ${this.lockWaitMs} ms`);
    }
    this.data = JSON.parse(this.read()) as Record<string, unknown>;
    this.marked = this.readMarked();
    this.active = true;
    if (first) {
      this.expired =
        sent !== undefined && (id !== sent || (!this.marked && Object.keys(this.data).length === 0));
      this.startId = id;
      if (options.ajax !== undefined) this.ajax = options.ajax;
    }
    this.login ||= options.login === true;
    // The helper marks every session it keeps, except the replacement of an expired AJAX request (dropped at
    // header time unless the script logs in). read_and_close: the helper opens it once more to write the marker.
    if (this.protocol && !this.marked && !(this.expired && this.ajax)) {
      this.marked = true;
      if (options.readAndClose) this.write();
    }
    if (options.readAndClose) this.close(false);
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
    this.sendCookie(id);
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

  /** Replaces the session cookie's Set-Cookie line (PHP removes its earlier one, and the script's). */
  sendCookie(id: string): void {
    this.removeCookie();
    this.cookies.push(formatSetCookie(this.ctx.cookie.name, id, this.ctx.cookie));
  }

  /** Removes every Set-Cookie line of the session cookie, keeping the script's other cookies. */
  removeCookie(): void {
    const prefix = `${this.ctx.cookie.name}=`;
    for (let i = this.cookies.length - 1; i >= 0; i--) {
      if (this.cookies[i]!.startsWith(prefix)) this.cookies.splice(i, 1);
    }
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

  private readMarked(): boolean {
    if (this.ctx.lockWaitTimeoutMs === null) return this.record!.marked;
    return this.ctx.store.get(this.id)?.marked ?? false;
  }

  private write(): void {
    if (!this.ownsLock) return; // phpredis: "session lock not held", write dropped
    const json = JSON.stringify(this.data ?? {});
    if (this.ctx.lockWaitTimeoutMs === null) this.ctx.store.writeRecord(this.record!, json, this.marked);
    else this.ctx.store.writeById(this.id, json, this.marked);
  }

  private close(write: boolean): void {
    if (write) this.write();
    this.release();
    this.active = false;
    this.ownsLock = false;
  }
}
