import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { Configuration, ResourceServer } from "oidc-provider";
import type { TestAuthServerOptions } from "./auth-server.js";
import { createMemoryAdapter } from "./memory-adapter.js";

/**
 * oidc-provider settings for a test server: one confidential client, the code flow only, refresh
 * tokens without offline_access, our own interaction pages and storage. Each choice that differs
 * from oidc-provider's default says why.
 */
export function providerConfiguration(
  options: TestAuthServerOptions,
  clientId: string,
  clientSecret: string,
): Configuration {
  const accounts = options.accounts ?? {};
  // EC keys generate in a millisecond; the client is told to expect ES256 ID tokens to match.
  const signingKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
  return {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [...options.redirectUris],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: options.clientAuth ?? "client_secret_basic",
        id_token_signed_response_alg: "ES256",
      },
    ],
    adapter: createMemoryAdapter(),
    jwks: { keys: [{ ...signingKey.export({ format: "jwk" }), use: "sig", alg: "ES256" }] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    scopes: ["openid", "offline_access", ...(options.scopes ?? [])],
    claims: {
      openid: ["sub"],
      profile: ["name", "preferred_username"],
      email: ["email", "email_verified"],
    },
    features: {
      devInteractions: { enabled: false },
      // The default policy, set only to silence its "you SHOULD change" notice: own tokens only.
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      ...(options.registration === true ? { registration: { enabled: true } } : {}),
      ...(options.resourceIndicators === true
        ? { resourceIndicators: resourceIndicators(options) }
        : {}),
    },
    // What a registered client does not say; the static client says it itself.
    ...(options.registration === true
      ? { clientDefaults: { id_token_signed_response_alg: "ES256" } }
      : {}),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => options.requirePkce ?? true },
    // The default issues refresh tokens only for offline_access, which oidc-provider drops unless
    // the request also says prompt=consent; real providers issue them for the code flow itself.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    // Tokens outlive the login session, as a connection does: the browser here is thrown away.
    expiresWithSession: () => false,
    rotateRefreshToken: options.rotateRefreshTokens ?? true,
    // Every ttl is set: oidc-provider prints a notice for each one left to its default.
    ttl: {
      AccessToken: options.accessTokenTtl ?? 3600,
      AuthorizationCode: 60,
      Grant: 30 * 24 * 3600,
      IdToken: 3600,
      Interaction: 600,
      RefreshToken: options.refreshTokenTtl ?? 14 * 24 * 3600,
      Session: 24 * 3600,
    },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, preferred_username: sub, name: sub, ...accounts[sub] }),
    }),
  };
}

type ResourceIndicators = NonNullable<NonNullable<Configuration["features"]>["resourceIndicators"]>;

/** Any http(s) resource is a resource server here; its tokens are JWTs for that audience. */
function resourceIndicators(options: TestAuthServerOptions): ResourceIndicators {
  return {
    enabled: true,
    getResourceServerInfo: (_ctx, resourceIndicator): ResourceServer => {
      if (!/^https?:\/\//.test(resourceIndicator)) throw new Error("not an http(s) resource");
      return {
        scope: (options.scopes ?? []).join(" "),
        audience: resourceIndicator,
        accessTokenTTL: options.accessTokenTtl ?? 3600,
        accessTokenFormat: "jwt",
        jwt: { sign: { alg: "ES256" } },
      };
    },
  };
}
