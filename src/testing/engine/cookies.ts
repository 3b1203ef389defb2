/** The session cookie's attributes (`session.cookie_*` in php.ini). */
export interface SessionCookieOptions {
  /** `session.name`. @default 'PHPSESSID' */
  name?: string;
  /** `session.cookie_path`. @default '/' */
  path?: string;
  /** `session.cookie_httponly`. Debian's php.ini leaves it off. @default false */
  httpOnly?: boolean;
  /** `session.cookie_samesite`. Debian's php.ini leaves it empty: no attribute. @default undefined */
  sameSite?: 'Lax' | 'Strict' | 'None';
  /** `session.cookie_secure`. @default false */
  secure?: boolean;
}

export type ResolvedCookieOptions = Required<Omit<SessionCookieOptions, 'sameSite'>> &
  Pick<SessionCookieOptions, 'sameSite'>;

export function resolveCookieOptions(options: SessionCookieOptions = {}): ResolvedCookieOptions {
  return {
    name: options.name ?? 'PHPSESSID',
    path: options.path ?? '/',
    httpOnly: options.httpOnly ?? false,
    sameSite: options.sameSite,
    secure: options.secure ?? false,
  };
}

/**
 * Parses a `Cookie` request header. Like PHP's `$_COOKIE`, the first occurrence of a name wins.
 */
export function parseCookieHeader(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || cookies.has(name)) continue;
    const raw = part.slice(eq + 1).trim();
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // PHP keeps undecodable values as they are
    }
    cookies.set(name, value);
  }
  return cookies;
}

/** The expiry date PHP writes when a cookie is deleted with `setcookie(name, '')`. */
export const DELETED_COOKIE_EXPIRES = 'Thu, 01 Jan 1970 00:00:01 GMT';

/**
 * Formats a `Set-Cookie` value the way PHP's `setcookie()` and the session module do:
 * `PHPSESSID=<id>; path=/`, then `secure`, `HttpOnly`, `SameSite=...`.
 * An empty value deletes the cookie: `name=deleted; expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; path=/`.
 */
export function formatSetCookie(
  name: string,
  value: string,
  options: Omit<ResolvedCookieOptions, 'name'>,
): string {
  const parts =
    value === ''
      ? [`${name}=deleted`, `expires=${DELETED_COOKIE_EXPIRES}`, 'Max-Age=0']
      : [`${name}=${encodeURIComponent(value)}`];
  parts.push(`path=${options.path}`);
  if (options.secure) parts.push('secure');
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.sameSite) parts.push(`SameSite=${options.sameSite}`);
  return parts.join('; ');
}
