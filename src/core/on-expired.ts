import type { SessionState } from './session-state.js';

/** What `onExpired` decides. */
export type ExpiryDecision = 'resume' | 'give-up';

/** What `onExpired` receives. */
export type ExpiredContext = {
  /** The session state at the moment of expiry. */
  session: SessionState;
  /** How many requests are waiting for the decision (held or come back expired), as of when it is read. */
  readonly waiting: number;
  /**
   * Aborted when this tab is no longer the one to ask: the session was resumed or given up in another tab, or the
   * user switched to another tab of the app, which shows the login instead. The value this handler resolves is
   * then ignored. Close the login dialog on it: `context.signal.addEventListener('abort', closeDialog)`.
   */
  signal: AbortSignal;
};
