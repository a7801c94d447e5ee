import type { Broker, CredentialResolver } from "@gumstack/broker";
import type { Logger } from "@gumstack/log";
import type { ApiKeyVerifier, Clock, Store, Throttle } from "@gumstack/runtime";
import type { HttpBindings } from "@hono/node-server";
import type { RequestIdVariables } from "hono/request-id";
import type { Limits } from "./accounts/limits.js";
import type { Session } from "./accounts/sessions.js";
import type { ClientRegistry } from "./authorization/contracts.js";
import type { TokenVerifier } from "./authorization/token-verifier.js";
import type { HostedProviders } from "./oauth/hosted-providers.js";
import type { ProxiedProcesses } from "./proxied/processes.js";
import type { Runner } from "./runner/index.js";
import type { DeployedConfigs } from "./servers/deployed.js";

/** What the platform holds for the life of the process; handed to every request. */
export interface Services extends Store {
  log: Logger;
  /** How browsers reach the platform; its origin is the only one cookie-authenticated writes may come from. */
  publicUrl: string;
  now: () => number;
  /** The browser origins that may call `/mcp/…`: ours and the configured ones. */
  mcpOrigins: ReadonlySet<string>;
  /** Reverse proxies in front of the platform: how far back in X-Forwarded-For the client is. */
  trustProxy: number;
  /** Attempt counting for sign-in, sign-up, password changes and connect starts, in the database. */
  throttle: Throttle;
  limits: Limits;
  /** The clock of `now` and of every deadline's timer (tests move it). */
  clock: Clock;
  /** Starts, watches and replaces the hosted servers' processes. */
  runner: Runner;
  /** The processes of proxied stdio servers: shared, or one per user, on top of the runner. */
  proxied: ProxiedProcesses;
  /** Resolves MCP clients' API keys at the gateway. */
  apiKeys: ApiKeyVerifier;
  /** Resolves MCP clients' OAuth access tokens at the gateway. */
  mcpTokens: TokenVerifier;
  /** One broker for every server: states, connections and refresh, behind one /auth/callback. */
  broker: Broker;
  /** The hosted servers' AuthProviders, each running in its server's process. */
  providers: HostedProviders;
  /** What each server's newest deployment was made with: all that serving reads of its config. */
  deployed: DeployedConfigs;
  /** The one answer to "what credentials does this user get here", for /internal/credentials. */
  resolver: CredentialResolver;
  /** Who an MCP client's client_id is, and which redirect URIs it may use (authorization/). */
  clients: ClientRegistry;
}

export interface AppEnv {
  /** The Node request and response: absent when the app is called in process (tests). */
  Bindings: Partial<HttpBindings>;
  Variables: RequestIdVariables &
    Services & {
      /** Set by requireSession. */
      session: Session;
    };
}
