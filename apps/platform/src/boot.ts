import type { AddressInfo } from "node:net";
import type { Logger } from "@gumstack/log";
import { ApiKeyVerifier, type Config, openStore } from "@gumstack/runtime";
import { serve } from "@hono/node-server";
import { ensureFirstAdmin } from "./accounts/first-admin.js";
import { createApp } from "./app.js";
import type { Services } from "./env.js";
import { createLocalRunner } from "./runner/index.js";

/** What the platform runs on: the shared store, its logger, and how browsers reach it. */
export async function openServices(config: Config, log: Logger): Promise<Services> {
  const publicUrl =
    config.publicUrl ??
    `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`;
  const store = await openStore(config, log);
  return {
    ...store,
    log,
    publicUrl,
    now: Date.now,
    runner: createLocalRunner({ log }),
    apiKeys: new ApiKeyVerifier(store.database.db, log),
  };
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
  const admin = await ensureFirstAdmin(services.database.db);
  if (admin) {
    // For the operator's terminal, once; the log never sees a password.
    process.stdout.write(
      `\nFirst start: an admin account was created. Sign in at ${services.publicUrl} with\n` +
        `  email:    ${admin.email}\n  password: ${admin.password}\n(shown once; change it after signing in)\n\n`,
    );
  }
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
      await services.runner.close();
      await services.database.close();
    },
  };
}
