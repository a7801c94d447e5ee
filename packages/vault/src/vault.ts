import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import {
  ENVELOPE_VERSION,
  envelopePrefix,
  formatEnvelope,
  IV_BYTES,
  parseEnvelope,
  TAG_BYTES,
} from "./envelope.js";
import { VaultDecryptError } from "./errors.js";
import type { KeyRing } from "./key-ring.js";

/** Where a ciphertext lives. It is bound into the ciphertext: a copy anywhere else fails. */
export interface SecretLocation {
  table: string;
  id: string;
  field: string;
}

const ALGORITHM = "aes-256-gcm";

/**
 * Associated data: the envelope header and the location. NUL cannot occur in a table or field
 * name, and our ids are base32, so the join is unambiguous.
 */
function associatedData(keyId: string, where: SecretLocation): Buffer {
  return Buffer.from(
    `${ENVELOPE_VERSION}\0${keyId}\0${where.table}\0${where.id}\0${where.field}`,
    "utf8",
  );
}

export class Vault {
  readonly primaryPrefix: string;

  constructor(readonly keyRing: KeyRing) {
    this.primaryPrefix = envelopePrefix(keyRing.primary.id);
  }

  /** AES-256-GCM under the primary key with a fresh 96-bit IV. */
  encrypt(plaintext: string, where: SecretLocation): string {
    const { id, key } = this.keyRing.primary;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(id, where));
    const sealed = Buffer.concat([
      cipher.update(plaintext, "utf8"),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return formatEnvelope(id, iv, sealed);
  }

  /** @throws VaultDecryptError for this secret only. */
  decrypt(envelope: string, where: SecretLocation): string {
    const parsed = parseEnvelope(envelope);
    if (parsed === null) throw new VaultDecryptError("malformed", where);
    const entry = this.keyRing.keys.get(parsed.keyId);
    if (entry === undefined) throw new VaultDecryptError("unknown_key", where);
    const { sealed, iv } = parsed;
    const decipher = createDecipheriv(ALGORITHM, entry.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(parsed.keyId, where));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return (
        decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES), undefined, "utf8") +
        decipher.final("utf8")
      );
    } catch (cause) {
      throw new VaultDecryptError("authentication_failed", where, { cause });
    }
  }

  /** True when the secret is not under the primary key and rotation should rewrite it. */
  isStale(envelope: string): boolean {
    return !envelope.startsWith(this.primaryPrefix);
  }
}
