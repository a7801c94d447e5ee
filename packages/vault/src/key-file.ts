import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { VaultConfigError } from "./errors.js";
import { generateKeySpec, type KeyRing, parseKeyRing } from "./key-ring.js";

/**
 * The embedded default's key: created on first start beside the data folder, readable by its
 * owner only. A file others can read is refused, as ssh refuses such a private key.
 */
export function loadOrCreateKeyFile(path: string, log: (message: string) => void): KeyRing {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${generateKeySpec("k1")}\n`, { mode: 0o600, flag: "wx" });
    log(
      `generated a vault key at ${path} (mode 0600). Every stored secret is encrypted with it: ` +
        "back it up, and set GUMSTACK_VAULT_KEYS instead when you move to Postgres.",
    );
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new VaultConfigError(
      `the vault key file ${path} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it`,
    );
  }
  return parseKeyRing(readFileSync(path, "utf8"), `the vault key file ${path}`);
}
