export {
  type BeginInput,
  type Begun,
  browserCookieName,
  type CallbackInput,
  type Completed,
} from "./authorize.js";
export { type AccessRequest, Broker } from "./broker.js";
export { type AccessGrant, type ConnectionRow, credentialsOf } from "./connection-store.js";
export type { ConnectionSummary, Disconnected } from "./disconnect.js";
export {
  CallbackError,
  type CallbackFailure,
  ConnectionRequiredError,
  RefreshUnavailableError,
  ReturnUrlError,
} from "./errors.js";
export type { BrokerOptions, ProviderCallOptions } from "./options.js";
export {
  type CredentialRequest,
  CredentialResolver,
  type CredentialServer,
  type FieldRule,
  type LinkPurpose,
  type ResolverOptions,
  type ServerAuth,
} from "./resolve/index.js";
