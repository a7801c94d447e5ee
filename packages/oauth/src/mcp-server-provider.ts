import { authenticateClient } from "./client-auth.js";
import type { DiscoveryRequestOptions } from "./discovery.js";
import { discoveryRequest } from "./discovery.js";
import { OAuthError, ProviderResponseError } from "./errors.js";
import { oauthRequest } from "./http.js";
import {
  type AuthorizationServerMetadata,
  discoverAuthorizationServer,
} from "./mcp/authorization-server.js";
import { movedAway } from "./mcp/moved-away.js";
import { discoverProtectedResource, type ProtectedResource } from "./mcp/protected-resource.js";
import {
  type ClientRegistrations,
  isUsable,
  type RegisteredClient,
  registerClient,
} from "./mcp/registration.js";
import { canonicalResourceUri } from "./mcp/resource-uri.js";
import { TokenNotes } from "./mcp/token-notes.js";
import { pickNickname } from "./nickname.js";
import { codeChallengeS256 } from "./pkce.js";
import type {
  AuthorizationUrlOptions,
  AuthProvider,
  ExchangeOptions,
  TokenResponse,
} from "./provider.js";
import { parseTokenResponse } from "./token-response.js";

export interface McpServerProviderOptions extends DiscoveryRequestOptions {
  /** The remote MCP server's endpoint, e.g. `https://mcp.example.com/mcp`. */
  serverUrl: string;
  /** The broker's callback: the one redirect URI registered at the server's authorization server. */
  callbackUrl: string;
  /** `client_name` at registration: what the authorization server shows on its consent page. */
  clientName: string;
  /** Asked for instead of the server's challenge or `scopes_supported`. */
  scopes?: readonly string[];
  /** One registered client per issuer, kept by the caller (encrypted: it holds a secret). */
  registrations: ClientRegistrations;
}

/** What discovery found for the server, kept for the provider's life. */
interface Discovery {
  resource: ProtectedResource;
  server: AuthorizationServerMetadata;
}

/**
 * A remote MCP server's own OAuth (MCP authorization, 2025-11-25), from the client side: finds the
 * server's authorization server through RFC 9728 and RFC 8414, registers a client there (RFC 7591)
 * once per issuer, and asks for tokens bound to the server with PKCE S256 and RFC 8707's
 * `resource` on every authorization, code exchange and refresh. The broker does the rest.
 */
export function createMcpServerProvider(options: McpServerProviderOptions): McpServerProvider {
  return new McpServerProvider(options);
}

export class McpServerProvider implements AuthProvider {
  readonly name = "mcp";
  /** The MCP spec requires PKCE; a flow without a verifier is refused. */
  readonly pkce = true;
  readonly defaultScopes?: readonly string[];
  readonly #options: McpServerProviderOptions;
  readonly #notes = new TokenNotes();
  #discovery: Promise<Discovery> | undefined;
  /** The registration in use, once loaded or made; replaced when the server rejects it. */
  #client: RegisteredClient | undefined;
  #registering: Promise<RegisteredClient> | undefined;
  /** Client ids the authorization server refused (invalid_client) or whose secret expired. */
  readonly #rejected = new Set<string>();

  constructor(options: McpServerProviderOptions) {
    canonicalResourceUri(options.serverUrl, "serverUrl");
    if (!URL.canParse(options.callbackUrl)) throw new TypeError("callbackUrl must be a URL");
    if (options.clientName.trim() === "") throw new TypeError("clientName must not be empty");
    this.#options = options;
    if (options.scopes !== undefined && options.scopes.length > 0) {
      this.defaultScopes = options.scopes;
    }
  }

  async getUrl(redirectUri: string, state: string, options: AuthorizationUrlOptions): Promise<URL> {
    this.#checkRedirectUri(redirectUri);
    if (options.codeVerifier === undefined) {
      throw new TypeError("an MCP server's authorization needs PKCE: codeVerifier is missing");
    }
    const { resource, server } = await this.#discover();
    const client = await this.#usableClient(server);
    const url = new URL(server.authorizationEndpoint);
    url.searchParams.set("response_type", "code");
    url.searchParams.set("client_id", client.clientId);
    url.searchParams.set("redirect_uri", redirectUri);
    url.searchParams.set("state", state);
    url.searchParams.set("code_challenge", codeChallengeS256(options.codeVerifier));
    url.searchParams.set("code_challenge_method", "S256");
    url.searchParams.set("resource", resource.resource);
    const scopes = pickScopes(options.scopes, resource);
    if (scopes.length > 0) url.searchParams.set("scope", scopes.join(" "));
    return url;
  }

