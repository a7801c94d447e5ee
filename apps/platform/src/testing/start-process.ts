import type { ChildProcess } from "node:child_process";
import { spawnTypeScript } from "@gumstack/db/testing";

export interface PlatformProcess {
  child: ChildProcess;
  /** Set once the platform says it listens. */
  url: string;
  output: () => string;
  stop(): Promise<number | null>;
}

/**
 * Runs a platform entry point (main.ts or cli.ts) as `npm start` does, in its own process with
 * only the environment given: the real start-up path, not a call into it.
 */
export function runEntry(
  entry: "main.ts" | "cli.ts",
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawnTypeScript(`apps/platform/src/${entry}`, { args, env });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, output: () => output, exited };
}

/** Starts the platform on a free port; resolves when it listens, rejects if it exits first. */
export async function startPlatformProcess(
  env: Record<string, string>,
  args: string[] = [],
): Promise<PlatformProcess> {
  const run = runEntry("main.ts", args, { GUMSTACK_PORT: "0", ...env });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      run.child.kill("SIGKILL");
      reject(new Error(`no start within 30 s:\n${run.output()}`));
    }, 30_000);
    run.child.stdout?.on("data", () => {
      const match = /listening on (http:\/\/\S+)/.exec(run.output());
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void run.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening:\n${run.output()}`));
    });
  });
  return {
    child: run.child,
    url,
    output: run.output,
    async stop() {
      run.child.kill("SIGTERM");
      return run.exited;
    },
  };
}
