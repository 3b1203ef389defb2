import type { NormalizedSessionOptions } from '../core/options.js';

/** A header's value as a number of at least 0 (the protocol's lock wait and time to live), or undefined. */
export const nonNegativeHeader = (headers: Headers, name: string): number | undefined => {
  const value = Number.parseFloat(headers.get(name) ?? '');
  return Number.isFinite(value) && value >= 0 ? value : undefined;
};

/** The session's time to live in ms: what the server's TTL header says, or else the configured lifetime. */
export const sessionTtlMs = (headers: Headers, options: NormalizedSessionOptions): number | undefined => {
  const seconds = nonNegativeHeader(headers, options.protocol.ttl);
  return seconds === undefined ? options.sessionLifetime : seconds * 1000;
};
