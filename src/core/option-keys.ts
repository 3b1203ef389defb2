import type { Options as KyOptions } from 'ky';
import type { SessionOptions } from './options.js';

// The option names createSessionClient() knows: its own, split by where they apply, and ky's and fetch's, which it
// passes to ky. Any other name is refused, in every build (option-names.ts).

/** The keys that belong to the session shared by a client and every client extended from it. */
export const sessionWideKeys = [
  'origins',
  'pageOrigin',
  'cookieName',
  'protocol',
  'expiredStatuses',
  'loginUrl',
  'isExpired',
  'onExpired',
  'concurrency',
  'lockHandoffDelay',
  'sessionLifetime',
  'tabs',
  'features',
] as const;

export const sessionOptionKeys = [
  ...sessionWideKeys,
  'lockRetry',
  'deadline',
  'noCache',
  'cacheBust',
  'accept',
  'defaultMode',
] as const satisfies ReadonlyArray<keyof SessionOptions>;

/** ky's own options (its `Options` type less fetch's), which createSessionClient() passes to ky. */
export const kyOptionKeys = [
  'json',
  'parseJson',
  'stringifyJson',
  'searchParams',
  'baseUrl',
  'prefix',
  'retry',
  'timeout',
  'totalTimeout',
  'hooks',
  'throwHttpErrors',
  'onDownloadProgress',
  'onUploadProgress',
  'fetch',
  'context',
] as const;

/** fetch's own request options (RequestInit; `duplex` and `dispatcher` are node's), which ky passes to fetch. */
export const fetchOptionKeys = [
  'method',
  'headers',
  'body',
  'mode',
  'credentials',
  'cache',
  'redirect',
  'referrer',
  'referrerPolicy',
  'integrity',
  'keepalive',
  'signal',
  'window',
  'priority',
  'duplex',
  'dispatcher',
] as const;

// An option ky (or the DOM's RequestInit) adds in a later version fails to compile here until it is listed above,
// so that createSessionClient() never refuses one of ky's own keys.
true satisfies Exclude<
  keyof KyOptions,
  (typeof kyOptionKeys)[number] | (typeof fetchOptionKeys)[number]
> extends never
  ? true
  : false;
