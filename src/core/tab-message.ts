import type { SessionState } from './session-state.js';
import type { WriteSample } from './write-sample.js';

/**
 * What tabs tell each other about the session they share. Declared in the ground layer because the tabs and the
 * features that share state over their channel (CSRF tokens, the lifecycle's activity) both speak it.
 */
export type TabMessage =
  /** This tab's session state changed (start, rotation, expiry, logout, a new expiry time). */
  | { type: 'state'; state: SessionState; at: number; login: boolean }
  /** This tab's `onExpired` resolved 'resume': the other tabs send their held requests too. */
  | { type: 'resume' }
  /** A new CSRF token for the shared session. */
  | { type: 'csrf'; token: string; fingerprint: string | null }
  /** User activity in a tab (`at`: the last input while visible; null: the tab is hidden or closing). */
  | { type: 'activity'; at: number | null }
  /** This tab starts a login (`rotatesSession`): the others hold their requests until it is done. */
  | { type: 'rotating' }
  /** This tab's login is done (its new id, if any, came with a 'state' message just before). */
  | { type: 'rotated' }
  /** The expired session needs a decision: tabs with an `onExpired` become candidates to show the login. */
  | { type: 'expiry-need' }
  /** The tab running `onExpired` is alive, and whether the user can see it (repeated while it runs). */
  | { type: 'expiry-handling'; visible: boolean }
  /** The handling tab's `onExpired` gave up: every tab rejects its held requests. */
  | { type: 'expiry-give-up' }
  /** A write of this tab was answered: what it measured of the session lock. */
  | { type: 'write-sample'; sample: WriteSample }
  /** A write of this tab went to the server (`at`: ms since the epoch): the others space theirs after it. */
  | { type: 'write-sent'; at: number }
  /** A mutex between the tabs where Web Locks are missing (claim, hold, release). */
  | { type: 'mutex'; name: string; op: 'claim' | 'held' | 'released'; at?: number };
