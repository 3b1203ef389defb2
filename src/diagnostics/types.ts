import type { SessionEventKind } from '../core/events.js';
import type { RequestInfo } from '../core/request-info.js';
import type { SessionState } from '../core/session-state.js';

/** One problem the diagnostics saw, in plain words, with its fix. */
export type Finding = {
  /** A stable code, e.g. 'session-not-resumed'. */
  readonly id: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly title: string;
  /** What was seen, on which request (METHOD URL). */
  readonly detail: string;
  /** The fix, in one sentence. */
  readonly fix: string;
  /** The request it was last seen on. */
  readonly requestId?: number;
  /** When it was first seen, ms since the epoch. */
  readonly at: number;
  /** When it was last seen. */
  readonly lastAt: number;
  /** How many times it was seen (repeats are counted, not listed). */
  readonly count: number;
};

/** What a rule reports; `key` tells repeats apart from different findings with the same id (e.g. an endpoint). */
export type Report = Omit<Finding, 'at' | 'lastAt' | 'count'> & { key?: string };

/** The response headers the rules look at, lower-cased names. */
export type HeaderMap = Readonly<Record<string, string>>;

/** What the diagnostics observe: the client's events, flattened to plain data so rules are easy to test. */
export type Observation =
  | {
      type: 'start';
      at: number;
      request: RequestInfo;
      session: SessionState;
      /** The fingerprint of the readable session cookie the request was sent with (none when HttpOnly). */
      cookie?: string;
    }
  | {
      type: 'response';
      at: number;
      request: RequestInfo;
      session: SessionState;
      status: number;
      url: string;
      redirected: boolean;
      headers: HeaderMap;
      /** The fingerprint of the readable session cookie once the response arrived (none when HttpOnly). */
      cookie?: string;
    }
  /** The first bytes of a body that is not plain JSON (read at most ~4 KB). */
  | { type: 'body'; at: number; request: RequestInfo; headers: HeaderMap; text: string }
  | {
      type: 'end';
      at: number;
      request: RequestInfo;
      session: SessionState;
      /** The error's name ('HTTPError', 'NetworkError', ...), when the request failed. */
      error?: string;
      /** The final URL of the error's response, when it had one. */
      responseUrl?: string;
      redirected?: boolean;
    }
  | { type: 'lock-wait'; at: number; request: RequestInfo; lockWaitMs: number }
  | { type: 'lock-retry'; at: number; request: RequestInfo; attempt: number; delayMs: number }
  | {
      type: 'not-resumed';
      at: number;
      session: SessionState;
      request?: RequestInfo | undefined;
      newIdsInARow: number;
      message: string;
    }
  | {
      type: 'session';
      at: number;
      name: SessionEventKind;
      session: SessionState;
      previous: SessionState;
      request: RequestInfo | undefined;
    };

/** What the rules know about the client's setup. */
export type RuleContext = {
  /** The page's origin. */
  readonly pageOrigin: string;
  /** Lower-cased name of the fingerprint header. */
  readonly fingerprintHeader: string;
  /** Lower-cased name of the expiry marker header. */
  readonly expiredHeader: string;
  readonly expiredStatuses: ReadonlySet<number>;
  /** Does this URL look like a login page? */
  readonly loginUrl: (url: string) => boolean;
  /** Makes a URL safe to show (no session id in the query). */
  readonly show: (url: string) => string;
};

/** A rule: made once per watcher (it may keep state), called with every observation. */
export type Rule = (
  context: RuleContext,
) => (observation: Observation, report: (finding: Report) => void) => void;
