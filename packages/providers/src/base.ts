import {
  type AuthorizationUrlOptions,
  OAuth2Provider,
  type OAuth2ProviderConfig,
  ProviderResponseError,
} from "@gumstack/oauth";
import { withRequiredScopes } from "./scopes.js";

export interface CatalogProviderConfig extends OAuth2ProviderConfig {
  name: string;
  /** Always asked for, whatever the server configures (see scopes.ts). */
  requiredScopes?: readonly string[];
}

/**
 * The generic OAuth2Provider plus what every catalog provider shares: scopes it always asks for,
 * and a way to say that an account-naming answer named no account.
 *
 * Network calls are not made with arctic 3.7.0's provider classes: they call the global fetch with
 * no timeout, abort signal, retry or injectable fetch, and hard-code their endpoints. Its endpoints
 * and fixed parameters are still our reference: arctic.test.ts checks ours against them.
 */
export class CatalogProvider extends OAuth2Provider {
  readonly requiredScopes: readonly string[];

  constructor(config: CatalogProviderConfig) {
    super(config);
    this.requiredScopes = config.requiredScopes ?? [];
  }

  override getUrl(redirectUri: string, state: string, options: AuthorizationUrlOptions): URL {
    return super.getUrl(redirectUri, state, { ...options, scopes: this.scopesFor(options) });
  }

  /** The scopes an authorization URL asks for: the configured ones, or the defaults, + required. */
  protected scopesFor(options: AuthorizationUrlOptions): string[] {
    const asked = options.scopes.length > 0 ? options.scopes : (this.defaultScopes ?? []);
    return withRequiredScopes(asked, this.requiredScopes);
  }

  protected noAccount(where: string, status: number): ProviderResponseError {
    return new ProviderResponseError(`${this.name}: ${where} names no account`, status);
  }
}
