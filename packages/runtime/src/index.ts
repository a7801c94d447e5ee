export { ApiKeyVerifier, type ApiKeyVerifierOptions, createUser, issueApiKey } from "./api-keys.js";
export { type Config, ConfigError, knownVariables, loadConfig } from "./config.js";
export { openStore, type Store } from "./open-store.js";
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
