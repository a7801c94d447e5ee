export { apiKeys } from "./api-keys.js";
export { type ConnectionStatus, connections } from "./connections.js";
export { credentials } from "./credentials.js";
export { envVars } from "./env-vars.js";
export { oauthStates } from "./oauth-states.js";
export { type AuthType, servers } from "./servers.js";
export { sessions } from "./sessions.js";
export { users } from "./users.js";
export { vaultCanaries } from "./vault-canaries.js";
