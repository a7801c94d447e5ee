/**
 * A stored secret is one line of text: `v1.<keyId>.<iv>.<ciphertext+tag>`, both parts base64url.
 * Text keeps it greppable in SQL (rotation finds rows not under the primary key with a LIKE) and
 * the key id says which key opens it without trying them all.
 */
export interface Envelope {
  keyId: string;
  iv: Buffer;
  /** Ciphertext followed by the 16-byte GCM tag. */
  sealed: Buffer;
}

export const ENVELOPE_VERSION = "v1";
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

export function formatEnvelope(keyId: string, iv: Buffer, sealed: Buffer): string {
  return `${ENVELOPE_VERSION}.${keyId}.${iv.toString("base64url")}.${sealed.toString("base64url")}`;
}

/** The envelope prefix of every secret written under `keyId`. */
export function envelopePrefix(keyId: string): string {
  return `${ENVELOPE_VERSION}.${keyId}.`;
}

export function parseEnvelope(text: string): Envelope | null {
  const parts = text.split(".");
  if (parts.length !== 4 || parts[0] !== ENVELOPE_VERSION) return null;
  const [, keyId, iv, sealed] = parts as [string, string, string, string];
  const ivBytes = Buffer.from(iv, "base64url");
  const sealedBytes = Buffer.from(sealed, "base64url");
  if (keyId.length === 0 || ivBytes.length !== IV_BYTES || sealedBytes.length < TAG_BYTES) {
    return null;
  }
  return { keyId, iv: ivBytes, sealed: sealedBytes };
}
