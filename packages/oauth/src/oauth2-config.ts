import type { BackoffOptions } from "./backoff.js";
import type { ClientAuthMethod } from "./client-auth.js";

export interface OAuth2ProviderConfig {
  /** Stored with every connection; default "oauth2" ("oidc" when discovered). */
  name?: string;
  clientId: string;
  /** Absent for a public client, which then relies on PKCE alone. */
  clientSecret?: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** RFC 7009; without it the provider has no `revoke`. */
  revocationEndpoint?: string;
  /** Where getNickname reads the account; required unless `nickname` needs no request. */
  userinfoEndpoint?: string;
  defaultScopes?: readonly string[];
  /** RFC 6749 says space; a few providers want commas. Default " ". */
  scopeSeparator?: string;
  /** Default "basic" (client_secret_basic), which RFC 6749 §2.3.1 requires servers to support. */
  clientAuth?: ClientAuthMethod;
  /** PKCE S256; default true. Set false only for a provider that rejects it, saying why. */
  pkce?: boolean;
  /** Seconds assumed when a token response has no expiry. */
  defaultTokenLifetime?: number;
  /** Picks the account's name from the userinfo body; default: see pickNickname. */
  nickname?: (userinfo: unknown) => string | undefined;
  /** Added to every authorization URL (`access_type=offline`, `prompt=consent`...). */
  extraAuthorizationParams?: Readonly<Record<string, string>>;
  /** Per HTTP attempt. Default 10 s. */
  timeoutMs?: number;
  /** Tries per call where retrying is safe (see http.ts). Default 3. */
  attempts?: number;
  backoff?: BackoffOptions;
  /** Ends every call at once (shutdown); each attempt also has its own `timeoutMs`. */
  signal?: AbortSignal;
  /** For tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

type EndpointKey =
  | "authorizationEndpoint"
  | "tokenEndpoint"
  | "revocationEndpoint"
  | "userinfoEndpoint";

/** Everything but the endpoints, which discovery fills; an endpoint given here wins. */
export type OAuth2DiscoveryOptions = Omit<OAuth2ProviderConfig, EndpointKey> &
  Partial<Pick<OAuth2ProviderConfig, EndpointKey>>;
