export { createApp } from "./app.js";
export { openServices, type RunningPlatform, startPlatform } from "./boot.js";
export type { AppEnv, Services } from "./env.js";
export { ApiError, type ErrorCode, errorStatus } from "./errors.js";
