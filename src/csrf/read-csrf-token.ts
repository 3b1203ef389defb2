import { cookieValue } from '../utils/cookie-value.js';

/** The `content` of `<meta name="...">`, or undefined. */
export const readMetaToken = (name: string): string | undefined => {
  const doc = globalThis.document as Document | undefined;
  if (!doc?.querySelector) return undefined;
  for (const meta of Array.from(doc.querySelectorAll('meta[name]'))) {
    if (meta.getAttribute('name') === name) return meta.getAttribute('content') || undefined;
  }
  return undefined;
};

/** A cookie's value from document.cookie, URL-decoded (Laravel's `XSRF-TOKEN` is URL-encoded), or undefined. */
export const readCookieToken = (name: string): string | undefined => {
  const value = cookieValue(name);
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value) || undefined;
  } catch {
    return value || undefined;
  }
};

const bodyFields = ['token', 'csrf', 'csrfToken', 'csrf_token', '_token'] as const;

/** The token a refresh endpoint handed out: its header, or a JSON body's `token` (or `csrf`, ...) field. */
export const readRefreshedToken = async (
  response: Response,
  header: string | false,
): Promise<string | undefined> => {
  const fromHeader = header ? response.headers.get(header) : null;
  if (fromHeader) return fromHeader;
  if (!/json/i.test(response.headers.get('content-type') ?? '')) return undefined;
  const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return undefined;
  for (const field of bodyFields) {
    const value = body[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
};
