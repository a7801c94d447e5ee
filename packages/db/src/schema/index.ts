export { apiKeys } from "./api-keys.js";
export { type ConnectionStatus, connections } from "./connections.js";
export { credentials } from "./credentials.js";
export { deployments } from "./deployments.js";
export { envVars } from "./env-vars.js";
export { invites } from "./invites.js";
export {
  type McpClientKind,
  type McpTokenAuthMethod,
  type McpTokenKind,
  mcpClients,
  mcpCodes,
  mcpGrants,
  mcpTokens,
} from "./mcp-authorization.js";
export { oauthStates } from "./oauth-states.js";
export { rateLimits } from "./rate-limits.js";
export { type AuthType, servers } from "./servers.js";
export { sessions } from "./sessions.js";
export { type ToolCallOutcome, toolCalls } from "./tool-calls.js";
export { upstreamClients } from "./upstream-clients.js";
export { usedTickets } from "./used-tickets.js";
export { users } from "./users.js";
export { vaultCanaries } from "./vault-canaries.js";
