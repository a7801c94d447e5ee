import { createHash } from "node:crypto";
import type { Database, Id } from "@gumstack/db";
import { type AuthProvider, createMcpServerProvider } from "@gumstack/oauth";
import { catalog, createCatalogProvider } from "@gumstack/providers";
import { addressCheckedFetch } from "@gumstack/sdk/remote-fetch";
import type { Vault } from "@gumstack/vault";
import { MCP_PROVIDER, type ProxiedConfig } from "./config.js";
import { storedRegistrations } from "./upstream-clients.js";

/** The OAuth app an `oauth` proxied server connects its users with, built by the platform. */
export interface ProxiedProvider {
  provider: AuthProvider;
  /**
   * Which app it is, and whose: the catalog entry, every setting of it (client id and secret,
   * issuer, tenant...) and the server's owner. Two servers with the same app can use each
   * other's connections: a token one of them got refreshes at the other's token endpoint with
   * the same client. The secret and the owner are part of it so that knowing an app's public
   * client id is not enough to be handed its users' tokens: only the same operator's servers,
   * holding the app's secret, share.
   */
  app: string;
  /** The server asks for a connection of its own (`auth.connection: own`). */
  own: boolean;
  /** Ends what the provider holds open (a remote server's connections); once it is replaced. */
  close(): Promise<void>;
}

/** What building a remote server's own provider needs besides its configuration. */
export interface ProviderContext {
  db: Database;
  vault: Vault;
  serverId: Id<"server">;
  /** Who registered it: connections are shared only among one owner's servers. */
  ownerId: string | null;
  /** The broker's `/auth/callback`, the redirect URI registered at the server's authorization server. */
  callbackUrl: string;
  /** GUMSTACK_PROXIED_ALLOW_PRIVATE_URLS: its authorization server may be on a private address. */
  allowPrivateUrls: boolean;
}

/** How long an authorization server's answer's headers may take (each call has its own timeout). */
const HEADERS_TIMEOUT_MS = 15_000;

/**
 * A proxied server has no code of its own to hold an AuthProvider. An `oauth` one names either
 * a provider of the catalog, which the platform builds here from the server's variables
 * (GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET, OIDC_ISSUER...), or `mcp`: a remote server's own
 * MCP authorization, whose authorization server is found from the server's metadata and where
 * the platform registers a client of its own (kept in upstream_clients). The platform calls
 * either itself. Undefined for the other auth modes.
 * @throws ProviderConfigError naming a variable that is missing or malformed.
 */
export function proxiedProvider(
  config: ProxiedConfig,
  variables: Readonly<Record<string, string>>,
  context: ProviderContext,
): ProxiedProvider | undefined {
  const { auth } = config;
  if (auth.type !== "oauth") return undefined;
  const own = auth.connection === "own";
  if (auth.provider === MCP_PROVIDER) {
    const url = config.templates.get("url")?.expand({ env: variables });
    if (url === undefined) throw new Error("an mcp provider needs a remote server's url");
    // Every URL this provider calls is one the remote server's metadata chose: checked like
    // the server's own URL, so it cannot aim the platform at its own network.
    const checked = addressCheckedFetch({
      allowPrivate: context.allowPrivateUrls,
      headersTimeoutMs: HEADERS_TIMEOUT_MS,
    });
    const provider = createMcpServerProvider({
      serverUrl: url,
      callbackUrl: context.callbackUrl,
      clientName: `Gumstack (${config.name})`,
      ...(auth.scopes ? { scopes: auth.scopes } : {}),
      registrations: storedRegistrations(context.db, context.vault, context.serverId),
      fetch: checked.fetch as typeof fetch,
    });
    // Its client is registered for this server alone: its connections are its own.
    return {
      provider,
      app: `${MCP_PROVIDER}:${context.serverId}`,
      own: true,
      close: checked.close,
    };
  }
  const provider = createCatalogProvider(auth.provider, {
    env: variables,
    ...(auth.scopes ? { scopes: auth.scopes } : {}),
  });
  const entry = catalog[auth.provider];
  const names = [
    entry?.env.clientId,
    entry?.env.clientSecret,
    ...Object.values(entry?.env.extra ?? {}),
  ];
  const settings = names.map((name) => (name === undefined ? "" : (variables[name]?.trim() ?? "")));
  const app = createHash("sha256")
    .update(JSON.stringify([auth.provider, context.ownerId, ...settings]))
    .digest("base64url");
  return { provider, app, own, close: async () => undefined };
}
