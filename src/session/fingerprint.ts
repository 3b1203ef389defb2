// The fingerprint is the protocol's: the first 16 hex chars of sha256(id), so the value a developer sees in the
// overlay matches the server's X-Session-Fp and logs. Where WebCrypto is missing (plain http on a LAN address is
// not a secure context) a 64-bit FNV-1a hash stands in: still one-way enough not to expose the id.

const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

const fnv1a64 = (text: string): string => {
  let hash = 0xcbf29ce484222325n;
  for (let index = 0; index < text.length; index++) {
    hash ^= BigInt(text.charCodeAt(index));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
};

/** The fingerprint of a session id. */
export const fingerprintOf = async (id: string): Promise<string> => {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return fnv1a64(id);
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(id));
  return toHex(new Uint8Array(digest)).slice(0, 16);
};

const fingerprintPattern = /^[0-9a-f]{8,64}$/i;

/** A server-sent fingerprint, or undefined when the header is missing or malformed. */
export const parseFingerprintHeader = (value: string | null): string | undefined =>
  value !== null && fingerprintPattern.test(value.trim()) ? value.trim().toLowerCase() : undefined;
