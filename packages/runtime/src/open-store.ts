import { createDatabase, type DatabaseHandle, migrate } from "@gumstack/db";
import type { Logger } from "@gumstack/log";
import { resolveKeyRing, Vault, verifyCanaries } from "@gumstack/vault";
import type { Config } from "./config.js";

export interface Store {
  database: DatabaseHandle;
  vault: Vault;
  /** The newest migration applied. */
  migration: string | null;
}

/**
 * Opens what every Gumstack process stores through, in the order that fails fastest: keys
 * (pure), the database, migrations, then the canary check that proves the keys belong to it.
 */
export async function openStore(config: Config, log: Logger): Promise<Store> {
  const embedded = config.databaseUrl === undefined;
  const keyRing = resolveKeyRing({
    keys: config.vaultKeys,
    keyFile: config.vaultKeyFile,
    embedded,
    log: (message) => log.warn(message),
  });
  const database = await createDatabase(
    config.databaseUrl === undefined
      ? { dataDir: config.dataDir, sharedBuffers: config.pgliteSharedBuffers }
      : { url: config.databaseUrl },
  );
  try {
    const { applied, current } = await migrate(database.db);
    if (applied.length > 0) log.info("applied migrations", { applied: applied.join(", ") });
    const vault = new Vault(keyRing);
    const canaries = await verifyCanaries(database.db, vault);
    log.info("vault open", { primaryKey: keyRing.primary.id, keys: canaries.verified.join(", ") });
    return { database, vault, migration: current };
  } catch (error) {
    await database.close();
    throw error;
  }
}
