import type { AddressInfo } from "node:net";
import { createDatabase, migrate } from "@gumstack/db";
import { resolveKeyRing, Vault, verifyCanaries } from "@gumstack/vault";
import { serve } from "@hono/node-server";
import { createApp } from "./app.js";
import type { Config } from "./config.js";
import type { Services } from "./env.js";
import type { Logger } from "./log.js";

/**
 * Opens what the platform runs on, in the order that fails fastest: keys (pure), the database,
 * migrations, then the canary check that proves the keys belong to this database.
 */
export async function openServices(config: Config, log: Logger): Promise<Services> {
  const embedded = config.databaseUrl === undefined;
  const keyRing = resolveKeyRing({
    keys: config.vaultKeys,
    keyFile: config.vaultKeyFile,
    embedded,
    log: (message) => log.warn(message),
  });
  const database = await createDatabase(
    embedded ? { dataDir: config.dataDir } : { url: config.databaseUrl as string },
  );
  try {
    const { applied, current } = await migrate(database.db);
    if (applied.length > 0) log.info("applied migrations", { applied: applied.join(", ") });
    const vault = new Vault(keyRing);
    const canaries = await verifyCanaries(database.db, vault);
    log.info("vault open", {
      primaryKey: vault.keyRing.primary.id,
      keys: canaries.verified.join(", "),
    });
    return { database, vault, log, migration: current };
  } catch (error) {
    await database.close();
    throw error;
  }
}

export interface RunningPlatform {
  url: string;
  services: Services;
  close(): Promise<void>;
}

export async function startPlatform(config: Config, log: Logger): Promise<RunningPlatform> {
  for (const name of config.unknownVariables) {
    log.warn(`ignoring ${name}: not a Gumstack setting (a typo?)`);
  }
  const services = await openServices(config, log);
  const app = createApp(services);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, () =>
      resolve(s),
    );
    s.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  log.info(`listening on ${url}`, {
    database: services.database.driver === "pglite" ? `embedded (${config.dataDir})` : "postgres",
  });
  return {
    url,
    services,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.database.close();
    },
  };
}
