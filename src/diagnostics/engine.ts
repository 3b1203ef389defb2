import { cachedResponse } from './rules/cached-response.js';
import { crossOrigin } from './rules/cross-origin.js';
import { expiredDuringRequest } from './rules/expired-during-request.js';
import { lockContention } from './rules/lock-contention.js';
import { outputBeforeHeaders } from './rules/output-before-headers.js';
import { sameSiteCookie } from './rules/same-site-cookie.js';
import { sessionNotResumed } from './rules/session-not-resumed.js';
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
];

/** What the diagnostics need to know about the client (the defaults are the client's). */
export type DiagnosticsOptions = {
  /** Called when a finding is first seen and each time it is seen again (its `count` grows). */
  onFinding?: (finding: Finding) => void;
  /** @default location.origin */
  pageOrigin?: string;
  /** The client's `protocol` header names, when changed. */
  protocol?: { fingerprint?: string; expired?: string };
  /** @default [401, 419, 440] */
  expiredStatuses?: number[];
  /** @default the client's default login URL pattern */
  loginUrl?: RegExp;
  /** The session cookie's name, redacted from URLs shown. @default 'PHPSESSID' */
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

export const createDiagnostics = (options: DiagnosticsOptions = {}): Diagnostics => {
  const loginUrl = options.loginUrl ?? /\/(login|signin|sign-in|auth)\b|wp-login\.php/i;
  const cookieName = options.cookieName ?? 'PHPSESSID';
  const context: RuleContext = {
    pageOrigin: options.pageOrigin ?? globalThis.location?.origin ?? '',
    fingerprintHeader: (options.protocol?.fingerprint ?? 'X-Session-Fp').toLowerCase(),
    expiredHeader: (options.protocol?.expired ?? 'X-Session-Expired').toLowerCase(),
    expiredStatuses: new Set(options.expiredStatuses ?? [401, 419, 440]),
    loginUrl: (url) => {
      try {
        return loginUrl.test(new URL(url).pathname);
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