  async exchange(
    code: string,
    redirectUri: string,
    options: ExchangeOptions,
  ): Promise<TokenResponse> {
    this.#checkRedirectUri(redirectUri);
    return this.#withRediscovery(async ({ resource, server }) => {
      // RFC 9207 §2.4: a code from another issuer is never sent to this one's token endpoint.
      if (options.issuer !== undefined && options.issuer !== server.issuer) {
        throw new ProviderResponseError(
          `the authorization response names issuer "${options.issuer}", not "${server.issuer}"`,
          undefined,
        );
      }
      const form: Record<string, string> = {
        grant_type: "authorization_code",
        code,
        redirect_uri: redirectUri,
        resource: resource.resource,
      };
      if (options.codeVerifier !== undefined) form.code_verifier = options.codeVerifier;
      const { tokens, client } = await this.#tokenRequest(server, form, false);
      this.#notes.remember(tokens, server.issuer, client.clientId);
      return tokens;
    });
  }

  /** The refresh token belongs to the registered client; a client the server forgot ends it. */
  async refresh(refreshToken: string): Promise<TokenResponse> {
    return this.#withRediscovery(async ({ resource, server }) => {
      const form = {
        grant_type: "refresh_token",
        refresh_token: refreshToken,
        resource: resource.resource,
      };
      try {
        return (await this.#tokenRequest(server, form, true)).tokens;
      } catch (error) {
        if (!(error instanceof OAuthError && error.code === "invalid_client")) throw error;
        // The grant cannot outlive its client: invalid_grant makes the broker ask to reconnect.
        throw new OAuthError(
          "invalid_grant",
          "the authorization server no longer accepts the registered client (invalid_client)",
          error.status,
          { cause: error },
        );
      }
    });
  }

  /**
   * The ID token's name for the account when the exchange brought one; else userinfo when
   * `openid` was granted and the server has the endpoint (servers that bind tokens to the MCP
   * server, as oidc-provider does, refuse them there); else the server's host, which is stable
   * and readable.
   */
  async getNickname(accessToken: string): Promise<string> {
    const note = this.#notes.take(accessToken);
    if (note?.nickname !== undefined) return note.nickname;
    const { server } = await this.#discover();
    if (note?.openid === true && server.userinfoEndpoint !== undefined) {
      const named = await this.#userinfoName(server.userinfoEndpoint, accessToken);
      if (named !== undefined) return named;
    }
    return new URL(this.#options.serverUrl).host;
  }

  /** RFC 7009, with the registered client's credentials. */
  async revoke(token: string): Promise<void> {
    const { server } = await this.#discover();
    if (server.revocationEndpoint === undefined) {
      throw new ProviderResponseError(
        `authorization server ${server.issuer} has no revocation_endpoint`,
        undefined,
      );
    }
    const client = await this.#storedClient(server);
    const auth = authenticateClient(credentialsOf(client), { token });
    await oauthRequest(server.revocationEndpoint, {
      ...discoveryRequest(this.#options),
      method: "POST",
      form: auth.form,
      headers: auth.headers,
    });
  }

  #checkRedirectUri(redirectUri: string): void {
    if (redirectUri !== this.#options.callbackUrl) {
      throw new TypeError("redirectUri must be the provider's callbackUrl, the one registered");
    }
  }

  /** Discovery once per provider; a failed one is not kept, so the next call tries again. */
  #discover(): Promise<Discovery> {
    if (this.#discovery === undefined) {
      const discovery = this.#discoverNow();
      this.#discovery = discovery;
      discovery.catch(() => {
        if (this.#discovery === discovery) this.#discovery = undefined;
      });
    }
    return this.#discovery;
  }

  async #discoverNow(): Promise<Discovery> {
    const resource = await discoverProtectedResource(this.#options.serverUrl, this.#options);
    const server = await discoverAuthorizationServer(resource.authorizationServer, this.#options);
    return { resource, server };
  }

  /**
   * Runs a call against what discovery found; when it fails because an endpoint is no longer
   * there, discovers again and, if anything moved, runs it once more.
   */
  async #withRediscovery<T>(call: (discovery: Discovery) => Promise<T>): Promise<T> {
    const pending = this.#discover();
    const before = await pending;
    try {
      return await call(before);
    } catch (error) {
      if (!movedAway(error)) throw error;
      if (this.#discovery === pending) this.#discovery = undefined;
      const after = await this.#discover();
      if (JSON.stringify(after) === JSON.stringify(before)) throw error;
      return call(after);
    }
  }

  async #tokenRequest(
    server: AuthorizationServerMetadata,
    form: Record<string, string>,
    idempotent: boolean,
  ): Promise<{ tokens: TokenResponse; client: RegisteredClient }> {
    const client = await this.#storedClient(server);
    const auth = authenticateClient(credentialsOf(client), form);
    try {
      const { status, body } = await oauthRequest(server.tokenEndpoint, {
        ...discoveryRequest(this.#options),
        method: "POST",
        form: auth.form,
        headers: auth.headers,
        // A code is single-use: see `idempotent` in http.ts.
        idempotent,
      });
      return { tokens: parseTokenResponse(body, status), client };
    } catch (error) {
      if (error instanceof OAuthError && error.code === "invalid_client") {
        // Registered again now, so the next authorization works even after a restart.
        this.#rejected.add(client.clientId);
        await this.#usableClient(server);
      }
      throw error;
    }
  }

  /** The client tokens were issued to: the stored registration, whatever its state. */
  async #storedClient(server: AuthorizationServerMetadata): Promise<RegisteredClient> {
    if (this.#client?.issuer === server.issuer) return this.#client;
    const stored = await this.#options.registrations.load(server.issuer);
    if (stored === undefined) {
      throw new ProviderResponseError(
        `no client is registered at ${server.issuer}; connect the account again`,
        undefined,
      );
    }
    this.#client = stored;
    return stored;
  }

  /**
   * A registration a new authorization can use: the stored one unless it is for another redirect
   * URI, its secret expired or the server refused it; else a new one, made once even when many
   * authorizations start together, and saved before it is used.
   */
  async #usableClient(server: AuthorizationServerMetadata): Promise<RegisteredClient> {
    const current =
      this.#client?.issuer === server.issuer
        ? this.#client
        : await this.#options.registrations.load(server.issuer);
    if (
      current !== undefined &&
      !this.#rejected.has(current.clientId) &&
      isUsable(current, server.issuer, this.#options.callbackUrl, Date.now())
    ) {
      this.#client = current;
      return current;
    }
    this.#registering ??= this.#register(server).finally(() => {
      this.#registering = undefined;
    });
    return this.#registering;
  }

  async #register(server: AuthorizationServerMetadata): Promise<RegisteredClient> {
    const client = await registerClient(
      server,
      { redirectUri: this.#options.callbackUrl, clientName: this.#options.clientName },
      this.#options,
    );
    await this.#options.registrations.save(client);
    this.#client = client;
    return client;
  }

  /** Undefined when the server will not name the account for this token. */
  async #userinfoName(endpoint: string, accessToken: string): Promise<string | undefined> {
    try {
      const { body } = await oauthRequest(endpoint, {
        ...discoveryRequest(this.#options),
        bearer: accessToken,
      });
      return pickNickname(body);
    } catch (error) {
      // A refusal (a token bound to the MCP server) or an odd answer: the fallback name serves.
      if (error instanceof OAuthError || error instanceof ProviderResponseError) return undefined;
      throw error;
    }
  }
}

/** The MCP spec's order: the caller's scopes, the 401's `scope`, `scopes_supported`, none. */
function pickScopes(asked: readonly string[], resource: ProtectedResource): readonly string[] {
  if (asked.length > 0) return asked;
  return resource.challengedScopes ?? resource.scopesSupported ?? [];
}

function credentialsOf(client: RegisteredClient) {
  const credentials: Parameters<typeof authenticateClient>[0] = { clientId: client.clientId };
  if (client.clientSecret !== undefined && client.tokenEndpointAuthMethod !== "none") {
    credentials.clientSecret = client.clientSecret;
    credentials.clientAuth =
      client.tokenEndpointAuthMethod === "client_secret_post" ? "post" : "basic";
  }
  return credentials;
}
