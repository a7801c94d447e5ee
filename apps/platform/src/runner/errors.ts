import type { LogLine, ProcessExit } from "./types.js";

/** A deployment spec the runner refuses before starting anything; each line names the problem. */
export class InvalidSpecError extends Error {
  override readonly name = "InvalidSpecError";
  constructor(readonly problems: readonly string[]) {
    super(`invalid deployment:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}

/** A deployment that never answered `/healthz` with 200; the message ends with its last output. */
export class DeploymentFailedError extends Error {
  override readonly name = "DeploymentFailedError";
  constructor(
    readonly deploymentId: string,
    readonly reason: string,
    readonly logTail: readonly LogLine[],
    /** How the process ended, when it ended by itself before it was healthy. */
    readonly exit?: ProcessExit,
  ) {
    const tail =
      logTail.length === 0
        ? "(no output)"
        : logTail.map((line) => `  [${line.stream}] ${line.text}`).join("\n");
    super(`deployment ${deploymentId} failed: ${reason}\nlast output:\n${tail}`);
  }
}

export class RunnerClosedError extends Error {
  override readonly name = "RunnerClosedError";
  constructor() {
    super("the runner is closed: no more deployments");
  }
}

/** A deploy refused because the sandbox is required (`sandbox: "require"`) and cannot run here. */
export class SandboxUnavailableError extends Error {
  override readonly name = "SandboxUnavailableError";
  constructor(
    readonly serverId: string,
    readonly reason: string,
  ) {
    super(
      `not starting ${serverId}: the sandbox is required (GUMSTACK_SANDBOX=require) but unavailable: ${reason}`,
    );
  }
}
