import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import {
  ENVELOPE_VERSION,
  envelopePrefix,
  formatEnvelope,
  IV_BYTES,
  splitEnvelope,
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

/**
 * Decoding goes into buffers reused across calls instead of new ones: a fresh buffer per read is
 * most of the vault's cost over raw AES-GCM for large secrets (it is memory outside the JS heap,
 * which makes the GC run). Safe to share because decrypt is synchronous and the cipher copies
 * what it is given.
 */
const scratchIv = Buffer.alloc(IV_BYTES);
const SCRATCH_LIMIT = 64 * 1024;
let scratch = Buffer.alloc(4096);

function decodeSealed(text: string): Buffer {
  const needed = Math.ceil((text.length * 3) / 4);
  if (needed > scratch.length) {
    if (needed > SCRATCH_LIMIT) return Buffer.from(text, "base64url");
    scratch = Buffer.alloc(Math.min(SCRATCH_LIMIT, 2 ** Math.ceil(Math.log2(needed))));
  }
  return scratch.subarray(0, scratch.write(text, "base64url"));
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
    const parts = splitEnvelope(envelope);
    if (parts === null || parts.iv.length !== 16) throw new VaultDecryptError("malformed", where);
    const entry = this.keyRing.keys.get(parts.keyId);
    if (entry === undefined) throw new VaultDecryptError("unknown_key", where);
    const ivLength = scratchIv.write(parts.iv, "base64url");
    const sealed = decodeSealed(parts.sealed);
    if (ivLength !== IV_BYTES || sealed.length < TAG_BYTES) {
      throw new VaultDecryptError("malformed", where);
    }
    const decipher = createDecipheriv(ALGORITHM, entry.key, scratchIv, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(associatedData(parts.keyId, where));
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

  private readonly macKeys = new Map<string, Buffer>();

  /** A key for `purpose` derived from a ring key (HKDF), so a MAC never reuses an encryption key. */
  private macKey(keyId: string, purpose: string): Buffer | undefined {
    const cacheKey = `${keyId}\0${purpose}`;
    let derived = this.macKeys.get(cacheKey);
    if (derived === undefined) {
      const entry = this.keyRing.keys.get(keyId);
      if (entry === undefined) return undefined;
      derived = Buffer.from(
        hkdfSync("sha256", entry.key.export(), Buffer.alloc(0), `gumstack/mac/${purpose}`, 32),
      );
      this.macKeys.set(cacheKey, derived);
    }
    return derived;
  }

  /** HMAC-SHA256 of `data` for one purpose, under the primary key: `<keyId>.<tag>`. */
  sign(purpose: string, data: string): string {
    const { id } = this.keyRing.primary;
    const tag = createHmac("sha256", this.macKey(id, purpose) as Buffer)
      .update(data)
      .digest("base64url");
    return `${id}.${tag}`;
  }

  /** True when `signature` is `sign(purpose, data)` under any key of the ring. */
  verify(purpose: string, data: string, signature: string): boolean {
    const dot = signature.indexOf(".");
    const key = dot === -1 ? undefined : this.macKey(signature.slice(0, dot), purpose);
    if (key === undefined) return false;
    const expected = createHmac("sha256", key).update(data).digest();
    const given = Buffer.from(signature.slice(dot + 1), "base64url");
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** True when the secret is not under the primary key and rotation should rewrite it. */
  isStale(envelope: string): boolean {
    return !envelope.startsWith(this.primaryPrefix);
  }
}
