export { DeploymentFailedError, InvalidSpecError, RunnerClosedError } from "./errors.js";
export { createLocalRunner } from "./local-runner.js";
export type {
  DeploymentInfo,
  DeploymentSpec,
  DeploymentStatus,
  Lease,
  LogLine,
  ProcessExit,
  RestartBackoff,
  Runner,
  RunnerOptions,
} from "./types.js";
