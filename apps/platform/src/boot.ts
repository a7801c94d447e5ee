import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@gumstack/log";
import { ApiKeyVerifier, type Config, openStore } from "@gumstack/runtime";
import { ensureFirstAdmin } from "./accounts/first-admin.js";
import type { Services } from "./env.js";
import { createListener } from "./listener.js";
import { createLocalRunner } from "./runner/index.js";

const urlOf = (host: string, port: number) =>
  `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

/** What the platform runs on: the shared store, its logger, and how browsers reach it. */
export async function openServices(
  config: Config,
  log: Logger,
  publicUrl = config.publicUrl ?? urlOf(config.host, config.port),
): Promise<Services> {
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
  // Listen first: with port 0 the public URL (handed to every server) needs the port we got.
  let listener: RequestListener = (_req, res) => {
    res.writeHead(503, { "retry-after": "1" });
    res.end("starting");
  };
  const server = createServer((req, res) => listener(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, resolve);
  });
  const stopListening = () => new Promise<void>((resolve) => server.close(() => resolve()));
  const url = urlOf(config.host, (server.address() as AddressInfo).port);
  let services: Services;
  try {
    services = await openServices(config, log, config.publicUrl ?? url);
  } catch (error) {
    await stopListening();
    throw error;
  }
  const admin = await ensureFirstAdmin(services.database.db);
  if (admin) {
    // For the operator's terminal, once; the log never sees a password.
    process.stdout.write(
      `\nFirst start: an admin account was created. Sign in at ${services.publicUrl} with\n` +
        `  email:    ${admin.email}\n  password: ${admin.password}\n(shown once; change it after signing in)\n\n`,
    );
  }
  listener = createListener(services);
  log.info(`listening on ${url}`, {
    database: services.database.driver === "pglite" ? `embedded (${config.dataDir})` : "postgres",
  });
  return {
    url,
    services,
    async close() {
      await stopListening();
      await services.runner.close();
      await services.database.close();
    },
  };
}
