export { createApp } from "./app.js";
export { openServices, type RunningPlatform, startPlatform } from "./boot.js";
export { type Config, ConfigError, loadConfig } from "./config.js";
export type { AppEnv, Services } from "./env.js";
export { ApiError, type ErrorCode, errorStatus } from "./errors.js";
export { createLogger, type Logger } from "./log.js";
