export type { BackoffOptions } from "./backoff.js";
export type { ClientAuthMethod } from "./client-auth.js";
export {
  type DiscoveredEndpoints,
  type DiscoveryRequestOptions,
  discoverEndpoints,
} from "./discovery.js";
export { OAuthError, ProviderResponseError, ProviderUnavailableError } from "./errors.js";
export { type OAuthRequestOptions, type OAuthResponse, oauthRequest } from "./http.js";
export type { AuthorizationServerMetadata } from "./mcp/authorization-server.js";
export type { ProtectedResource } from "./mcp/protected-resource.js";
export type {
  ClientRegistrations,
  RegisteredClient,
  TokenEndpointAuthMethod,
} from "./mcp/registration.js";
export {
  createMcpServerProvider,
  McpServerProvider,
  type McpServerProviderOptions,
} from "./mcp-server-provider.js";
export { pickNickname } from "./nickname.js";
export type { OAuth2DiscoveryOptions, OAuth2ProviderConfig } from "./oauth2-config.js";
export { OAuth2Provider } from "./oauth2-provider.js";
export { codeChallengeS256, createCodeVerifier } from "./pkce.js";
export type {
  AuthorizationUrlOptions,
  AuthProvider,
  ExchangeOptions,
  TokenResponse,
} from "./provider.js";
export { parseTokenResponse } from "./token-response.js";
export { parseBearerChallenge } from "./www-authenticate.js";
