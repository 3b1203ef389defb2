import { cachedResponse } from './rules/cached-response.js';
import { crossOrigin } from './rules/cross-origin.js';
import { expiredDuringRequest } from './rules/expired-during-request.js';
import { idSourceFlip } from './rules/id-source-flip.js';
import { lockContention } from './rules/lock-contention.js';
import { outputBeforeHeaders } from './rules/output-before-headers.js';
import { sameSiteCookie } from './rules/same-site-cookie.js';
import { sessionNotResumed } from './rules/session-not-resumed.js';
import { staleFingerprint } from './rules/stale-fingerprint.js';
import type { Finding, Observation, Report, Rule, RuleContext } from './types.js';
import { redactUrl } from './util.js';

/** The rules `watchDiagnostics` runs unless told otherwise. */
export const defaultRules: readonly Rule[] = [
  sessionNotResumed,
  outputBeforeHeaders,
  crossOrigin,
  cachedResponse,
  lockContention,
  expiredDuringRequest,
  sameSiteCookie,
  staleFingerprint,
  idSourceFlip,
];

/** What the diagnostics need to know about the client; what is not given comes from the client's settings. */
export type DiagnosticsOptions = {
  /** Called when a finding is first seen and each time it is seen again (its `count` grows). */
  onFinding?: (finding: Finding) => void;
  /** @default the client's pageOrigin, else location.origin */
  pageOrigin?: string;
  /** The protocol header names. @default the client's */
  protocol?: { fingerprint?: string; expired?: string };
  /** @default the client's (401, 419, 440 unless set) */
  expiredStatuses?: Iterable<number>;
  /** Tells a login page's URL (a RegExp tests its path). @default the client's */
  loginUrl?: RegExp | ((url: URL) => boolean);
  /** The session cookie's name, redacted from URLs shown. @default the client's ('PHPSESSID' unless set) */
  cookieName?: string;
  /** @default defaultRules */
  rules?: readonly Rule[];
  /** Distinct findings kept; the oldest go first. @default 100 */
  limit?: number;
};

/** The diagnostics core: feed it observations, read the findings. No client, no DOM. */
export type Diagnostics = {
  observe(observation: Observation): void;
  findings(): Finding[];
  clear(): void;
};

/** The client settings the options fall back to: a client's `options` (ClientSettings fits). */
export type DiagnosticsDefaults = {
  readonly pageOrigin?: string | undefined;
  readonly protocol: { readonly fingerprint: string; readonly expired: string };
  readonly expiredStatuses: Iterable<number>;
  readonly loginUrl: RegExp | ((url: URL) => boolean);
  readonly cookieName: string;
};

/**
 * A client's defaults, for diagnostics fed without a client. Copied rather than imported so the overlay's
 * script does not carry the option parsing; a unit test keeps them equal to the client's.
 */
export const defaultClientSettings = {
  loginUrl: /\/(login|signin|sign-in|auth)\b|wp-login\.php/i,
  cookieName: 'PHPSESSID',
  protocol: { fingerprint: 'X-Session-Fp', expired: 'X-Session-Expired' },
  expiredStatuses: [401, 419, 440],
} satisfies DiagnosticsDefaults;

/** `client`: the settings of the client observed (`client.options`); explicit options win over them. */
export const createDiagnostics = (
  options: DiagnosticsOptions = {},
  client: DiagnosticsDefaults = defaultClientSettings,
): Diagnostics => {
  const loginUrl = options.loginUrl ?? client.loginUrl;
  const isLogin = typeof loginUrl === 'function' ? loginUrl : (url: URL) => loginUrl.test(url.pathname);
  const cookieName = options.cookieName ?? client.cookieName;
  const context: RuleContext = {
    pageOrigin: options.pageOrigin ?? client.pageOrigin ?? globalThis.location?.origin ?? '',
    fingerprintHeader: (options.protocol?.fingerprint ?? client.protocol.fingerprint).toLowerCase(),
    expiredHeader: (options.protocol?.expired ?? client.protocol.expired).toLowerCase(),
    expiredStatuses: new Set(options.expiredStatuses ?? client.expiredStatuses),
    loginUrl: (url) => {
      try {
        return isLogin(new URL(url));
      } catch {
        return false;
      }
    },
    show: (url) => redactUrl(url, [cookieName]),
  };
  const limit = options.limit ?? 100;
  const rules = (options.rules ?? defaultRules).map((rule) => rule(context));
  const found = new Map<string, Finding>();

  const report = (at: number) => (finding: Report) => {
    const { key, ...rest } = finding;
    const id = `${finding.id}\n${key ?? ''}`;
    const previous = found.get(id);
    const next: Finding = Object.freeze({
      ...rest,
      at: previous?.at ?? at,
      lastAt: at,
      count: (previous?.count ?? 0) + 1,
    });
    found.delete(id);
    found.set(id, next);
    if (found.size > limit) found.delete(found.keys().next().value as string);
    options.onFinding?.(next);
  };

  return {
    observe(observation) {
      const reportAt = report(observation.at);
      for (const rule of rules) {
        try {
          rule(observation, reportAt);
        } catch (error) {
          // A rule must never break the app; report the bug where a developer will see it.
          console.error('session-fetch diagnostics: a rule failed', error);
        }
      }
    },
    findings: () => [...found.values()],
    clear: () => found.clear(),
  };
};
