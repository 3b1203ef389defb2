import { createHash } from 'node:crypto';

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The protocol's session fingerprint: the first 16 hex characters of sha256(id). Synchronous, for node. */
export const fingerprint = (id: string) => createHash('sha256').update(id).digest('hex').slice(0, 16);
