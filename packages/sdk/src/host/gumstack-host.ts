import type { AddressInfo } from "node:net";
import {
  Broker,
  type BrokerOptions,
  CredentialResolver,
  type CredentialServer,
  type ServerAuth,
} from "@gumstack/broker";
import type { Id } from "@gumstack/db";
import { createLogger, type Logger } from "@gumstack/log";
import type { AuthProvider } from "@gumstack/oauth";
import { createCatalogProvider, ProviderConfigError, providerNames } from "@gumstack/providers";
import {
  ApiKeyVerifier,
  type Clock,
  clockOf,
  createUser,
  issueApiKey,
  loadConfig,
  openStore,
  originsOf,
  type Config as RuntimeConfig,
  type Store,
} from "@gumstack/runtime";
import { serve } from "@hono/node-server";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  loadServerConfig,
  parseServerConfig,
  type ServerConfig,
  type ServerConfigInput,
} from "../config.js";
import { ServerConfigError } from "../errors.js";
import { withoutReserved } from "../names.js";
import { ActivityObserver, ActivityReporter } from "./activity/index.js";
import { createHostApp } from "./app.js";
import type { HostServices } from "./app-env.js";
import { hostCommands, runHostCommand } from "./commands.js";
import { createHostedApp } from "./hosted-app.js";
import { HostedCredentialSource } from "./hosted-source.js";
import { LocalCredentialSource } from "./local-source.js";
import { PlatformClient } from "./platform-client.js";
import { ensureServer } from "./server-record.js";
import { redactingFinish } from "./streamable/endpoint.js";
import { Router, type RouterObserver } from "./streamable/router.js";
import { perSessionClientState } from "./streamable/session-state.js";
import { type SessionOptions, Sessions } from "./streamable/sessions.js";
import { UrlElicitations } from "./url-elicitations.js";

export interface HostOptions {
  /** The process environment by default: the host's settings, and what `none` servers hand out. */
  env?: Readonly<Record<string, string | undefined>>;
  log?: Logger;
  /** Where a finished authorization may redirect besides our own paths. */
  allowedReturnUrls?: readonly string[];
  /** Token refresh timing, in milliseconds (see BrokerOptions). */
  refresh?: Pick<BrokerOptions, "refreshMarginMs" | "leaseTtlMs" | "refreshTimeoutMs">;
  /**
   * How long a verified API key and a fresh token are reused from memory before the database is
   * asked again (default 2000 ms; 0 turns it off): a revocation or a disconnect made by another
   * process is seen within this time. This process forgets what it changes at once.
   */
  cacheTtlMs?: number;
  /** MCP sessions: how long an idle one lives, and how many at once (see Sessions). */
  sessions?: Pick<SessionOptions, "idleMs" | "max">;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
  /** The clock of `now` and of every deadline's timer; given, it wins over `now`. */
  clock?: Clock;
}

/**
 * How long requests still being served on sessions get to finish at shutdown. Under the
 * runner's own drain (30 s), which then stops the process: this one is the hop below.
 */
const DRAIN_MS = 10_000;

