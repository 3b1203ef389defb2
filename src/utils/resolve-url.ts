import type { Input, Options } from 'ky';

/** A resolved request URL: what the client needs of it. */
export type ResolvedUrl = { readonly href: string; readonly origin: string };

// Apps call the same few endpoints over and over; parsing a URL costs more than the rest of a request's routing.
const cache = new Map<string, ResolvedUrl>();
const cacheLimit = 128;

/**
 * The URL a ky call will request, resolved the way ky resolves it (`prefix`, then `baseUrl`, then the document's
 * base), so the origin is known before the request is built.
 */
export const resolveRequestUrl = (
  input: Input,
  options: Pick<Options, 'prefix' | 'baseUrl'>,
): ResolvedUrl | undefined => {
  if (input instanceof URL) return { href: input.href, origin: input.origin };
  if (typeof input !== 'string') return parse(input.url);
  let path = input;
  if (options.prefix) path = `${String(options.prefix).replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  const base = options.baseUrl
    ? String(options.baseUrl)
    : (globalThis.document?.baseURI ?? globalThis.location?.href);
  // An absolute URL needs no base, but gets it anyway: 'http:foo' is relative to an http page, as in fetch.
  return parse(path, base);
};

const parse = (url: string, base?: string): ResolvedUrl | undefined => {
  const key = base === undefined ? url : `${base}\n${url}`;
  const cached = cache.get(key);
  if (cached) return cached;
  let resolved: ResolvedUrl;
  try {
    const { href, origin } = new URL(url, base);
    resolved = { href, origin };
  } catch {
    return undefined;
  }
  if (cache.size >= cacheLimit) cache.clear();
  cache.set(key, resolved);
  return resolved;
};
