/**
 * Plain HTTP requests to a real PHP server with the session cookie given explicitly, and a view of its session
 * store through test/php-app/session-store.php (files: sess_* in the save path; redis: PHPREDIS_SESSION:* keys).
 */

type Server = { url: string };

/** What a browser's fetch/XHR sends (the helper's AJAX detection), or nothing (a page load). */
export const AJAX_HEADERS = { 'x-requested-with': 'XMLHttpRequest' } as const;

export type SendOptions = {
  method?: string;
  /** The session id sent as `PHPSESSID`; none when undefined. */
  cookie?: string | undefined;
  /** Send `X-Requested-With: XMLHttpRequest`. @default false */
  ajax?: boolean;
  headers?: Record<string, string>;
};

/** One request to `server` with exactly the cookie and headers given (no jar, no redirects followed). */
export const send = (server: Server, path: string, options: SendOptions = {}): Promise<Response> => {
  const headers = new Headers(options.headers);
  if (options.ajax) for (const [name, value] of Object.entries(AJAX_HEADERS)) headers.set(name, value);
  if (options.cookie !== undefined) headers.set('cookie', `PHPSESSID=${options.cookie}`);
  return fetch(`${server.url}/${path}`, { method: options.method ?? 'GET', headers, redirect: 'manual' });
};

/** The `PHPSESSID` Set-Cookie lines of a response. */
export const sessionCookies = (response: Response, name = 'PHPSESSID'): string[] =>
  response.headers.getSetCookie().filter((line) => line.startsWith(`${name}=`));

/** The id a response's session Set-Cookie sets, or null (none, or a deletion). */
export const setSessionId = (response: Response, name = 'PHPSESSID'): string | null => {
  const line = sessionCookies(response, name).at(-1);
  const value = line ? /^[^=]+=([^;]*)/.exec(line)?.[1] : undefined;
  return value && value !== 'deleted' ? value : null;
};

/** The stored sessions, id to raw serialized data. */
export const storedSessions = async (server: Server): Promise<Record<string, string>> => {
  const response = await fetch(`${server.url}/session-store.php`);
  if (!response.ok) throw new Error(`session-store.php answered ${response.status}`);
  return ((await response.json()) as { sessions: Record<string, string> }).sessions;
};

/** Removes a stored session, as garbage collection would. */
export const deleteStoredSession = async (server: Server, id: string): Promise<void> => {
  const response = await fetch(`${server.url}/session-store.php?delete=${encodeURIComponent(id)}`);
  if (!response.ok) throw new Error(`session-store.php answered ${response.status}`);
};
