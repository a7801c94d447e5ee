import type { Logger } from "@gumstack/log";
import type { Command, Launch } from "../command.js";
import type { DeploymentSpec, SandboxMode } from "../types.js";
import { bwrapLaunch } from "./bwrap-args.js";
import { probeBwrap } from "./probe.js";
import { sandboxView } from "./view.js";

/** How the runner isolates its servers: decided once, when it is created. */
export interface Isolation {
  /** Undefined when servers run sandboxed; else why not, for every warning about it. */
  readonly unsandboxed: string | undefined;
  /** `require` and no sandbox: every deploy is refused with this reason. */
  readonly refusal: string | undefined;
  launch(command: Command, spec: DeploymentSpec): Launch;
}

const plain = (command: Command): Launch => ({ command: command.command, args: command.args });

export function createIsolation(options: {
  mode: SandboxMode;
  bwrap: string;
  searchPath: string | undefined;
  hidden: readonly string[];
  log: Logger;
}): Isolation {
  const { mode, log } = options;
  if (mode === "off") {
    const reason = "the sandbox is turned off (GUMSTACK_SANDBOX=off)";
    log.warn(`${reason}: hosted servers run UNSANDBOXED and can read every file the platform can`);
    return { unsandboxed: reason, refusal: undefined, launch: plain };
  }
  const probe = probeBwrap(options.bwrap, options.searchPath);
  if (probe.ok) {
    log.info("hosted servers run sandboxed", { bwrap: probe.bwrap });
    return {
      unsandboxed: undefined,
      refusal: undefined,
      launch: (command, spec) =>
        bwrapLaunch(probe.bwrap, command, sandboxView(command, spec, options.hidden)),
    };
  }
  if (mode === "require") {
    log.error(
      `the sandbox is required (GUMSTACK_SANDBOX=require) but unavailable: ${probe.problem}. No hosted server will start; install bubblewrap (apt-get install bubblewrap)`,
    );
    return { unsandboxed: probe.problem, refusal: probe.problem, launch: plain };
  }
  log.warn(
    `NO SANDBOX: ${probe.problem}. Hosted servers run UNSANDBOXED and can read every file the platform can: its database, its key file, other servers' folders. Install bubblewrap (apt-get install bubblewrap), or set GUMSTACK_SANDBOX=require to refuse to start them without it`,
  );
  return { unsandboxed: probe.problem, refusal: undefined, launch: plain };
}
