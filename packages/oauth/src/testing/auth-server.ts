import { randomBytes } from "node:crypto";
import { createServer, type RequestListener, type Server } from "node:http";
import { browseToCallback } from "./browser.js";
import { createInteractionRoutes } from "./interactions.js";
import { loadOidcProvider } from "./load-oidc-provider.js";
import { providerConfiguration } from "./provider-configuration.js";
import { type ResourceRequest, recordRequests } from "./request-log.js";
import { countTokenRequests, type TokenRequestCounts } from "./token-counter.js";

export interface TestAuthServerOptions {
  /** The client's registered redirect URIs; authorize() stops at a redirect to one of them. */
  redirectUris: readonly string[];
  /** Access-token lifetime in seconds (the `expires_in` issued). Default 3600. */
  accessTokenTtl?: number;
  /** Refresh-token lifetime in seconds. Default 14 days. */
  refreshTokenTtl?: number;
  /** Scopes beyond openid, offline_access, profile and email that the server grants. */
  scopes?: readonly string[];
  /** Extra userinfo claims per account id (name, email...), over the defaults. */
  accounts?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Default "client_secret_basic". */
  clientAuth?: "client_secret_basic" | "client_secret_post";
  /** Refuse authorization requests without PKCE. Default true, so a client that forgets fails. */
  requirePkce?: boolean;
  /** A new refresh token on every refresh; reusing an old one revokes the grant. Default true. */
  rotateRefreshTokens?: boolean;
  /**
   * RFC 7591 dynamic client registration at `/reg`, open to anyone (no initial access token), as
   * MCP servers' authorization servers run it. Registered clients sign ID tokens with ES256 too.
   * Default false.
   */
  registration?: boolean;
  /**
   * RFC 8707 resource indicators: a request naming an http(s) `resource` gets a JWT access token
   * (ES256, verifiable with the server's JWKS) whose `aud` is that resource and whose scopes are
   * those of `scopes` it asked for; it is refused at userinfo, as oidc-provider refuses every
   * token with an audience. Default false: opaque tokens for userinfo only.
   */
  resourceIndicators?: boolean;
}

export interface AuthorizeOptions {
  /** The account name typed at login; any name is accepted. */
  account: string;
}

export interface TestAuthServer {
  /** `http://127.0.0.1:<port>`: discovery is at `${issuer}/.well-known/openid-configuration`. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Token-endpoint requests seen so far, by grant type, successful or not. */
  counts(): TokenRequestCounts;
  /** The `resource` of every authorization and token request so far, in order. */
  resourceRequests(): ResourceRequest[];
  /** Dynamic registration requests so far, successful or not. */
  registrations(): number;
  /**
   * Signs `account` in and consents, over HTTP, as a browser would. Returns the redirect back to
   * the client, with `code` and `state` (or `error`).
   */
  authorize(authorizationUrl: string, options: AuthorizeOptions): Promise<URL>;
  /** Revokes every grant the account gave, with their tokens: the next refresh is invalid_grant. */
  revokeGrants(account: string): Promise<void>;
  close(): Promise<void>;
}

const CLIENT_ID = "gumstack-test-client";

/**
 * A real OpenID Provider (oidc-provider 9) on 127.0.0.1 with one confidential client: code flow
 * with PKCE S256, refresh tokens, userinfo and RFC 7009 revocation, all in memory.
 *
 * An account's userinfo is `{ sub, preferred_username: id, name: id }` plus `accounts[id]`, so
 * its nickname is the account id unless the test says otherwise.
 */
export async function startTestAuthServer(options: TestAuthServerOptions): Promise<TestAuthServer> {
  const Provider = await loadOidcProvider();
  // The issuer names the port, so the server listens before the provider exists.
  let handle: RequestListener = () => {};
  const server = createServer((req, res) => handle(req, res));
  const issuer = await listen(server);
  const clientSecret = randomBytes(32).toString("base64url");
  const provider = new Provider(issuer, providerConfiguration(options, CLIENT_ID, clientSecret));
  const counts = countTokenRequests(provider);
  const log = recordRequests(provider);
  const grants = new Map<string, Set<string>>();
  const interactions = createInteractionRoutes(provider, (accountId, grantId) => {
    grants.set(accountId, (grants.get(accountId) ?? new Set()).add(grantId));
  });
  const callback = provider.callback();
  handle = (req, res) => {
    void interactions(req, res).then((handled) => (handled ? undefined : callback(req, res)));
  };

  return {
    issuer,
    clientId: CLIENT_ID,
    clientSecret,
    counts,
    resourceRequests: log.resourceRequests,
    registrations: log.registrations,
    authorize: (authorizationUrl, { account }) =>
      browseToCallback(authorizationUrl, {
        account,
        redirectUris: options.redirectUris,
        origin: issuer,
      }),
    async revokeGrants(account) {
      for (const grantId of grants.get(account) ?? []) {
        await Promise.all([
          provider.AccessToken.revokeByGrantId(grantId),
          provider.RefreshToken.revokeByGrantId(grantId),
          provider.AuthorizationCode.revokeByGrantId(grantId),
        ]);
        await (await provider.Grant.find(grantId))?.destroy();
      }
      grants.delete(account);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("not listening on TCP");
  return `http://127.0.0.1:${address.port}`;
}
