export {
  attachRequestLog,
  detachRequestLog,
  type LoggedAttempt,
  type LoggedRequest,
  RequestLog,
  type RequestLogOptions,
  requestLogOf,
} from '../diagnostics/request-log.js';
export type { Finding } from '../diagnostics/types.js';
export { type DiagnosticsWatcher, watchDiagnostics } from '../diagnostics/watch-diagnostics.js';
export { debug } from './console-debug.js';
export { mountOverlay, type OverlayEvent, type OverlayHandle, type OverlayOptions } from './mount-overlay.js';
