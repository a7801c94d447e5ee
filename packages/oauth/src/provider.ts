/**
 * The contract between Gumstack and an OAuth provider. A provider holds only its quirks; the
 * broker (packages/broker) does state, PKCE, storage and refresh around it.
 */
export interface AuthorizationUrlOptions {
  /** PKCE verifier; absent when the provider opts out (`pkce: false`). */
  codeVerifier?: string;
  scopes: readonly string[];
}

export interface ExchangeOptions {
  codeVerifier?: string;
  /**
   * The `iss` of the authorization response (RFC 9207), when the callback had one. A provider
   * that knows its issuer refuses a code that names another (a mix-up attack).
   */
  issuer?: string;
}

export interface TokenResponse {
  accessToken: string;
  refreshToken?: string;
  /** Seconds from when the response was received; providers send this. */
  expiresIn?: number;
  /** Absolute expiry, when a provider states one instead. */
  expiresAt?: Date;
  scopes?: string[];
  tokenType: string;
  /** The provider's whole answer, for provider-specific fields. Never logged, never shown. */
  raw: Record<string, unknown>;
  /**
   * What a tool needs besides the token to use it, and that is no secret: Atlassian's cloud id,
   * Salesforce's instance URL, Slack's team. Stored in clear with the connection and handed to
   * tools as `extras`; a refresh that sends new ones replaces them.
   */
  extras?: Record<string, string>;
}

export interface AuthProvider {
  /** Stable name: it is stored with every connection (`github`, `linear`, `oidc`...). */
  readonly name: string;
  /** PKCE (S256) is on unless a provider sets this to false, with a comment saying why. */
  readonly pkce?: boolean;
  /**
   * Lifetime assumed when a token response carries no expiry, in seconds, so a refreshable
   * token never has an unknown expiry. The broker uses 3600 when this is unset.
   */
  readonly defaultTokenLifetime?: number;
  /** Scopes asked for when the server's configuration names none. */
  readonly defaultScopes?: readonly string[];

  getUrl(redirectUri: string, state: string, options: AuthorizationUrlOptions): Promise<URL> | URL;
  exchange(code: string, redirectUri: string, options: ExchangeOptions): Promise<TokenResponse>;
  refresh(refreshToken: string): Promise<TokenResponse>;
  /** The connected account's display name (login, email, workspace...). */
  getNickname(accessToken: string): Promise<string>;
  revoke?(token: string): Promise<void>;
}
