import type { DiagnosticsOptions } from '../diagnostics/engine.js';
import type { Finding } from '../diagnostics/types.js';

export type OverlayOptions = {
  /** `true` shows the panel at once; `false` keeps it hidden whatever the URL or storage say. */
  open?: boolean;
  /** The shortcut that shows and hides the panel, or false for none. @default 'Ctrl+Shift+S' */
  shortcut?: string | false;
  /** Requests kept when the overlay makes its own RequestLog. @default 200 */
  capacity?: number;
  /** Events kept. @default 100 */
  eventCapacity?: number;
  /** @default 'bottom-right' */
  position?: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';
  /** The session cookie's name, redacted from URLs. @default 'PHPSESSID' */
  cookieName?: string;
  /** Passed to the diagnostics (pageOrigin, protocol header names...). */
  diagnostics?: Omit<DiagnosticsOptions, 'onFinding'>;
};

export type OverlayHandle = {
  /** Removes the element and every listener and timer. */
  unmount(): void;
  show(): void;
  hide(): void;
  toggle(): void;
  /** The log as JSON: session state (fingerprint, never the id), requests, events, findings. */
  exportJson(): string;
};

/** An entry of the Events list. */
export type OverlayEvent = { at: number; name: string; text: string };

export type Tab = 'requests' | 'events' | 'findings';

/** What the panels read of the overlay's state: the list they render into, and what is shown. */
export type View = {
  readonly list: HTMLElement;
  visible(): boolean;
  collapsed(): boolean;
  tab(): Tab;
};

/** What the requests panel needs to mark the requests a finding concerns. */
export type FindingMarks = {
  /** The findings seen on this request. */
  of(requestId: number): readonly Finding[];
  /** Shows the Diagnostics tab. */
  open(): void;
};
