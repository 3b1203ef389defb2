import type { RequestTokens } from '../core/session-feature.js';
import type { NormalizedCsrf } from './csrf-options.js';
import { readCookieToken, readMetaToken, readRefreshedToken } from './read-csrf-token.js';

type Fetch = (input: Request | string, init?: RequestInit) => Promise<Response>;
type Token = { value: string; header: string };

/**
 * The CSRF token of the session: where it comes from (a token handed out by the server, then the cookie, then
 * the meta tag), which requests carry it, and a single-flight refresh. After a rotation the old token is
 * dropped: a meta tag still holding it is ignored until the page changes it.
 */
export class CsrfTokens implements RequestTokens {
  #learned: string | undefined;
  /** The session fingerprint the learnt token belongs to, when known. */
  #learnedFor: string | null = null;
  #staleMeta: string | undefined;
  #refreshing: Promise<string | undefined> | undefined;
  /** Told about every token learnt from the server, to share it with the other tabs. */
  onLearn: ((token: string, fingerprint: string | null) => void) | undefined;

  constructor(
    private readonly options: NormalizedCsrf,
    private readonly pageOrigin: string | undefined,
    private readonly fetch: Fetch,
    private readonly session: { fingerprint: () => string | null; header: string },
  ) {}

  /** The token to send now, with the header it goes in. */
  current(): Token | undefined {
    const { header } = this.options;
    if (this.#learned) return { value: this.#learned, header: header ?? 'X-CSRF-TOKEN' };
    const cookie = this.options.cookie && readCookieToken(this.options.cookie);
    if (cookie) return { value: cookie, header: header ?? 'X-XSRF-TOKEN' };
    const meta = this.options.meta && readMetaToken(this.options.meta);
    if (meta && meta !== this.#staleMeta) return { value: meta, header: header ?? 'X-CSRF-TOKEN' };
    return undefined;
  }

  /** Whether a request with this method carries the token. */
  carries(method: string): boolean {
    return !this.options.safeMethods.has(method.toUpperCase());
  }

  /** The session id changed: the token that belonged to the old one is no longer valid. */
  invalidate(): void {
    this.#learned = undefined;
    if (this.options.meta) this.#staleMeta = readMetaToken(this.options.meta);
  }

  /**
   * The client saw a session id (`from` is the one it knew before, null at first). A token learnt for another
   * id is dropped; a change from a known id (rotation, a new session) also makes the page's meta tag stale.
   */
  sessionChanged(from: string | null, to: string | null): void {
    if (this.#learned && this.#learnedFor !== null && this.#learnedFor !== to) this.#learned = undefined;
    if (from !== null && from !== to) this.invalidate();
  }

  /** A token learnt from the server (a response header, a refresh, another tab), for session `fingerprint`. */
  learn(token: string, share = true, fingerprint = this.session.fingerprint()): void {
    if (!token || token === this.#learned) return;
    this.#learned = token;
    this.#learnedFor = fingerprint;
    if (share) this.onLearn?.(token, fingerprint);
  }

  /** Reads a token handed out in a session response's header (`responseHeader`). */
  observe(response: Response): void {
    const name = this.options.responseHeader;
    const token = name ? response.headers.get(name) : null;
    if (token) this.learn(token);
  }

  /** Whether the server refused the token of this request (Laravel's 419). */
  refused(request: Request, response: Response): boolean {
    return this.options.statuses.has(response.status) && this.carries(request.method);
  }

  /**
   * Before an unsafe request is sent: fetches a token when none is known and a refresh URL is set, then adds it.
   * Resolves to the token sent.
   */
  async stamp(request: Request): Promise<string | undefined> {
    if (!this.carries(request.method)) return undefined;
    let token = this.current();
    if (!token && this.options.refreshUrl) {
      await this.refresh(undefined);
      token = this.current();
    }
    if (!token) return undefined;
    if (this.options.header === undefined) {
      request.headers.delete('X-CSRF-TOKEN');
      request.headers.delete('X-XSRF-TOKEN');
    }
    request.headers.set(token.header, token.value);
    return token.value;
  }

  /**
   * Gets a fresh token once for every request that waits for it. `refused` is the token the server refused: when
   * the current one already differs (another request refreshed it), no request is made. Resolves to the token
   * now current (undefined when there is none).
   */
  refresh(refused: string | undefined): Promise<string | undefined> {
    if (this.#refreshing) return this.#refreshing;
    if (refused !== undefined) {
      const now = this.current()?.value;
      if (now !== undefined && now !== refused) return Promise.resolve(now);
      if (this.#learned === refused) this.#learned = undefined;
    }
    const url = this.options.refreshUrl;
    if (!url) return Promise.resolve(this.current()?.value);
    this.#refreshing = (async () => {
      try {
        const response = await this.fetch(new URL(url, this.pageOrigin ?? globalThis.location?.href).href, {
          method: 'GET',
          credentials: 'include',
          cache: 'no-store',
          headers: { accept: 'application/json', 'x-requested-with': 'XMLHttpRequest' },
        });
        const token = await readRefreshedToken(
          response,
          this.options.responseHeader || this.options.header || 'X-CSRF-TOKEN',
        );
        const fingerprint = response.headers.get(this.session.header)?.trim().toLowerCase() || null;
        if (token) this.learn(token, true, fingerprint ?? this.session.fingerprint());
      } catch {
        // offline or refused: the replay goes with what the page has, and a second refusal counts as expiry
      }
      return this.current()?.value;
    })().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }
}
