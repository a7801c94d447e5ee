import { authenticateClient } from "./client-auth.js";
import { discoverEndpoints } from "./discovery.js";
import { ProviderResponseError } from "./errors.js";
import { type OAuthRequestOptions, type OAuthResponse, oauthRequest } from "./http.js";
import { pickNickname } from "./nickname.js";
import type { OAuth2DiscoveryOptions, OAuth2ProviderConfig } from "./oauth2-config.js";
import { codeChallengeS256 } from "./pkce.js";
import type {
  AuthorizationUrlOptions,
  AuthProvider,
  ExchangeOptions,
  TokenResponse,
} from "./provider.js";
import { parseTokenResponse } from "./token-response.js";

/**
 * A standard OAuth 2.0 (RFC 6749) provider: authorization code with PKCE, refresh, RFC 7009
 * revocation, OIDC userinfo and discovery. Provider-specific classes configure or extend it.
 *
 * Not built on arctic 3.7.0: its generic OAuth2Client calls the global fetch with no timeout,
 * retry or injectable fetch, and its token getters want a numeric expires_in (Entra sends a
 * string), so every call would have been wrapped anyway. Ours is the small http.ts below it.
 */
export class OAuth2Provider implements AuthProvider {
  readonly name: string;
  readonly pkce: boolean;
  readonly defaultTokenLifetime?: number;
  readonly defaultScopes?: readonly string[];
  /** Present only when the provider has a revocation endpoint, so callers can tell. */
  readonly revoke?: (token: string) => Promise<void>;
  readonly #config: OAuth2ProviderConfig;

  constructor(config: OAuth2ProviderConfig) {
    this.#config = config;
    this.name = config.name ?? "oauth2";
    this.pkce = config.pkce ?? true;
    if (config.defaultTokenLifetime !== undefined) {
      this.defaultTokenLifetime = config.defaultTokenLifetime;
    }
    if (config.defaultScopes !== undefined) this.defaultScopes = config.defaultScopes;
    const { revocationEndpoint } = config;
    if (revocationEndpoint !== undefined) {
      this.revoke = (token) => this.#revoke(revocationEndpoint, token);
    }
  }

  /** Reads the issuer's OIDC discovery document and fills in the endpoints it names. */
  static async discover(issuer: string, options: OAuth2DiscoveryOptions): Promise<OAuth2Provider> {
    const discovered = await discoverEndpoints(issuer, options);
    return new OAuth2Provider({ name: "oidc", ...discovered, ...options });
  }

  getUrl(redirectUri: string, state: string, options: AuthorizationUrlOptions): URL {
    const url = new URL(this.#config.authorizationEndpoint);
    // Extras first, so none can replace a parameter the flow depends on.
    for (const [key, value] of Object.entries(this.#config.extraAuthorizationParams ?? {})) {
      url.searchParams.set(key, value);
    }
    url.searchParams.set("response_type", "code");
    url.searchParams.set("client_id", this.#config.clientId);
    url.searchParams.set("redirect_uri", redirectUri);
    url.searchParams.set("state", state);
    const scopes = options.scopes.length > 0 ? options.scopes : (this.defaultScopes ?? []);
    if (scopes.length > 0) {
      url.searchParams.set("scope", scopes.join(this.#config.scopeSeparator ?? " "));
    }
    if (options.codeVerifier !== undefined) {
      url.searchParams.set("code_challenge", codeChallengeS256(options.codeVerifier));
      url.searchParams.set("code_challenge_method", "S256");
    }
    return url;
  }

  async exchange(
    code: string,
    redirectUri: string,
    options: ExchangeOptions,
  ): Promise<TokenResponse> {
    const form: Record<string, string> = {
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
    };
    if (options.codeVerifier !== undefined) form.code_verifier = options.codeVerifier;
    // A code is single-use: see `idempotent` in http.ts for what may be retried.
    return this.#tokenRequest(form, { idempotent: false });
  }

  /**
   * Retried on transient failures. A provider that rotates refresh tokens and detects reuse could
   * read a retry after a lost response as reuse; the ones we know allow a grace period.
   */
  async refresh(refreshToken: string): Promise<TokenResponse> {
    return this.#tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken }, {});
  }

  async getNickname(accessToken: string): Promise<string> {
    const endpoint = this.#config.userinfoEndpoint;
    if (endpoint === undefined) {
      throw new ProviderResponseError(`provider ${this.name} has no userinfo endpoint`, undefined);
    }
    const { status, body } = await this.request(endpoint, { method: "GET", bearer: accessToken });
    const nickname = (this.#config.nickname ?? pickNickname)(body);
    if (nickname === undefined) {
      throw new ProviderResponseError("userinfo names no account", status);
    }
    return nickname;
  }

  /**
   * One HTTP call with this provider's timeout, retries, backoff, signal and fetch, for the
   * provider-specific calls of subclasses (a nickname API, a non-standard revocation).
   */
  protected request(url: string, options: OAuthRequestOptions): Promise<OAuthResponse> {
    return oauthRequest(url, { ...this.#requestDefaults(), ...options });
  }

  /** The form with this client's credentials added, as the token endpoint wants them. */
  protected authenticate(form: Record<string, string>): {
    form: Record<string, string>;
    headers: Record<string, string>;
  } {
    return authenticateClient(this.#config, form);
  }

  /** Reads a token endpoint's answer; a provider that nests its tokens (Slack) overrides this. */
  protected parseTokens(body: unknown, status: number): TokenResponse {
    return parseTokenResponse(body, status);
  }

  async #tokenRequest(
    form: Record<string, string>,
    options: Pick<OAuthRequestOptions, "idempotent">,
  ): Promise<TokenResponse> {
    const auth = this.authenticate(form);
    const { status, body } = await this.request(this.#config.tokenEndpoint, {
      ...options,
      method: "POST",
      form: auth.form,
      headers: auth.headers,
    });
    return this.parseTokens(body, status);
  }

  /** RFC 7009: the server answers 200 whether or not the token was valid; retrying is harmless. */
  async #revoke(endpoint: string, token: string): Promise<void> {
    const auth = this.authenticate({ token });
    await this.request(endpoint, { method: "POST", form: auth.form, headers: auth.headers });
  }

  #requestDefaults(): Omit<OAuthRequestOptions, "method"> {
    const { timeoutMs, attempts, backoff, fetch, signal } = this.#config;
    const defaults: Omit<OAuthRequestOptions, "method"> = {};
    if (timeoutMs !== undefined) defaults.timeoutMs = timeoutMs;
    if (attempts !== undefined) defaults.attempts = attempts;
    if (backoff !== undefined) defaults.backoff = backoff;
    if (signal !== undefined) defaults.signal = signal;
    if (fetch !== undefined) defaults.fetch = fetch;
    return defaults;
  }
}
