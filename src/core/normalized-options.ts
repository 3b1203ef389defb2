import type { AdaptiveConcurrency, LockRetryOptions, ProtocolHeaders } from './feature-options.js';
import type { ExpiredContext, ExpiryDecision } from './on-expired.js';
import type { SessionMode } from './request-options.js';

/** Options after normalisation: every field filled. */
export type NormalizedSessionOptions = {
  origins: ReadonlyMap<string, { noCacheHeaders: boolean }>;
  pageOrigin: string | undefined;
  cookieName: string;
  protocol: Readonly<ProtocolHeaders>;
  expiredStatuses: ReadonlySet<number>;
  loginUrl: (url: URL) => boolean;
  isExpired: ((response: Response) => boolean) | undefined;
  onExpired: ((context: ExpiredContext) => Promise<ExpiryDecision>) | undefined;
  concurrency: { fixed: number } | Readonly<AdaptiveConcurrency>;
  lockRetry: Readonly<LockRetryOptions>;
  lockHandoffDelay: number;
  deadline: number;
  noCache: boolean;
  cacheBust: boolean;
  accept: string | false;
  sessionLifetime: number | undefined;
  defaultMode: SessionMode;
  tabs: NormalizedTabs | undefined;
};

export type NormalizedTabs = {
  readonly sync: boolean;
  readonly writeLock: boolean;
  readonly writeLockTimeout: number;
  readonly name: string;
};
