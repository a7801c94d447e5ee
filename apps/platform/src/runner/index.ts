export {
  DeploymentFailedError,
  InvalidSpecError,
  RunnerClosedError,
  SandboxUnavailableError,
} from "./errors.js";
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
  SandboxMode,
} from "./types.js";
