export { firstAdminFile } from "./accounts/first-admin-notice.js";
export { createInvite } from "./accounts/invites.js";
export { createApp } from "./app.js";
export { issueCode } from "./authorization/codes.js";
export { MCP_SCOPE, resourceOf } from "./authorization/contracts.js";
export { openServices, type RunningPlatform, startPlatform } from "./boot.js";
export type { AppEnv, Services } from "./env.js";
export { ApiError, type ErrorCode, errorStatus } from "./errors.js";
