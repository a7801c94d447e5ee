export { OAuthError, ProviderResponseError, ProviderUnavailableError } from "./errors.js";
export type {
  AuthorizationUrlOptions,
  AuthProvider,
  ExchangeOptions,
  TokenResponse,
} from "./provider.js";
