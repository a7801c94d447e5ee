/**
 * A stored secret is one line of text: `v1.<keyId>.<iv>.<ciphertext+tag>`, both parts base64url.
 * Text keeps it greppable in SQL (rotation finds rows not under the primary key by prefix) and
 * the key id says which key opens it without trying them all.
 */
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

/** The envelope's fields, still base64url: callers decode where they like (see Vault.decrypt). */
export interface EnvelopeText {
  keyId: string;
  iv: string;
  sealed: string;
}

export function splitEnvelope(text: string): EnvelopeText | null {
  if (!text.startsWith(`${ENVELOPE_VERSION}.`)) return null;
  const keyEnd = text.indexOf(".", ENVELOPE_VERSION.length + 1);
  const ivEnd = keyEnd === -1 ? -1 : text.indexOf(".", keyEnd + 1);
  if (ivEnd === -1 || text.indexOf(".", ivEnd + 1) !== -1) return null;
  const keyId = text.slice(ENVELOPE_VERSION.length + 1, keyEnd);
  if (keyId.length === 0) return null;
  return { keyId, iv: text.slice(keyEnd + 1, ivEnd), sealed: text.slice(ivEnd + 1) };
}

export interface Envelope {
  keyId: string;
  iv: Buffer;
  /** Ciphertext followed by the 16-byte GCM tag. */
  sealed: Buffer;
}

/** Decoded into new buffers: for tools and tests; the vault decodes without allocating. */
export function parseEnvelope(text: string): Envelope | null {
  const parts = splitEnvelope(text);
  if (parts === null) return null;
  const iv = Buffer.from(parts.iv, "base64url");
  const sealed = Buffer.from(parts.sealed, "base64url");
  if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) return null;
  return { keyId: parts.keyId, iv, sealed };
}
