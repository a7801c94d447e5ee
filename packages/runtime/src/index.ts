export { ApiKeyVerifier, type ApiKeyVerifierOptions, createUser, issueApiKey } from "./api-keys.js";
export { type Config, ConfigError, knownVariables, loadConfig } from "./config.js";
export { openStore, type Store } from "./open-store.js";
export { TtlCache } from "./ttl-cache.js";
