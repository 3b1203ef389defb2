export {
  HTTPError,
  isHTTPError,
  isKyError,
  isNetworkError,
  isTimeoutError,
  NetworkError,
  SchemaValidationError,
  TimeoutError,
} from 'ky';
export { createSessionClient } from './client/create-session-client.js';
export type {
  Listener,
  NotResumedEvent,
  RequestEvent,
  SessionEvent,
  SessionFetchEventName,
  SessionFetchEvents,
} from './core/events.js';
export type {
  AdaptiveConcurrency,
  AllowedOrigin,
  CsrfOptions,
  ExpiredContext,
  ExpiryDecision,
  HeartbeatOptions,
  LifecycleOptions,
  LockRetryOptions,
  ProtocolHeaders,
  SessionClientOptions,
  SessionMode,
  SessionOptions,
  SessionRequestOptions,
  TabsOptions,
} from './core/options.js';
export type { RequestInfo } from './core/request-info.js';
export type { ClientSettings, SessionClient } from './core/session-client.js';
// What a feature is and what it is given: `csrf()` and `lifecycle()` are imported from their own entries.
export type {
  FeatureChannel,
  FeatureHost,
  FeatureLeader,
  FeatureStore,
  RequestTokens,
  SessionFeature,
} from './core/session-feature.js';
export type { IdSource, SessionState } from './core/session-state.js';
export type { SimulatedFault } from './core/simulated-faults.js';
export { SessionExpiredError, type SessionExpiredReason } from './errors/SessionExpiredError.js';
export { SessionFetchError } from './errors/SessionFetchError.js';
export { SessionLockTimeoutError } from './errors/SessionLockTimeoutError.js';
export { SessionOptionsError } from './errors/SessionOptionsError.js';
export {
  isSessionExpiredError,
  isSessionFetchError,
  isSessionLockTimeoutError,
  isSessionOptionsError,
  isUnexpectedBodyError,
} from './errors/type-guards.js';
export { UnexpectedBodyError } from './errors/UnexpectedBodyError.js';
export { fingerprintOf } from './session/fingerprint.js';
