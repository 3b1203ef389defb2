/**
 * Marks the fetch calls session-fetch makes itself. With installFetch() the page's fetch is the client, and the
 * client's own calls must reach the browser's fetch, not be queued a second time on the same session.
 */
export const ownRequest = Symbol.for('session-fetch.own-request');

export const markOwn = (init?: RequestInit): RequestInit => ({ ...init, [ownRequest]: true }) as RequestInit;

export const isOwnRequest = (init: unknown): boolean =>
  typeof init === 'object' && init !== null && ownRequest in init;
