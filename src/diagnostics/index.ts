export {
  createDiagnostics,
  type Diagnostics,
  type DiagnosticsDefaults,
  type DiagnosticsOptions,
  defaultRules,
} from './engine.js';
export {
  attachRequestLog,
  detachRequestLog,
  type LoggedAttempt,
  type LoggedRequest,
  RequestLog,
  type RequestLogListener,
  type RequestLogOptions,
  requestLogOf,
  safeHttpUrl,
} from './request-log.js';
export type { Finding, HeaderMap, Observation, Report, Rule, RuleContext } from './types.js';
export { redactUrl } from './util.js';
export { type DiagnosticsWatcher, watchDiagnostics } from './watch-diagnostics.js';
