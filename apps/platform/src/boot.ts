import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { Broker, CredentialResolver } from "@gumstack/broker";
import type { Logger } from "@gumstack/log";
import {
  ApiKeyVerifier,
  type Clock,
  type Config,
  clockOf,
  openStore,
  originsOf,
  type Store,
  Throttle,
} from "@gumstack/runtime";
import { ensureFirstAdmin } from "./accounts/first-admin.js";
import { announceFirstAdmin } from "./accounts/first-admin-notice.js";
import { defaultLimits, type Limits } from "./accounts/limits.js";
import { createListener } from "./app.js";
import { createClientRegistry } from "./authorization/clients/index.js";
import type { ClientRegistry } from "./authorization/contracts.js";
import { TokenVerifier } from "./authorization/token-verifier.js";
import type { Services } from "./env.js";
import { HostedProviders } from "./oauth/hosted-providers.js";
import { type ProxiedOptions, ProxiedProcesses } from "./proxied/processes.js";
import { createLocalRunner, type Runner } from "./runner/index.js";
import { DeployedConfigs } from "./servers/deployed.js";
import { deployRegistered, registerSeeds, type SeedServer } from "./servers/startup.js";

const urlOf = (host: string, port: number) =>
  `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

export interface ServiceParts extends Store {
  log: Logger;
  publicUrl: string;
  runner: Runner;
  /** Caps and timings of proxied servers' per-user processes (tests shorten them). */
  proxied?: Pick<ProxiedOptions, "maxTotal" | "idleMs" | "recheckMs" | "allowPrivateUrls">;
  now?: () => number;
  /** Given, it wins over `now`: tests move it, and every deadline with it. */
  clock?: Clock;
  /** The API-key and fresh-token memory (default 2 s; 0 turns it off, for tests). */
  cacheTtlMs?: number;
  /** Browser origins besides ours that may call `/mcp/…`. */
  mcpAllowedOrigins?: readonly string[];
  /** Reverse proxies in front of the platform (see Config.trustProxy). */
  trustProxy?: number;
  /** Throttling limits (defaultLimits unless a test wants others). */
  limits?: Partial<Limits>;
  /** GUMSTACK_OAUTH_ALLOW_PRIVATE_CLIENTS (see Config.oauthAllowPrivateClients). */
  allowPrivateClients?: boolean;
  /** The MCP clients' registry (tests give their own). */
  clients?: ClientRegistry;
}

/** The platform's services over a store and a runner: the one place they are put together. */
export function assembleServices(parts: ServiceParts): Services {
  const { database, vault, log, publicUrl, runner, cacheTtlMs } = parts;
  const clock = parts.clock ?? clockOf(parts.now);
  const now = () => clock.now();
  const deployed = new DeployedConfigs(database.db, runner);
  const providers = new HostedProviders(runner, vault, deployed, clock);
  const cache = cacheTtlMs === undefined ? {} : { cacheTtlMs };
  const broker: Broker = new Broker({
    db: database.db,
    vault,
    log,
    // A proxied server's provider is built and called by the platform; a hosted one lives in its
    // server's process.
    provider: (name, serverId, call) =>
      proxied.has(serverId)
        ? proxied.provider(serverId, name)
        : providers.lookup(name, serverId, call),
    callbackUrl: `${publicUrl}/auth/callback`,
    clock,
    ...(cacheTtlMs === undefined ? {} : { grantCacheTtlMs: cacheTtlMs }),
  });
  const resolver = new CredentialResolver({
    db: database.db,
    vault,
    log,
    broker,
    // The platform serves many servers: each link names its own.
    link: (purpose, ticket, server) =>
      `${publicUrl}/auth/${purpose === "connect" ? "start" : "form"}/${server.name}?ticket=${ticket}`,
    now,
  });
  const proxied: ProxiedProcesses = new ProxiedProcesses({
    runner,
    resolver,
    broker,
    log,
    now,
    ...parts.proxied,
  });
  return {
    database,
    vault,
    migration: parts.migration,
    log,
    publicUrl,
    now,
    clock,
    runner,
    mcpOrigins: originsOf(publicUrl, parts.mcpAllowedOrigins),
    trustProxy: parts.trustProxy ?? 0,
    throttle: new Throttle(database.db, log, now),
    limits: { ...defaultLimits, ...parts.limits },
    apiKeys: new ApiKeyVerifier(database.db, log, { now, ...cache }),
    mcpTokens: new TokenVerifier(database.db, log, publicUrl, { now, ...cache }),
    providers,
    deployed,
    broker,
    resolver,
    proxied,
    clients:
      parts.clients ??
      createClientRegistry({
        db: database.db,
        clock,
        log,
        allowPrivateClients: parts.allowPrivateClients ?? false,
      }),
  };
}

/** What the platform runs on: the shared store, its logger, and how browsers reach it. */
export async function openServices(
  config: Config,
  log: Logger,
  publicUrl = config.publicUrl ?? urlOf(config.host, config.port),
): Promise<Services> {
  const store = await openStore(config, log);
  const runner = createLocalRunner({
    log,
    sandbox: config.sandbox,
    // Hidden from every sandboxed server, even one whose folder holds them.
    protectedPaths: [config.dataDir, config.vaultKeyFile],
  });
  return assembleServices({
    ...store,
    log,
    publicUrl,
    runner,
    mcpAllowedOrigins: config.mcpAllowedOrigins,
    trustProxy: config.trustProxy,
    allowPrivateClients: config.oauthAllowPrivateClients,
    proxied: {
      maxTotal: config.proxiedMaxProcesses,
      allowPrivateUrls: config.proxiedAllowPrivateUrls,
    },
  });
}

export interface RunningPlatform {
  url: string;
  services: Services;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Servers to register at start (`npm start` registers the examples). */
  seeds?: readonly SeedServer[];
}

export async function startPlatform(
  config: Config,
  log: Logger,
  options: StartOptions = {},
): Promise<RunningPlatform> {
  for (const name of config.unknownVariables) {
    log.warn(`ignoring ${name}: not a Gumstack setting (a typo?)`);
  }
  // Listen first: with port 0 the public URL (handed to every server) needs the port we got.
  let listener: RequestListener = (_req, res) => {
    res.writeHead(503, { "retry-after": "1" });
    res.end("starting");
  };
  // noDelay: what the gateway relays goes out as it arrives. With Nagle's algorithm (Node's
  // default) a write after the answer's head waited for the client's delayed ACK.
  const server = createServer({ noDelay: true }, (req, res) => listener(req, res));
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
    announceFirstAdmin(admin, {
      dataDir: config.dataDir,
      publicUrl: services.publicUrl,
      log,
      terminal: process.stdout.isTTY === true,
    });
  }
  if (options.seeds) await registerSeeds(services, options.seeds);
  listener = createListener(services);
  log.info(`listening on ${url}`, {
    database: services.database.driver === "pglite" ? `embedded (${config.dataDir})` : "postgres",
  });
  // In the background: the platform answers (and shows "starting") while its servers come up.
  const starting = deployRegistered(services).catch((error: unknown) =>
    log.error("starting the registered servers failed", { error }),
  );
  return {
    url,
    services,
    async close() {
      // The servers first: stopping, each sends the platform its last tool calls (activity),
      // which needs the platform still listening. Meanwhile the gateway answers 503.
      services.proxied.close();
      await services.runner.close();
      await stopListening();
      await starting;
      await services.database.close();
    },
  };
}