const urlOf = (host: string, port: number) =>
  `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

interface Started {
  /** Standalone only: a hosted server keeps no store of its own. */
  services: HostServices | undefined;
  app: { fetch: (request: Request, env?: unknown) => Response | Promise<Response> };
  runtime: RuntimeConfig;
  log: Logger;
}

/**
 * Wraps an McpServer with users, credentials and the OAuth broker. Standalone, `run()` serves
 * /mcp, /auth/* and /healthz on its own port, storing in embedded PGlite (or DATABASE_URL);
 * `fetch` mounts the same in another server.
 */
export class GumstackHost {
  readonly config: ServerConfig;
  private readonly providers = new Map<string, AuthProvider>();
  /** Run by close(): the sessions (always first), then what reports on the server. */
  private readonly closers: Array<() => Promise<void>> = [];
  private started: Promise<Started> | undefined;
  /** What `started` came to, once it did: a request is then served without waiting on it. */
  private ready: Started | undefined;
  private readonly env: Readonly<Record<string, string | undefined>>;
  /** Where `run()` listens, known before the store opens: the default public URL. */
  private listeningUrl: string | undefined;
  /** Set once connected: what a shutdown drains first. */
  private sessions: Sessions | undefined;

  private readonly clock: Clock;

  constructor(
    private readonly mcp: McpServer,
    config: ServerConfigInput | string,
    private readonly options: HostOptions = {},
  ) {
    this.config = typeof config === "string" ? loadServerConfig(config) : parseServerConfig(config);
    this.env = options.env ?? process.env;
    this.clock = options.clock ?? clockOf(options.now);
  }

  /** Registers the provider an oauth server's users connect with. */
  registerAuth(provider: AuthProvider): this {
    if (this.config.auth.type !== "oauth") {
      throw new ServerConfigError(
        `${this.config.name} has auth type "${this.config.auth.type}": only oauth servers take an AuthProvider`,
      );
    }
    if (this.providers.has(provider.name))
      throw new ServerConfigError(`an AuthProvider named "${provider.name}" is already registered`);
    if (this.started) throw new ServerConfigError("register providers before the host starts");
    this.providers.set(provider.name, provider);
    return this;
  }

  /**
   * The provider this oauth server uses: the configured one, or the only one registered. A
   * `provider:` that no registered AuthProvider answers to is looked up in the catalogue
   * (packages/providers) and built from this server's variables (GITHUB_CLIENT_ID...).
   */
  private providerName(): string | undefined {
    const { auth } = this.config;
    if (auth.type !== "oauth") return undefined;
    if (
      auth.provider &&
      !this.providers.has(auth.provider) &&
      providerNames.includes(auth.provider)
    ) {
      try {
        this.providers.set(
          auth.provider,
          createCatalogProvider(auth.provider, {
            env: this.env,
            ...(auth.scopes ? { scopes: auth.scopes } : {}),
          }),
        );
      } catch (error) {
        if (!(error instanceof ProviderConfigError)) throw error;
        throw new ServerConfigError(`auth.provider ${auth.provider}: ${error.message}`, {
          cause: error,
        });
      }
    }
    const name =
      auth.provider ?? (this.providers.size === 1 ? [...this.providers.keys()][0] : undefined);
    if (name === undefined || !this.providers.has(name)) {
      throw new ServerConfigError(
        auth.provider
          ? `auth.provider is "${auth.provider}" but no AuthProvider by that name is registered (call host.registerAuth)`
          : "an oauth server needs an AuthProvider: call host.registerAuth(provider) before starting",
      );
    }
    return name;
  }

  /** Opens the store and connects the McpServer; once, however often it is called. */
  start(): Promise<Started> {
    this.started ??= this.open().then((started) => {
      this.ready = started;
      return started;
    });
    return this.started;
  }

  private async open(): Promise<Started> {
    const runtime = loadConfig(this.env);
    const log =
      this.options.log ?? createLogger({ level: runtime.logLevel, format: runtime.logFormat });
    if (runtime.hosted) return this.openHosted(runtime, log);
    const provider = this.providerName();
    const store = await openStore(runtime, log);
    try {
      return await this.assemble(runtime, log, provider, store);
    } catch (error) {
      await store.database.close();
      throw error;
    }
  }

  /** Everything the routes need, on an open store. */
  private async assemble(
    runtime: RuntimeConfig,
    log: Logger,
    provider: string | undefined,
    store: Store,
  ): Promise<Started> {
    const { clock } = this;
    const now = () => clock.now();
    const publicUrl = runtime.publicUrl ?? this.listeningUrl ?? urlOf(runtime.host, runtime.port);
    const serverId = await ensureServer(store.database.db, this.config);
    const broker =
      provider === undefined
        ? undefined
        : new Broker({
            db: store.database.db,
            vault: store.vault,
            log,
            // One server per standalone store: the name alone picks the provider.
            provider: (name) => this.providers.get(name),
            callbackUrl: `${publicUrl}/auth/callback`,
            allowedReturnUrls: this.options.allowedReturnUrls ?? [],
            clock,
            ...this.options.refresh,
            ...(this.options.cacheTtlMs === undefined
              ? {}
              : { grantCacheTtlMs: this.options.cacheTtlMs }),
          });
    const env = withoutReserved(this.env);
    if (this.config.auth.type === "none") {
      const missing = this.config.auth.env.filter((name) => env[name] === undefined);
      if (missing.length > 0) log.warn(`environment variables not set: ${missing.join(", ")}`);
    }
    const resolver = new CredentialResolver({
      db: store.database.db,
      vault: store.vault,
      log,
      broker,
      // One server here: the links need no server in their path.
      link: (purpose, ticket) =>
        `${publicUrl}/auth/${purpose === "connect" ? "start" : "form"}?ticket=${ticket}`,
      environment: env,
      now,
    });
    const server: CredentialServer = {
      id: serverId,
      name: this.config.name,
      auth: this.serverAuth(provider),
    };
    const { router, sessions } = await this.connect(log);
    const elicitations = new UrlElicitations((id, message) => router.toSession(id, message), now);
    const source = new LocalCredentialSource(resolver, server, (call) => elicitations.begin(call));
    const apiKeys = new ApiKeyVerifier(store.database.db, log, {
      now,
      ...(this.options.cacheTtlMs === undefined ? {} : { cacheTtlMs: this.options.cacheTtlMs }),
    });
    const services: HostServices = {
      elicitations,
      config: this.config,
      serverId,
      store,
      log,
      broker,
      provider,
      now,
      publicUrl,
      secureCookies: publicUrl.startsWith("https:"),
      mcp: {
        router,
        sessions,
        serverId,
        source,
        log,
        challenge: `Bearer realm="${this.config.name}"`,
        origins: originsOf(publicUrl, runtime.mcpAllowedOrigins),
        authenticate: async (request) => {
          const userId = await apiKeys.verify(request.header("authorization") ?? null);
          return userId === null ? null : { userId };
        },
      },
    };
    return { services, app: createHostApp(services), runtime, log };
  }

  /** What the resolver needs of this server's auth: its provider, or its fields. */
  private serverAuth(provider: string | undefined): ServerAuth {
    const { auth } = this.config;
    if (auth.type === "oauth") {
      if (provider === undefined) throw new ServerConfigError("an oauth server needs a provider");
      return { type: "oauth", provider };
    }
    return auth.type === "cred" ? { type: "cred", fields: auth.fields } : { type: "none" };
  }

  /** Run by the platform: users, credentials and OAuth are the platform's; no store here. */
  private async openHosted(runtime: RuntimeConfig, log: Logger): Promise<Started> {
    const hosted = runtime.hosted as NonNullable<RuntimeConfig["hosted"]>;
    const { clock } = this;
    const now = () => clock.now();
    const provider = this.providerName();
    // The one client of the platform's internal API, for credentials and activity alike.
    const client = new PlatformClient({ ...hosted, clock });
    // Every tool call is reported to the platform's activity view; closing the host sends the last.
    const activity = new ActivityObserver(new ActivityReporter({ client, log }), now);
    const { router, sessions } = await this.connect(log, activity);
    const elicitations = new UrlElicitations((id, message) => router.toSession(id, message), now);
    const source = new HostedCredentialSource({
      authType: this.config.auth.type,
      client,
      env: withoutReserved(this.env),
      log,
      now,
      onAuthRequired: (call, url) => {
        activity.authRequired(call, url);
        return elicitations.begin(call);
      },
    });
    this.closers.push(() => activity.close());
    const app = createHostedApp({
      config: this.config,
      serverId: hosted.serverId,
      runtimeSecret: hosted.runtimeSecret,
      router,
      sessions,
      source,
      elicitations,
      provider: provider === undefined ? undefined : this.providers.get(provider),
      log,
      now,
    });
    return { services: undefined, app, runtime, log };
  }

  /**
   * Connects the McpServer to the router every client's channel goes through, with each
   * session's client state its own (see perSessionClientState).
   */
  private async connect(
    log: Logger,
    observer?: RouterObserver,
  ): Promise<{ router: Router; sessions: Sessions }> {
    const router = new Router(observer);
    router.onerror = (error) => log.debug("a client's stream", { error });
    perSessionClientState(this.mcp.server);
    await this.mcp.connect(router);
    const sessions = new Sessions(router, redactingFinish(log), {
      ...this.options.sessions,
      now: () => this.clock.now(),
    });
    // Sessions end before the server closes: their clients' streams close cleanly.
    this.closers.unshift(() => sessions.close());
    this.sessions = sessions;
    return { router, sessions };
  }

  /** The standalone host's store and services (for tools and tests); a hosted server has none. */
  async standaloneServices(): Promise<HostServices> {
    const { services } = await this.start();
    if (!services)
      throw new ServerConfigError("this server is hosted by the platform: users are managed there");
    return services;
  }

  /**
   * A fetch handler, to mount the host inside another HTTP server. `env` is the server's
   * bindings (@hono/node-server's `{ incoming, outgoing }`), passed on when there are any.
   */
  readonly fetch = (request: Request, env?: unknown): Response | Promise<Response> =>
    this.ready
      ? this.ready.app.fetch(request, env)
      : this.start().then((started) => started.app.fetch(request, env));

  /** Creates a user and their first API key (returned once); what `users add` does. */
  async addUser(name: string): Promise<{ userId: Id<"user">; apiKey: string }> {
    const services = await this.standaloneServices();
    const userId = await createUser(services.store.database.db, name);
    const { key } = await issueApiKey(services.store.database.db, userId, "first key");
    return { userId, apiKey: key };
  }

  /**
   * Serves the host on GUMSTACK_HOST:GUMSTACK_PORT and resolves once it is ready. Given a command
   * on the command line instead (`node server.js users add ada`), runs it and exits.
   */
  async run(
    argv: readonly string[] = process.argv.slice(2),
  ): Promise<{ url: string; close(): Promise<void> }> {
    if (argv[0] !== undefined && hostCommands.includes(argv[0])) {
      const services = await this.standaloneServices();
      const code = await runHostCommand(services, argv, (line) =>
        process.stdout.write(`${line}\n`),
      );
      await this.close();
      process.exit(code);
    }
    const runtime = loadConfig(this.env);
    // Listen first: with port 0 the callback URL needs the port we got. Early requests wait.
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      // noDelay: an answer's head and body go out as they are written. With Nagle's algorithm
      // (Node's default) a body written after its head waits for the client's delayed ACK.
      const s = serve(
        {
          fetch: this.fetch,
          hostname: runtime.host,
          port: runtime.port,
          serverOptions: { noDelay: true },
        },
        () => resolve(s),
      );
      s.once("error", reject);
    });
    const stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
    const url = urlOf(runtime.host, (server.address() as AddressInfo).port);
    this.listeningUrl = url;
    let log: Logger;
    try {
      ({ log } = await this.start());
    } catch (error) {
      await stop();
      throw error;
    }
    log.info(`${this.config.name} listening on ${url}/mcp`, {
      auth: this.config.auth.type,
    });
    const close = async () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      // No new connections; then the sessions drain (their open streams end, their requests
      // get a while), which the server's own close would otherwise wait on forever.
      const stopped = stop();
      await this.sessions?.drain(DRAIN_MS);
      await this.close();
      await stopped;
    };
    // run() owns the process: a signal finishes the requests in flight, closes the store, exits.
    const onSignal = (signal: NodeJS.Signals) => {
      log.info(`${signal}: shutting down`);
      void close().then(() => process.exit(0));
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    return { url, close };
  }

  async close(): Promise<void> {
    const started = await this.started;
    if (!started) return;
    this.started = undefined;
    this.ready = undefined;
    const [first, ...rest] = this.closers.splice(0);
    // The sessions first (their streams end), then the server, then what reports on it.
    await first?.();
    await this.mcp.close();
    for (const close of rest) await close();
    await started.services?.store.database.close();
  }
}
