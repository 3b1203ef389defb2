import type { CsrfOptions } from '../core/feature-options.js';
import {
  arrayOf,
  type Check,
  checkFeatureOptions,
  development,
  matches,
  object,
} from '../core/option-checks.js';
import { headerName, httpStatuses, nameOrOff, token, url } from '../core/value-checks.js';

/** The CSRF options with every default filled. */
export type NormalizedCsrf = {
  readonly meta: string | false;
  readonly cookie: string | false;
  readonly responseHeader: string | false;
  readonly header: string | undefined;
  readonly refreshUrl: string | undefined;
  readonly safeMethods: ReadonlySet<string>;
  readonly statuses: ReadonlySet<number>;
};

const csrfKeys = ['meta', 'cookie', 'responseHeader', 'header', 'refreshUrl', 'safeMethods', 'statuses'];

// Built when called, so that a production build, which never calls it, drops it.
const checkCsrfOptions = (): Check =>
  object(
    {
      meta: nameOrOff('a meta name'),
      cookie: nameOrOff('a cookie name'),
      responseHeader: nameOrOff('a header name'),
      header: headerName,
      refreshUrl: url,
      safeMethods: arrayOf(matches(token, 'must be an HTTP method'), 'must be an array of HTTP methods'),
      statuses: httpStatuses,
    },
    `must be { ${csrfKeys.join(', ')} }`,
  );

/**
 * Checks `csrf()`'s options and fills the defaults: a SessionOptionsError names a misspelt option in every build,
 * the first bad value in development.
 */
export const normalizeCsrf = (given: CsrfOptions = {}): NormalizedCsrf => {
  checkFeatureOptions(
    given,
    'csrf',
    csrfKeys,
    development(() => (process.env.NODE_ENV !== 'production' ? checkCsrfOptions() : undefined)),
  );
  return {
    meta: given.meta ?? 'csrf-token',
    cookie: given.cookie ?? 'XSRF-TOKEN',
    responseHeader: given.responseHeader ?? false,
    header: given.header,
    refreshUrl: given.refreshUrl,
    safeMethods: new Set(
      (given.safeMethods ?? ['GET', 'HEAD', 'OPTIONS', 'TRACE']).map((m) => m.toUpperCase()),
    ),
    statuses: new Set(given.statuses ?? [419]),
  };
};
