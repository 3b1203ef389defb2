import type { RequestInfo } from '../core/request-info.js';
import type { RuleContext } from './types.js';

/** `GET https://example.com/api/me`, safe to show. */
export const label = (request: RequestInfo, context: RuleContext): string =>
  `${request.method} ${context.show(request.url)}`;

const parse = (url: string): URL | undefined => {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
};

export const originOf = (url: string): string => parse(url)?.origin ?? '';

/** The URL without its query: what lock contention and caching are counted by. */
export const endpointOf = (url: string): string => {
  const parsed = parse(url);
  return parsed ? parsed.origin + parsed.pathname : url;
};

/** The site (scheme and the last two labels of the host): an approximation of the registrable domain. */
const siteOf = (url: string): string => {
  const parsed = parse(url);
  if (!parsed) return '';
  const host = parsed.hostname;
  const site = /^[\d.]+$|:/.test(host) ? host : host.split('.').slice(-2).join('.');
  return `${parsed.protocol}//${site}`;
};

export const isCrossOrigin = (url: string, context: RuleContext): boolean =>
  originOf(url) !== context.pageOrigin;

export const isCrossSite = (url: string, context: RuleContext): boolean =>
  siteOf(url) !== siteOf(context.pageOrigin);

/** Replaces the value of session-id query parameters so URLs can be shown and exported. */
export const redactUrl = (url: string, names: readonly string[] = ['PHPSESSID']): string =>
  names.reduce(
    (text, name) =>
      text.replace(
        new RegExp(`([?&;]${name.replace(/[^\w-]/g, '')}=)[^&#;]*`, 'gi'),
        (_, prefix: string) => `${prefix}[redacted]`,
      ),
    url,
  );
