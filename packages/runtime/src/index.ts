export { addressProblem } from "./addresses.js";
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
  CREDENTIALS_WAIT_MS,
  clockOf,
  DeadlineExceededError,
  HOP_MARGIN_MS,
  type Hop,
  hops,
  withDeadline,
} from "./deadline.js";
export { formValues, readFieldValues, saveFieldValues } from "./field-values.js";
export { MCP_METHODS, mcpCorsHeaders, mcpPreflightHeaders } from "./mcp-cors.js";
export { openStore, type Store } from "./open-store.js";
export { crossOriginProblem, originsOf, type RequestOrigin } from "./origin.js";
export { flowPageHeaders, pageHeaders } from "./page-headers.js";
export {
  accountLabel,
  confirmConnectPage,
  credentialForm,
  errorPage,
  type FormField,
  maskedEmail,
  messagePage,
  page,
  signInFirstPage,
  wrongAccountPage,
} from "./pages.js";
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
export { safeLocalPath, safeReturnUrl } from "./return-url.js";
export { type Limit, Throttle, type Verdict } from "./throttle.js";
export {
  issueTicket,
  readTicket,
  releaseTicket,
  TICKET_TTL_MS,
  type Ticket,
  useTicketOnce,
} from "./tickets.js";
export { TtlCache } from "./ttl-cache.js";
