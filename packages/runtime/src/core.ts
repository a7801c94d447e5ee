/*
 * What a server process needs of the runtime without the database: configuration, the signed
 * request context, deadlines, origin and CORS rules, credential errors, a TTL cache. The main
 * entry (index.ts) also exports the store, API keys, throttling and tickets, which load the
 * database drivers (PGlite, postgres, drizzle: some 60 MiB resident in a process that never
 * opens a database). The stdio bridge, one process per user, imports this instead.
 */
export { addressProblem } from "./addresses.js";
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
export { MCP_METHODS, mcpCorsHeaders, mcpPreflightHeaders } from "./mcp-cors.js";
export { crossOriginProblem, originsOf, type RequestOrigin } from "./origin.js";
export { CLIENT_GONE, readBody } from "./read-body.js";
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
export { TtlCache } from "./ttl-cache.js";
