import { createSecretKey, type KeyObject, randomBytes } from "node:crypto";
import { VaultConfigError } from "./errors.js";

export interface VaultKey {
  id: string;
  key: KeyObject;
}

/** Several keys decrypt; the primary, listed first, encrypts. */
export interface KeyRing {
  readonly primary: VaultKey;
  readonly keys: ReadonlyMap<string, VaultKey>;
  /** Where the keys came from, for messages: a variable name or a file path. */
  readonly source: string;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const KEY_BYTES = 32;

/**
 * Parses `id:base64key[,id:base64key...]`, the primary first. Every error names `source` and the
 * offending entry by position and id, never by its key material.
 */
export function parseKeyRing(spec: string, source: string): KeyRing {
  const entries = spec
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (entries.length === 0) {
    throw new VaultConfigError(`${source} is empty: give at least one key as id:base64key`);
  }
  const keys = new Map<string, VaultKey>();
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(":");
    const id = colon === -1 ? "" : entry.slice(0, colon);
    const where = `${source}, key ${index + 1}${id ? ` ("${id}")` : ""}`;
    if (!KEY_ID.test(id)) {
      throw new VaultConfigError(
        `${where}: expected id:base64key with an id of 1-32 letters, digits, _ or -`,
      );
    }
    if (keys.has(id)) throw new VaultConfigError(`${where}: the id "${id}" is listed twice`);
    const material = Buffer.from(entry.slice(colon + 1), "base64");
    if (material.length !== KEY_BYTES) {
      throw new VaultConfigError(
        `${where}: the key must be ${KEY_BYTES} random bytes in base64 (got ${material.length} bytes); ` +
          "`npm run gumstack -- vault generate-key` makes one",
      );
    }
    keys.set(id, { id, key: createSecretKey(material) });
  }
  const primary = keys.values().next().value as VaultKey;
  return { primary, keys, source };
}

/** A new key entry for a key ring: `id:base64key`. */
export function generateKeySpec(id = `k${Date.now().toString(36)}`): string {
  if (!KEY_ID.test(id)) throw new VaultConfigError(`invalid key id "${id}"`);
  return `${id}:${randomBytes(KEY_BYTES).toString("base64")}`;
}
