import type { Tab } from './types.js';

const stateKey = 'session-fetch:overlay';
/** `localStorage[flagKey] = '1'` shows the overlay on every page. */
const flagKey = 'session-fetch:debug';

const storage = (): Storage | undefined => {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
};

/** The panel's state remembered from the last page: open, collapsed, which tab. */
export const readState = (): { open?: boolean; collapsed?: boolean; tab?: Tab } => {
  try {
    return JSON.parse(storage()?.getItem(stateKey) ?? '{}') ?? {};
  } catch {
    return {};
  }
};

export const saveState = (state: { open: boolean; collapsed: boolean; tab: Tab }): void => {
  try {
    storage()?.setItem(stateKey, JSON.stringify(state));
  } catch {
    // Storage full or denied: the state is simply not kept.
  }
};

/** Whether the page asks for the panel: `?session-debug` in the URL, the storage flag, or open last time. */
export const askedToOpen = (saved: { open?: boolean }): boolean => {
  let query = false;
  try {
    query = new URLSearchParams(globalThis.location?.search).has('session-debug');
  } catch {
    // No location (tests, workers).
  }
  return query || storage()?.getItem(flagKey) === '1' || saved.open === true;
};

/** Calls `toggle` on the shortcut's keydown; returns the function that removes the listener. */
export const bindShortcut = (shortcut: string, toggle: () => void): (() => void) => {
  const matches = parseShortcut(shortcut);
  const onKey = (event: KeyboardEvent) => {
    if (event.repeat || !matches(event)) return;
    event.preventDefault();
    toggle();
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
};

/** `Ctrl+Shift+S` → a keydown test. */
const parseShortcut = (shortcut: string) => {
  const parts = shortcut.toLowerCase().split('+');
  const key = parts.pop() ?? '';
  const has = (name: string) => parts.includes(name);
  return (event: KeyboardEvent) =>
    event.ctrlKey === (has('ctrl') || has('control')) &&
    event.shiftKey === has('shift') &&
    event.altKey === has('alt') &&
    event.metaKey === (has('meta') || has('cmd')) &&
    (event.key?.toLowerCase() === key || event.code?.toLowerCase() === `key${key}`);
};
