// The platform as `npm start` runs it (apps/platform/src/main.ts in a process of its own, through
// the platform's test harness for that), with every wait bounded and no process left behind.
import type { ChildProcess } from "node:child_process";
import { runEntry } from "../../apps/platform/src/testing/start-process.js";
import { childrenOf, commandLine } from "../shared/proc.js";

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

export interface PlatformProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** SIGTERM, SIGKILL after 20 s; then any server process it left behind is killed too. */
  stop(): Promise<void>;
}

/** Starts main.ts with only `env` (and PATH); resolves once it says where it listens. */
export async function startPlatformProcess(env: Record<string, string>): Promise<PlatformProcess> {
  const run = runEntry("main.ts", [], env);
  const pid = run.child.pid;
  let timer: NodeJS.Timeout | undefined;
  const stop = async () => {
    // The servers lead process groups of their own: one the platform did not stop would live on.
    // (Only servers: tsx's esbuild helper, started when its cache is cold, ends on its own.)
    const servers =
      pid === undefined || run.child.exitCode !== null
        ? []
        : childrenOf(pid).filter((child) => /\/apps\//.test(commandLineIfAlive(child)));
    const killer = setTimeout(() => run.child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    run.child.kill("SIGTERM");
    const code = await run.exited;
    clearTimeout(killer);
    if (code !== 0) process.stderr.write(`the platform exited with ${code} on SIGTERM\n`);
    for (const server of servers) {
      try {
        process.kill(server, "SIGKILL");
        process.stderr.write(`server process ${server} outlived the platform: killed\n`);
      } catch {
        // gone, as it should be
      }
    }
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`not listening after ${START_TIMEOUT_MS / 1000} s:\n${run.output()}`)),
        START_TIMEOUT_MS,
      );
      run.child.stdout?.on("data", () => {
        const match = /listening on (http:\/\/\S+)/.exec(run.output());
        if (match?.[1]) resolve(match[1]);
      });
      void run.exited.then((code) =>
        reject(new Error(`exited with ${code} before listening:\n${run.output()}`)),
      );
    });
    if (pid === undefined) throw new Error("the platform process has no pid");
    return { child: run.child, pid, url, output: run.output, stop };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function commandLineIfAlive(pid: number): string {
  try {
    return commandLine(pid);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return ""; // it ended meanwhile
    throw error;
  }
}
