import { type Database, vaultCanaries } from "@gumstack/db";
import { VaultDecryptError, VaultKeyMismatchError } from "./errors.js";
import type { Vault } from "./vault.js";

const CANARY_TEXT = "gumstack vault canary";

function canaryLocation(keyId: string) {
  return { table: "vault_canaries", id: keyId, field: "ciphertext" };
}

export interface CanaryReport {
  /** Keys of the ring whose canary opened. */
  verified: string[];
  /** True when this start wrote the primary key's canary (first start, or a new primary). */
  wrotePrimary: boolean;
}

/**
 * Run at start-up, before anything is encrypted: proves the ring holds the key the stored data
 * was written with. A key whose id matches a canary but cannot open it is a wrong key; a ring with
 * no key for any canary belongs to another database. Either stops start-up.
 */
export async function verifyCanaries(db: Database, vault: Vault): Promise<CanaryReport> {
  const ring = vault.keyRing;
  const stored = await db.select().from(vaultCanaries);
  const verified: string[] = [];
  for (const canary of stored) {
    if (!ring.keys.has(canary.keyId)) continue;
    try {
      vault.decrypt(canary.ciphertext, canaryLocation(canary.keyId));
    } catch (error) {
      if (!(error instanceof VaultDecryptError)) throw error;
      throw new VaultKeyMismatchError(
        `the key "${canary.keyId}" in ${ring.source} is not the key "${canary.keyId}" this ` +
          "database was encrypted with: it cannot open its canary. Restore the original key.",
        { cause: error },
      );
    }
    verified.push(canary.keyId);
  }
  if (stored.length > 0 && verified.length === 0) {
    const known = stored.map((c) => `"${c.keyId}"`).join(", ");
    const held = [...ring.keys.keys()].map((id) => `"${id}"`).join(", ");
    throw new VaultKeyMismatchError(
      `none of the keys in ${ring.source} (${held}) opens this database, which was encrypted ` +
        `with ${known}. Add the original key to the ring.`,
    );
  }
  const primary = ring.primary.id;
  if (verified.includes(primary)) return { verified, wrotePrimary: false };
  // The primary's canary is written under the primary itself, so it proves that key next time.
  const written = await db
    .insert(vaultCanaries)
    .values({
      keyId: primary,
      ciphertext: vault.encrypt(CANARY_TEXT, canaryLocation(primary)),
    })
    .onConflictDoNothing()
    .returning({ keyId: vaultCanaries.keyId });
  if (written.length === 0) {
    // Another instance wrote it first between our read and our insert: check that one.
    return verifyCanaries(db, vault);
  }
  return { verified: [...verified, primary], wrotePrimary: true };
}
