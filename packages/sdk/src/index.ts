export {
  type AuthorizationUrlOptions,
  type AuthProvider,
  type ExchangeOptions,
  type OAuth2DiscoveryOptions,
  OAuth2Provider,
  type OAuth2ProviderConfig,
  OAuthError,
  ProviderResponseError,
  ProviderUnavailableError,
  type TokenResponse,
} from "@gumstack/oauth";
/** Why getCredentials() can fail besides AuthRequiredError: the same classes standalone and hosted. */
export {
  AuthTypeMismatchError,
  CredentialsUnavailableError,
  DeadlineExceededError,
  type Hop,
  UnknownUserError,
} from "@gumstack/runtime";
/** The bridge of proxied servers (stdio, remote): what the platform's runner starts, its contract. */
export {
  BRIDGE_ENTRY,
  CREDENTIALS_REFUSED_EXIT,
  MAX_TOOL_NAME_LENGTH,
  PROXY_ENV,
  type ProxySpec,
  parseProxySpec,
  proxySpecSchema,
  type RemoteProxySpec,
  type StdioProxySpec,
  shortenToolName,
  type ToolPolicy,
  type ToolRules,
  toolPolicy,
} from "./bridge/index.js";
export {
  type AuthMode,
  authConfigSchema,
  type CredentialField,
  configError,
  loadServerConfig,
  parseServerConfig,
  type ServerConfig,
  type ServerConfigInput,
} from "./config.js";
export type { FieldValues, OAuthCredentials } from "./context.js";
export {
  AuthRequiredError,
  AuthTypeChangedError,
  CredentialsContextError,
  ServerConfigError,
} from "./errors.js";
export { type CredentialsFor, getCredentials } from "./get-credentials.js";
export { GumstackHost, type HostOptions } from "./host/gumstack-host.js";
/** The browser ends of a connection, for a host that serves /auth/* itself (the platform does). */
export { beginConnection, finishConnection } from "./host/routes/oauth-flow.js";
export {
  isReservedName,
  MAX_VARIABLE_NAME_LENGTH,
  unsafeNameProblem,
  VARIABLE_NAME,
  variableNameProblem,
  withoutReserved,
} from "./names.js";
