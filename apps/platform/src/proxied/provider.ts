import { createHash } from "node:crypto";
import type { AuthProvider } from "@gumstack/oauth";
import { catalog, createCatalogProvider } from "@gumstack/providers";
import type { ProxiedConfig } from "./config.js";

/** The OAuth app an `oauth` proxied server connects its users with, built by the platform. */
export interface ProxiedProvider {
  provider: AuthProvider;
  /**
   * Which app it is: the catalog entry and every setting of it but the secret (client id,
   * issuer, tenant...). Two servers with the same app can use each other's connections: a token
   * one of them got refreshes at the other's token endpoint with the same client.
   */
  app: string;
  /** The server asks for a connection of its own (`auth.connection: own`). */
  own: boolean;
}

/**
 * A proxied server has no code of its own to hold an AuthProvider: an `oauth` one names a
 * provider of the catalog, which the platform builds here from the server's variables
 * (GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET, OIDC_ISSUER...) and calls itself. Undefined for the
 * other auth modes. @throws ProviderConfigError naming a variable that is missing or malformed.
 */
export function proxiedProvider(
  config: ProxiedConfig,
  variables: Readonly<Record<string, string>>,
): ProxiedProvider | undefined {
  const { auth } = config;
  if (auth.type !== "oauth") return undefined;
  const provider = createCatalogProvider(auth.provider, {
    env: variables,
    ...(auth.scopes ? { scopes: auth.scopes } : {}),
  });
  const entry = catalog[auth.provider];
  const settings = [entry?.env.clientId, ...Object.values(entry?.env.extra ?? {})].map((name) =>
    name === undefined ? "" : (variables[name]?.trim() ?? ""),
  );
  const app = createHash("sha256")
    .update(JSON.stringify([auth.provider, ...settings]))
    .digest("base64url");
  return { provider, app, own: auth.connection === "own" };
}
