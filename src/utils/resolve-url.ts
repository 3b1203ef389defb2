import type { Input, Options } from 'ky';

const absolute = /^[a-z][\d+.a-z-]*:/i;

/**
 * The URL a ky call will request, resolved the way ky resolves it (`prefix`, then `baseUrl`, then the document's
 * base), so the origin is known before the request is built.
 */
export const resolveRequestUrl = (
  input: Input,
  options: Pick<Options, 'prefix' | 'baseUrl'>,
): URL | undefined => {
  if (input instanceof URL) return input;
  if (typeof input !== 'string') return safeUrl(input.url);
  let path = input;
  if (options.prefix) path = `${String(options.prefix).replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  if (absolute.test(path)) return safeUrl(path);
  const base = options.baseUrl
    ? String(options.baseUrl)
    : (globalThis.document?.baseURI ?? globalThis.location?.href);
  return safeUrl(path, base);
};

const safeUrl = (url: string, base?: string): URL | undefined => {
  try {
    return new URL(url, base);
  } catch {
    return undefined;
  }
};
