const cache = new Map<string, string>();
const CACHE_LIMIT = 10_000;

/**
 * The session fingerprint of the protocol: the first 16 hex characters of `sha256(id)`.
 * Uses `globalThis.crypto.subtle` (Node 20 and browsers).
 */
export async function fingerprint(id: string): Promise<string> {
  const known = cache.get(id);
  if (known) return known;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(id));
  const hex = Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
  const fp = hex.slice(0, 16);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(id, fp);
  return fp;
}

/** The fingerprint of an id already fingerprinted by `fingerprint` (every id the engine used is). */
export function knownFingerprint(id: string): string | null {
  return cache.get(id) ?? null;
}
