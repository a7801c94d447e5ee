import {
  type AuthorizationUrlOptions,
  type AuthProvider,
  type ExchangeOptions,
  OAuth2Provider,
  ProviderResponseError,
  type TokenResponse,
} from "@gumstack/oauth";
import { type ProviderOptions, transportOf } from "../options.js";
import { withRequiredScopes } from "../scopes.js";

export interface OidcOptions extends Omit<ProviderOptions, "urls"> {
  /** The issuer; its discovery document is `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
}

/**
 * Any OpenID Provider (Okta, Auth0, Keycloak, Authentik, Zitadel...), found by discovery. The
 * catalog builds providers synchronously, so discovery happens at the first call and is kept; a
 * failed discovery is tried again at the next call.
 */
export class OidcProvider implements AuthProvider {
  readonly name = "oidc";
  readonly pkce = true;
  readonly defaultScopes: readonly string[];
  readonly #options: OidcOptions;
  #discovered: Promise<OAuth2Provider> | undefined;

  constructor(options: OidcOptions) {
    this.#options = options;
    this.defaultScopes = options.defaultScopes ?? ["openid", "profile", "email"];
  }

  /** The discovered provider; discovery runs once, and again only after it failed. */
  discover(): Promise<OAuth2Provider> {
    this.#discovered ??= OAuth2Provider.discover(this.#options.issuer, {
      ...transportOf(this.#options),
      name: this.name,
    }).catch((error: unknown) => {
      this.#discovered = undefined;
      throw error;
    });
    return this.#discovered;
  }

  async getUrl(redirectUri: string, state: string, options: AuthorizationUrlOptions): Promise<URL> {
    const asked = options.scopes.length > 0 ? options.scopes : this.defaultScopes;
    // Without openid an OpenID Provider's userinfo endpoint refuses the token.
    const scopes = withRequiredScopes(asked, ["openid"]);
    return (await this.discover()).getUrl(redirectUri, state, { ...options, scopes });
  }

  async exchange(
    code: string,
    redirectUri: string,
    options: ExchangeOptions,
  ): Promise<TokenResponse> {
    return (await this.discover()).exchange(code, redirectUri, options);
  }

  async refresh(refreshToken: string): Promise<TokenResponse> {
    return (await this.discover()).refresh(refreshToken);
  }

  async getNickname(accessToken: string): Promise<string> {
    return (await this.discover()).getNickname(accessToken);
  }

  /** Present before discovery can tell; an issuer without RFC 7009 revocation fails it plainly. */
  async revoke(token: string): Promise<void> {
    const provider = await this.discover();
    if (provider.revoke === undefined) {
      throw new ProviderResponseError(
        `issuer ${this.#options.issuer} has no revocation endpoint`,
        undefined,
      );
    }
    await provider.revoke(token);
  }
}
