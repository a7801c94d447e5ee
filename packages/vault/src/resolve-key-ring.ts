import { VaultConfigError } from "./errors.js";
import { loadOrCreateKeyFile } from "./key-file.js";
import { type KeyRing, parseKeyRing } from "./key-ring.js";

export interface KeyRingSource {
  /** The value of GUMSTACK_VAULT_KEYS, when set. */
  keys: string | undefined;
  /** Used when `keys` is unset and the database is the embedded one. */
  keyFile: string;
  embedded: boolean;
  log: (message: string) => void;
}

/**
 * Configured keys win. The embedded default may make its own key so that the first start needs no
 * set-up; a shared Postgres may not, since every instance on it must hold the same key.
 */
export function resolveKeyRing(source: KeyRingSource): KeyRing {
  if (source.keys !== undefined) return parseKeyRing(source.keys, "GUMSTACK_VAULT_KEYS");
  if (source.embedded) return loadOrCreateKeyFile(source.keyFile, source.log);
  throw new VaultConfigError(
    "GUMSTACK_VAULT_KEYS is not set. With DATABASE_URL every instance must share the key: " +
      "create one with `npm run gumstack -- vault generate-key` and set GUMSTACK_VAULT_KEYS to it.",
  );
}
