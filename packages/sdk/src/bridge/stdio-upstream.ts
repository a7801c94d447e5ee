import { type ChildExit, StdioChild } from "./child.js";
import { Relay } from "./relay.js";
import type { StdioProxySpec } from "./spec.js";
import { ToolNames } from "./tool-names.js";
import { toolPolicy } from "./tool-policy.js";
import type { Upstream, UpstreamContext } from "./upstream.js";

/** At a stop, how long the child's process group gets after SIGTERM before SIGKILL. */
const KILL_AFTER_MS = 5_000;

/** A stdio command as the bridge's child: started now, gone when it exits (the bridge with it). */
export function stdioUpstream(spec: StdioProxySpec, o: UpstreamContext): Upstream {
  let relay: Relay | undefined;
  const exited = (exit: ChildExit) => {
    const reason = `the server's process ${describeExit(exit)}`;
    // In-flight requests are answered before the bridge goes (the runner starts a new one).
    relay?.upstreamGone(reason);
    o.failed(reason);
  };
  const child = new StdioChild({
    command: spec.command,
    args: spec.args,
    cwd: o.settings.cwd,
    env: o.settings.childEnv,
    log: o.log,
    message: (message) => relay?.fromUpstream(message),
    exited,
  });
  relay = new Relay({
    router: o.router,
    upstream: child,
    tools: new ToolNames(toolPolicy(spec.tools, spec.name)),
    perUser: spec.user !== undefined,
    log: o.log,
  });
  const started = relay;
  return {
    relay: started,
    fields: { pid: child.pid },
    start: () => started.initialize(),
    stop: async () => {
      const how = await child.stop(KILL_AFTER_MS);
      o.log.info(`the server's process ${how === "killed" ? "was killed (SIGKILL)" : "stopped"}`);
    },
  };
}

function describeExit(exit: ChildExit): string {
  if (exit.error !== undefined) return `could not start: ${exit.error}`;
  if (exit.signal !== null) return `was ended by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}
