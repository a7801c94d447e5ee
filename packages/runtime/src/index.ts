export { ApiKeyVerifier, type ApiKeyVerifierOptions, createUser, issueApiKey } from "./api-keys.js";
export { type Config, ConfigError, knownVariables, loadConfig } from "./config.js";
export {
  AuthTypeMismatchError,
  type CredentialKind,
  CredentialsUnavailableError,
  callFor,
  UnknownUserError,
} from "./credential-errors.js";
export {
  type Clock,
  clockOf,
  DeadlineExceededError,
  HOP_MARGIN_MS,
  type Hop,
  hops,
  withDeadline,
} from "./deadline.js";
export { readFieldValues, saveFieldValues } from "./field-values.js";
export { openStore, type Store } from "./open-store.js";
export { credentialForm, errorPage, type FormField, messagePage, page } from "./pages.js";
export {
  CONTEXT_HEADER,
  type ContextProblem,
  isRuntimeSecret,
  MAX_CONTEXT_TTL_MS,
  mintContext,
  type RequestContext,
  readContext,
  runtimeSecretFor,
} from "./request-context.js";
export { issueTicket, readTicket, TICKET_TTL_MS, type Ticket } from "./tickets.js";
export { TtlCache } from "./ttl-cache.js";
